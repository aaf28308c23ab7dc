"""Line of sight over terrain with Earth curvature and refraction: viewsheds on a DEM grid.

The algorithm is the single-sweep "reference plane" viewshed of Wang, Robinson and White
(2000, *Generating viewsheds without using sightlines*, PE&RS 66(1):87-90), in the "edge"
interpolation that GDAL's ``gdal_viewshed`` uses by default, so that the two agree cell for cell.
Heights are first lowered by the curvature drop of the effective (k R) Earth,

    z'(cell) = z(cell) - d^2 / (2 k R)        (d: distance from the observer's cell),

which is GDAL's ``-cc`` with ``cc = 1 / k`` (k = 4/3, the standard radar refraction, is
``-cc 0.75``). Then, sweeping outwards ring by ring, each cell's sightline height is interpolated
from the two cells of the previous ring that its sightline crosses; a cell is seen when its
terrain reaches the sightline, and the sightline is raised to the terrain where it does. The
sightline height minus the terrain is the lowest height above ground at which a target in that
cell is seen.

The sweep is written in JAX: the grid is cut into four triangular sectors (east, west, north,
south of the observer); each is swept along its major axis with ``lax.scan`` while its minor axis
is a vector, and all four are swept together. It runs on whatever device JAX has.

On a geographic DEM (degrees, e.g. SRTM) distances for the curvature drop are great-circle
distances, and sightlines are straight in grid coordinates: adequate over the few hundred
kilometres of a radar's reach, less so near the poles.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import NDArray

from iads.engine.base import precision
from iads.errors import InputError
from iads.radar.equation import K_FACTOR_STANDARD
from iads.terrain.dem import Dem
from iads.units import EARTH_MEAN_RADIUS_M


def lowest_visible_height_m(
    dem: Dem,
    observer_lat_deg: float,
    observer_lon_deg: float,
    observer_height_m: float,
    *,
    k_factor: float = K_FACTOR_STANDARD,
    earth_radius_m: float = EARTH_MEAN_RADIUS_M,
    max_range_m: float | None = None,
    dtype: Any = np.float32,
) -> NDArray[np.floating]:
    """Lowest height above ground (m) at which a target in each DEM cell is seen.

    The observer stands ``observer_height_m`` above the ground of the cell holding
    (``observer_lat_deg``, ``observer_lon_deg``). Cells farther than ``max_range_m`` (when given)
    are NaN. ``k_factor`` is the effective-Earth factor (4/3 for radar; ``inf`` for a flat Earth
    without curvature).
    """
    _check_nonnegative("observer_height_m", observer_height_m)
    if not (k_factor > 0):  # also refuses NaN
        raise ValueError(f"k_factor must be positive, got {k_factor!r}")
    if not (math.isfinite(earth_radius_m) and earth_radius_m > 0):
        raise ValueError(f"earth_radius_m must be positive and finite, got {earth_radius_m!r}")
    if max_range_m is not None:
        _check_nonnegative("max_range_m", max_range_m)
        if max_range_m == 0:
            raise ValueError("max_range_m must be positive")
    cell = dem.cell_of(observer_lat_deg, observer_lon_deg)
    if cell is None:
        raise InputError(
            dem.source,
            "observer",
            f"({observer_lat_deg:g}, {observer_lon_deg:g}) lies outside the DEM",
        )
    oy, ox = cell
    dy_m, dx_m = dem.cell_size_m(oy)
    rows, cols = dem.shape
    r0, r1, c0, c1 = 0, rows, 0, cols
    if max_range_m is not None:
        # Crop to the cells that can be within range (a little generous for geographic grids).
        ny = math.ceil(max_range_m / dy_m) + 1
        nx = math.ceil(max_range_m / (dx_m * _min_cos_ratio(dem, oy, max_range_m))) + 1
        r0, r1 = max(0, oy - ny), min(rows, oy + ny + 1)
        c0, c1 = max(0, ox - nx), min(cols, ox + nx + 1)
    z = dem.heights_m[r0:r1, c0:c1]
    wy, wx = oy - r0, ox - c0
    a_row, b_row, c_col = _distance_terms(dem, r0, r1, c0, c1, oy, ox, dy_m, dx_m)
    inv_2kr = 0.0 if math.isinf(k_factor) else 1.0 / (2.0 * k_factor * earth_radius_m)
    z_obs = float(dem.heights_m[oy, ox]) + float(observer_height_m)
    r2 = -1.0 if max_range_m is None else float(max_range_m) ** 2
    with precision(dtype):
        need = _viewshed(
            jnp.asarray(z, dtype=dtype),
            jnp.asarray(a_row, dtype=dtype),
            jnp.asarray(b_row, dtype=dtype),
            jnp.asarray(c_col, dtype=dtype),
            jnp.asarray(inv_2kr, dtype=dtype),
            jnp.asarray(z_obs, dtype=dtype),
            jnp.asarray(r2, dtype=dtype),
            wy,
            wx,
            dem.is_geographic,
            float(earth_radius_m),
        )
        window = np.asarray(need)
    if (r0, r1, c0, c1) == (0, rows, 0, cols):
        return window
    out = np.full(dem.shape, np.nan, dtype=window.dtype)
    out[r0:r1, c0:c1] = window
    return out


def visibility(
    dem: Dem,
    observer_lat_deg: float,
    observer_lon_deg: float,
    observer_height_m: float,
    target_height_m: float,
    *,
    k_factor: float = K_FACTOR_STANDARD,
    earth_radius_m: float = EARTH_MEAN_RADIUS_M,
    max_range_m: float | None = None,
    dtype: Any = np.float32,
) -> NDArray[np.bool_]:
    """Which DEM cells a target ``target_height_m`` above the ground would be seen in.

    Boolean raster on the DEM grid; see :func:`lowest_visible_height_m` for the arguments.
    """
    _check_nonnegative("target_height_m", target_height_m)
    need = lowest_visible_height_m(
        dem,
        observer_lat_deg,
        observer_lon_deg,
        observer_height_m,
        k_factor=k_factor,
        earth_radius_m=earth_radius_m,
        max_range_m=max_range_m,
        dtype=dtype,
    )
    with np.errstate(invalid="ignore"):
        return np.asarray(need <= target_height_m)


def _check_nonnegative(name: str, value: float) -> None:
    if not (isinstance(value, int | float | np.floating | np.integer) and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")


def _min_cos_ratio(dem: Dem, row: int, range_m: float) -> float:
    """Smallest cos(lat)/cos(lat_observer) within range (1 for projected grids)."""
    if not dem.is_geographic:
        return 1.0
    lat = math.radians(dem.transform.f + dem.transform.e * (row + 0.5))
    reach = range_m / EARTH_MEAN_RADIUS_M
    worst = min(math.pi / 2 - 1e-6, abs(lat) + reach)
    return max(math.cos(worst) / max(math.cos(lat), 1e-6), 1e-3)


def _distance_terms(
    dem: Dem,
    r0: int,
    r1: int,
    c0: int,
    c1: int,
    oy: int,
    ox: int,
    dy_m: float,
    dx_m: float,
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """Terms of the squared distance from the observer's cell: ``a[row] + b[row] * c[col]``.

    Projected grids: ``d^2 = (j dy)^2 + (i dx)^2`` (as GDAL). Geographic grids: the haversine
    ``h = sin^2(dlat/2) + cos(lat0) cos(lat) sin^2(dlon/2)``, turned into a great-circle distance
    inside the sweep.
    """
    rows = np.arange(r0, r1)
    cols = np.arange(c0, c1)
    if not dem.is_geographic:
        return ((rows - oy) * dy_m) ** 2, np.ones(rows.size), ((cols - ox) * dx_m) ** 2
    lat = np.radians(dem.transform.f + dem.transform.e * (rows + 0.5))
    lat0 = math.radians(dem.transform.f + dem.transform.e * (oy + 0.5))
    dlon = np.radians(dem.transform.a * (cols - ox))
    return np.sin(0.5 * (lat - lat0)) ** 2, math.cos(lat0) * np.cos(lat), np.sin(0.5 * dlon) ** 2


@partial(jax.jit, static_argnums=(7, 8, 9, 10))
def _viewshed(
    z: Any,
    a_row: Any,
    b_row: Any,
    c_col: Any,
    inv_2kr: Any,
    z_obs: Any,
    r2: Any,
    oy: int,
    ox: int,
    geographic: bool,
    earth_radius_m: float,
) -> Any:
    rows, cols = z.shape
    h = a_row[:, None] + b_row[:, None] * c_col[None, :]
    if geographic:
        d2 = (2.0 * earth_radius_m * jnp.arcsin(jnp.sqrt(jnp.clip(h, 0.0, 1.0)))) ** 2
    else:
        d2 = h
    zrel = z - d2 * inv_2kr - z_obs

    # The four sectors (east, west, north, south), each as [distance along the major axis,
    # position along the minor axis], split at the axis into two halves ordered away from it:
    # eight octants in which the sightline's neighbour towards the axis is always one step back.
    sectors = [
        (zrel[:, ox:].T, oy),
        (zrel[:, ox::-1].T, oy),
        (zrel[oy::-1, :], ox),
        (zrel[oy:, :], ox),
    ]
    depth = max(s.shape[0] for s, _ in sectors)
    half = max(max(c + 1, s.shape[1] - c) for s, c in sectors)

    def octant(s: Any) -> Any:
        return jnp.pad(s, ((0, depth - s.shape[0]), (0, half - s.shape[1])))

    stack = jnp.stack(
        [octant(part) for s, c in sectors for part in (s[:, c:], s[:, c::-1])], axis=1
    )  # [D, 8, H]
    j = jnp.arange(half, dtype=z.dtype)

    def step(v_prev: Any, inputs: Any) -> tuple[Any, Any]:
        zd, d, inv = inputs
        toward = jnp.concatenate([v_prev[:, :1], v_prev[:, :-1]], axis=1)
        line = (toward * j + v_prev * (d - j)) * inv
        v = jnp.where(j <= d, jnp.maximum(zd, line), zd)
        return v, jnp.maximum(line - zd, 0.0)

    distances = jnp.arange(2, depth, dtype=z.dtype)
    _, needs = jax.lax.scan(step, stack[1], (stack[2:], distances, 1.0 / (distances - 1.0)))
    near = jnp.zeros((min(2, depth), 8, half), dtype=z.dtype)  # the observer and ring 1: seen
    needs = jnp.concatenate([near, needs], axis=0)  # [D, 8, H]

    def sector(k: int, c: int, size: int, length: int) -> Any:
        """Sector k's result, [length along the major axis, size along the minor axis]."""
        pos = needs[:length, 2 * k, : size - c]
        neg = needs[:length, 2 * k + 1, c:0:-1]
        return jnp.concatenate([neg, pos], axis=1)

    east = sector(0, oy, rows, cols - ox).T
    west = sector(1, oy, rows, ox + 1)[:0:-1].T
    north = sector(2, ox, cols, oy + 1)[:0:-1]
    south = sector(3, ox, cols, rows - oy)
    ew = jnp.concatenate([west, east], axis=1)  # [rows, cols]
    ns = jnp.concatenate([north, south], axis=0)
    rr = jnp.abs(jnp.arange(rows) - oy)[:, None]
    cc = jnp.abs(jnp.arange(cols) - ox)[None, :]
    out = jnp.where(cc >= rr, ew, ns)
    return jnp.where((r2 < 0) | (d2 <= r2), out, jnp.nan)
