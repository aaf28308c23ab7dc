"""iads export: CZML, KML/KMZ and GeoJSON parse back with their libraries and hold the run's
entities at the run's times; bad input is one line, exit 2, and nothing written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from czml3 import Document
from typer.testing import CliRunner

from iads.cli import app
from iads.export.base import EPOCH
from tests.viewer.rundir import ASSET, LAUNCH_S, LEAK_S, REPLICATIONS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # fastkml: "lxml missing" (pretty print only)
    from fastkml import kml as fastkml

runner = CliRunner()


def seconds(value: object) -> float:
    """A CZML/KML date as seconds from the export epoch."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return (when - EPOCH).total_seconds()


def events(run_dir: Path, replication: int, kind: str) -> list[dict]:
    rows = pq.read_table(run_dir / "events.parquet").to_pylist()
    return [r for r in rows if r["replication"] == replication and r["kind"] == kind]


def export(run_dir: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["export", str(run_dir), "--out", str(out), *args])
    return res


def test_czml_holds_sites_threats_missiles_and_intercepts_at_their_times(run_dir, tmp_path):
    out = tmp_path / "run.czml"
    res = export(run_dir, out, "--format", "czml", "--replication", "1")
    assert res.exit_code == 0, res.output
    doc = Document.model_validate_json(out.read_text())
    packets = {p.id: p for p in doc.packets}
    assert packets["document"].clock is not None
    assert {"site/bn", "site/asset"} <= set(packets)
    launches = events(run_dir, 1, "launch")
    intercepts = events(run_dir, 1, "intercept")
    assert sorted(k for k in packets if k.startswith("missile/")) == sorted(
        f"missile/{r['missile_id']}" for r in launches
    )
    for r in intercepts:
        p = packets[f"intercept/{r['threat_id']}/{r['missile_id']}"]
        assert seconds(p.availability.start) == pytest.approx(r["time_s"], abs=1e-3)
        lon, lat, _ = p.position.cartographicDegrees.values
        assert (lat, lon) == pytest.approx((r["lat_deg"], r["lon_deg"]), abs=1e-6)
        # the threat's sampled track ends where and when it was destroyed
        threat = packets[f"threat/{r['threat_id']}"]
        samples = threat.position.cartographicDegrees.values
        t_end = seconds(threat.position.epoch) + samples[-4]
        assert t_end == pytest.approx(r["time_s"], abs=1e-3)
        assert seconds(threat.availability.end) == pytest.approx(r["time_s"], abs=1e-3)
        assert samples[-2] == pytest.approx(r["lat_deg"], abs=1e-6)
    # replication 1: threat 2 leaks at the asset; its track ends there and then
    leak = packets["leak/2"]
    assert seconds(leak.availability.start) == pytest.approx(LEAK_S)
    threat = packets["threat/2"]
    assert seconds(threat.availability.start) == pytest.approx(LAUNCH_S[2])
    assert seconds(threat.availability.end) == pytest.approx(LEAK_S)
    assert threat.position.cartographicDegrees.values[-3:-1] == pytest.approx(
        [ASSET[1], ASSET[0]], abs=1e-6
    )
    for r in launches:
        m = packets[f"missile/{r['missile_id']}"]
        assert seconds(m.availability.start) == pytest.approx(r["time_s"], abs=1e-3)
        assert m.position.cartographicDegrees.values[1:3] == pytest.approx(
            [r["lon_deg"], r["lat_deg"]]
        )


def test_kml_and_kmz_hold_tracks_and_time_spans(run_dir, tmp_path):
    for name in ("run.kml", "run.kmz"):
        out = tmp_path / name
        res = export(run_dir, out, "--format", "kml")
        assert res.exit_code == 0, res.output
        if name.endswith(".kmz"):
            with zipfile.ZipFile(out) as z:
                text = z.read("doc.kml").decode()
        else:
            text = out.read_text()
        doc = fastkml.KML.from_string(text).features[0]
        folders = {f.name: f for f in doc.features}
        assert set(folders) == {
            "Sites", "Range rings", "Routes", "Threats", "Missiles", "Intercepts", "Leaks"
        }  # fmt: skip
        assert {p.name for p in folders["Sites"].features} == {"bn", "asset"}
        assert len(folders["Threats"].features) == 3
        assert len(folders["Missiles"].features) == len(events(run_dir, 0, "launch"))
        assert "gx:Track" in text or "Track" in text
        spans = sorted((seconds(p.times.begin.dt), p.name) for p in folders["Intercepts"].features)
        times = sorted(r["time_s"] for r in events(run_dir, 0, "intercept"))
        assert [s for s, _ in spans] == pytest.approx(times, abs=1e-3)
        for m in folders["Missiles"].features:
            assert seconds(m.times.end.dt) > seconds(m.times.begin.dt)


def test_geojson_holds_static_layers_and_every_replications_intercepts(run_dir, tmp_path):
    out = tmp_path / "run.geojson"
    res = export(run_dir, out, "--format", "geojson")
    assert res.exit_code == 0, res.output
    fc = json.loads(out.read_text())
    assert fc["type"] == "FeatureCollection"
    layers = [f["properties"]["layer"] for f in fc["features"]]
    assert layers.count("site") == 2 and layers.count("route") == 1
    rings = [f for f in fc["features"] if f["properties"]["layer"] == "ring"]
    assert {r["properties"]["ring_kind"] for r in rings} == {"missile", "radar"}
    for r in rings:
        (outline,) = r["geometry"]["coordinates"]
        assert outline[0] == outline[-1] and len(outline) > 100
    points = [f for f in fc["features"] if f["properties"]["layer"] == "intercept"]
    all_intercepts = pq.read_table(run_dir / "events.parquet").to_pylist()
    n = sum(r["kind"] == "intercept" for r in all_intercepts)
    assert len(points) == n
    assert {p["properties"]["replication"] for p in points} == set(range(REPLICATIONS))
    one = tmp_path / "one.geojson"
    assert export(run_dir, one, "--format", "geojson", "--replication", "2").exit_code == 0
    points = [
        f
        for f in json.loads(one.read_text())["features"]
        if f["properties"]["layer"] == "intercept"
    ]
    assert {p["properties"]["replication"] for p in points} == {2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "shp"], "--format: must be one of czml, kml, geojson, got 'shp'"),
        (["--format", "czml", "--replication", "3"], "--replication: must be between 0 and 2"),
        (["--format", "czml", "--replication", "-1"], "--replication: must be between 0 and 2"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(run_dir, tmp_path, args, message):
    out = tmp_path / "x.czml"
    res = export(run_dir, out, *args)
    assert res.exit_code == 2
    assert message in res.output and res.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_out_in_a_missing_directory_or_a_directory_is_refused(run_dir, tmp_path):
    res = export(run_dir, tmp_path / "no" / "x.czml", "--format", "czml")
    assert res.exit_code == 2 and "--out: cannot write there" in res.output
    res = export(run_dir, tmp_path, "--format", "czml")
    assert res.exit_code == 2 and "--out: is a directory" in res.output
    assert list(tmp_path.iterdir()) == []


def test_a_run_without_scene_gets_one_line_and_nothing_is_written(run_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    (old / "scene.json").unlink()
    out = tmp_path / "x.kml"
    res = export(old, out, "--format", "kml")
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert "no scene.json" in res.output and "run the scenario again" in res.output
    assert not out.exists()
    res = export(tmp_path / "missing", out, "--format", "kml")
    assert res.exit_code == 2 and "not a run directory" in res.output
