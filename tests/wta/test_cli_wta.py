"""``iads wta``: value, bound, gap and time; bad input is one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli import app
from tests.wta.test_instance import GOOD, write

runner = CliRunner()


@pytest.mark.parametrize("method", ["exact", "heuristic", "linearised"])
def test_wta_prints_value_bound_gap_and_time(tmp_path: Path, method: str) -> None:
    result = runner.invoke(app, ["wta", str(write(tmp_path, GOOD)), "--method", method])
    assert result.exit_code == 0, result.output
    for word in ("expected surviving value", "lower bound", "gap", "time"):
        assert word in result.output
    if method != "heuristic":
        assert "(optimal)" in result.output


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (GOOD.replace("0 1 0.25", "0 1 nan"), [], "line 6: probability must be finite"),
        (GOOD.replace("0 1 0.25", "0 1 2"), [], "line 6: probability must be in [0, 1]"),
        (GOOD.rsplit("\n", 2)[0] + "\n", [], "the file ends early"),
        ("x y z\n", [], "line 1: m must be an integer"),
        (GOOD, ["--method", "simplex"], "--method: must be one of exact, heuristic"),
        (GOOD, ["--time-limit-s", "-1"], "--time-limit-s: must be >= 0"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    tmp_path: Path, text: str, args: list[str], message: str
) -> None:
    path = write(tmp_path, text)
    result = runner.invoke(app, ["wta", str(path), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"iads: error: {path}: ")
    assert message in lines[0]
