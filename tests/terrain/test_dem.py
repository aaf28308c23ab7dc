"""Loading DEMs: GeoTIFF in any CRS, SRTM .hgt, the packaged global default, and bad files."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from pyproj import Transformer

from iads.errors import InputError
from iads.terrain import global_dem, load_dem
from tests.terrain.helpers import UTM36N, write_geotiff


def test_geotiff_in_utm_reads_heights_where_they_are(tmp_path) -> None:
    heights = np.arange(20 * 30, dtype=float).reshape(20, 30)
    transform = Affine(100.0, 0.0, 500_000.0, 0.0, -100.0, 4_400_000.0)
    dem = load_dem(write_geotiff(tmp_path / "utm.tif", heights, transform, UTM36N))
    assert dem.shape == (20, 30) and not dem.is_geographic
    to_geo = Transformer.from_crs(UTM36N, "EPSG:4326", always_xy=True)
    for row, col in [(0, 0), (7, 11), (19, 29)]:
        x, y = transform @ (col + 0.5, row + 0.5)
        lon, lat = to_geo.transform(x, y)
        assert dem.cell_of(lat, lon) == (row, col)
        assert dem.height_at(lat, lon) == heights[row, col]
    lon, lat = to_geo.transform(*(transform @ (31.0, 5.0)))
    assert dem.cell_of(lat, lon) is None and dem.height_at(lat, lon) == 0.0


def test_srtm_hgt_is_read_with_its_geographic_grid(tmp_path) -> None:
    """An SRTM3 tile: 1201 x 1201 big-endian int16, named by its south-west corner, voids -32768."""
    n = 1201
    data = np.full((n, n), 850, dtype=">i2")
    data[0, 0] = 1200  # the tile's north-west corner: 40 N, 32 E
    data[600, 600] = -32768  # a void
    path = tmp_path / "N39E032.hgt"
    data.tofile(path)
    dem = load_dem(path)
    assert dem.is_geographic and dem.shape == (n, n)
    assert dem.height_at(40.0, 32.0) == 1200.0
    assert dem.height_at(39.3, 32.7) == 850.0
    assert dem.void_cells == 1 and dem.heights_m[600, 600] == 0.0
    assert dem.transform.a == pytest.approx(1.0 / 1200.0)


def test_global_default_is_etopo5_with_known_heights() -> None:
    """NOAA ETOPO5 at 5': known values of its cells (Everest's cell is flattened to 6096 m)."""
    dem = global_dem()
    assert dem.shape == (2161, 4320)
    assert dem.transform.a == pytest.approx(1.0 / 12.0)
    assert dem.height_at(27.988, 86.925) == 6096.0
    assert 800.0 < dem.height_at(39.93, 32.86) < 1300.0  # Ankara, about 900 m
    assert dem.height_at(0.0, -160.0) == 0.0  # mid-Pacific: the sea surface, depths clipped
    assert dem.heights_m.min() == 0.0


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match=r"nope\.tif: dem: file not found"):
        load_dem(tmp_path / "nope.tif")


def test_unreadable_file(tmp_path) -> None:
    bad = tmp_path / "bad.tif"
    bad.write_text("not a raster\n")
    with pytest.raises(InputError, match=r"bad\.tif: dem: not a readable elevation raster"):
        load_dem(bad)


def test_geotiff_without_crs(tmp_path) -> None:
    transform = Affine(100.0, 0.0, 0.0, 0.0, -100.0, 0.0)
    path = write_geotiff(tmp_path / "nocrs.tif", np.zeros((4, 4)), transform, None)
    with pytest.raises(InputError, match=r"nocrs\.tif: dem: has no coordinate reference system"):
        load_dem(path)


def test_implausible_heights_are_refused(tmp_path) -> None:
    z = np.zeros((4, 4))
    z[1, 2] = -32767.0  # a nodata value the file forgot to declare
    transform = Affine(100.0, 0.0, 500_000.0, 0.0, -100.0, 4_400_000.0)
    path = write_geotiff(tmp_path / "nodata.tif", z, transform, UTM36N)
    with pytest.raises(InputError, match=r"nodata\.tif: dem: height -32767 m at row 1, column 2"):
        load_dem(path)
