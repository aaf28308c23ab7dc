"""The engine's round-Earth frame (pure array functions, NumPy or JAX).

The frame is Cartesian, metres: x east, y north, z up at the origin, with the origin on the
surface and the Earth's centre at ``(0, 0, -R)``. A point with ground coordinates ``(e, n)``
(an azimuthal-equidistant projection centred on the origin: ``hypot(e, n)`` is the surface
distance from the origin and ``atan2(e, n)`` its azimuth) and height ``h`` above the sphere is

    theta = s / R,  s = hypot(e, n),  az = atan2(e, n)
    p = (R + h) * (sin(theta) sin(az), sin(theta) cos(az), cos(theta)) - (0, 0, R)

so that altitude is ``|p + (0, 0, R)| - R``: at 400 km from the origin on the tangent plane
(z = 0) the surface is 12.5 km below.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from iads.geo import vec
from iads.units import EARTH_MEAN_RADIUS_M

#: Radius of the engine's spherical Earth, m (IUGG mean radius).
EARTH_RADIUS_M = EARTH_MEAN_RADIUS_M


def enu_to_xyz(e: Any, n: Any, h: Any, xp: Any = jnp) -> Any:
    """Ground coordinates and height (m) to frame position (m), shape ``(..., 3)``."""
    s = xp.hypot(e, n)
    theta = s / EARTH_RADIUS_M
    # sin(theta)/s is smooth at s = 0: use sinc to keep gradients and avoid 0/0.
    k = (EARTH_RADIUS_M + h) * xp.sinc(theta / xp.pi) / EARTH_RADIUS_M
    x = k * e
    y = k * n
    z = (EARTH_RADIUS_M + h) * xp.cos(theta) - EARTH_RADIUS_M
    return xp.stack([x, y, z], axis=-1)


def xyz_to_enu(p: Any, xp: Any = jnp) -> tuple[Any, Any, Any]:
    """Frame position (m), shape ``(..., 3)``, to ground coordinates and height (m)."""
    return _enu(p[..., 0], p[..., 1], p[..., 2], xp)


def _enu(x: Any, y: Any, z: Any, xp: Any) -> tuple[Any, Any, Any]:
    qx, qy, qz = x, y, z + EARTH_RADIUS_M
    horiz = xp.hypot(qx, qy)
    r = xp.sqrt(horiz**2 + qz**2)
    theta = xp.arctan2(horiz, qz)
    s = EARTH_RADIUS_M * theta
    scale = xp.where(horiz > 0, s / xp.where(horiz > 0, horiz, 1.0), 1.0)
    return qx * scale, qy * scale, r - EARTH_RADIUS_M


def altitude_m(p: Any, xp: Any = jnp) -> Any:
    """Height above the sphere (m) of frame positions ``(..., 3)``."""
    q = p + xp.asarray([0.0, 0.0, EARTH_RADIUS_M], dtype=p.dtype)
    return vec.norm(q) - EARTH_RADIUS_M


def up_unit(p: Any, xp: Any = jnp) -> Any:
    """Local vertical (unit vector away from the Earth's centre) at frame positions ``(..., 3)``."""
    q = p + xp.asarray([0.0, 0.0, EARTH_RADIUS_M], dtype=p.dtype)
    return q / vec.norm(q)[..., None]


def azimuth_off_rad(from_m: Any, to_m: Any, boresight_rad: Any, xp: Any = jnp) -> Any:
    """Azimuth (rad) of ``to_m`` seen from ``from_m`` (frame positions, broadcasting, in the
    frame's ground coordinates, clockwise from north) less ``boresight_rad``, wrapped to
    [-pi, pi)."""
    return _azimuth_off(xyz_to_enu(from_m, xp), xyz_to_enu(to_m, xp), boresight_rad, xp)


def _azimuth_off(f: tuple[Any, ...], t: tuple[Any, ...], boresight_rad: Any, xp: Any) -> Any:
    az = xp.arctan2(t[0] - f[0], t[1] - f[1])
    return xp.remainder(az - boresight_rad + xp.pi, 2.0 * xp.pi) - xp.pi


def ground_range_m(a_m: Any, b_m: Any, xp: Any = jnp) -> Any:
    """Surface distance (m) between frame positions (broadcasting over leading axes)."""
    ua, ub = up_unit(a_m, xp), up_unit(b_m, xp)
    return EARTH_RADIUS_M * xp.arctan2(vec.norm(vec.cross(ua, ub, xp)), vec.dot(ua, ub))


# --- the same for component-major positions, shape [3, ...] (on the CPU, XLA vectorises
# elementwise work over trailing axes far better than over a minor axis of 3) ---------------


def altitude_first(p: Any) -> Any:
    """Height above the sphere (m) of component-major frame positions ``[3, ...]``."""
    return jnp.sqrt(p[0] ** 2 + p[1] ** 2 + (p[2] + EARTH_RADIUS_M) ** 2) - EARTH_RADIUS_M


def up_first(p: Any) -> Any:
    """Local vertical (unit vectors, ``[3, ...]``) at component-major frame positions."""
    q = jnp.stack([p[0], p[1], p[2] + EARTH_RADIUS_M])
    return q / vec.norm_first(q)


def ground_range_first(a_m: Any, b_m: Any) -> Any:
    """Surface distance (m) between component-major frame positions ``[3, ...]``."""
    ua, ub = up_first(a_m), up_first(b_m)
    return EARTH_RADIUS_M * jnp.arctan2(
        vec.norm_first(vec.cross_first(ua, ub, jnp)), vec.dot_first(ua, ub)
    )


def azimuth_off_first(from_m: Any, to_m: Any, boresight_rad: Any) -> Any:
    """:func:`azimuth_off_rad` of component-major frame positions ``[3, ...]``."""
    f = _enu(from_m[0], from_m[1], from_m[2], jnp)
    return _azimuth_off(f, _enu(to_m[0], to_m[1], to_m[2], jnp), boresight_rad, jnp)
