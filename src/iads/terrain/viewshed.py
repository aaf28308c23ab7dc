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

How the sweep is laid out (docs/performance.md has the measurements behind it):

- Ring ``d`` is the square of cells ``d`` steps (in the larger of rows and columns) from the
  observer's cell. Its four sides (north row ``oy - d``, south row ``oy + d``, west column
  ``ox - d``, east column ``ox + d``) are vectors over the offset ``j`` from the observer's
  column or row, and a cell at offset ``j`` sees ring ``d - 1`` between offsets ``j`` and
  ``j - sign(j)``: so the sweep is ring after ring, each a few vector operations. Where the
  sides overlap (the corners, ``|j| = d``) east and west answer, as in GDAL.
- Ring ``d`` only reaches ``|j| <= d``, so the rings go in blocks of ``_BLOCK_RINGS`` whose
  sides are only as long as the block's outermost ring needs (rounded up to one of a few
  lengths, each compiled once): about half the work of sweeping the whole grid's width.
- NumPy cuts each block out of the DEM (north and south rows, west and east column bands) into
  buffers that JAX uses without copying, and writes the block's answers into the result; the
  compiled kernel turns the column bands into rings, sweeps, works out the answers for the
  whole block at once and turns them back. It sweeps block ``b + 1`` while NumPy copies out
  block ``b``, so two CPU cores work. JAX never makes an array the size of the DEM (a fresh
  large buffer costs page faults comparable to the sweep itself), :func:`visibility` makes its
  Boolean raster without the heights, and the observer's position is not compiled in: one
  compilation per block length serves every observer and every DEM.

It runs on whatever device JAX has. On a geographic DEM (degrees, e.g. SRTM) distances for the
curvature drop are great-circle distances, and sightlines are straight in grid coordinates:
adequate over the few hundred kilometres of a radar's reach, less so near the poles.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import NDArray

from iads.arrays import precision
from iads.checks import check_nonnegative, check_positive
from iads.errors import InputError
from iads.radar.equation import K_FACTOR_STANDARD
from iads.terrain.dem import Dem
from iads.units import EARTH_MEAN_RADIUS_M

#: Rings swept per call of the compiled kernel.
_BLOCK_RINGS = 48
#: Half-lengths of the rings' sides (largest offset from the axis) the kernel is compiled for:
#: a block takes the smallest that reaches its outermost ring, so it sweeps at most 1.5 times
#: the cells it needs once past 512 rings (inside, 512 costs little). Each length is one
#: compilation, about 0.4 s on the 2-core CPU, made once per process.
_HALF_WIDTHS = tuple(sorted({m << k for k in range(16) for m in (512, 768)}))


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
    return _viewshed(
        dem,
        observer_lat_deg,
        observer_lon_deg,
        observer_height_m,
        None,
        k_factor=k_factor,
        earth_radius_m=earth_radius_m,
        max_range_m=max_range_m,
        dtype=dtype,
    )


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

    Boolean raster on the DEM grid; see :func:`lowest_visible_height_m` for the arguments. A cell
    is seen exactly when its lowest visible height (in ``dtype``) is at most ``target_height_m``.
    """
    check_nonnegative("target_height_m", target_height_m)
    return _viewshed(
        dem,
        observer_lat_deg,
        observer_lon_deg,
        observer_height_m,
        float(target_height_m),
        k_factor=k_factor,
        earth_radius_m=earth_radius_m,
        max_range_m=max_range_m,
        dtype=dtype,
    )


def _viewshed(
    dem: Dem,
    observer_lat_deg: float,
    observer_lon_deg: float,
    observer_height_m: float,
    target_height_m: float | None,
    *,
    k_factor: float,
    earth_radius_m: float,
    max_range_m: float | None,
    dtype: Any,
) -> NDArray[Any]:
    """Lowest visible heights, or (given ``target_height_m``) which cells are seen."""
    check_nonnegative("observer_height_m", observer_height_m)
    if not (k_factor > 0):  # also refuses NaN; inf is a flat Earth
        raise ValueError(f"k_factor must be positive, got {k_factor!r}")
    check_positive("earth_radius_m", earth_radius_m)
    if max_range_m is not None:
        check_positive("max_range_m", max_range_m)
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
    a_row, b_row, c_col = _distance_terms(dem, r0, r1, c0, c1, oy, ox, dy_m, dx_m)
    inv_2kr = 0.0 if math.isinf(k_factor) else 1.0 / (2.0 * k_factor * earth_radius_m)
    z_obs = float(dem.heights_m[oy, ox]) + float(observer_height_m)
    r2 = -1.0 if max_range_m is None else float(max_range_m) ** 2
    scalars = (inv_2kr, z_obs, r2, 0.0 if target_height_m is None else target_height_m)
    with precision(dtype):
        window = _sweep(
            dem.heights_m[r0:r1, c0:c1],
            (oy - r0, ox - c0),
            (a_row, b_row, c_col),
            _Scalars(*(np.asarray(s, dtype=dtype) for s in scalars)),
            np.dtype(dtype),
            seen=target_height_m is not None,
            geographic=dem.is_geographic,
            earth_radius_m=float(earth_radius_m),
        )
    if (r0, r1, c0, c1) == (0, rows, 0, cols):
        return window
    out = np.full(dem.shape, False if target_height_m is not None else np.nan, window.dtype)
    out[r0:r1, c0:c1] = window
    return out


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


class _Scalars(NamedTuple):
    """Per-call constants of the kernel, 0-d arrays in the sweep's dtype."""

    inv_2kr: Any  # 1 / (2 k R), 1/m (0 for a flat Earth)
    z_obs: Any  # observer's eye above sea level, m
    r2: Any  # max range squared, m^2 (negative: no limit)
    target: Any  # target height above ground, m (visibility only)


class _Block(NamedTuple):
    """The DEM cells of rings ``d0 <= d < d0 + n`` (n = ``_BLOCK_RINGS``), ring by ring.

    Each ring is four sides (north, south, west, east) of ``l = 2 w + 1`` cells, centred on the
    observer's row or column; cells outside the DEM are 0. The squared distance of a cell (r, c)
    from the observer is ``a[r] + b[r] * c[c]`` (geographic grids: the haversine).
    """

    z_across: Any  # [n, 2, l] heights (m) of north row oy-d and south row oy+d, cols ox-w..ox+w
    z_west: Any  # [l, n] heights of columns ox-d0-n+1 .. ox-d0 (grid order), rows oy-w .. oy+w
    z_east: Any  # [l, n] heights of columns ox+d0 .. ox+d0+n-1, rows oy-w .. oy+w
    rings: Any  # [n, 7] per ring d: d, a and b of rows oy-d and oy+d, c of columns ox-d, ox+d
    across: Any  # [3, l] c of columns ox-w .. ox+w; a and b of rows oy-w .. oy+w


def _sweep(
    z: NDArray[np.floating],
    observer: tuple[int, int],
    terms: tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]],
    scalars: _Scalars,
    dtype: np.dtype[Any],
    *,
    seen: bool,
    geographic: bool,
    earth_radius_m: float,
) -> NDArray[Any]:
    """Sweep the whole grid ``z`` [rows, cols] from ``observer`` (row, col), block by block.

    Returns the lowest visible heights (``dtype``, NaN beyond the range) or, when ``seen``,
    whether each cell is seen at ``scalars.target``.
    """
    rows, cols = z.shape
    oy, ox = observer
    depth = max(oy, rows - 1 - oy, ox, cols - 1 - ox) + 1  # rings 0 .. depth-1
    n = _BLOCK_RINGS
    # The distance terms, padded so that each block's are plain slices.
    pad = _half_width(depth - 1) + n
    a, b, c = (np.pad(np.asarray(t, dtype=dtype), pad) for t in terms)
    out = np.empty((rows, cols), bool if seen else dtype)
    kernel = partial(
        _sweep_block,
        geographic=geographic,
        earth_radius_m=earth_radius_m,
        ranged=bool(scalars.r2 >= 0),
        seen=seen,
    )
    scalars = _Scalars(*(jnp.asarray(x) for x in scalars))  # on the device once
    carry = jnp.zeros((4, 1), dtype)
    across: dict[int, Any] = {}  # the [3, l] distance terms of each half-length, made once
    pending: tuple[int, int, Any] | None = None
    for d0 in range(0, depth, n):
        w = _half_width(min(d0 + n - 1, depth - 1))
        if w not in across:
            cols_w, rows_w = (
                slice(pad + ox - w, pad + ox + w + 1),
                slice(pad + oy - w, pad + oy + w + 1),
            )
            across[w] = jnp.asarray(np.stack([c[cols_w], a[rows_w], b[rows_w]]))
        d = d0 + np.arange(n)
        block = _Block(
            _rings_across(z, oy, ox, d0, w, dtype),
            _band(z, oy - w, ox - d0 - n + 1, 2 * w + 1, dtype),
            _band(z, oy - w, ox + d0, 2 * w + 1, dtype),
            np.stack(
                [
                    d.astype(dtype),
                    a[pad + oy - d],
                    a[pad + oy + d],
                    b[pad + oy - d],
                    b[pad + oy + d],
                    c[pad + ox - d],
                    c[pad + ox + d],
                ],
                axis=1,
            ),
            across[w],
        )
        if carry.shape[1] != 2 * w + 1:
            carry = _widen(carry, 2 * w + 1)
        answers, carry = kernel(block, carry, scalars)
        # Copy out the previous block while the device sweeps this one.
        if pending is not None:
            _copy_out(out, observer, *pending)
        pending = (d0, w, answers)
    if pending is not None:
        _copy_out(out, observer, *pending)
    return out


def _half_width(ring: int) -> int:
    """The smallest compiled width that reaches ``ring``."""
    return next(w for w in _HALF_WIDTHS if w >= ring)


def _rings_across(
    z: NDArray[np.floating], oy: int, ox: int, d0: int, w: int, dtype: np.dtype[Any]
) -> NDArray[np.floating]:
    """[n, 2, 2w+1]: rows ``oy - d`` (north) and ``oy + d`` (south) for d = d0 .. d0+n-1,
    columns ox-w .. ox+w; 0 outside the DEM."""
    n = _BLOCK_RINGS
    rows, cols = z.shape
    out = _aligned_empty((n, 2, 2 * w + 1), dtype)
    ca, cb = max(ox - w, 0), min(ox + w + 1, cols)
    inside = (ca - (ox - w), cb - (ox - w))
    for side, count, first in ((0, oy + 1 - d0, oy - d0), (1, rows - oy - d0, oy + d0)):
        k = max(0, min(n, count))  # rings of this block whose row is inside the DEM
        if k > 0:
            step = -1 if side == 0 else 1
            stop = first + step * k
            rings = z[first : (stop if stop >= 0 else None) : step, ca:cb]
            out[:k, side, inside[0] : inside[1]] = rings
        _zero_outside(out[:, side], k, inside)
    return out


def _band(
    z: NDArray[np.floating], r0: int, c0: int, height: int, dtype: np.dtype[Any]
) -> NDArray[np.floating]:
    """[height, n]: ``z[r0 : r0 + height, c0 : c0 + n]``, 0 outside the DEM."""
    n = _BLOCK_RINGS
    rows, cols = z.shape
    out = _aligned_empty((height, n), dtype)
    ra, rb = max(r0, 0), min(r0 + height, rows)
    ca, cb = max(c0, 0), min(c0 + n, cols)
    if ra >= rb or ca >= cb:
        out[:] = 0
        return out
    out[ra - r0 : rb - r0, ca - c0 : cb - c0] = z[ra:rb, ca:cb]
    out[: ra - r0] = 0
    out[rb - r0 :] = 0
    out[:, : ca - c0] = 0
    out[:, cb - c0 :] = 0
    return out


def _zero_outside(strip: NDArray[Any], count: int, inside: tuple[int, int]) -> None:
    """Zero ``strip`` [rings, l] except its first ``count`` rings between ``inside``."""
    strip[count:] = 0
    strip[:count, : inside[0]] = 0
    strip[:count, inside[1] :] = 0


def _aligned_empty(shape: tuple[int, ...], dtype: np.dtype[Any]) -> NDArray[Any]:
    """An empty array on a 64-byte boundary, which JAX uses on the CPU without copying."""
    size = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(size + 64, np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start : start + size].view(dtype).reshape(shape)


def _copy_out(out: NDArray[Any], observer: tuple[int, int], d0: int, w: int, answers: Any) -> None:
    """Write block ``d0``'s answers into ``out``.

    The block owns the cells whose ring ``max(|row - oy|, |col - ox|)`` is in ``[d0, d0 + n)``.
    North and south rows go in first, then west and east columns over them; in the four corner
    squares where they overlap a cell belongs to north or south when ``|row - oy| > |col - ox|``
    (the diagonal goes to east and west, as in GDAL).
    """
    across, west, east = (np.asarray(x) for x in answers)  # [n, 2, l], [l, n], [l, n]
    oy, ox = observer
    n = _BLOCK_RINGS
    d1 = d0 + n
    rows, cols = out.shape
    # (strip in grid order, its first row, its first column, the rows or columns it owns)
    ns = (
        (across[::-1, 0], oy - d1 + 1, ox - w, (oy - d1 + 1, oy - d0 + 1)),
        (across[:, 1], oy + d0, ox - w, (oy + d0, oy + d1)),
    )
    we = (
        (west, oy - w, ox - d1 + 1, (ox - d1 + 1, ox - d0 + 1)),
        (east, oy - w, ox + d0, (ox + d0, ox + d1)),
    )
    for strip, sr, sc, owned_rows in ns:
        _put(out, strip, sr, sc, owned_rows, (ox - d1 + 1, ox + d1))
    for strip, sr, sc, owned_cols in we:
        _put(out, strip, sr, sc, (oy - d1 + 1, oy + d1), owned_cols)
    for strip, sr, sc, owned_rows in ns:
        for *_, owned_cols in we:
            ra, rb = max(owned_rows[0], 0), min(owned_rows[1], rows)
            ca, cb = max(owned_cols[0], 0), min(owned_cols[1], cols)
            if ra >= rb or ca >= cb:
                continue
            steep = np.abs(np.arange(ra, rb) - oy)[:, None] > np.abs(np.arange(ca, cb) - ox)
            src = strip[ra - sr : rb - sr, ca - sc : cb - sc]
            np.copyto(out[ra:rb, ca:cb], src, where=steep)


def _put(
    out: NDArray[Any],
    strip: NDArray[Any],
    sr: int,
    sc: int,
    span_rows: tuple[int, int],
    span_cols: tuple[int, int],
) -> None:
    """``out[span] = strip[span]`` for the part of the span inside ``out``; the strip starts at
    (``sr``, ``sc``) of ``out``."""
    rows, cols = out.shape
    ra, rb = max(span_rows[0], 0), min(span_rows[1], rows)
    ca, cb = max(span_cols[0], 0), min(span_cols[1], cols)
    if ra < rb and ca < cb:
        out[ra:rb, ca:cb] = strip[ra - sr : rb - sr, ca - sc : cb - sc]


@partial(jax.jit, static_argnums=1)
def _widen(carry: Any, span: int) -> Any:
    """The sweep's state [4, l] padded (centred) to a wider block's [4, span]; the new cells lie
    beyond every side's previous ring, so their value is never used."""
    extra = (span - carry.shape[1]) // 2
    return jnp.pad(carry, ((0, 0), (extra, extra)))


@partial(jax.jit, static_argnames=("geographic", "earth_radius_m", "ranged", "seen"))
def _sweep_block(
    block: _Block,
    carry: Any,
    scalars: _Scalars,
    *,
    geographic: bool,
    earth_radius_m: float,
    ranged: bool,
    seen: bool,
) -> tuple[tuple[Any, Any, Any], Any]:
    """Sweep the block's rings ``d`` (``block.rings[:, 0]``) on the four sides.

    ``carry`` [4, l] is the sightline height ``v`` (above the observer's eye, curvature
    included) of the ring before the block on the north, south, west and east sides, at offsets
    ``j = -w .. w`` from the axis. For ring ``d >= 2`` the cell at offset ``j`` (``|j| <= d``)
    sees the previous ring between offsets ``j`` and ``j - sign(j)`` (one step towards the
    axis), and

        line = (v[j - sign(j)] |j| + v[j] (d - |j|)) / (d - 1)   (the sightline, at ring d)
        v'[j] = max(z'[j], line)                                  (raised to the terrain)
        need[j] = max(line - z'[j], 0)

    with ``z'`` the curvature-lowered height above the eye; rings 0 and 1 are always seen.
    Returns the answers (``need``, NaN beyond the range when ``ranged``, or ``need <= target``)
    in the layout of the block's heights (north and south [n, 2, l], west and east [l, n] in
    grid order) and ``v`` of the block's last ring.
    """
    n, _, span = block.z_across.shape
    w = (span - 1) // 2
    dtype = block.z_across.dtype
    d = block.rings[:, 0]  # [n]
    a_ns, b_ns, c_we = block.rings[:, 1:3], block.rings[:, 3:5], block.rings[:, 5:7]  # [n, 2]
    c_across, a_along, b_along = block.across  # [l]

    def squared_distance(a: Any, b: Any, c: Any) -> Any:
        """d^2 (m^2) from the distance terms (geographic grids: from the haversine)."""
        h = a + b * c
        if geographic:
            return (2.0 * earth_radius_m * jnp.arcsin(jnp.sqrt(jnp.clip(h, 0.0, 1.0)))) ** 2
        return h

    def lowered(z: Any, d2: Any) -> Any:
        """z' (m): heights ``z`` at squared distance ``d2`` after the curvature drop."""
        return z - d2 * scalars.inv_2kr - scalars.z_obs

    # The sweep runs over [ring, offset]: north and south as they come, west and east
    # transposed (west also reversed: its rings run leftwards).
    west, east = block.z_west.T[::-1], block.z_east.T

    def terrain(i: Any) -> tuple[Any, Any, Any]:
        """z' of the block's ring i: [2, l] north and south, [l] west, [l] east."""
        ring_i = partial(jax.lax.dynamic_index_in_dim, index=i, axis=0, keepdims=False)
        c_w, c_e = ring_i(c_we)
        d2_ns = squared_distance(ring_i(a_ns)[:, None], ring_i(b_ns)[:, None], c_across)
        return (
            lowered(ring_i(block.z_across), d2_ns),
            lowered(ring_i(west), squared_distance(a_along, b_along, c_w)),
            lowered(ring_i(east), squared_distance(a_along, b_along, c_e)),
        )

    offset = jnp.arange(span, dtype=dtype) - w
    j = jnp.abs(offset)
    outward = offset > 0

    def sightline(previous: Any, d: Any) -> Any:
        """``line`` at ring ``d`` from ``previous`` [..., l + 2], ring d - 1's ``v`` between a
        leading and a trailing pad cell (so that the neighbours are plain slices)."""
        toward = jnp.where(outward, previous[..., :-2], previous[..., 2:])
        return (toward * j + previous[..., 1:-1] * (d - j)) * (1.0 / (d - 1.0))

    def ring(i: Any, histories: tuple[Any, ...]) -> tuple[Any, ...]:
        d_i = d[i]
        new = []
        for history, zd in zip(histories, terrain(i), strict=True):
            previous = jax.lax.dynamic_index_in_dim(history, i, 0, keepdims=False)
            line = sightline(previous, d_i)
            v = jnp.where((j <= d_i) & (d_i >= 2.0), jnp.maximum(zd, line), zd)
            start = (i + 1,) + (0,) * (history.ndim - 2) + (1,)
            new.append(jax.lax.dynamic_update_slice(history, v[None], start))
        return tuple(new)

    # Histories [n + 1, ..., l + 2]: row i + 1 holds v of the block's ring i, row 0 the carry.
    start = jnp.pad(carry, ((0, 0), (1, 1)))
    first = (start[:2], start[2], start[3])
    histories = jax.lax.fori_loop(
        0,
        n,
        ring,
        tuple(jnp.zeros((n + 1, *row.shape), dtype).at[0].set(row) for row in first),
    )
    # `need` for all the block's rings at once, from the ring before each; west and east back
    # to [row, column], their z' and d^2 straight from their heights.
    lines = (
        sightline(histories[0][:-1], d[:, None, None]),
        sightline(histories[1][:-1], d[:, None]).T[:, ::-1],
        sightline(histories[2][:-1], d[:, None]).T,
    )
    d2 = (
        squared_distance(a_ns[:, :, None], b_ns[:, :, None], c_across),
        squared_distance(a_along[:, None], b_along[:, None], c_we[::-1, 0]),
        squared_distance(a_along[:, None], b_along[:, None], c_we[:, 1]),
    )
    heights = (block.z_across, block.z_west, block.z_east)
    rings = (d[:, None, None], d[::-1], d)
    answers = []
    for line, z, d2_side, d_side in zip(lines, heights, d2, rings, strict=True):
        need = jnp.where(d_side >= 2.0, jnp.maximum(line - lowered(z, d2_side), 0.0), 0.0)
        inside = (d2_side <= scalars.r2) if ranged else True
        if seen:
            answers.append(inside & (need <= scalars.target))
        else:
            answers.append(jnp.where(inside, need, jnp.nan))
    last = jnp.concatenate([histories[0][n], histories[1][n][None], histories[2][n][None]])
    return (answers[0], answers[1], answers[2]), last[:, 1:-1]
