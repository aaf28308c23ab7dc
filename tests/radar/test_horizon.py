"""The 4/3-Earth radar horizon against the textbook rule of thumb and tangent geometry.

Rule of thumb (standard atmosphere, effective Earth radius 4/3 R):

    R_h [km] ~= 4.12 (sqrt(h_r [m]) + sqrt(h_t [m]))

Skolnik, *Introduction to Radar Systems*, 3rd ed., McGraw-Hill 2001, sec. 8.3 ("Propagation
over a spherical earth"); the same rule in nautical miles, R = 2.23 (sqrt(h_t) + sqrt(h_r))
with heights in metres, is the "radio horizon range (RHR)" entry of Federal Standard 1037C /
ATIS Telecom Glossary, http://www.atis.org/glossary/definition.aspx?id=2164.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iads.radar.equation import (
    K_FACTOR_STANDARD,
    effective_earth_geometry,
    effective_earth_radius_m,
    horizon_range_m,
)
from iads.units import EARTH_MEAN_RADIUS_M

NMI_M = 1852.0
RADAR_HEIGHT = st.floats(0.0, 200.0)
TARGET_HEIGHT = st.floats(0.0, 30_000.0)


def _horizon_ground_range_m(radar_height_m: float, target_height_m: float) -> float:
    """Surface distance to the horizon on the effective Earth: kR (alpha_r + alpha_t), with
    alpha the central angle from a height h to its tangent point, cos(alpha) = kR / (kR + h)."""
    kr = K_FACTOR_STANDARD * EARTH_MEAN_RADIUS_M
    return kr * (_dip_rad(radar_height_m) + _dip_rad(target_height_m))


def _dip_rad(height_m: float) -> float:
    """alpha = acos(kR / (kR + h)), written as an arctangent to stay exact for small h."""
    kr = K_FACTOR_STANDARD * EARTH_MEAN_RADIUS_M
    return math.atan2(math.sqrt(height_m * (2.0 * kr + height_m)), kr)


@settings(max_examples=100, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height_m=TARGET_HEIGHT)
def test_horizon_range_matches_skolnik_4_12_km_rule_within_half_percent(
    radar_height_m: float, target_height_m: float
) -> None:
    assume(radar_height_m + target_height_m > 1.0)
    root_sum = math.sqrt(radar_height_m) + math.sqrt(target_height_m)
    got = float(horizon_range_m(radar_height_m, target_height_m, xp=np))
    assert got == pytest.approx(4.12e3 * root_sum, rel=5e-3)
    assert got == pytest.approx(2.23 * NMI_M * root_sum, rel=5e-3)


def test_radar_on_a_30_m_mast_sees_a_sea_skimmer_at_10_m_to_about_35_km() -> None:
    """A worked number: 4.12 (sqrt(30) + sqrt(10)) = 35.59 km."""
    assert float(horizon_range_m(30.0, 10.0)) == pytest.approx(35.59e3, rel=5e-3)


def test_effective_earth_radius_is_four_thirds_of_the_mean_radius() -> None:
    assert effective_earth_radius_m() == pytest.approx(4.0 / 3.0 * 6_371_008.8, rel=1e-15)


@settings(max_examples=100, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height_m=TARGET_HEIGHT)
def test_at_the_horizon_the_ray_is_tangent_slant_equals_horizon_range_and_looks_down(
    radar_height_m: float, target_height_m: float
) -> None:
    """At the horizon ground range the ray grazes the effective Earth: the slant range is the sum
    of the two tangent lengths and the radar looks down by its own dip angle alpha_r."""
    assume(radar_height_m + target_height_m > 1.0)
    s_h = _horizon_ground_range_m(radar_height_m, target_height_m)
    slant, elevation, clear = effective_earth_geometry(radar_height_m, target_height_m, s_h, xp=np)
    assert float(slant) == pytest.approx(
        float(horizon_range_m(radar_height_m, target_height_m, xp=np)), rel=1e-9
    )
    assert float(elevation) == pytest.approx(-_dip_rad(radar_height_m), rel=1e-6, abs=1e-12)
    assert bool(clear)


@settings(max_examples=100, deadline=None)
@given(radar_height_m=RADAR_HEIGHT, target_height_m=TARGET_HEIGHT)
def test_target_just_inside_the_horizon_is_in_line_of_sight(
    radar_height_m: float, target_height_m: float
) -> None:
    assume(radar_height_m + target_height_m > 1.0)
    s_h = _horizon_ground_range_m(radar_height_m, target_height_m)
    for s in (0.999 * s_h, 0.5 * s_h, 0.0):
        assert bool(effective_earth_geometry(radar_height_m, target_height_m, s, xp=np)[2])


@settings(max_examples=100, deadline=None)
@given(
    radar_height_m=st.floats(1.0, 200.0),
    target_height_m=st.floats(1.0, 30_000.0),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_target_just_beyond_the_horizon_is_hidden(
    radar_height_m: float, target_height_m: float, dtype: type
) -> None:
    """0.5 % beyond the horizon ground range, in float32 as in float64."""
    s = 1.005 * _horizon_ground_range_m(radar_height_m, target_height_m)
    args = (dtype(radar_height_m), dtype(target_height_m), dtype(s))
    assert not bool(effective_earth_geometry(*args, xp=np)[2])
    assert not bool(effective_earth_geometry(*(jnp.asarray(a) for a in args))[2])


def test_two_points_on_the_ground_20_km_apart_cannot_see_each_other() -> None:
    # The chord between them passes s^2 / (8 kR) = 5.9 m below the effective surface.
    assert not bool(effective_earth_geometry(0.0, 0.0, 20e3, xp=np)[2])


@pytest.mark.parametrize("xp_name", ["numpy", "jax"])
def test_target_overhead_is_at_90_degrees_and_height_difference_away(xp_name: str) -> None:
    kw = {} if xp_name == "jax" else {"xp": np}
    slant, elevation, clear = effective_earth_geometry(20.0, 12_000.0, 0.0, **kw)
    assert float(slant) == pytest.approx(11_980.0, rel=1e-12)
    assert float(elevation) == pytest.approx(math.pi / 2, rel=1e-12)
    assert bool(clear)
