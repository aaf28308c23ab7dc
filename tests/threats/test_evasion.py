"""Threats that react: the evasive weave's closed form, the warning that starts it, the
terminal weave and the pull-up of a quasi-ballistic missile."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.geo.sphere import EARTH_RADIUS_M, up_unit, xyz_to_enu
from iads.scenario.compile import terminal_start_s
from iads.threats.base import Pursuers, ThreatInputs, ThreatState
from iads.threats.flight import fly, threat_bend, threat_kinematics, threat_position
from iads.units import STANDARD_GRAVITY_M_S2 as G
from tests.threats.test_flight import make_threat

SPEED = 250.0  # m/s, flying east at 5 km
A = 9.0 * G  # lateral acceleration of the break
PERIOD = 8.0
W = 2.0 * math.pi / PERIOD


@pytest.fixture(autouse=True)
def _float64():
    with jax.enable_x64(True):
        yield


def _fighter(**kw):  # type: ignore[no-untyped-def]
    return make_threat(
        [(0.0, 0.0, 5e3), (200e3, 0.0, 5e3)],
        SPEED,
        weave_accel_m_s2=A,
        weave_omega_rad_s=W,
        weave_duration_s=PERIOD,
        warning_time_s=10.0,
        **kw,
    )


def _north_m(tp, t: float, evade_s: float) -> float:  # type: ignore[no-untyped-def]
    _, n, _ = xyz_to_enu(threat_position(tp, jnp.asarray(t), jnp.asarray([evade_s])))
    return float(n[0])


@pytest.mark.parametrize("tau", [0.0, 1.0, 2.0, 4.0, 6.5])
def test_the_weave_is_the_closed_form_across_the_track(tau: float) -> None:
    # d(tau) = A / w^2 (1 - cos w tau), to the left of an eastbound track: north
    tp = _fighter()
    assert _north_m(tp, 100.0 + tau, 100.0) == pytest.approx(
        A / W**2 * (1 - math.cos(W * tau)), abs=1e-6
    )
    assert _north_m(tp, 100.0 + tau, math.inf) == pytest.approx(0.0, abs=1e-9)


def test_the_break_starts_at_the_full_lateral_acceleration_and_ends_back_on_track() -> None:
    tp = _fighter()
    ev = jnp.asarray([100.0])

    def vel(t):  # type: ignore[no-untyped-def]
        return threat_kinematics(tp, t, ev).vel_m_s[0]

    acc0 = jax.jacfwd(vel)(jnp.asarray(100.0 + 1e-9))
    assert float(jnp.linalg.norm(acc0)) == pytest.approx(A, rel=1e-3)  # a 9 g break
    assert float(jnp.linalg.norm(vel(jnp.asarray(100.0)))) == pytest.approx(SPEED, rel=1e-3)
    # one whole period later: on the route again, with no lateral speed
    assert _north_m(tp, 100.0 + PERIOD, 100.0) == pytest.approx(0.0, abs=1e-6)
    end = threat_kinematics(tp, jnp.asarray(100.0 + PERIOD), ev).vel_m_s[0]
    assert float(jnp.linalg.norm(end)) == pytest.approx(SPEED, rel=1e-3)


def _step(tp, missile_pos, missile_vel, evade_s=math.inf, alive=True):  # type: ignore[no-untyped-def]
    pursuers = Pursuers(
        pos_m=jnp.asarray([[missile_pos]], jnp.float64),
        vel_m_s=jnp.asarray([[missile_vel]], jnp.float64),
        target=jnp.zeros((1, 1), jnp.int32),
        alive=jnp.asarray([[alive]]),
    )
    state = ThreatState(leaked_s=jnp.asarray([math.inf]), evade_s=jnp.asarray([evade_s]))
    inputs = ThreatInputs(jnp.asarray(100.0), jnp.asarray([math.inf]), pursuers)
    return fly(tp, inputs, state)[0].evade_s[0]


def test_a_threat_breaks_when_a_missile_is_within_its_warning_time() -> None:
    tp = _fighter()
    here = np.asarray(threat_position(tp, jnp.asarray(100.0)))[0]
    east = np.asarray(threat_kinematics(tp, jnp.asarray(100.0)).vel_m_s)[0] / SPEED
    # a missile head-on at 1,000 m/s: closing at 1,250 m/s, so 10 s out is 12.5 km
    for dist, breaks in ((12.4e3, True), (12.6e3, False)):
        pos = here + east * dist
        assert (float(_step(tp, pos, -1000.0 * east)) == 100.0) is breaks
    # a missile flying away does not warn it, nor one that has ended, nor a threat already
    # weaving (it finishes its period first)
    assert not math.isfinite(float(_step(tp, here + east * 5e3, 2000.0 * east)))
    assert not math.isfinite(float(_step(tp, here + east * 5e3, -1000.0 * east, alive=False)))
    assert float(_step(tp, here + east * 5e3, -1000.0 * east, evade_s=97.0)) == 97.0


def test_a_threat_without_an_evasion_never_breaks() -> None:
    tp = make_threat([(0.0, 0.0, 5e3), (200e3, 0.0, 5e3)], SPEED)
    here = np.asarray(threat_position(tp, jnp.asarray(100.0)))[0]
    assert not math.isfinite(float(_step(tp, here + np.array([1e3, 0, 0]), [-1000.0, 0, 0])))


@pytest.mark.parametrize(("apogee", "below"), [(50e3, 15e3), (50e3, 0.0), (50e3, 49e3)])
def test_the_terminal_weave_starts_where_the_arc_descends_through_its_altitude(apogee, below):
    D, v = 290e3, 1600.0
    t = terminal_start_s(D, apogee, v, 0.0, 0.0, below)
    # on the arc h = 4 H s (D - s) / D^2 the descending crossing is s = D (1 + sqrt(1 - h/H)) / 2
    assert t * v == pytest.approx(D * (1 + math.sqrt(1 - below / apogee)) / 2, rel=1e-9)
    assert terminal_start_s(D, apogee, v, 0.0, 0.0, apogee + 1.0) == 0.0  # never above it


@pytest.mark.parametrize("start", [99.4, 100.0, 103.0, 107.6])
def test_the_path_within_a_step_is_the_weaving_threats_flight(start: float) -> None:
    # threat_bend (straight on plus the weave's bend) against threat_position itself at the
    # substep boundaries of a 1 s step, before, across and after the weave's start and end
    tp = _fighter()
    ev = jnp.asarray([start])
    t = jnp.asarray(100.0)
    kin = threat_kinematics(tp, t, ev)
    offsets = jnp.linspace(0.0, 1.0, 6)
    b = threat_bend(tp, kin, t, offsets, ev)
    direction, bend = b.bend_dir, b.bend_m
    # one metre of ground offset at 5 km is (R + h) / R metres in the frame, horizontal (less
    # the frame's sinc(s / R) across a radius from its origin, ~3e-6 here)
    h = 5e3
    assert abs(float(jnp.linalg.norm(direction[0])) - (EARTH_RADIUS_M + h) / EARTH_RADIUS_M) < 1e-5
    assert abs(float(jnp.dot(direction[0], up_unit(kin.pos_m[0])))) < 1e-6
    for i, dt in enumerate(np.asarray(offsets)):
        path = kin.pos_m[0] + kin.vel_m_s[0] * dt + bend[i, 0] * direction[0]
        exact = threat_position(tp, t + dt, ev)
        assert float(jnp.linalg.norm(path - exact[0])) < 0.5


# A quasi-ballistic missile's pull-up: 10 g over a 10 s period from 100 s on a 290 km arc.
PULL_A = 10.0 * G
PULL_P = 10.0
PULL_W = 2.0 * math.pi / PULL_P


def _srbm(**kw):  # type: ignore[no-untyped-def]
    D, H = 290e3, 50e3
    return make_threat(
        [(0.0, 0.0, 0.0), (D, 0.0, 0.0)],
        1600.0,
        ballistic=True,
        apogee_m=H,
        pull_up_accel_m_s2=PULL_A,
        pull_up_omega_rad_s=PULL_W,
        **kw,
    )


@pytest.mark.parametrize("tau", [0.0, 1.0, 2.5, 5.0, 7.5, 10.0, 12.0])
def test_the_pull_up_rises_above_the_arc_by_its_closed_form(tau: float) -> None:
    # u(tau) = a / w^2 (1 - cos w tau) for 0 <= tau <= P: 2 a / w^2 at P / 2, back at P
    plain, pulling = _srbm(), _srbm(pull_up_start_s=100.0)
    t = jnp.asarray(100.0 + tau)
    h0 = float(xyz_to_enu(threat_position(plain, t))[2][0])
    h1 = float(xyz_to_enu(threat_position(pulling, t))[2][0])
    inside = tau <= PULL_P
    expected = PULL_A / PULL_W**2 * (1.0 - math.cos(PULL_W * tau)) if inside else 0.0
    assert h1 - h0 == pytest.approx(expected, abs=1e-3)


def test_the_pull_up_starts_upwards_at_its_load_factor_and_rejoins_the_arc_level() -> None:
    plain, pulling = _srbm(), _srbm(pull_up_start_s=100.0)

    def vertical_speed(tp, t: float) -> float:  # type: ignore[no-untyped-def]
        kin = threat_kinematics(tp, jnp.asarray(t))
        return float(jnp.dot(kin.vel_m_s[0], up_unit(kin.pos_m[0])))

    # the vertical acceleration relative to the arc, by central differences about the start
    dt = 1e-3
    rel = [
        vertical_speed(pulling, 100.0 + k * dt) - vertical_speed(plain, 100.0 + k * dt)
        for k in (1, 2)
    ]
    assert (rel[1] - rel[0]) / dt == pytest.approx(PULL_A, rel=1e-2)
    # one period later it is back on the arc, moving with it
    end = 100.0 + PULL_P
    assert vertical_speed(pulling, end) == pytest.approx(vertical_speed(plain, end), abs=1e-6)


@pytest.mark.parametrize("start", [99.4, 100.0, 104.6, 109.5])
def test_the_path_within_a_step_is_the_pulling_up_threats_flight(start: float) -> None:
    # threat_bend's rise against threat_position at the substep boundaries of a 1 s step,
    # before, across and after the pull-up's start, peak and end
    tp = _srbm(pull_up_start_s=start)
    ev = jnp.asarray([math.inf])
    t = jnp.asarray(100.0)
    kin = threat_kinematics(tp, t, ev)
    offsets = jnp.linspace(0.0, 1.0, 6)
    b = threat_bend(tp, kin, t, offsets, ev)
    assert abs(float(jnp.linalg.norm(b.rise_dir[0])) - 1.0) < 1e-6
    assert float(jnp.dot(b.rise_dir[0], up_unit(kin.pos_m[0]))) == pytest.approx(1.0, abs=1e-9)
    for i, dt in enumerate(np.asarray(offsets)):
        path = kin.pos_m[0] + kin.vel_m_s[0] * dt + b.rise_m[i, 0] * b.rise_dir[0]
        exact = threat_position(tp, t + dt, ev)
        # the arc's own curvature (8 H v^2 / D^2, 12 m/s^2 here) is left straight: at most
        # half of that in metres after a second
        assert float(jnp.linalg.norm(path - exact[0])) < 6.5
        # and the pull-up's part of the bend is exact: with no pull-up the same residual
        plain = _srbm()
        kin0 = threat_kinematics(plain, t, ev)
        straight = kin0.pos_m[0] + kin0.vel_m_s[0] * dt
        exact0 = threat_position(plain, t + dt, ev)
        assert float(jnp.linalg.norm(path - exact[0])) == pytest.approx(
            float(jnp.linalg.norm(straight - exact0[0])), abs=0.05
        )
