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
    qx, qy, qz = p[..., 0], p[..., 1], p[..., 2] + EARTH_RADIUS_M
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


def ground_range_m(a_m: Any, b_m: Any, xp: Any = jnp) -> Any:
    """Surface distance (m) between frame positions (broadcasting over leading axes)."""
    ua, ub = up_unit(a_m, xp), up_unit(b_m, xp)
    return EARTH_RADIUS_M * xp.arctan2(vec.norm(vec.cross(ua, ub, xp)), vec.dot(ua, ub))
