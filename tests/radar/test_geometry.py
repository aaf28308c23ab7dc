"""Range, height and elevation on the effective Earth against published worked examples.

Source of the known answers: MathWorks Radar Toolbox documentation, which prints its examples to
four or five significant figures (angles there in degrees, here in radians):

- ``range2height(300e3, 10, 0.5)`` = 7.9325e+03 m,
  https://ww2.mathworks.cn/help/radar/ref/range2height.html
- ``el2height(0.5, 10, 300e3)`` = 7.9325e+03 m, https://uk.mathworks.com/help/radar/ref/el2height.html
- ``height2el(8e3, 10, 300e3)`` = 0.5129 deg, https://uk.mathworks.com/help/radar/ref/height2el.html
- ``height2range(1e3, 10, 2)`` = 2.7125e+04 m,
  https://ww2.mathworks.cn/help/radar/ref/height2range.html
- ``height2grndrange(1e3, 10, 2)`` = 2.7106e+04 m,
  https://uk.mathworks.com/help/radar/ref/height2grndrange.html
- ``depressionang(300, 1000)`` = 17.4608 deg,
  https://uk.mathworks.com/help/radar/ref/depressionang.html
- ``grazingang(300, 1.0e3)`` = 17.4544 deg, https://mathworks.com/help/radar/ref/grazingang.html

Earth model. The toolbox's default "4/3 effective Earth radius" is ``effearthradius``: the radius
r scaled by 1 / (1 + r dN/dh) with the refractivity gradient dN/dh = -39e-9 1/m
(https://www.mathworks.com/help/phased/ref/effearthradius.html) and r =
``physconst('EarthRadius')`` = 6,371,000 m ("Units of Measure and Physical Constants",
https://www.mathworks.com/help/phased/gs/units-of-measure-and-physical-constants.html). The
radarScenario ``effearthradius`` example prints that default as Re = 8.4774e+06 m
(https://uk.mathworks.com/help/radar/ref/radarscenario.effearthradius.html). We pass the same r
and k = 1 / (1 - 39e-9 r); with exactly 4/3 of 6,371 km the first example would come out at
7921.7 m, outside the printed 7932.5 m.

Reading of the functions. ``height2range``'s "propagated range" on the curved-Earth model is the
straight slant range on the effective Earth; ``height2grndrange``'s ground range is the arc on the
effective Earth (our ``ground_range_m``); the depression angle is minus the radar's elevation of a
surface point, and the grazing angle is the elevation of the radar seen from that surface point.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from iads.radar.equation import (
    K_FACTOR_STANDARD,
    effective_earth_geometry,
    effective_earth_radius_m,
    horizon_range_m,
)
from iads.radar.geometry import (
    elevation_rad,
    ground_range_m,
    height_at_elevation_m,
    heights_at_slant_range_m,
    slant_range_m,
    target_height_m,
)

MATLAB_EARTH_RADIUS_M = 6_371_000.0
MATLAB_K_FACTOR = 1.0 / (1.0 - 39e-9 * MATLAB_EARTH_RADIUS_M)
MATLAB = dict(k_factor=MATLAB_K_FACTOR, earth_radius_m=MATLAB_EARTH_RADIUS_M, xp=np)

RADAR_HEIGHT = st.floats(0.0, 200.0)
TARGET_HEIGHT = st.floats(0.0, 30_000.0)
SLANT_RANGE = st.floats(100.0, 500e3)
ELEVATION = st.floats(-0.05, 1.55)


def test_matlab_default_effective_earth_radius_is_8_4774e6_m() -> None:
    effective_radius_m = MATLAB_K_FACTOR * MATLAB_EARTH_RADIUS_M
    assert effective_radius_m == pytest.approx(8.4774e6, abs=50.0)


def test_target_height_reproduces_matlab_range2height_and_el2height() -> None:
    height = float(target_height_m(300e3, math.radians(0.5), 10.0, **MATLAB))
    assert height == pytest.approx(7.9325e3, abs=0.05)


def test_exactly_four_thirds_of_6371_km_does_not_reproduce_range2height() -> None:
    """The check above depends on the Earth model: the printed 7.9325e+03 m is effearthradius's."""
    height = float(
        target_height_m(
            300e3, math.radians(0.5), 10.0, 4.0 / 3.0, earth_radius_m=MATLAB_EARTH_RADIUS_M, xp=np
        )
    )
    assert abs(height - 7.9325e3) > 10.0


def test_elevation_reproduces_matlab_height2el() -> None:
    elevation = float(elevation_rad(10.0, 8e3, 300e3, **MATLAB))
    assert math.degrees(elevation) == pytest.approx(0.5129, abs=5e-5)


def test_slant_and_ground_range_reproduce_matlab_height2range_and_height2grndrange() -> None:
    slant = float(slant_range_m(10.0, 1e3, math.radians(2.0), **MATLAB))
    assert slant == pytest.approx(2.7125e4, abs=0.5)
    assert float(ground_range_m(10.0, 1e3, slant, **MATLAB)) == pytest.approx(2.7106e4, abs=0.5)


def test_depression_and_grazing_angles_reproduce_matlab_depressionang_and_grazingang() -> None:
    """A sensor 300 m up and a surface patch 1 km away: the sensor looks down 17.4608 deg; from
    the patch the sensor stands 17.4544 deg above the horizon (the grazing angle)."""
    depression = -float(elevation_rad(300.0, 0.0, 1000.0, **MATLAB))
    grazing = float(elevation_rad(0.0, 300.0, 1000.0, **MATLAB))
    assert math.degrees(depression) == pytest.approx(17.4608, abs=5e-5)
    assert math.degrees(grazing) == pytest.approx(17.4544, abs=5e-5)


# --- Properties -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, slant=SLANT_RANGE, elevation=ELEVATION)
def test_target_height_and_elevation_invert_each_other(
    radar_height_m: float, slant: float, elevation: float
) -> None:
    height = float(target_height_m(slant, elevation, radar_height_m, xp=np))
    assume(height >= 0.0)
    back = float(elevation_rad(radar_height_m, height, slant, xp=np))
    assert back == pytest.approx(elevation, abs=1e-11)


@settings(max_examples=200, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, slant=SLANT_RANGE, elevation=ELEVATION)
def test_slant_range_recovers_the_range_of_the_rays_first_crossing(
    radar_height_m: float, slant: float, elevation: float
) -> None:
    """Going down, a ray meets each height below the radar twice; stop before its lowest point
    (at -a sin(theta) along it) so the target is on the first crossing."""
    a = effective_earth_radius_m() + radar_height_m
    assume(elevation >= 0.0 or slant <= -a * math.sin(elevation))
    height = float(target_height_m(slant, elevation, radar_height_m, xp=np))
    assume(height >= 0.0)
    back = float(slant_range_m(radar_height_m, height, elevation, xp=np))
    assert back == pytest.approx(slant, rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height=TARGET_HEIGHT, slant=SLANT_RANGE)
def test_ground_range_is_what_effective_earth_geometry_takes(
    radar_height_m: float, target_height: float, slant: float
) -> None:
    """Two formulations (central angle from the law of cosines here; coordinates there) agree:
    fed the ground range, effective_earth_geometry gives back the slant range and elevation."""
    assume(slant >= abs(target_height - radar_height_m))
    ground = ground_range_m(radar_height_m, target_height, slant, xp=np)
    back_slant, back_elevation, _ = effective_earth_geometry(
        radar_height_m, target_height, ground, xp=np
    )
    assert float(back_slant) == pytest.approx(slant, rel=1e-9, abs=1e-6)
    assert float(back_elevation) == pytest.approx(
        float(elevation_rad(radar_height_m, target_height, slant, xp=np)), abs=1e-10
    )


@settings(max_examples=200, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height=TARGET_HEIGHT, slant=SLANT_RANGE)
def test_elevations_seen_from_both_ends_sum_to_minus_the_central_angle(
    radar_height_m: float, target_height: float, slant: float
) -> None:
    """Angles of the Earth-centre triangle: (90 + theta_1) + (90 + theta_2) + phi = 180 deg."""
    assume(slant >= abs(target_height - radar_height_m))
    up = float(elevation_rad(radar_height_m, target_height, slant, xp=np))
    down = float(elevation_rad(target_height, radar_height_m, slant, xp=np))
    phi = float(ground_range_m(radar_height_m, target_height, slant, xp=np))
    assert up + down == pytest.approx(-phi / effective_earth_radius_m(), abs=1e-12)


def _dip_rad(height_m: float) -> float:
    """Angle below the horizontal to the tangent point, cos(alpha) = kR / (kR + h)."""
    kr = effective_earth_radius_m()
    return math.atan2(math.sqrt(height_m * (2.0 * kr + height_m)), kr)


@settings(max_examples=100, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height=TARGET_HEIGHT)
def test_at_the_horizon_range_the_ray_is_tangent_to_the_effective_earth(
    radar_height_m: float, target_height: float
) -> None:
    """At the radar horizon (sum of the two tangent lengths) the radar looks down by its dip
    angle, the ground range is kR (alpha_r + alpha_t), and a ray leaving at minus the dip angle
    reaches the target height at that range."""
    assume(radar_height_m + target_height > 1.0)
    horizon = float(horizon_range_m(radar_height_m, target_height, xp=np))
    dip = _dip_rad(radar_height_m)
    elevation = float(elevation_rad(radar_height_m, target_height, horizon, xp=np))
    assert elevation == pytest.approx(-dip, rel=1e-6, abs=1e-12)
    assert float(ground_range_m(radar_height_m, target_height, horizon, xp=np)) == pytest.approx(
        effective_earth_radius_m() * (dip + _dip_rad(target_height)), rel=1e-9
    )
    assert float(target_height_m(horizon, -dip, radar_height_m, xp=np)) == pytest.approx(
        target_height, rel=1e-6, abs=1e-4
    )


@settings(max_examples=100, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height=TARGET_HEIGHT, slant=st.floats(1e3, 100e3))
def test_on_a_huge_earth_elevation_is_the_flat_earth_arcsine(
    radar_height_m: float, target_height: float, slant: float
) -> None:
    assume(slant >= abs(target_height - radar_height_m))
    flat = math.asin((target_height - radar_height_m) / slant)
    curved = float(elevation_rad(radar_height_m, target_height, slant, 1e6, xp=np))
    assert curved == pytest.approx(flat, abs=1e-6)


def test_a_larger_k_factor_flattens_the_earth_so_the_same_ray_is_lower_above_it() -> None:
    """Larger k, less curvature: the effective surface falls away less below a straight ray, so
    at a given range and elevation the ray is lower above it."""
    heights = [
        float(target_height_m(200e3, 0.01, 20.0, k, xp=np)) for k in (1.0, K_FACTOR_STANDARD, 2.0)
    ]
    assert heights[0] > heights[1] > heights[2]


@settings(max_examples=100, deadline=None)
@given(
    radar_height_m=RADAR_HEIGHT,
    slant=st.floats(1e3, 400e3),
    elevation=st.floats(-0.02, 1.4),
)
def test_float32_keeps_heights_to_centimetres_and_angles_to_microradians(
    radar_height_m: float, slant: float, elevation: float
) -> None:
    """In float32 the effective Earth radius (8.5e6 m) has a 1 m spacing; the formulas never
    subtract two radii, so float32 agrees with float64 (on the same float32 inputs) far below
    that. A naive sqrt(...) - kR is off by up to a metre or two here."""
    f32 = np.float32
    hr, r, th = f32(radar_height_m), f32(slant), f32(elevation)
    h64 = float(target_height_m(float(r), float(th), float(hr), xp=np))
    assume(h64 >= 0.0)
    for xp in (np, jnp):
        h32 = target_height_m(xp.asarray(r), xp.asarray(th), xp.asarray(hr), xp=xp)
        assert np.asarray(h32).dtype == np.float32
        assert abs(float(h32) - h64) <= 5e-7 * h64 + 5e-3
    ht = f32(h64)
    el64 = float(elevation_rad(float(hr), float(ht), float(r), xp=np))
    el32 = elevation_rad(hr, ht, r, xp=np)
    assert abs(float(el32) - el64) <= 2e-6
    g64 = float(ground_range_m(float(hr), float(ht), float(r), xp=np))
    assert abs(float(ground_range_m(hr, ht, r, xp=np)) - g64) <= 1e-6 * float(r) + 5e-2


def test_a_steep_look_down_lands_on_matlabs_depressionang_surface_point() -> None:
    """depressionang(300, 1000) = 17.4608 deg: from 300 m, a surface point 1 km away (slant).
    The ray at that depression meets the surface there, and that point is the *lower* of the two
    heights at 1 km slant range (the ray points further down than the central angle)."""
    s = float(ground_range_m(300.0, 0.0, 1000.0, **MATLAB))
    depression = math.radians(17.4608)
    h = float(height_at_elevation_m(300.0, -depression, s, **MATLAB))
    assert h == pytest.approx(0.0, abs=0.05)  # 1e-4 deg at 1 km is 1.7 mm; 4-digit rounding
    lower, upper = heights_at_slant_range_m(300.0, 1000.0, s, **MATLAB)
    assert float(lower) == pytest.approx(0.0, abs=1e-6)
    assert float(upper) > 300.0  # the other point at 1 km slant range, above the radar


@settings(max_examples=200, deadline=None)
@given(
    radar_height=st.floats(0.0, 100.0),
    elevation_deg=st.floats(-1.0, 80.0),
    ground_range=st.floats(1_000.0, 500_000.0),
)
@example(radar_height=18.0, elevation_deg=-1.0, ground_range=1_000.0)  # once failed: "+" root only
def test_the_height_on_a_ray_is_the_root_of_its_side_of_the_depression_angle(
    radar_height: float, elevation_deg: float, ground_range: float
) -> None:
    """A ray of elevation theta reaches height h at ground range s; at that slant range the
    vertical at s holds two heights, and h is the lower one exactly when the ray points further
    down than the central angle (theta < -phi)."""
    e = math.radians(elevation_deg)
    h = float(height_at_elevation_m(radar_height, e, ground_range, xp=np))
    assume(math.isfinite(h) and 0.0 <= h < 1e6)
    slant, elevation, _ = effective_earth_geometry(radar_height, h, ground_range, xp=np)
    assert float(elevation) == pytest.approx(e, abs=1e-9)
    lower, upper = heights_at_slant_range_m(radar_height, float(slant), ground_range, xp=np)
    phi = ground_range / effective_earth_radius_m()
    back = float(lower) if e < -phi else float(upper)
    assert back == pytest.approx(h, abs=1e-6 * max(1.0, float(slant)))
    assert float(lower) <= h + 1e-6 * float(slant) and h <= float(upper) + 1e-6 * float(slant)


@settings(max_examples=100, deadline=None)
@given(
    radar_height=st.floats(0.0, 100.0),
    slant=st.floats(100.0, 100e3),
    fraction=st.floats(0.0, 0.99),
)
def test_on_a_flat_earth_the_heights_at_a_slant_range_are_pythagoras(
    radar_height: float, slant: float, fraction: float
) -> None:
    """With k huge the Earth is flat: h = h_r -/+ sqrt(r^2 - s^2), and a ray's height at s is
    h_r + s tan(theta)."""
    s = fraction * slant
    lower, upper = heights_at_slant_range_m(radar_height, slant, s, 1e9, xp=np)
    root = math.sqrt(slant * slant - s * s)
    tol = 1e-6 * slant + 1e-3
    assert float(lower) == pytest.approx(radar_height - root, abs=tol)
    assert float(upper) == pytest.approx(radar_height + root, abs=tol)
    ray = float(height_at_elevation_m(radar_height, 0.3, s, 1e9, xp=np))
    assert ray == pytest.approx(radar_height + s * math.tan(0.3), abs=tol)


def test_beyond_the_slant_range_no_height_is_reached_and_past_the_zenith_no_ray() -> None:
    lower, upper = heights_at_slant_range_m(10.0, 1000.0, 2000.0, xp=np)
    assert float(lower) == -math.inf and float(upper) == -math.inf
    assert float(height_at_elevation_m(10.0, 1.5, 0.1 * effective_earth_radius_m(), xp=np)) == (
        math.inf
    )


def test_under_jit_the_functions_run_unchecked_on_jax_arrays() -> None:
    kw = dict(k_factor=MATLAB_K_FACTOR, earth_radius_m=MATLAB_EARTH_RADIUS_M)
    el = jax.jit(lambda h, t, r: elevation_rad(h, t, r, **kw))(
        jnp.asarray([10.0, 300.0]), jnp.asarray([8e3, 0.0]), jnp.asarray([300e3, 1000.0])
    )
    assert np.degrees(np.asarray(el)) == pytest.approx([0.5129, -17.4608], abs=5e-5)
    # A ray climbing away from a lower target never reaches it: NaN, not an exception.
    unreachable = jax.jit(lambda t: slant_range_m(1000.0, t, 0.1))(jnp.asarray(10.0))
    assert np.isnan(float(unreachable))


def test_functions_broadcast_over_arrays() -> None:
    heights = target_height_m(np.array([[100e3], [200e3]]), np.array([0.0, 0.01, 0.02]), xp=np)
    assert heights.shape == (2, 3)
    assert np.all(np.diff(heights, axis=1) > 0)


# --- Failure cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: target_height_m(-1.0, 0.1, xp=np), "slant_range_m"),
        (lambda: target_height_m(1e3, 0.1, -5.0, xp=np), "radar_height_m"),
        (lambda: target_height_m(1e3, math.nan, xp=np), "elevation_rad"),
        (lambda: target_height_m(1e3, 2.0, xp=np), "elevation_rad"),
        (lambda: target_height_m(np.array([1e3, math.nan]), 0.1, xp=np), "slant_range_m"),
        (lambda: target_height_m(1e3, 0.1, k_factor=0.0, xp=np), "k_factor"),
        (lambda: target_height_m(1e3, 0.1, earth_radius_m=-1.0, xp=np), "earth_radius_m"),
        (lambda: elevation_rad(-1.0, 100.0, 1e3, xp=np), "radar_height_m"),
        (lambda: elevation_rad(10.0, -100.0, 1e3, xp=np), "target_height_m"),
        (lambda: elevation_rad(10.0, 100.0, 0.0, xp=np), "slant_range_m"),
        (lambda: elevation_rad(10.0, 100.0, -1e3, xp=np), "slant_range_m"),
        (lambda: elevation_rad(10.0, 5000.0, 1e3, xp=np), "slant_range_m"),
        (lambda: elevation_rad(10.0, 100.0, 1e3, math.inf, xp=np), "k_factor"),
        (lambda: slant_range_m(10.0, -1.0, 0.1, xp=np), "target_height_m"),
        (lambda: slant_range_m(10.0, 100.0, math.nan, xp=np), "elevation_rad"),
        (lambda: slant_range_m(1000.0, 10.0, 0.1, xp=np), "elevation_rad"),
        (lambda: ground_range_m(10.0, 100.0, -1.0, xp=np), "slant_range_m"),
        (lambda: ground_range_m(10.0, 5000.0, 1e3, xp=np), "slant_range_m"),
        (lambda: ground_range_m(10.0, 100.0, 2e7, xp=np), "slant_range_m"),
    ],
)
def test_impossible_geometry_raises_value_error_naming_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


def test_concrete_jax_arrays_are_checked_too() -> None:
    with pytest.raises(ValueError, match="radar_height_m"):
        elevation_rad(jnp.asarray(-1.0), jnp.asarray(100.0), jnp.asarray(1e3))
