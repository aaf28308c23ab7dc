"""Proportional navigation (:func:`iads.flyout.guidance.steer`) against textbook answers.

Zarchan, Tactical and Strategic Missile Guidance (6th ed., ch. 2 and 3), for a zero-lag
linear engagement: against a target at constant velocity PN has zero miss, and against a
target pulling a constant acceleration n_T its commanded acceleration tends to
N'/(N' - 2) n_T as the time to go falls to zero.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.flyout.steering import steer

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
):
    """A planar head-on engagement, both at constant speed (the command turns the missile):
    the missile's commands and the closest approach."""
    m_pos = np.array([0.0, 0.0, 0.0])
    m_vel = np.array([SPEED_M, 0.0, 0.0])
    t_pos = np.array([range_m, offset_m, 0.0])
    t_vel = np.array([-SPEED_T, 0.0, 0.0])
    f = jax.jit(lambda p, v, tp, tv: steer(p, v, tp, tv, jnp.asarray(nav), jnp.asarray(1e9)))
    commands, closest = [], np.inf
    for _ in range(int(30.0 / dt)):
        acc = np.asarray(f(m_pos, m_vel, t_pos, t_vel))
        commands.append(np.linalg.norm(acc))
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
