"""Proportional navigation (:func:`iads.flyout.guidance.steer`) against textbook answers.

Zarchan, Tactical and Strategic Missile Guidance (6th ed., ch. 2 and 3), for a zero-lag
linear engagement: against a target at constant velocity PN has zero miss, and against a
target pulling a constant acceleration n_T its commanded acceleration tends to
N'/(N' - 2) n_T as the time to go falls to zero. With a guidance lag of time constant T the
airframe follows the command late, so a target's manoeuvre late in the flight leaves a miss
(ch. 6).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.flyout.steering import lag_step, steer

SPEED_M = 1000.0
SPEED_T = 300.0


@pytest.fixture(autouse=True)
def _float64():
    with jax.enable_x64(True):
        yield


def _engage(
    nav: float,
    target_accel_m_s2: float,
    offset_m: float = 0.0,
    dt: float = 1e-3,
    range_m: float = 10_000.0,
    tau_s: float = 0.0,
):
    """A planar head-on engagement, both at constant speed (the command turns the missile):
    the missile's commands and the closest approach."""
    m_pos = np.array([0.0, 0.0, 0.0])
    m_vel = np.array([SPEED_M, 0.0, 0.0])
    t_pos = np.array([range_m, offset_m, 0.0])
    t_vel = np.array([-SPEED_T, 0.0, 0.0])
    f = jax.jit(lambda p, v, tp, tv: steer(p, v, tp, tv, jnp.asarray(nav), jnp.asarray(1e9)))
    lag = jax.jit(lambda a, c: lag_step(a, c, dt, jnp.asarray(tau_s)))
    commands, closest = [], np.inf
    acc = np.zeros(3)
    for _ in range(int(30.0 / dt)):
        cmd = np.asarray(f(m_pos, m_vel, t_pos, t_vel))
        commands.append(np.linalg.norm(cmd))
        acc = np.asarray(lag(acc, cmd))
        # target: a constant acceleration across the initial line of sight (the linear
        # analysis's step manoeuvre); the missile turns at constant speed
        a_t = np.array([0.0, target_accel_m_s2, 0.0])
        new_m_pos = m_pos + m_vel * dt + 0.5 * acc * dt**2
        m_vel = m_vel + acc * dt
        m_vel *= SPEED_M / np.linalg.norm(m_vel)
        new_t_pos = t_pos + t_vel * dt + 0.5 * a_t * dt**2
        t_vel = t_vel + a_t * dt
        r0, r1 = t_pos - m_pos, new_t_pos - new_m_pos
        m_pos, t_pos = new_m_pos, new_t_pos
        if np.dot(r1, r1 - r0) > 0.0:  # the range stopped closing: closest approach
            d = r1 - r0
            s = np.clip(-np.dot(r0, d) / np.dot(d, d), 0.0, 1.0)
            closest = float(np.linalg.norm(r0 + s * d))
            break
    return np.asarray(commands), closest


def test_pn_has_zero_miss_against_a_non_manoeuvring_target() -> None:
    _, miss = _engage(nav=4.0, target_accel_m_s2=0.0, offset_m=500.0)
    assert miss < 0.5  # 500 m of initial heading error, removed to within the step's travel


@pytest.mark.parametrize("nav", [3.0, 4.0, 5.0])
def test_pn_command_against_a_step_manoeuvre_follows_zarchans_closed_form(nav: float) -> None:
    # n_c / n_T = N'/(N' - 2) (1 - (1 - t/t_F)^(N' - 2)) for a target that starts a constant
    # acceleration n_T on a collision course (Zarchan, ch. 3): N'/(N' - 2) as t -> t_F
    n_t = 3.0 * 9.80665
    commands, miss = _engage(nav=nav, target_accel_m_s2=n_t)
    flight = commands.size
    for frac in (0.5, 0.8, 0.9):  # later, the engagement is no longer linear
        got = commands[int(frac * flight)] / n_t
        want = nav / (nav - 2.0) * (1.0 - (1.0 - frac) ** (nav - 2.0))
        assert got == pytest.approx(want, rel=0.05), frac
    assert miss < 5.0


@pytest.mark.parametrize("tau", [0.1, 0.5, 2.0])
def test_a_held_command_is_followed_as_a_first_order_lag(tau: float) -> None:
    # a(t) = a_c (1 - exp(-t / T)) for a command a_c held from t = 0
    a, dt = jnp.zeros(3), 0.05
    for k in range(1, 41):
        a = lag_step(a, jnp.asarray([0.0, 10.0, 0.0]), dt, jnp.asarray(tau))
        assert float(a[1]) == pytest.approx(10.0 * (1.0 - np.exp(-k * dt / tau)), rel=1e-9)
    assert np.asarray(lag_step(a, jnp.ones(3), dt, jnp.asarray(0.0))) == pytest.approx(1.0)


def test_with_a_guidance_lag_a_manoeuvre_leaves_a_miss() -> None:
    n_t, tau = 5.0 * 9.80665, 0.5
    # a target pulling 5 g from a range giving 1 T and 2 T of flight: the lagged airframe
    # turns late and misses by metres; without the lag PN leaves no miss (Zarchan, ch. 3)
    for flight_t in (1.0, 2.0):
        rng = flight_t * tau * (SPEED_M + SPEED_T)
        _, lagged = _engage(nav=4.0, target_accel_m_s2=n_t, range_m=rng, tau_s=tau)
        _, prompt = _engage(nav=4.0, target_accel_m_s2=n_t, range_m=rng)
        assert lagged > 0.08 * n_t * tau**2  # > 1 m
        assert prompt < 0.05
