"""Threat flight: constant ground speed along waypoints, and the vacuum ballistic arc.

Known answers:

- A route flown at ground speed v covers v (t - t_launch) of ground distance.
- Flying level at height h along a great circle (a radial route in the frame's azimuthal-
  equidistant ground coordinates) the true speed is v (R + h) / R: the ground track is on the
  sphere of radius R, the threat on the sphere of radius R + h.
- Vacuum ballistics over a flat Earth (any mechanics text): launched with vertical speed
  w = sqrt(2 g H) the projectile reaches apogee H at T/2 and lands at T = 2 w / g
  = 2 sqrt(2 H / g); its height is g t (T - t) / 2 and with horizontal speed D / T it lands
  D away. ``flight.py`` flies this arc over the ground track (plus the straight line between
  the end heights).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.catalog.base import THREAT_CATEGORIES as CATEGORIES
from iads.geo.sphere import EARTH_RADIUS_M, altitude_m, xyz_to_enu
from iads.scenario.compile import ballistic_ground_speed
from iads.threats.base import ThreatParams
from iads.threats.flight import threat_kinematics, threat_position
from iads.units import STANDARD_GRAVITY_M_S2

G = STANDARD_GRAVITY_M_S2
R = EARTH_RADIUS_M


def make_threat(
    waypoints_enu_m: list[tuple[float, float, float]],
    ground_speed_m_s: float,
    launch_time_s: float = 0.0,
    ballistic: bool = False,
    apogee_m: float = 0.0,
    weave_accel_m_s2: float = 0.0,
    weave_omega_rad_s: float = 1.0,
    weave_duration_s: float = 0.0,
    warning_time_s: float = 0.0,
    pull_up_accel_m_s2: float = 0.0,
    pull_up_omega_rad_s: float = 1.0,
    pull_up_start_s: float = np.inf,
) -> ThreatParams:
    """One threat, its fields filled the way ``scenario.compile._threat_params`` fills them."""
    wp = np.asarray(waypoints_enu_m, dtype=np.float64)
    seg = np.hypot(np.diff(wp[:, 0]), np.diff(wp[:, 1]))
    cum = np.concatenate([[0.0], np.cumsum(seg)])

    def arr(x: object, dtype: object = jnp.float64) -> jnp.ndarray:
        return jnp.asarray(np.asarray(x), dtype=dtype)

    category = "ballistic_missile" if ballistic else "aircraft"
    return ThreatParams(
        waypoints_enu_m=arr(wp[None]),
        waypoint_dist_m=arr(cum[None]),
        route_length_m=arr([cum[-1]]),
        ground_speed_m_s=arr([ground_speed_m_s]),
        launch_time_s=arr([launch_time_s]),
        ballistic=arr([ballistic], bool),
        apogee_m=arr([apogee_m]),
        rcs_m2=arr([1.0]),
        swerling=arr([1], jnp.int32),
        category=arr([CATEGORIES.index(category)], jnp.int32),
        asset=arr([0], jnp.int32),
        asset_value=arr([1.0]),
        target_radar=arr([-1], jnp.int32),
        valid=arr([True], bool),
        ssj_erp_w=arr([0.0]),
        ssj_bandwidth_hz=arr([1.0]),
        weave_accel_m_s2=arr([weave_accel_m_s2]),
        weave_omega_rad_s=arr([weave_omega_rad_s]),
        weave_duration_s=arr([weave_duration_s]),
        warning_time_s=arr([warning_time_s]),
        terminal_start_s=arr([np.inf]),
        pull_up_accel_m_s2=arr([pull_up_accel_m_s2]),
        pull_up_omega_rad_s=arr([pull_up_omega_rad_s]),
        pull_up_start_s=arr([pull_up_start_s]),
    )


def _ground_and_height(tp: ThreatParams, t_s: float) -> tuple[float, float, float]:
    e, n, h = xyz_to_enu(threat_position(tp, jnp.asarray(t_s)))
    return float(e[0]), float(n[0]), float(h[0])


@settings(max_examples=50, deadline=None)
@given(
    azimuth_rad=st.floats(-math.pi, math.pi),
    speed_m_s=st.floats(50.0, 1000.0),
    height_m=st.floats(10.0, 20e3),
    launch_s=st.floats(0.0, 600.0),
    frac=st.floats(0.0, 1.0),
)
def test_level_route_covers_ground_speed_times_time(
    azimuth_rad: float, speed_m_s: float, height_m: float, launch_s: float, frac: float
) -> None:
    length = 400e3
    end = (length * math.sin(azimuth_rad), length * math.cos(azimuth_rad), height_m)
    tp = make_threat([(0.0, 0.0, height_m), end], speed_m_s, launch_s)
    t = launch_s + frac * length / speed_m_s
    e, n, h = _ground_and_height(tp, t)
    assert math.hypot(e, n) == pytest.approx(speed_m_s * (t - launch_s), abs=1e-3)
    assert h == pytest.approx(height_m, abs=1e-6)


def test_dogleg_route_turns_at_the_waypoint_and_keeps_counting_distance() -> None:
    """100 km east then 100 km north at 250 m/s: at 600 s the threat is 50 km up the second leg."""
    tp = make_threat([(0.0, 0.0, 5e3), (100e3, 0.0, 5e3), (100e3, 100e3, 5e3)], 250.0)
    e, n, h = _ground_and_height(tp, 600.0)
    assert (e, n, h) == pytest.approx((100e3, 50e3, 5e3), abs=1e-3)


def test_height_is_interpolated_linearly_along_the_ground_track() -> None:
    tp = make_threat([(0.0, 0.0, 10e3), (200e3, 0.0, 100.0)], 200.0)
    _, _, h = _ground_and_height(tp, 250.0)  # 50 km of 200 km
    assert h == pytest.approx(10e3 + 0.25 * (100.0 - 10e3), abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    azimuth_rad=st.floats(-math.pi, math.pi),
    speed_m_s=st.floats(50.0, 1000.0),
    height_m=st.floats(0.0, 25e3),
    frac=st.floats(0.01, 0.99),
)
def test_level_radial_flight_speed_is_ground_speed_times_r_plus_h_over_r(
    azimuth_rad: float, speed_m_s: float, height_m: float, frac: float
) -> None:
    length = 500e3
    end = (length * math.sin(azimuth_rad), length * math.cos(azimuth_rad), height_m)
    tp = make_threat([(0.0, 0.0, height_m), end], speed_m_s, 30.0)
    kin = threat_kinematics(tp, jnp.asarray(30.0 + frac * length / speed_m_s))
    speed = float(jnp.linalg.norm(kin.vel_m_s[0]))
    assert speed == pytest.approx(speed_m_s * (R + height_m) / R, rel=1e-9)
    # level flight: the velocity is horizontal (perpendicular to the local vertical)
    up = (np.asarray(kin.pos_m[0]) + np.array([0.0, 0.0, R])) / (R + height_m)
    assert float(np.dot(np.asarray(kin.vel_m_s[0]), up)) == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    start=st.tuples(st.floats(-300e3, 300e3), st.floats(-300e3, 300e3)),
    heading_rad=st.floats(-math.pi, math.pi),
    speed_m_s=st.floats(50.0, 1000.0),
    height_m=st.floats(0.0, 25e3),
)
def test_off_origin_flight_speed_is_bounded_by_the_projection_scale(
    start: tuple[float, float], heading_rad: float, speed_m_s: float, height_m: float
) -> None:
    """The azimuthal-equidistant projection keeps radial distances and shrinks transverse ones
    by sin(theta) / theta at angle theta from the origin, so a ground speed v maps to a true
    speed between v (R + h) / R sin(theta) / theta and v (R + h) / R."""
    e0, n0 = start
    end = (e0 + 200e3 * math.sin(heading_rad), n0 + 200e3 * math.cos(heading_rad), height_m)
    tp = make_threat([(e0, n0, height_m), end], speed_m_s)
    t = 0.5 * 200e3 / speed_m_s
    kin = threat_kinematics(tp, jnp.asarray(t))
    e, n, _ = _ground_and_height(tp, t)
    theta = math.hypot(e, n) / R
    scale = math.sin(theta) / theta if theta > 0 else 1.0
    speed = float(jnp.linalg.norm(kin.vel_m_s[0])) / (speed_m_s * (R + height_m) / R)
    assert scale * (1.0 - 1e-9) <= speed <= 1.0 + 1e-9


def test_threat_waits_at_its_first_waypoint_until_launch_and_stops_after_arrival() -> None:
    tp = make_threat([(10e3, 0.0, 100.0), (10e3, 60e3, 100.0)], 300.0, launch_time_s=100.0)
    before = threat_kinematics(tp, jnp.asarray(99.0))
    assert not bool(before.launched[0])
    assert not bool(before.arrived[0])
    np.testing.assert_allclose(np.asarray(before.vel_m_s[0]), 0.0, atol=1e-12)
    e, n, _ = _ground_and_height(tp, 99.0)
    assert (e, n) == pytest.approx((10e3, 0.0), abs=1e-6)

    flying = threat_kinematics(tp, jnp.asarray(250.0))  # 150 s of 200 s
    assert bool(flying.launched[0])
    assert not bool(flying.arrived[0])

    after = threat_kinematics(tp, jnp.asarray(301.0))
    assert bool(after.launched[0])
    assert bool(after.arrived[0])
    np.testing.assert_allclose(np.asarray(after.vel_m_s[0]), 0.0, atol=1e-12)
    e, n, _ = _ground_and_height(tp, 1e4)
    assert (e, n) == pytest.approx((10e3, 60e3), abs=1e-6)


def test_padded_threat_slot_is_never_launched() -> None:
    tp = make_threat([(0.0, 0.0, 100.0), (50e3, 0.0, 100.0)], 300.0)
    tp = ThreatParams(**{**tp.__dict__, "valid": jnp.asarray([False])})
    kin = threat_kinematics(tp, jnp.asarray(10.0))
    assert not bool(kin.launched[0])
    assert not bool(kin.arrived[0])


def _vacuum_flight_time_s(apogee_m: float) -> float:
    return 2.0 * math.sqrt(2.0 * apogee_m / G)


@settings(max_examples=30, deadline=None)
@given(
    apogee_m=st.floats(20e3, 400e3),
    range_m=st.floats(100e3, 1500e3),
    azimuth_rad=st.floats(-math.pi, math.pi),
    frac=st.floats(0.0, 1.0),
)
def test_ballistic_height_follows_the_vacuum_trajectory_g_t_times_t_flight_minus_t_over_2(
    apogee_m: float, range_m: float, azimuth_rad: float, frac: float
) -> None:
    flight_s = _vacuum_flight_time_s(apogee_m)
    end = (range_m * math.sin(azimuth_rad), range_m * math.cos(azimuth_rad), 0.0)
    tp = make_threat([(0.0, 0.0, 0.0), end], range_m / flight_s, 5.0, True, apogee_m)
    t = frac * flight_s
    e, n, h = _ground_and_height(tp, 5.0 + t)
    assert h == pytest.approx(G * t * (flight_s - t) / 2.0, abs=1e-6 * apogee_m)
    assert math.hypot(e, n) == pytest.approx(range_m * frac, abs=1e-3)


@pytest.mark.parametrize(("h_launch_m", "h_target_m"), [(0.0, 0.0), (500.0, 1500.0)])
def test_ballistic_threat_reaches_apogee_plus_mean_end_height_at_half_range(
    h_launch_m: float, h_target_m: float
) -> None:
    apogee_m, range_m = 150e3, 800e3
    flight_s = _vacuum_flight_time_s(apogee_m)
    tp = make_threat(
        [(0.0, 0.0, h_launch_m), (0.0, range_m, h_target_m)],
        range_m / flight_s,
        0.0,
        True,
        apogee_m,
    )
    e, n, h = _ground_and_height(tp, flight_s / 2.0)
    assert (e, n) == pytest.approx((0.0, range_m / 2.0), abs=1e-3)
    assert h == pytest.approx(apogee_m + 0.5 * (h_launch_m + h_target_m), abs=1e-6)
    # and it is the highest point of the flight
    times = np.linspace(0.0, flight_s, 101)
    heights = [float(altitude_m(threat_position(tp, jnp.asarray(t)))[0]) for t in times]
    assert max(heights) == pytest.approx(h, abs=1e-6)


def test_ballistic_launch_climb_rate_is_sqrt_2_g_apogee() -> None:
    """Vacuum launch vertical speed w = sqrt(2 g H); horizontal speed D / T over the ground,
    (R + h) / R of it at height h. Taken just after launch (at t = 0.1 s the climb rate has
    fallen by g t)."""
    apogee_m, range_m = 100e3, 600e3
    flight_s = _vacuum_flight_time_s(apogee_m)
    tp = make_threat(
        [(0.0, 0.0, 0.0), (range_m, 0.0, 0.0)], range_m / flight_s, 0.0, True, apogee_m
    )
    t = 0.1
    vel = np.asarray(threat_kinematics(tp, jnp.asarray(t)).vel_m_s[0])
    theta = (range_m / flight_s) * t / R  # the local vertical tilts by theta
    climb = vel[0] * math.sin(theta) + vel[2] * math.cos(theta)
    assert climb == pytest.approx(math.sqrt(2.0 * G * apogee_m) - G * t, rel=1e-6)
    height = G * t * (flight_s - t) / 2.0
    assert vel[0] * math.cos(theta) - vel[2] * math.sin(theta) == pytest.approx(
        range_m / flight_s * (R + height) / R, rel=1e-9
    )


@settings(max_examples=30, deadline=None)
@given(apogee_m=st.floats(1e3, 1e6), range_m=st.floats(1e3, 3e6))
def test_at_the_vacuum_arcs_speed_the_compiled_ground_speed_is_the_vacuum_one(
    apogee_m: float, range_m: float
) -> None:
    # The vacuum arc of apogee H and range D: time of flight T = 2 sqrt(2 H / g), launch speed
    # sqrt((D / T)^2 + 2 g H). Given that speed, the arc is flown at ground speed D / T.
    flight_s = _vacuum_flight_time_s(apogee_m)
    launch = math.hypot(range_m / flight_s, math.sqrt(2.0 * G * apogee_m))
    speed = ballistic_ground_speed(range_m, apogee_m, launch)
    assert range_m / speed == pytest.approx(flight_s, rel=1e-12)


@pytest.mark.parametrize(
    ("apogee_m", "range_m", "speed_m_s"), [(50e3, 290e3, 2000.0), (40e3, 120e3, 1000.0)]
)
def test_a_ballistic_threat_reaches_its_asset_at_the_catalog_speed(
    apogee_m: float, range_m: float, speed_m_s: float
) -> None:
    ground = ballistic_ground_speed(range_m, apogee_m, speed_m_s)
    tp = make_threat([(0.0, 0.0, 0.0), (range_m, 0.0, 0.0)], ground, 0.0, True, apogee_m)
    for t in (1e-3, 0.999 * range_m / ground):
        v = float(jnp.linalg.norm(threat_kinematics(tp, jnp.asarray(t)).vel_m_s[0]))
        assert v == pytest.approx(speed_m_s, rel=5e-3)  # flat-Earth arc on the round Earth


def test_ballistic_threat_arrives_after_the_vacuum_time_of_flight() -> None:
    apogee_m, range_m = 300e3, 1000e3
    flight_s = _vacuum_flight_time_s(apogee_m)  # 494.7 s
    tp = make_threat(
        [(0.0, 0.0, 0.0), (range_m, 0.0, 0.0)], range_m / flight_s, 60.0, True, apogee_m
    )
    assert not bool(threat_kinematics(tp, jnp.asarray(60.0 + 0.999 * flight_s)).arrived[0])
    assert bool(threat_kinematics(tp, jnp.asarray(60.0 + 1.001 * flight_s)).arrived[0])
    _, _, h = _ground_and_height(tp, 60.0 + flight_s)
    assert h == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("instant", ["launch", "waypoint"])
def test_velocity_at_a_step_that_lands_on_launch_or_a_waypoint_is_the_velocity_flown_next(
    instant: str,
) -> None:
    # 100 km east, then 100 km north, at 250 m/s: the corner is passed at t = 400 s exactly.
    tp = make_threat([(0.0, 0.0, 5e3), (100e3, 0.0, 5e3), (100e3, 100e3, 5e3)], 250.0)
    t = 0.0 if instant == "launch" else 400.0
    speed = float(jnp.linalg.norm(threat_kinematics(tp, jnp.asarray(t)).vel_m_s[0]))
    assert speed == pytest.approx(250.0, rel=1e-2)
