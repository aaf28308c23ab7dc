"""Synthetic and real DEMs for the terrain tests, and a runner for GDAL's gdal_viewshed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import Transformer

UTM36N = "EPSG:32636"
GDAL_VIEWSHED = shutil.which("gdal_viewshed")
#: WGS84 semi-major axis: GDAL's Earth for the curvature correction (its -cc divides by 2a).
WGS84_A_M = 6_378_137.0


def fractal_heights(n: int, seed: int, relief_m: float = 1500.0) -> np.ndarray:
    """Rough, hilly terrain: Gaussian noise with a 1/f^1.8 spectrum, scaled to ``relief_m``."""
    rng = np.random.default_rng(seed)
    f = np.fft.fftfreq(n)
    k = np.hypot(f[:, None], f[None, :])
    k[0, 0] = 1.0
    spec = (rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))) / k**1.8
    z = np.real(np.fft.ifft2(spec))
    return (z - z.min()) / (z.max() - z.min()) * relief_m + 200.0


def write_geotiff(path: Path, heights: np.ndarray, transform: Affine, crs: str | None) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=heights.shape[1],
        height=heights.shape[0],
        count=1,
        dtype="float32",
        crs=crs,
        transform=transform,
    ) as ds:
        ds.write(heights.astype(np.float32), 1)
    return path


def observer_point(
    transform: Affine, row: int, col: int, crs: str
) -> tuple[float, float, float, float]:
    """A point a quarter cell inside (row, col): (x, y) in ``crs`` and (lat, lon).

    A quarter cell, not the centre: GDAL 3.6 rounds the observer's pixel coordinate and later
    versions truncate it; both give (row, col) here.
    """
    x, y = transform @ (col + 0.25, row + 0.25)
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return x, y, lat, lon


def gdal_viewshed(
    dem_path: Path,
    out_path: Path,
    x: float,
    y: float,
    observer_height_m: float,
    target_height_m: float,
    curvature_coeff: float,
    mode: str = "NORMAL",
) -> np.ndarray:
    """Run gdal_viewshed; NORMAL gives 255 (seen) / 0, GROUND the lowest visible height."""
    assert GDAL_VIEWSHED is not None
    subprocess.run(
        [
            GDAL_VIEWSHED,
            "-q",
            "-ox",
            repr(x),
            "-oy",
            repr(y),
            "-oz",
            repr(observer_height_m),
            "-tz",
            repr(target_height_m),
            "-cc",
            repr(curvature_coeff),
            "-om",
            mode,
            str(dem_path),
            str(out_path),
        ],
        check=True,
        capture_output=True,
    )
    with rasterio.open(out_path) as ds:
        return ds.read(1)
