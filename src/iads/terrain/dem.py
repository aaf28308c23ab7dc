"""Digital elevation models: loading (GeoTIFF, SRTM .hgt, any raster GDAL reads) and lookup.

A :class:`Dem` is a north-up grid of heights above sea level (m) with its affine transform and
coordinate reference system. Files are read with rasterio; coordinates are converted with pyproj,
so any CRS works. Every problem with a file is an :class:`~iads.errors.InputError` naming it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from iads.errors import InputError
from iads.units import EARTH_MEAN_RADIUS_M

#: Heights outside this range (m) are not terrain: a file holding them is refused.
PLAUSIBLE_HEIGHT_M = (-12_000.0, 9_000.0)


@dataclass(frozen=True)
class Dem:
    """A north-up elevation grid.

    ``heights_m[row, col]`` is the height above sea level (m, float32: 0.5 mm at 9 km) of the
    cell whose upper-left corner is ``transform @ (col, row)``; voids (nodata cells) are filled
    with 0 m (sea level) and counted in ``void_cells``.
    """

    heights_m: NDArray[np.float32]
    transform: Affine
    crs: CRS
    source: str
    void_cells: int = 0

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (int(self.heights_m.shape[0]), int(self.heights_m.shape[1]))

    @property
    def is_geographic(self) -> bool:
        """True when cells are in degrees of latitude/longitude (e.g. SRTM)."""
        return bool(self.crs.is_geographic)

    def cell_size_m(self, row: int | None = None) -> tuple[float, float]:
        """Cell height and width (m) at a row (default: the middle row).

        Projected grids: the CRS's units in metres. Geographic grids: arc lengths on the mean
        sphere, the width shrinking with the cosine of the row's latitude.
        """
        a, e = self.transform.a, -self.transform.e
        if self.is_geographic:
            r = self.shape[0] // 2 if row is None else row
            lat = math.radians(self.transform.f + self.transform.e * (r + 0.5))
            k = math.pi / 180.0 * EARTH_MEAN_RADIUS_M
            return e * k, a * k * max(math.cos(lat), 1e-6)
        axes = self.crs.axis_info
        factor = float(axes[0].unit_conversion_factor) if axes else 1.0
        return e * factor, a * factor

    def pixel_of(self, lat_deg: float, lon_deg: float) -> tuple[float, float]:
        """Fractional (row, column) of a WGS84 point on this grid."""
        to_dem = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        x, y = to_dem.transform(lon_deg, lat_deg)
        col, row = ~self.transform @ (x, y)
        return float(row), float(col)

    def cell_of(self, lat_deg: float, lon_deg: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding a WGS84 point, or None when it lies outside."""
        row, col = self.pixel_of(lat_deg, lon_deg)
        if not (np.isfinite(row) and np.isfinite(col)):
            return None
        r, c = int(np.floor(row)), int(np.floor(col))
        if 0 <= r < self.shape[0] and 0 <= c < self.shape[1]:
            return r, c
        return None

    def covers(self, lat_deg: float, lon_deg: float) -> bool:
        """True when the WGS84 point lies on the grid."""
        return self.cell_of(lat_deg, lon_deg) is not None

    def height_at(self, lat_deg: float, lon_deg: float) -> float:
        """Height (m) of the cell holding a WGS84 point; 0 (sea level) off the grid."""
        cell = self.cell_of(lat_deg, lon_deg)
        return 0.0 if cell is None else float(self.heights_m[cell])

    def cell_centres(self) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
        """Cell-centre x (per column) and y (per row) in the DEM's CRS units."""
        rows, cols = self.shape
        x = self.transform.c + self.transform.a * (np.arange(cols) + 0.5)
        y = self.transform.f + self.transform.e * (np.arange(rows) + 0.5)
        return x, y


def dem_from_array(
    heights_m: NDArray[np.floating],
    transform: Affine,
    crs: CRS | str | int,
    source: str = "<array>",
) -> Dem:
    """A :class:`Dem` from an in-memory grid (checked like a file)."""
    return _checked(
        np.asarray(heights_m, dtype=np.float32), transform, CRS.from_user_input(crs), source, None
    )


def load_dem(path: str | Path) -> Dem:
    """Read a DEM file (GeoTIFF, SRTM ``.hgt`` or any single-band raster GDAL reads).

    Raises :class:`~iads.errors.InputError` naming the file when it is missing, unreadable,
    has no CRS or georeferencing, is rotated, or holds no plausible heights.
    """
    import rasterio
    from rasterio.errors import RasterioError

    p = Path(path)
    if not p.exists():
        raise InputError(p, "dem", "file not found")
    if p.is_dir():
        raise InputError(p, "dem", "is a directory, not a DEM file")
    try:
        with rasterio.open(p) as ds:
            if ds.crs is None:
                raise InputError(p, "dem", "has no coordinate reference system (CRS)")
            if ds.transform == Affine.identity():
                raise InputError(p, "dem", "has no georeferencing (geotransform)")
            data = ds.read(1)
            nodata = ds.nodata
            crs = CRS.from_user_input(ds.crs.to_wkt())
            transform = ds.transform
    except InputError:
        raise
    except (RasterioError, OSError, ValueError) as exc:
        problem = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(p, "dem", f"not a readable elevation raster ({problem})") from None
    mask = None if nodata is None or np.isnan(nodata) else data == nodata
    heights = data.astype(np.float32, copy=False)
    return _checked(heights, transform, crs, str(p), mask)


def _checked(
    heights: NDArray[np.float32],
    transform: Affine,
    crs: CRS,
    source: str,
    void_mask: NDArray[np.bool_] | None,
) -> Dem:
    if heights.ndim != 2 or min(heights.shape) < 2:
        raise InputError(
            source, "dem", f"must be a 2-D grid of at least 2x2 cells, not {heights.shape}"
        )
    if transform.b != 0 or transform.d != 0:
        raise InputError(source, "dem", "rotated grids are not supported; warp it north-up first")
    if transform.a <= 0 or transform.e >= 0:
        raise InputError(source, "dem", "grid must be north-up with positive cell width")
    # Few full passes over the grid: a large DEM is mostly time spent here.
    voids = ~np.isfinite(heights)
    if void_mask is not None:
        voids |= void_mask
    n_voids = int(np.count_nonzero(voids))
    if n_voids == voids.size:
        raise InputError(source, "dem", "holds no valid heights (every cell is nodata)")
    valid = heights[~voids] if n_voids else heights
    lo, hi = PLAUSIBLE_HEIGHT_M
    if valid.min() < lo or valid.max() > hi:
        bad = ~voids & ((heights < lo) | (heights > hi))
        r, c = np.argwhere(bad)[0]
        raise InputError(
            source,
            "dem",
            f"height {heights[r, c]:g} m at row {r}, column {c} is outside [{lo:g}, {hi:g}] m; "
            "is the nodata value set?",
        )
    if n_voids:
        heights = np.where(voids, np.float32(0.0), heights)
    return Dem(np.asarray(heights, dtype=np.float32), transform, crs, source, n_voids)


#: The packaged global DEM (see ``src/iads/terrain/data/README.md``).
GLOBAL_DEM_PATH = Path(__file__).with_name("data") / "etopo5.tif"
#: Name by which scenarios ask for the packaged global DEM.
GLOBAL_DEM_NAME = "etopo5"


@lru_cache(maxsize=1)
def global_dem() -> Dem:
    """The offline global default: NOAA ETOPO5 (5 arc-minutes, public domain), sea surface 0 m.

    Ocean depths are clipped to the sea surface, which is what a radar's line of sight grazes.
    """
    dem = load_dem(GLOBAL_DEM_PATH)
    heights = np.maximum(dem.heights_m, np.float32(0.0))
    heights.setflags(write=False)
    return Dem(heights, dem.transform, dem.crs, f"{GLOBAL_DEM_NAME} ({dem.source})", dem.void_cells)
