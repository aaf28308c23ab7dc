"""``iads run`` writes scene.json, and its threat tracks are where the engine's events put the
threats (one real run; the other viewer tests use ``tests.viewer.rundir``'s synthetic run)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from iads.cli import app
from iads.viewer.run import load_run, threat_track
from iads.viewer.scene import SCENE_SCHEMA, track_times_s
from tests.engine.scenarios import write
from tests.test_cli import small

M_PER_DEG = 111_195.0


def test_track_times_cover_the_run_at_most_every_step():
    t = track_times_s(1500.0, 1.0)
    assert t[0] == 0.0 and t[-1] == 1500.0 and len(t) <= 600
    assert np.all(np.diff(t) >= 1.0)
    assert track_times_s(100.0, 1.0).tolist() == [float(i) for i in range(101)]
    assert track_times_s(10.0, 3.0).tolist() == [0.0, 3.0, 6.0, 9.0, 10.0]


@pytest.mark.slow
def test_run_writes_a_scene_whose_tracks_meet_the_engines_events(tmp_path):
    # tests/test_cli.py's small scenario and arguments: the same compiled engine
    scenario = write(tmp_path, small())
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app, ["run", str(scenario), "--out", str(out), "--replications", "3", "--seed", "5"]
    )
    assert res.exit_code == 0, (res.output, res.exception)
    scene = json.loads((out / "scene.json").read_text())
    report = (out / "report.html").read_text()
    assert '<section id="replay">' in report and f"iads serve {out}" in report
    assert scene["schema"] == SCENE_SCHEMA and scene["replications"] == 3
    assert {s["name"] for s in scene["sites"]} == {"bn", "asset"}
    bn = next(s for s in scene["sites"] if s["name"] == "bn")
    assert {r["kind"] for r in bn["rings"]} == {"missile", "radar"}
    (route,) = scene["routes"]
    assert [t["launch_s"] for t in scene["threats"]] == [0.0, 10.0, 20.0]
    for t in scene["threats"]:
        assert t["lat_deg"][0] == pytest.approx(route["points"][0][0], abs=1e-4)
    run = load_run(out)
    checked = 0
    for i in range(run.replications):
        rep = run.replication(i)
        for p in rep["intercepts"]:
            th = scene["threats"][p["threat"]]
            fate = rep["threats"][p["threat"]]
            time_s, lat, lon, _ = threat_track(th, scene["track_times_s"], fate["end_s"])
            assert time_s[-1] == pytest.approx(p["time_s"])
            # the replay's threat is where the engine's missile ended its flight (within the
            # end-game miss and any evasive weave: well under a kilometre)
            north = (lat[-1] - p["lat_deg"]) * M_PER_DEG
            east = (lon[-1] - p["lon_deg"]) * M_PER_DEG * np.cos(np.radians(p["lat_deg"]))
            assert np.hypot(north, east) < 1000.0
            checked += 1
    assert checked > 0
