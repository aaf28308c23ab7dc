"""Range, height and elevation on the effective (k R) Earth: exact, float32-stable formulas.

Refraction in a standard atmosphere bends radar rays down; the k-factor model replaces it by
straight rays over an Earth of radius r_e = k R (k = 4/3 by default, R the Earth radius). Radar
and target then form a plane triangle with the effective Earth's centre:

- the radar at a = r_e + h_r from the centre, the target at b = r_e + h_t;
- the side between them is the slant range r; the radar sees the target at elevation theta
  above its local horizontal; the central angle between them is phi, and the ground range
  (along the effective surface, as in :func:`iads.radar.equation.effective_earth_geometry`)
  is s = r_e phi.

The law of cosines b^2 = a^2 + r^2 + 2 a r sin(theta) links them. Every formula below is
written so that the two Earth radii never subtract: with dh = h_t - h_r and S = a + b =
2 r_e + h_r + h_t, b^2 - a^2 = dh S exactly, and

    h_t       = h_r + q / (a + sqrt(a^2 + q)),          q = r (r + 2 a sin(theta))
    theta     = atan2(dh S - r^2, sqrt((r - dh)(r + dh)) sqrt((S - r)(S + r)))
    tan(phi/2) = sqrt((r - dh)(r + dh)) / sqrt((S - r)(S + r))
    r         = -a sin(theta) +/- sqrt(a^2 sin^2(theta) + dh S)

(the last in its cancellation-free form, choosing the ray's first crossing of the height h_t).
A naive ``sqrt(...) - r_e`` loses about 1 m to rounding in float32 (r_e ~ 8.5e6 m); these keep
float32 results to a few parts in 1e7.

Pure array functions: NumPy or JAX (``xp``), SI units, broadcasting arguments. Arguments are
checked (ValueError naming the argument) when they are concrete; under ``jax.jit`` or ``vmap``
they cannot be, and the functions compute without checks (an impossible geometry gives NaN).
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from iads.checks import check_finite, check_nonnegative, check_positive, is_concrete
from iads.geo.sphere import EARTH_RADIUS_M
from iads.radar.equation import K_FACTOR_STANDARD


def target_height_m(
    slant_range_m: Any,
    elevation_rad: Any,
    radar_height_m: Any = 0.0,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> Any:
    """Height above the surface (m) of a target seen at a slant range and elevation.

        h_t = sqrt(a^2 + r^2 + 2 a r sin(theta)) - r_e
            = h_r + q / (a + sqrt(a^2 + q)),   q = r (r + 2 a sin(theta)),  a = r_e + h_r

    (law of cosines on the effective-Earth triangle, second form free of cancellation).

    Parameters
    ----------
    slant_range_m : array_like
        Straight-line range r from radar to target, m, >= 0.
    elevation_rad : array_like
        Elevation theta of the target above the radar's local horizontal, rad, in
        [-pi/2, pi/2].
    radar_height_m : array_like, optional
        Radar antenna height h_r above the surface, m, >= 0 (default 0).
    k_factor : float, optional
        Effective-Earth-radius factor k, > 0 (default 4/3).
    earth_radius_m : float, optional
        Earth radius R, m (default :data:`iads.geo.sphere.EARTH_RADIUS_M`); r_e = k R.
    xp : module, optional
        Array namespace, ``jax.numpy`` (default) or ``numpy``.

    Returns
    -------
    array
        Target height h_t above the effective surface, m, the broadcast shape of the arguments
        (negative where a descending ray has passed below the surface).

    Raises
    ------
    ValueError
        For concrete inputs: a negative or non-finite range or height, an elevation outside
        [-pi/2, pi/2] or NaN, or a non-positive ``k_factor`` or ``earth_radius_m``.
    """
    if is_concrete(slant_range_m, elevation_rad, radar_height_m, k_factor, earth_radius_m):
        check_nonnegative("slant_range_m", slant_range_m)
        _check_elevation(elevation_rad)
        check_nonnegative("radar_height_m", radar_height_m)
        _check_earth(k_factor, earth_radius_m)
    r_e = k_factor * earth_radius_m
    h_r = xp.asarray(radar_height_m)
    r = xp.asarray(slant_range_m)
    a = r_e + h_r
    q = r * (r + 2.0 * a * xp.sin(xp.asarray(elevation_rad)))  # b^2 - a^2
    b = xp.sqrt(xp.maximum(a * a + q, 0.0))
    return h_r + q / (a + b)


def elevation_rad(
    radar_height_m: Any,
    target_height_m: Any,
    slant_range_m: Any,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> Any:
    """Elevation (rad) of a target above the radar's local horizontal, from heights and range.

        sin(theta) = (b^2 - a^2 - r^2) / (2 a r),   a = r_e + h_r,  b = r_e + h_t

    evaluated as theta = atan2(dh S - r^2, sqrt((r - dh)(r + dh)) sqrt((S - r)(S + r))) with
    dh = h_t - h_r, S = a + b (the cosine from the same triangle, Heron-style, so no radii
    subtract and the angle keeps full precision near 0 and +/-pi/2).

    Parameters
    ----------
    radar_height_m : array_like
        Radar antenna height h_r above the surface, m, >= 0.
    target_height_m : array_like
        Target height h_t above the surface, m, >= 0.
    slant_range_m : array_like
        Straight-line range r from radar to target, m, > 0 and >= |h_t - h_r|.
    k_factor : float, optional
        Effective-Earth-radius factor k, > 0 (default 4/3).
    earth_radius_m : float, optional
        Earth radius R, m (default :data:`iads.geo.sphere.EARTH_RADIUS_M`); r_e = k R.
    xp : module, optional
        Array namespace, ``jax.numpy`` (default) or ``numpy``.

    Returns
    -------
    array
        Elevation theta, rad, in [-pi/2, pi/2], the broadcast shape of the arguments.

    Raises
    ------
    ValueError
        For concrete inputs: a negative or non-finite height, a non-positive or non-finite
        slant range, a slant range shorter than the height difference (no such triangle), or a
        non-positive ``k_factor`` or ``earth_radius_m``.
    """
    dh, s, r, across, along = _triangle(
        radar_height_m, target_height_m, slant_range_m, k_factor, earth_radius_m, True, xp
    )
    return xp.arctan2(dh * s - r * r, across * along)


def slant_range_m(
    radar_height_m: Any,
    target_height_m: Any,
    elevation_rad: Any,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> Any:
    """Slant range (m) along a ray at a given elevation to where it reaches a target height.

    Solves r^2 + 2 a sin(theta) r - dh S = 0 (the law of cosines, a = r_e + h_r,
    dh = h_t - h_r, S = 2 r_e + h_r + h_t) for the ray's first crossing of height h_t:

    - above the radar (dh >= 0): r = -a sin(theta) + sqrt(a^2 sin^2(theta) + dh S),
      evaluated as dh S / (a sin(theta) + sqrt(...)) when sin(theta) >= 0;
    - below the radar (dh < 0, only on a descending ray): r = dh S / (a sin(theta) - sqrt(...)),
      the nearer root; NaN where the ray passes above h_t (negative discriminant) or does not
      descend.

    Parameters
    ----------
    radar_height_m : array_like
        Radar antenna height h_r above the surface, m, >= 0.
    target_height_m : array_like
        Target height h_t above the surface, m, >= 0.
    elevation_rad : array_like
        Elevation theta of the ray at the radar, rad, in [-pi/2, pi/2].
    k_factor : float, optional
        Effective-Earth-radius factor k, > 0 (default 4/3).
    earth_radius_m : float, optional
        Earth radius R, m (default :data:`iads.geo.sphere.EARTH_RADIUS_M`); r_e = k R.
    xp : module, optional
        Array namespace, ``jax.numpy`` (default) or ``numpy``.

    Returns
    -------
    array
        Slant range r, m, the broadcast shape of the arguments.

    Raises
    ------
    ValueError
        For concrete inputs: a negative or non-finite height, an elevation outside
        [-pi/2, pi/2] or NaN, a ray that never reaches ``target_height_m`` (named as
        ``elevation_rad``), or a non-positive ``k_factor`` or ``earth_radius_m``.
    """
    concrete = is_concrete(radar_height_m, target_height_m, elevation_rad, k_factor, earth_radius_m)
    if concrete:
        check_nonnegative("radar_height_m", radar_height_m)
        check_nonnegative("target_height_m", target_height_m)
        _check_elevation(elevation_rad)
        _check_earth(k_factor, earth_radius_m)
    r_e = k_factor * earth_radius_m
    h_r = xp.asarray(radar_height_m)
    h_t = xp.asarray(target_height_m)
    dh = h_t - h_r
    p = dh * (2.0 * r_e + h_r + h_t)  # b^2 - a^2
    s = (r_e + h_r) * xp.sin(xp.asarray(elevation_rad))  # a sin(theta)
    disc = s * s + p
    d = xp.sqrt(xp.maximum(disc, 0.0))
    # Denominators replaced by 1 where their branch is not taken (no 0/0 in either branch).
    up_den = xp.where(s + d > 0.0, s + d, 1.0)
    up = xp.where(s >= 0.0, p / up_den, d - s)
    descending = (s < 0.0) & (disc >= 0.0)
    down = p / xp.where(descending, s - d, -1.0)
    r = xp.where(dh >= 0.0, up, xp.where(descending, down, xp.nan))
    if concrete and bool(np.any(np.isnan(np.asarray(r)))):
        raise ValueError(
            "elevation_rad: the ray never reaches target_height_m (it passes above the target "
            "height or does not descend to it)"
        )
    return r


def ground_range_m(
    radar_height_m: Any,
    target_height_m: Any,
    slant_range_m: Any,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> Any:
    """Ground range (m) along the effective Earth's surface, from heights and slant range.

        s = r_e phi,   tan(phi / 2) = sqrt((r - dh)(r + dh)) / sqrt((S - r)(S + r))

    (half-angle form of the law of cosines for the central angle phi opposite the slant range;
    dh = h_t - h_r, S = 2 r_e + h_r + h_t). This is the ground range
    :func:`iads.radar.equation.effective_earth_geometry` takes: given it back, that function
    returns the same slant range and :func:`elevation_rad`.

    Parameters
    ----------
    radar_height_m : array_like
        Radar antenna height h_r above the surface, m, >= 0.
    target_height_m : array_like
        Target height h_t above the surface, m, >= 0.
    slant_range_m : array_like
        Straight-line range r from radar to target, m, >= |h_t - h_r|.
    k_factor : float, optional
        Effective-Earth-radius factor k, > 0 (default 4/3).
    earth_radius_m : float, optional
        Earth radius R, m (default :data:`iads.geo.sphere.EARTH_RADIUS_M`); r_e = k R.
    xp : module, optional
        Array namespace, ``jax.numpy`` (default) or ``numpy``.

    Returns
    -------
    array
        Ground range s on the effective Earth, m, the broadcast shape of the arguments.

    Raises
    ------
    ValueError
        For concrete inputs: a negative or non-finite height or range, a slant range shorter
        than the height difference, or a non-positive ``k_factor`` or ``earth_radius_m``.
    """
    _, _, _, across, along = _triangle(
        radar_height_m, target_height_m, slant_range_m, k_factor, earth_radius_m, False, xp
    )
    return 2.0 * k_factor * earth_radius_m * xp.arctan2(across, along)


def height_at_elevation_m(
    radar_height_m: Any,
    elevation_rad: Any,
    ground_range_m: Any,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> Any:
    """Height (m) above the effective surface of the ray leaving the radar at an elevation.

        b = a cos(theta) / cos(theta + phi),   phi = s / r_e,   h = b - r_e
          = (h_r cos(theta) + 2 r_e sin(theta + phi/2) sin(phi/2)) / cos(theta + phi)

    (law of sines in the triangle effective-Earth centre, radar, target; the second form has
    no difference of two Earth radii).

    Parameters
    ----------
    radar_height_m : array_like
        Radar antenna height h_r above the surface, m, >= 0.
    elevation_rad : array_like
        Elevation theta of the ray above the radar's local horizontal, rad, in [-pi/2, pi/2].
    ground_range_m : array_like
        Ground range s along the effective surface, m, >= 0.
    k_factor, earth_radius_m, xp
        As in :func:`target_height_m`.

    Returns
    -------
    array
        Height of the ray above the effective surface at ground range s, m (negative where a
        descending ray has passed below the surface); +inf where theta + phi >= pi/2 (the ray
        never gets that far round the Earth).
    """
    if is_concrete(radar_height_m, elevation_rad, ground_range_m, k_factor, earth_radius_m):
        check_nonnegative("radar_height_m", radar_height_m)
        _check_elevation(elevation_rad)
        check_nonnegative("ground_range_m", ground_range_m)
        _check_earth(k_factor, earth_radius_m)
    r_e = k_factor * earth_radius_m
    phi = xp.asarray(ground_range_m) / r_e
    theta = xp.asarray(elevation_rad)
    den = xp.cos(theta + phi)
    num = xp.asarray(radar_height_m) * xp.cos(theta) + 2.0 * r_e * xp.sin(
        theta + 0.5 * phi
    ) * xp.sin(0.5 * phi)
    reaches = theta + phi < 0.5 * math.pi
    return xp.where(reaches, num / xp.where(reaches, den, 1.0), xp.inf)


def heights_at_slant_range_m(
    radar_height_m: Any,
    slant_range_m: Any,
    ground_range_m: Any,
    k_factor: float = K_FACTOR_STANDARD,
    *,
    earth_radius_m: float = EARTH_RADIUS_M,
    xp: Any = jnp,
) -> tuple[Any, Any]:
    """The two heights (m) at a ground range whose slant range from the radar is given.

    On the vertical at ground range s (central angle phi = s / r_e), the law of cosines
    r^2 = a^2 + b^2 - 2 a b cos(phi) has two roots in b:

        b = a cos(phi) -/+ sqrt((r - a sin(phi)) (r + a sin(phi))),   h = b - r_e
          = h_r cos(phi) - 2 r_e sin^2(phi/2) -/+ sqrt(...)

    The upper root is seen above the radar's depression angle -phi, the lower below it (a ray
    pointing down steeply, as from a mast to nearby ground); the slant range is at most r
    between them. Both are real only where r >= a sin(phi).

    Parameters
    ----------
    radar_height_m : array_like
        Radar antenna height h_r above the surface, m, >= 0.
    slant_range_m : array_like
        Slant range r, m, >= 0.
    ground_range_m : array_like
        Ground range s along the effective surface, m, >= 0.
    k_factor, earth_radius_m, xp
        As in :func:`target_height_m`.

    Returns
    -------
    (lower, upper) : arrays
        Heights above the effective surface, m (the lower one may be below it); both -inf
        where the ground range is out of reach (r < a sin(phi)).
    """
    if is_concrete(radar_height_m, slant_range_m, ground_range_m, k_factor, earth_radius_m):
        check_nonnegative("radar_height_m", radar_height_m)
        check_nonnegative("slant_range_m", slant_range_m)
        check_nonnegative("ground_range_m", ground_range_m)
        _check_earth(k_factor, earth_radius_m)
    r_e = k_factor * earth_radius_m
    h_r = xp.asarray(radar_height_m)
    r = xp.asarray(slant_range_m)
    phi = xp.asarray(ground_range_m) / r_e
    across = (r_e + h_r) * xp.sin(phi)
    disc = (r - across) * (r + across)
    root = xp.sqrt(xp.maximum(disc, 0.0))
    base = h_r * xp.cos(phi) - 2.0 * r_e * xp.sin(0.5 * phi) ** 2
    reach = disc >= 0.0
    return xp.where(reach, base - root, -xp.inf), xp.where(reach, base + root, -xp.inf)


def _triangle(
    radar_height_m: Any,
    target_height_m: Any,
    slant_range_m: Any,
    k_factor: float,
    earth_radius_m: float,
    range_positive: bool,
    xp: Any,
) -> tuple[Any, Any, Any, Any, Any]:
    """The effective-Earth triangle from two heights and the slant range between them.

    Checks concrete inputs, then returns ``(dh, s, r, across, along)`` with dh = h_t - h_r,
    s = 2 kR + h_r + h_t, r the slant range, across = sqrt(r^2 - dh^2) and
    along = sqrt(s^2 - r^2): no difference of two Earth radii is ever formed.
    """
    if is_concrete(radar_height_m, target_height_m, slant_range_m, k_factor, earth_radius_m):
        check_nonnegative("radar_height_m", radar_height_m)
        check_nonnegative("target_height_m", target_height_m)
        check_range = check_positive if range_positive else check_nonnegative
        check_range("slant_range_m", slant_range_m)
        _check_earth(k_factor, earth_radius_m)
        _check_triangle(radar_height_m, target_height_m, slant_range_m, k_factor * earth_radius_m)
    h_r = xp.asarray(radar_height_m)
    h_t = xp.asarray(target_height_m)
    r = xp.asarray(slant_range_m)
    dh = h_t - h_r
    s = 2.0 * k_factor * earth_radius_m + h_r + h_t
    across = xp.sqrt(xp.maximum((r - dh) * (r + dh), 0.0))
    along = xp.sqrt((s - r) * (s + r))
    return dh, s, r, across, along


def _check_elevation(elevation: Any) -> None:
    check_finite("elevation_rad", elevation)
    arr = np.asarray(elevation, dtype=np.float64)
    outside = np.abs(arr) > math.pi / 2
    if outside.any():
        raise ValueError(
            f"elevation_rad must lie in [-pi/2, pi/2], got {float(arr[outside].flat[0])!r}"
        )


def _check_earth(k_factor: float, earth_radius_m: float) -> None:
    check_positive("k_factor", k_factor)
    check_positive("earth_radius_m", earth_radius_m)


def _check_triangle(
    radar_height_m: Any, target_height_m: Any, slant_range: Any, effective_radius_m: float
) -> None:
    h_r = np.asarray(radar_height_m, dtype=np.float64)
    h_t = np.asarray(target_height_m, dtype=np.float64)
    r = np.asarray(slant_range, dtype=np.float64)
    if np.any(r < np.abs(h_t - h_r)):
        raise ValueError(
            "slant_range_m must be at least |target_height_m - radar_height_m| "
            "(no straight path is shorter than the height difference)"
        )
    if np.any(r > 2.0 * effective_radius_m + h_r + h_t):
        raise ValueError(
            "slant_range_m must not exceed the effective Earth's diameter plus heights"
        )
