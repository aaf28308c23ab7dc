"""A scenario's terrain: its DEM, and the masking grid the engine and coverage maps use.

The masking grid is the DEM resampled (rasterio) onto a square grid in the scenario's frame
(azimuthal equidistant about the origin, metres), covering every radar's instrumented range.
For each radar it holds the lowest height above ground at which a target is seen
(:func:`iads.terrain.lowest_visible_height_m`, 4/3 Earth); the engine compares a threat's height
with it. Outside the DEM the ground is taken at sea level.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from affine import Affine
from numpy.typing import NDArray
from pyproj import CRS

from iads.errors import InputError
from iads.geo.frame import LocalFrame
from iads.radar.equation import K_FACTOR_STANDARD
from iads.terrain import Dem, dem_from_array, global_dem, load_dem, lowest_visible_height_m
from iads.terrain.dem import GLOBAL_DEM_NAME
from iads.units import EARTH_MEAN_RADIUS_M

#: Most cells across the masking grid by default (memory: 4 bytes x cells^2 per radar).
MAX_TERRAIN_CELLS = 1024
#: Most cells across when the spacing is asked for (``terrain.cell_m``, ``--cell-m``): 64 MiB
#: per radar.
MAX_REQUESTED_TERRAIN_CELLS = 4096


@dataclass(frozen=True)
class RadarSite:
    """A radar's antenna for line-of-sight work."""

    name: str
    lat_deg: float
    lon_deg: float
    antenna_height_m: float  # above the ground
    max_range_m: float


@dataclass(frozen=True)
class MaskingGrid:
    """The DEM on the frame's grid, and each radar's lowest visible height on it.

    Cell ``[row, col]`` spans east ``e0 + col * cell_m`` to ``+ cell_m`` and north
    ``n0 - row * cell_m`` down to ``- cell_m``. ``lowest_m[d]`` is NaN beyond radar d's range.
    """

    dem: Dem  # on the grid (CRS: the frame's azimuthal equidistant projection)
    e0_m: float
    n0_m: float
    cell_m: float
    lowest_m: NDArray[np.float32]  # [D, rows, cols]


def scenario_dem(path: Path, dem_name: str) -> Dem:
    """The DEM a scenario names: ``etopo5`` or a file relative to the scenario file."""
    if dem_name == GLOBAL_DEM_NAME:
        return global_dem()
    p = Path(dem_name)
    if not p.is_absolute():
        p = path.parent / p
    return load_dem(p)


def check_dem_covers(dem: Dem, scenario_path: Path, points: list[tuple[str, float, float]]) -> None:
    """Every named site must lie on the DEM: an error names the DEM file and the site."""
    for what, lat, lon in points:
        if not dem.covers(lat, lon):
            raise InputError(
                dem.source,
                "dem",
                f"does not cover {what} at ({lat:g}, {lon:g}) in {scenario_path}",
            )


def frame_crs(frame: LocalFrame) -> CRS:
    """The scenario frame's ground projection (azimuthal equidistant on WGS84, metres)."""
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={frame.origin_lat_deg} +lon_0={frame.origin_lon_deg} "
        "+ellps=WGS84 +units=m +no_defs"
    )


def grid_dem(
    dem: Dem | None,
    frame: LocalFrame,
    centre_e_m: float,
    centre_n_m: float,
    half_width_m: float,
    cell_m: float | None = None,
    max_cells: int = MAX_TERRAIN_CELLS,
) -> Dem:
    """The DEM resampled onto a square grid of the frame around (centre_e_m, centre_n_m).

    Without a DEM (``None``) the grid is at sea level. Without ``cell_m`` the spacing is the
    DEM's, coarsened to at most ``max_cells`` across; a ``cell_m`` that needs more than
    ``MAX_REQUESTED_TERRAIN_CELLS`` across is a ValueError naming ``cell_m``.
    """
    from rasterio.warp import Resampling, reproject

    native = 0.0 if dem is None else min(dem.cell_size_m())
    if cell_m is None:
        cell = max(native, 2.0 * half_width_m / max_cells)
        n = max(2, min(max_cells, math.ceil(2.0 * half_width_m / cell)))
    else:
        n = max(2, math.ceil(2.0 * half_width_m / cell_m))
        if n > MAX_REQUESTED_TERRAIN_CELLS:
            most = MAX_REQUESTED_TERRAIN_CELLS
            raise ValueError(
                f"cell_m: {cell_m:g} m needs a {n} x {n} grid over the radars' reach, more than "
                f"{most} x {most}; use at least {math.ceil(2.0 * half_width_m / most):d} m"
            )
        cell = cell_m
    cell = max(cell, 2.0 * half_width_m / n)
    e0 = centre_e_m - 0.5 * n * cell
    n0 = centre_n_m + 0.5 * n * cell
    transform = Affine(cell, 0.0, e0, 0.0, -cell, n0)
    out = np.full((n, n), np.nan, dtype=np.float32)
    crs = frame_crs(frame)
    if dem is None:
        return dem_from_array(np.zeros((n, n)), transform, crs, source="sea level")
    reproject(
        source=dem.heights_m,
        destination=out,
        src_transform=dem.transform,
        src_crs=dem.crs.to_wkt(),
        dst_transform=transform,
        dst_crs=crs.to_wkt(),
        src_nodata=np.nan,
        dst_nodata=np.nan,
        resampling=Resampling.average if cell > native else Resampling.bilinear,
    )
    return dem_from_array(np.nan_to_num(out, nan=0.0), transform, crs, source=dem.source)


def masking_grid(
    dem: Dem | None,
    frame: LocalFrame,
    radars: list[RadarSite],
    cell_m: float | None = None,
    k_factor: float = K_FACTOR_STANDARD,
    max_cells: int = MAX_TERRAIN_CELLS,
    on_radar: Callable[[RadarSite], None] | None = None,
) -> MaskingGrid:
    """The masking grid over every radar's range, with each radar's lowest visible height.

    ``dem`` None is a sea-level Earth. ``on_radar`` is called after each radar's viewshed.
    """
    es, ns = frame.ground([r.lat_deg for r in radars], [r.lon_deg for r in radars])
    reach = np.asarray([r.max_range_m for r in radars])
    lo_e, hi_e = float(np.min(es - reach)), float(np.max(es + reach))
    lo_n, hi_n = float(np.min(ns - reach)), float(np.max(ns + reach))
    half = 0.5 * max(hi_e - lo_e, hi_n - lo_n)
    grid = grid_dem(dem, frame, 0.5 * (lo_e + hi_e), 0.5 * (lo_n + hi_n), half, cell_m, max_cells)
    layers = []
    for r in radars:
        layers.append(
            lowest_visible_height_m(
                grid,
                r.lat_deg,
                r.lon_deg,
                r.antenna_height_m,
                k_factor=k_factor,
                earth_radius_m=EARTH_MEAN_RADIUS_M,
                max_range_m=r.max_range_m,
            ).astype(np.float32)
        )
        if on_radar is not None:
            on_radar(r)
    lowest = np.stack(layers)
    t = grid.transform
    return MaskingGrid(dem=grid, e0_m=t.c, n0_m=t.f, cell_m=t.a, lowest_m=lowest)
