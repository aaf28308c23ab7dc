"""The README and docs as a reader of a fresh clone meets them: every command in them works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from iads.cli import app
from tests.engine.scenarios import base, write

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_docs_point_only_at_files_of_the_project() -> None:
    """A fresh clone has no ../shared: nothing a user reads may send them there."""
    docs = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    for doc in docs:
        assert "../shared" not in doc.read_text(encoding="utf-8"), doc
    for name in re.findall(r"`([A-Za-z_./-]+\.md)`", README):
        assert (ROOT / name).exists(), f"README names {name}, which is not in the project"


def test_the_readmes_duckdb_query_runs_with_what_pip_installs(tmp_path) -> None:
    (line,) = [ln for ln in README.splitlines() if "import duckdb" in ln]
    out = tmp_path / "iads-demo"
    d = base(duration_s=120.0, replications=1)
    d["raid"][0]["count"] = 1
    scn = write(tmp_path, d)
    res = CliRunner().invoke(app, ["run", str(scn), "--out", str(out)])
    assert res.exit_code == 0, res.output
    command = line.strip().replace(".venv/bin/python", sys.executable, 1)
    done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "launch" in done.stdout and "detect" in done.stdout


def test_the_tutorials_outputs_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for out in re.findall(r"--out (\w[\w-]*)/?", README):
        assert f"/{out}/" in ignored, f"--out {out} of the README is not in .gitignore"
    assert "/iads-demo/" in ignored


def test_the_readmes_assignment_example_gives_what_its_comments_say() -> None:
    # hand check: type 0 on targets 0 and 2 leaves 100·0.1 + 30·0.5, type 1 on 1 leaves 60·0.2
    section = README.split("### 7. Weapon–target assignment", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(code, scope)  # the README's own example
    res: Any = scope["res"]
    assert res.assignment.tolist() == [[1, 0, 1], [0, 1, 0]]
    assert abs(res.expected_survival - 37.0) < 1e-9 and res.optimal
    assert "# [[1, 0, 1], [0, 1, 0]]" in code and "# 37.0 (10 + 12 + 15)" in code
