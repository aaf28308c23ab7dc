"""WGS84 latitude/longitude to the engine frame and back, checked against pyproj's geodesics.

The outside answer is ``pyproj.Geod(ellps="WGS84")``: ``fwd`` places a point at a given
geodesic distance and azimuth from the origin, ``inv`` measures them back (Karney's algorithms,
GeographicLib). The frame's ground coordinates are an azimuthal-equidistant projection centred on
the origin, so ``hypot(e, n)`` must be that geodesic distance and ``atan2(e, n)`` its azimuth.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from iads.geo.frame import LocalFrame

GEOD = Geod(ellps="WGS84")

#: Origins across the globe, polar-ish and antimeridian ones included.
ORIGINS = st.sampled_from([(39.93, 32.86), (0.0, 0.0), (-33.9, 151.2), (64.0, -179.5), (-75.0, 10)])
AZIMUTH = st.floats(-180.0, 180.0)
DISTANCE = st.floats(0.0, 800e3)
HEIGHT = st.floats(-100.0, 40e3)


@cache
def _frame(lat: float, lon: float) -> LocalFrame:
    return LocalFrame(lat, lon)


def _wrap_deg(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


@settings(max_examples=100, deadline=None)
@given(origin=ORIGINS, azimuth_deg=AZIMUTH, distance_m=DISTANCE)
def test_ground_distance_from_origin_equals_wgs84_geodesic_distance(
    origin: tuple[float, float], azimuth_deg: float, distance_m: float
) -> None:
    lat0, lon0 = origin
    lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth_deg, distance_m)
    e, n = _frame(lat0, lon0).ground(lat, lon)
    az, _, dist = GEOD.inv(lon0, lat0, lon, lat)
    assert math.hypot(float(e), float(n)) == pytest.approx(dist, abs=1.0)
    assert dist == pytest.approx(distance_m, abs=1e-3)
    if distance_m > 1.0:
        azimuth_got = math.degrees(math.atan2(float(e), float(n)))
        assert _wrap_deg(azimuth_got - az) == pytest.approx(0.0, abs=1e-6)


def test_ankara_to_istanbul_ground_distance_is_the_wgs84_geodesic() -> None:
    ankara, istanbul = (39.9334, 32.8597), (41.0082, 28.9784)
    e, n = _frame(*ankara).ground(*istanbul)
    _, _, dist = GEOD.inv(ankara[1], ankara[0], istanbul[1], istanbul[0])
    assert dist == pytest.approx(351e3, rel=0.01)  # the usual ~350 km great-circle figure
    assert math.hypot(float(e), float(n)) == pytest.approx(dist, abs=1.0)


@settings(max_examples=100, deadline=None)
@given(origin=ORIGINS, azimuth_deg=AZIMUTH, distance_m=DISTANCE, alt_m=HEIGHT)
def test_to_geodetic_inverts_to_xyz(
    origin: tuple[float, float], azimuth_deg: float, distance_m: float, alt_m: float
) -> None:
    lat0, lon0 = origin
    lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth_deg, distance_m)
    frame = _frame(lat0, lon0)
    lat2, lon2, alt2 = frame.to_geodetic(frame.to_xyz(lat, lon, alt_m))
    assert float(lat2) == pytest.approx(lat, abs=1e-7)
    assert _wrap_deg(float(lon2) - lon) == pytest.approx(0.0, abs=1e-7)
    assert float(alt2) == pytest.approx(alt_m, abs=1e-3)


def test_to_xyz_keeps_array_shapes_and_heights() -> None:
    frame = _frame(39.93, 32.86)
    lat = np.array([[39.0, 40.0, 41.0], [39.5, 40.5, 41.5]])
    lon = np.full_like(lat, 33.0)
    alt = np.full_like(lat, 1500.0)
    xyz = frame.to_xyz(lat, lon, alt)
    assert xyz.shape == (2, 3, 3)
    _, _, alt2 = frame.to_geodetic(xyz)
    np.testing.assert_allclose(alt2, alt, atol=1e-6)
