"""The engine's round-Earth frame: curvature drop, heights, and the round trip to ground coords.

Known answers are plane geometry on a sphere of radius R (``EARTH_RADIUS_M``): a point at
horizontal distance d on the tangent plane is sqrt(R^2 + d^2) - R above the sphere, and the
sphere lies R - sqrt(R^2 - d^2) below the tangent plane there (~ d^2 / (2R), 12.5 km at 400 km).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.geo.sphere import (
    EARTH_RADIUS_M,
    altitude_first,
    altitude_m,
    azimuth_off_first,
    azimuth_off_rad,
    enu_to_xyz,
    ground_range_first,
    ground_range_m,
    up_first,
    up_unit,
    xyz_to_enu,
)

R = EARTH_RADIUS_M
D = 400e3

#: Ground coordinates within ~1000 km of the origin and heights from below sea level to space.
EAST = st.floats(-1e6, 1e6)
NORTH = st.floats(-1e6, 1e6)
HEIGHT = st.floats(-500.0, 2e5)


def test_earth_radius_is_the_iugg_mean_radius() -> None:
    assert R == 6_371_008.8


def test_tangent_plane_point_400_km_out_is_12_5_km_above_the_surface() -> None:
    got = float(altitude_m(np.array([D, 0.0, 0.0])))
    assert got == pytest.approx(math.sqrt(R**2 + D**2) - R, rel=1e-12)
    assert got == pytest.approx(12.5e3, rel=5e-3)


def test_surface_400_km_out_horizontally_is_r_minus_sqrt_r2_minus_d2_below_the_tangent_plane() -> (
    None
):
    drop = R - math.sqrt(R**2 - D**2)  # 12.57 km
    assert drop == pytest.approx(D**2 / (2.0 * R), rel=2e-3)
    surface = np.array([D, 0.0, -drop])
    assert float(altitude_m(surface)) == pytest.approx(0.0, abs=1e-6)
    e, n, h = xyz_to_enu(surface)
    assert float(h) == pytest.approx(0.0, abs=1e-6)
    assert float(e) == pytest.approx(R * math.asin(D / R), rel=1e-12)  # the arc, not the chord
    assert float(n) == 0.0


def test_surface_point_400_km_along_the_ground_is_12_55_km_below_the_origin_plane() -> None:
    """Arc length s = 400 km: theta = s / R and the point is R (1 - cos theta) = 12.55 km down,
    R sin theta = 399.74 km out."""
    x, y, z = (float(c) for c in enu_to_xyz(D, 0.0, 0.0))
    theta = D / R
    assert z == pytest.approx(-R * (1.0 - math.cos(theta)), rel=1e-12)
    assert z == pytest.approx(-12.55e3, abs=10.0)
    assert x == pytest.approx(R * math.sin(theta), rel=1e-12)
    assert y == 0.0


@settings(max_examples=100, deadline=None)
@given(e=EAST, n=NORTH, h=HEIGHT)
def test_altitude_of_a_point_placed_at_height_h_is_h(e: float, n: float, h: float) -> None:
    p = enu_to_xyz(e, n, h)
    assert float(altitude_m(p)) == pytest.approx(h, abs=1e-6)
    assert float(altitude_m(np.asarray(p), xp=np)) == pytest.approx(h, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(e=EAST, n=NORTH, h=HEIGHT)
def test_xyz_to_enu_inverts_enu_to_xyz(e: float, n: float, h: float) -> None:
    for xp_kw in ({}, {"xp": np}):
        got = xyz_to_enu(enu_to_xyz(e, n, h, **xp_kw), **xp_kw)
        np.testing.assert_allclose([float(v) for v in got], [e, n, h], rtol=0, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(e=EAST, n=NORTH, h=st.floats(0.0, 2e4))
def test_ground_distance_is_arc_length_on_the_sphere(e: float, n: float, h: float) -> None:
    """hypot(e, n) is the surface distance from the origin: R times the angle between the local
    verticals at the origin and at the point (azimuthal-equidistant projection)."""
    up = np.asarray(up_unit(enu_to_xyz(e, n, h)))
    angle = math.atan2(math.hypot(up[0], up[1]), up[2])
    assert R * angle == pytest.approx(math.hypot(e, n), abs=1e-6)
    if math.hypot(e, n) > 1.0:  # and the azimuth from north is kept
        turn = math.atan2(up[0], up[1]) - math.atan2(e, n)
        assert math.remainder(turn, 2.0 * math.pi) == pytest.approx(0.0, abs=1e-9)


def test_origin_is_on_the_surface_and_up_is_z() -> None:
    np.testing.assert_array_equal(np.asarray(enu_to_xyz(0.0, 0.0, 0.0)), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(np.asarray(up_unit(np.zeros(3))), [0.0, 0.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(e=EAST, n=NORTH, h=HEIGHT, e2=EAST, n2=NORTH, h2=HEIGHT)
def test_component_major_geometry_is_the_same_geometry(
    e: float, n: float, h: float, e2: float, n2: float, h2: float
) -> None:
    """The component-major forms ([3, ...]) give what the last-axis forms give: the range
    along the ground between two points placed by their ground coordinates is the arc between
    them, and the azimuth is the ground coordinates' bearing, for the frame's origin."""
    a, b = enu_to_xyz(e, n, h), enu_to_xyz(e2, n2, h2)
    assert float(altitude_first(a)) == pytest.approx(h, abs=1e-6)
    np.testing.assert_allclose(np.asarray(up_first(a)), np.asarray(up_unit(a)), atol=1e-12)
    assert float(ground_range_first(a, b)) == pytest.approx(float(ground_range_m(a, b)), abs=1e-6)
    origin = np.zeros(3)
    assert float(ground_range_first(origin, b)) == pytest.approx(math.hypot(e2, n2), abs=1e-6)
    if math.hypot(e2, n2) > 1.0:
        off = float(azimuth_off_first(origin, b, 0.25))
        assert off == pytest.approx(float(azimuth_off_rad(origin, b, 0.25)), abs=1e-12)
        want = math.remainder(math.atan2(e2, n2) - 0.25, 2.0 * math.pi)
        assert math.remainder(off - want, 2.0 * math.pi) == pytest.approx(0.0, abs=1e-9)
