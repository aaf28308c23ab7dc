"""A small study shared by the sweep tests: two F-35-class fighters from 300 km north against
one battery, swept over the fighters' RCS (a value-only sweep: one compiled engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from iads.cli import app
from tests.engine.scenarios import base, north_of, write

RCS_PATH = "threats.f35_class.rcs_m2"
RCS_VALUES = (0.001, 0.003, 0.01)
GRID = f"{RCS_PATH}={','.join(str(v) for v in RCS_VALUES)}"
REPLICATIONS = 4

runner = CliRunner()


def fighter_scenario(**over: Any) -> dict[str, Any]:
    """The study's scenario: 400 s, one 9M96E2 launcher, two fighters at 10 km."""
    d = base(duration_s=400.0, replications=REPLICATIONS, seed=3)
    d["batteries"][0]["launchers"] = [{"type": "5P85SE2", "count": 1, "missile": "9M96E2"}]
    d["raid"] = [
        {
            "name": "f35",
            "threat": "f35_class",
            "count": 2,
            "spacing_s": 5.0,
            "target": "asset",
            "route": [north_of(300.0, 10000.0)],
        }
    ]
    d.update(over)
    return d


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture(scope="session")
def scenario_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return write(tmp_path_factory.mktemp("scenario"), fighter_scenario())


@pytest.fixture(scope="session")
def rcs_study(tmp_path_factory, scenario_file) -> tuple[Path, int]:  # type: ignore[no-untyped-def]
    """The RCS study run once; returns its directory and the engine compilations it made."""
    from iads.engine.run import _run_batch

    out = tmp_path_factory.mktemp("study") / "rcs"
    before = _run_batch._cache_size()
    res = invoke("sweep", str(scenario_file), "--grid", GRID, "--out", str(out))
    assert res.exit_code == 0, res.output
    return out, _run_batch._cache_size() - before
