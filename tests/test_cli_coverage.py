"""``iads coverage``: the products on disk (GeoTIFF, GeoJSON, PNG, JSON) and one-line errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import Geod
from typer.testing import CliRunner

from iads.cli import app
from tests.engine.scenarios import base, write

runner = CliRunner()
GEOD = Geod(ellps="WGS84")
CELL_M = 10_000.0
RADARS = ("bn-91N6E", "bn-92N6E", "east-91N6E", "east-92N6E")


def two_batteries() -> dict:  # type: ignore[type-arg]
    """The engine test battery at (40 N, 33 E) and a second one 1.5 deg (~128 km) east."""
    d = base()
    second = json.loads(json.dumps(d["batteries"][0]))
    second.update(name="east", lon_deg=34.5)
    d["batteries"].append(second)
    return d


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def one_line_error(res) -> str:  # type: ignore[no-untyped-def]
    err = (res.stderr or res.output).strip()
    assert len(err.splitlines()) == 1, err
    return err


@pytest.fixture(scope="module")
def products(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("cli_cov")
    scn = write(tmp, two_batteries())
    out = tmp / "cov"
    res = invoke(
        "coverage", str(scn), "--altitude-m", "1000", "--rcs-m2", "1", "--out", str(out),
        "--cell-m", str(CELL_M),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return out, res.output


def test_coverage_writes_every_product_per_radar_and_combined(products):
    out, output = products
    expected = {"coverage.json"}
    for name in (*RADARS, "combined"):
        expected |= {f"coverage_{name}.{ext}" for ext in ("tif", "geojson", "png")}
        expected |= {f"lowest_altitude_{name}.{ext}" for ext in ("tif", "png")}
    expected |= {f"vertical_{name}.png" for name in RADARS}
    assert {p.name for p in out.iterdir()} == expected
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "coverage.json").read_text())
    assert [r["name"] for r in summary["radars"]] == list(RADARS)
    assert summary["altitude_m"] == 1000.0 and summary["rcs_m2"] == 1.0
    assert summary["grid"]["cell_m"] == CELL_M and summary["terrain"] == "sea level"
    first = summary["radars"][0]
    # 600 km for 10 m2 (the catalog calibration) -> 600 * 0.1^(1/4) km for 1 m2
    assert first["detection_range_m"] == pytest.approx(600e3 * 0.1**0.25, rel=1e-3)
    assert "bn-91N6E" in output and "combined" in output


def _read(path: Path):  # type: ignore[no-untyped-def]
    with rasterio.open(path) as ds:
        return ds.read(1), ds.crs, ds.nodata, ds.transform


def test_geotiffs_read_back_georeferenced_and_combined_is_the_union(products):
    out, _ = products
    per = []
    for name in RADARS:
        values, crs, nodata, transform = _read(out / f"coverage_{name}.tif")
        assert crs is not None and "aeqd" in crs.to_proj4()
        assert values.dtype == np.uint8 and nodata == 255
        assert transform.a == CELL_M and transform.e == -CELL_M
        assert set(np.unique(values)) <= {0, 1, 255}
        per.append(values == 1)
    combined, *_ = _read(out / "coverage_combined.tif")
    np.testing.assert_array_equal(combined == 1, np.logical_or.reduce(per))
    lowest = [_read(out / f"lowest_altitude_{name}.tif")[0] for name in RADARS]
    lowest_combined, _, nodata, _ = _read(out / "lowest_altitude_combined.tif")
    assert lowest_combined.dtype == np.float32 and math.isnan(nodata)
    np.testing.assert_array_equal(lowest_combined, np.fmin.reduce(lowest))
    # the covered cells at 1000 m are those whose lowest altitude is at most 1000 m
    assert np.all(lowest_combined[combined == 1] <= 1000.0)


def test_geojson_outline_is_lon_lat_around_the_site_and_has_the_covered_area(products):
    out, _ = products
    summary = json.loads((out / "coverage.json").read_text())
    entry = summary["radars"][0]
    doc = json.loads((out / "coverage_bn-91N6E.geojson").read_text())
    assert doc["type"] == "FeatureCollection"
    (feature,) = doc["features"]
    geom = feature["geometry"]
    assert geom["type"] == "MultiPolygon" and geom["coordinates"]
    reach = min(entry["detection_range_m"], entry["horizon_range_m"]) + 2 * CELL_M * math.sqrt(2)
    area_m2 = 0.0
    for polygon in geom["coordinates"]:
        for i, ring in enumerate(polygon):
            lon, lat = np.asarray(ring).T
            assert ring[0] == ring[-1] and len(ring) >= 4
            _, _, dist = GEOD.inv(np.full(lon.shape, 33.0), np.full(lat.shape, 40.0), lon, lat)
            assert np.all(dist < reach)
            signed, _ = GEOD.polygon_area_perimeter(lon, lat)
            assert (signed > 0) == (i == 0)  # exterior counter-clockwise, holes clockwise
            area_m2 += signed
    assert area_m2 / 1e6 == pytest.approx(entry["covered_area_km2"], rel=0.01)
    assert feature["properties"]["covered_area_km2"] == pytest.approx(entry["covered_area_km2"])


def test_rerun_replaces_the_products_and_other_files_are_never_overwritten(tmp_path):
    scn = write(tmp_path, base())
    out = tmp_path / "cov"
    args = ["coverage", str(scn), "--rcs-m2", "1", "--out", str(out), "--cell-m", "20000"]
    assert invoke(*args, "--altitude-m", "100").exit_code == 0
    assert invoke(*args, "--altitude-m", "5000").exit_code == 0
    assert json.loads((out / "coverage.json").read_text())["altitude_m"] == 5000.0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cov.")] == []
    (out / "notes.txt").write_text("mine")
    res = invoke(*args, "--altitude-m", "100")
    assert res.exit_code == 2 and "notes.txt" in one_line_error(res)
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "coverage.json").read_text())["altitude_m"] == 5000.0


BAD_OPTIONS = [
    (["--altitude-m", "-5"], "--altitude-m"),
    (["--altitude-m", "nan"], "--altitude-m"),
    (["--rcs-m2", "0"], "--rcs-m2"),
    (["--rcs-m2", "-1"], "--rcs-m2"),
    (["--rcs-m2", "inf"], "--rcs-m2"),
    (["--pd", "1.5"], "--pd"),
    (["--pd", "1e-7"], "--pd"),  # at or below the radars' false-alarm probability
    (["--swerling", "7"], "--swerling"),
    (["--cell-m", "0"], "--cell-m"),
    (["--cell-m", "10"], "--cell-m"),
    (["--pd", "0.9999999"], "--pd"),  # beyond the SNR search range: refused, not a traceback
    (["--rcs-m2", "1e30"], "--rcs-m2"),  # a grid of 120,000 cells across the 91N6E's reach
]


@pytest.mark.parametrize(
    ("override", "field"), BAD_OPTIONS, ids=[" ".join(b[0]) for b in BAD_OPTIONS]
)
def test_bad_option_gives_one_line_naming_file_and_option_exit_2_and_no_output(
    tmp_path, override, field
):
    scn = write(tmp_path, base(), name="scn.yaml")
    out = tmp_path / "out"
    opts = {"--altitude-m": "100", "--rcs-m2": "1", "--cell-m": "20000"}
    opts.update(dict(zip(override[::2], override[1::2], strict=True)))
    args = [x for kv in opts.items() for x in kv]
    res = invoke("coverage", str(scn), "--out", str(out), *args)
    assert res.exit_code == 2, res.output
    err = one_line_error(res)
    assert "scn.yaml" in err and field in err, err
    assert not out.exists()


def test_missing_scenario_and_bad_dem_are_one_line_errors_without_output(tmp_path):
    out = tmp_path / "out"
    common = ["--altitude-m", "100", "--rcs-m2", "1", "--out", str(out)]
    res = invoke("coverage", str(tmp_path / "nope.yaml"), *common)
    assert res.exit_code == 2 and "nope.yaml" in one_line_error(res) and "not found" in res.output
    scn = write(tmp_path, base(terrain={"dem": "missing.tif"}), name="terrain.yaml")
    res = invoke("coverage", str(scn), *common)
    assert res.exit_code == 2
    assert "missing.tif: dem: file not found" in one_line_error(res)
    no_radars = base(batteries=[])
    res = invoke("coverage", str(write(tmp_path, no_radars, name="empty.yaml")), *common)
    assert res.exit_code == 2 and "batteries" in one_line_error(res)
    assert not out.exists()
