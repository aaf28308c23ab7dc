"""One small run directory per test session, shared by the viewer and export tests.

It is ``tests/test_cli.py``'s small scenario (three drones from 12 km north, one battery, three
replications, seed 5): the same shape as the CLI test's run, so the two share one compiled
engine in a session. Every drone is destroyed in every replication.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli import app
from tests.engine.scenarios import write
from tests.test_cli import small

REPLICATIONS = 3
_built: dict[str, Path] = {}


def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's run directory (built on first use)."""
    if "run" not in _built:
        root = tmp_path_factory.mktemp("replay")
        scenario = write(root, small())
        out = root / "run"
        args = ["run", str(scenario), "--out", str(out), "--seed", "5"]
        res = CliRunner().invoke(app, [*args, "--replications", str(REPLICATIONS)])
        assert res.exit_code == 0, res.output
        _built["run"] = out
    return _built["run"]
