"""The command post fires only at a predicted intercept point its engagement radar can see:
within the sector around the battery's threat axis and the radar's elevation limits, from the
unit's site on the round Earth (known answers from spherical geometry)."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iads.c2.assign import fc_holds, in_field_of_regard
from iads.c2.base import FireControlView
from iads.geo.sphere import EARTH_RADIUS_M, enu_to_xyz

R = EARTH_RADIUS_M


def _view(boresight_deg: float, half_width_deg: float, el_lo_deg: float, el_hi_deg: float):  # type: ignore[no-untyped-def]
    one = lambda x: jnp.asarray([x], jnp.float64)  # noqa: E731
    return FireControlView(
        coast_s=one(4.5),
        boresight_rad=one(math.radians(boresight_deg)),
        half_width_rad=one(math.radians(half_width_deg)),
        min_elevation_rad=one(math.radians(el_lo_deg)),
        max_elevation_rad=one(math.radians(el_hi_deg)),
    )


SITE = jnp.zeros((1, 3))


def _point(ground_m: float, az_deg: float, elevation_deg: float) -> np.ndarray:
    """The point at ground distance s and azimuth az from the origin seen at elevation el:
    on a sphere, tan(el) = (cos(s/R) - R/(R+h)) / sin(s/R), solved for h."""
    g = ground_m / R
    h = R / (math.cos(g) - math.tan(math.radians(elevation_deg)) * math.sin(g)) - R
    az = math.radians(az_deg)
    return np.asarray(enu_to_xyz(ground_m * math.sin(az), ground_m * math.cos(az), h, np))


@settings(max_examples=60, deadline=None)
@given(
    boresight=st.floats(0.0, 359.0),
    off=st.floats(-80.0, 80.0),
    elevation=st.floats(-0.9, 60.0),
    ground=st.floats(5e3, 300e3),
)
@example(boresight=0.0, off=-44.0, elevation=0.0, ground=50e3)  # across north
@example(boresight=350.0, off=20.0, elevation=10.0, ground=50e3)  # wraps through 360
def test_a_point_is_in_the_field_of_regard_when_its_azimuth_and_elevation_are(
    boresight: float, off: float, elevation: float, ground: float
) -> None:
    view = _view(boresight, 45.0, -1.0, 30.0)
    p = _point(ground, boresight + off, elevation)
    inside = bool(in_field_of_regard(view, SITE, jnp.asarray(p)[:, None, None])[0, 0])
    margin = 0.01  # deg: points on a limit are not asked about
    if abs(abs(off) - 45.0) < margin or abs(elevation - 30.0) < margin:
        return
    assert inside == (abs(off) < 45.0 and elevation < 30.0)


def test_an_all_round_radar_sees_every_azimuth_and_a_high_point_is_outside_its_cone() -> None:
    view = _view(0.0, 180.0, -1.0, 85.0)
    pts = jnp.asarray(np.stack([_point(40e3, az, 20.0) for az in range(0, 360, 15)]))
    assert bool(jnp.all(in_field_of_regard(view, SITE, pts.T[:, None])))
    high = jnp.asarray(_point(2e3, 0.0, 87.0))[:, None, None]
    assert not bool(in_field_of_regard(view, SITE, high)[0, 0])


@pytest.mark.parametrize(("last_seen", "held"), [(96.0, True), (95.4, False), (-math.inf, False)])
def test_the_radar_holds_a_threat_it_detected_within_its_coast_time(last_seen, held) -> None:
    view = _view(0.0, 45.0, -1.0, 85.0)  # coasts 4.5 s
    assert bool(fc_holds(view, jnp.asarray([[last_seen]]), jnp.asarray(100.0))[0, 0]) is held
