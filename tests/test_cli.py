"""The command line: outputs and their formats, and one-line errors with exit 2 on bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from iads.cli import DEMO_SCENARIO, app
from iads.results import EVENT_KINDS, EVENT_SCHEMA
from tests.engine.scenarios import base, raid_group, write

runner = CliRunner()


def small(**over):  # type: ignore[no-untyped-def]
    d = base(duration_s=300.0, replications=3)
    d["raid"] = [raid_group("drones", "one_way_attack_drone", 3, 10.0, 12.0, 1000.0)]
    d.update(over)
    return d


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_run_writes_summary_events_and_report(tmp_path):
    scn = write(tmp_path, small())
    out = tmp_path / "out"
    res = invoke("run", str(scn), "--out", str(out), "--replications", "3", "--seed", "5")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "events.parquet",
        "report.html",
        "scene.json",
        "summary.json",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 3 and summary["seed"] == 5
    assert {"scenario", "iads_version", "threats", "missiles_fired", "assets"} <= set(summary)
    (th,) = summary["threats"]
    assert th["type"] == "one_way_attack_drone" and th["count"] == 3
    for key in ("detected", "engaged", "destroyed", "leaked", "first_detection_range_m"):
        assert set(th[key]) == {"mean", "ci95"}
    # destroyed + leaked never exceeds the count; every drone is either destroyed or leaked here
    assert th["destroyed"]["mean"] + th["leaked"]["mean"] == pytest.approx(3.0)
    events = pq.read_table(out / "events.parquet")
    assert events.schema.names == EVENT_SCHEMA.names
    kinds = set(events.column("kind").to_pylist())
    assert kinds <= set(EVENT_KINDS)
    assert {"detect", "track", "assign", "launch"} <= kinds
    assert set(events.column("replication").to_pylist()) == {0, 1, 2}
    lat = events.column("lat_deg").to_pylist()
    assert all(39.5 < x < 40.5 for x in lat if not math.isnan(x))
    assert "Simulation only" in (out / "report.html").read_text()


def test_validate_accepts_the_bundled_examples():
    for path in sorted(DEMO_SCENARIO.parent.glob("*.yaml")):
        res = invoke("validate", str(path))
        assert res.exit_code == 0, res.output
        assert "valid" in res.output


@pytest.mark.slow
def test_demo_runs_the_bundled_scenario_and_says_where_the_report_is(tmp_path):
    out = tmp_path / "demo"
    res = invoke("demo", "--out", str(out), "--replications", "2")
    assert res.exit_code == 0, res.output
    assert (out / "report.html").exists()
    assert str((out / "report.html").resolve()) in res.output.replace("\n", "")


def _mutate(d: dict, path: str, value) -> dict:  # type: ignore[no-untyped-def,type-arg]
    node = d
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return d


_DELETE = object()

BAD = [
    ("batteries.0.system", "S-999", "batteries[0].system", "unknown system"),
    ("raid.0.threat", "x_wing", "raid[0].threat", "unknown threat"),
    ("raid.0.target", "Atlantis", "raid[0].target", "unknown asset"),
    ("duration_s", _DELETE, "duration_s", "missing"),
    ("raid.0.spacing_s", -5.0, "raid[0].spacing_s", "greater than or equal"),
    ("assets.0.lat_deg", float("nan"), "assets[0].lat_deg", "finite"),
    ("raid.0.route.0.alt_m", -100.0, "raid[0].route[0].alt_m", "greater than or equal"),
    (
        "batteries.0.launchers.0.missile",
        "PAC-3",
        "batteries[0].launchers[0].missile",
        "not a missile of S-400",
    ),
    ("time_step_s", 0.0, "time_step_s", "greater than"),
    ("schema_version", 99, "schema_version", "1"),
    ("terrain", {"dem": ""}, "terrain.dem", "at least 1 character"),
    (
        "jammers",
        [
            {
                "name": "j",
                "kind": "stand-off",
                "power_w": -1.0,
                "antenna_gain_db": 0.0,
                "bandwidth_hz": 1e8,
                "site": {"lat_deg": 40.0, "lon_deg": 33.0},
            }
        ],
        "jammers[0].power_w",
        "greater than",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"), BAD, ids=[b[2] + ":" + str(b[1]) for b in BAD]
)
def test_bad_scenario_gives_one_line_error_naming_file_and_field_and_exit_2(
    tmp_path, path, value, field, problem
):
    scn = write(tmp_path, _mutate(small(), path, value), name="bad.yaml")
    out = tmp_path / "out"
    for cmd in (["validate", str(scn)], ["run", str(scn), "--out", str(out)]):
        res = invoke(*cmd)
        assert res.exit_code == 2, res.output
        err = res.stderr.strip() if res.stderr else res.output.strip()
        assert len(err.splitlines()) == 1, err
        assert "bad.yaml" in err and field in err and problem in err, err
    assert not out.exists(), "no output directory is created on bad input"


def test_malformed_yaml_and_missing_file_are_reported(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: [unclosed\n")
    res = invoke("validate", str(bad))
    assert res.exit_code == 2
    assert "broken.yaml" in res.output and "line" in res.output
    res = invoke("validate", str(tmp_path / "nope.yaml"))
    assert res.exit_code == 2 and "not found" in res.output


def test_more_replications_than_memory_allows_is_refused_before_running(tmp_path):
    scn = write(tmp_path, small(), name="big.yaml")
    out = tmp_path / "out"
    res = invoke("run", str(scn), "--out", str(out), "--replications", str(10**12))
    assert res.exit_code == 2, res.output
    assert "big.yaml" in res.output and "replications" in res.output and "GiB" in res.output
    assert not out.exists()


def test_output_directory_with_other_files_is_not_overwritten(tmp_path):
    scn = write(tmp_path, small())
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "notes.txt"
    keep.write_text("mine")
    res = invoke("run", str(scn), "--out", str(out), "--replications", "1")
    assert res.exit_code == 2
    assert keep.read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_rerun_replaces_an_earlier_run_atomically(tmp_path):
    scn = write(tmp_path, small())
    out = tmp_path / "out"
    # Batches of 3, as in test_run_writes_summary_events_and_report: one compiled engine.
    args = ("run", str(scn), "--out", str(out), "--batch-size", "3")
    assert invoke(*args, "--replications", "3").exit_code == 0
    first = json.loads((out / "summary.json").read_text())
    assert invoke(*args, "--replications", "4").exit_code == 0
    second = json.loads((out / "summary.json").read_text())
    assert (first["replications"], second["replications"]) == (3, 4)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    assert leftovers == []


def test_bad_option_values_exit_2(tmp_path):
    scn = write(tmp_path, small())
    res = invoke("run", str(scn), "--out", str(tmp_path / "o"), "--dtype", "float16")
    assert res.exit_code == 2
    res = invoke("run", str(scn), "--out", str(tmp_path / "o"), "--replications", "0")
    assert res.exit_code == 2
    assert not (tmp_path / "o").exists()


def test_scenario_file_is_yaml_safe_loaded(tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    res = invoke("validate", str(evil))
    assert res.exit_code == 2
    assert "evil.yaml" in res.output
    assert yaml  # the loader is yaml.safe_load: a python tag is a YAML error, never executed
    assert not Path("pwned").exists()


def test_output_path_under_a_file_is_refused_before_running(tmp_path):
    scn = write(tmp_path, small())
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    res = invoke("run", str(scn), "--out", str(blocker / "sub" / "out"))
    assert res.exit_code == 2, res.output
    assert "--out" in res.output and "not a writable directory" in res.output
    assert blocker.read_text() == "x"


def test_batch_size_below_one_is_an_input_error(tmp_path):
    scn = write(tmp_path, small())
    res = invoke("run", str(scn), "--out", str(tmp_path / "o"), "--batch-size", "-1")
    assert res.exit_code == 2 and "batch_size" in res.output
    assert not (tmp_path / "o").exists()


def test_duplicate_yaml_keys_are_refused(tmp_path):
    p = tmp_path / "dup.yaml"
    text = yaml.safe_dump(small(), sort_keys=False)
    p.write_text(text + "seed: 3\n")
    res = invoke("validate", str(p))
    assert res.exit_code == 2
    assert "dup.yaml" in res.output and "'seed' appears twice" in res.output


def test_a_run_too_short_for_the_raid_warns_and_counts_the_rest_unresolved(tmp_path):
    d = small(duration_s=60.0)  # the drones need ~250 s to reach the asset
    d["batteries"] = []
    scn = write(tmp_path, d)
    res = invoke("validate", str(scn))
    assert res.exit_code == 0
    assert "warning" in res.output and "duration_s" in res.output
    out = tmp_path / "out"
    assert invoke("run", str(scn), "--out", str(out), "--replications", "2").exit_code == 0
    (th,) = json.loads((out / "summary.json").read_text())["threats"]
    assert th["unresolved"]["mean"] == 3.0
    assert th["leaked"]["mean"] == 0.0


BAD_CATALOG_LIMITS = [
    ("batteries.0.alt_m", -100.0, "batteries[0].alt_m", "greater than or equal to 0"),
    (
        "batteries.0.launchers.0.missiles_per_launcher",
        40,
        "missiles_per_launcher",
        "carries at most 4",
    ),
    ("seed", True, "seed", "integer"),
    ("replications", 2.5, "replications", "integer"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    BAD_CATALOG_LIMITS,
    ids=[b[2] for b in BAD_CATALOG_LIMITS],
)
def test_values_outside_physical_or_catalog_limits_are_refused(
    tmp_path, path, value, field, problem
):
    scn = write(tmp_path, _mutate(small(), path, value), name="bad.yaml")
    res = invoke("validate", str(scn))
    assert res.exit_code == 2, res.output
    assert field in res.output and problem in res.output, res.output


@pytest.mark.parametrize(
    ("dem", "problem"),
    [
        ("missing.tif", "missing.tif: dem: file not found"),
        ("garbage.tif", "garbage.tif: dem: not a readable elevation raster"),
        ("nocrs.tif", "nocrs.tif: dem: has no coordinate reference system"),
        ("far.tif", "far.tif: dem: does not cover battery 'bn'"),
    ],
)
def test_bad_dem_gives_one_line_naming_the_dem_file_and_exit_2(tmp_path, dem, problem):
    import numpy as np
    from affine import Affine

    from tests.terrain.helpers import write_geotiff

    (tmp_path / "garbage.tif").write_text("no raster here")
    write_geotiff(tmp_path / "nocrs.tif", np.zeros((4, 4)), Affine(10, 0, 0, 0, -10, 0), None)
    far = Affine(0.01, 0.0, 10.0, 0.0, -0.01, 10.0)  # 10 N 10 E: nowhere near the battery
    write_geotiff(tmp_path / "far.tif", np.zeros((8, 8)), far, "EPSG:4326")
    scn = write(tmp_path, small(terrain={"dem": dem}), name="terrain.yaml")
    out = tmp_path / "out"
    for cmd in (["validate", str(scn)], ["run", str(scn), "--out", str(out)]):
        res = invoke(*cmd)
        assert res.exit_code == 2, res.output
        err = res.stderr.strip() if res.stderr else res.output.strip()
        assert len(err.splitlines()) == 1, err
        assert problem in err, err
    assert not out.exists()
