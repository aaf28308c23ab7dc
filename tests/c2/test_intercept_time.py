"""Predicted-intercept time: the first t > 0 at which a missile flying straight at speed s from
the launcher meets a target moving at constant velocity, |r + v t| = s t.

Squaring gives the quadratic f(t) = |r|^2 + 2 (r.v) t - (s^2 - |v|^2) t^2 = 0. Known answers:

- head-on, target flying straight at the launcher: t = |r| / (s + |v|);
- tail chase of a slower target flying straight away: t = |r| / (s - |v|);
- a target at least as fast as the missile and not closing (r.v >= 0) is never caught;
- otherwise the answer is the smallest positive real root of f, found here independently with
  ``numpy.roots``.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iads.c2.assign import intercept_time

COORD = st.floats(-400e3, 400e3)
VEL = st.floats(-3000.0, 3000.0)
SPEED = st.floats(100.0, 3000.0)


def _t(r: np.ndarray, v: np.ndarray, s: float, dtype: object = jnp.float64) -> float:
    return float(
        intercept_time(jnp.asarray(r, dtype), jnp.asarray(v, dtype), jnp.asarray(s, dtype))
    )


def _first_positive_root(r: np.ndarray, v: np.ndarray, s: float) -> float:
    a = s**2 - float(v @ v)
    roots = np.roots([-a, 2.0 * float(r @ v), float(r @ r)])
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))].real
    positive = real[real > 0]
    return float(positive.min()) if positive.size else math.inf


@settings(max_examples=200, deadline=None)
@given(
    r=st.tuples(COORD, COORD, st.floats(0.0, 30e3)),
    v=st.tuples(VEL, VEL, st.floats(-500.0, 500.0)),
    s=SPEED,
)
def test_missile_and_target_meet_at_the_returned_time_and_not_before(
    r: tuple[float, float, float], v: tuple[float, float, float], s: float
) -> None:
    r_, v_ = np.asarray(r), np.asarray(v)
    assume(np.linalg.norm(r_) > 100.0)
    # keep clear of a grazing (double-root) geometry, where the root itself is ill-conditioned
    disc = float(r_ @ v_) ** 2 + (s**2 - float(v_ @ v_)) * float(r_ @ r_)
    assume(abs(disc) > 1e-9 * float(r_ @ v_) ** 2 + 1e-12)
    t = _t(r_, v_, s)
    expected = _first_positive_root(r_, v_, s)
    if math.isinf(expected):
        assert math.isinf(t)
        return
    assert math.isfinite(t) and t > 0.0
    assert float(np.linalg.norm(r_ + v_ * t)) == pytest.approx(s * t, rel=1e-6)
    assert t == pytest.approx(expected, rel=1e-6)  # the smallest positive root


@settings(max_examples=100, deadline=None)
@given(
    direction=st.tuples(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0)),
    distance_m=st.floats(1e3, 600e3),
    target_speed_m_s=st.floats(0.0, 5000.0),
    s=SPEED,
)
def test_head_on_target_is_met_after_range_over_closing_speed(
    direction: tuple[float, float, float], distance_m: float, target_speed_m_s: float, s: float
) -> None:
    u = np.asarray(direction)
    assume(np.linalg.norm(u) > 0.1)
    u = u / np.linalg.norm(u)
    t = _t(distance_m * u, -target_speed_m_s * u, s)
    assert t == pytest.approx(distance_m / (s + target_speed_m_s), rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(distance_m=st.floats(1e3, 600e3), s=SPEED, fraction=st.floats(0.0, 0.95))
def test_slower_receding_target_is_caught_after_range_over_speed_difference(
    distance_m: float, s: float, fraction: float
) -> None:
    u = np.array([0.6, 0.8, 0.0])
    t = _t(distance_m * u, fraction * s * u, s)
    assert t == pytest.approx(distance_m / (s * (1.0 - fraction)), rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    r=st.tuples(COORD, COORD, st.floats(0.0, 30e3)),
    v=st.tuples(VEL, VEL, st.floats(-500.0, 500.0)),
    excess=st.floats(1.0, 3.0),
)
def test_target_at_least_as_fast_as_the_missile_and_receding_is_never_caught(
    r: tuple[float, float, float], v: tuple[float, float, float], excess: float
) -> None:
    r_, v_ = np.asarray(r), np.asarray(v)
    assume(float(r_ @ v_) > 0.0)
    s = float(np.linalg.norm(v_)) / excess  # |v| >= s
    assume(s > 1.0)
    assert math.isinf(_t(r_, v_, s))


def test_faster_target_closing_but_passing_wide_is_never_caught() -> None:
    # 2000 m/s crossing 100 km out, missile 1000 m/s: the discriminant is negative.
    assert math.isinf(_t(np.array([100e3, 100e3, 0.0]), np.array([0.0, -2000.0, 0.0]), 1000.0))


def test_equal_speeds_closing_uses_the_linear_root() -> None:
    """|v| = s: f is linear, t = -|r|^2 / (2 r.v). Head-on at 1000 m/s from 100 km: 50 s."""
    assert _t(np.array([100e3, 0.0, 0.0]), np.array([-1000.0, 0.0, 0.0]), 1000.0) == 50.0


def test_intercept_time_broadcasts_over_units_threats_and_missile_types() -> None:
    rel = jnp.asarray(np.random.default_rng(3).normal(size=(2, 3, 1, 3)) * 1e5)
    vel = jnp.asarray(np.random.default_rng(4).normal(size=(1, 3, 1, 3)) * 300.0)
    speed = jnp.asarray([800.0, 1500.0])
    t = np.asarray(intercept_time(rel, vel, speed))
    assert t.shape == (2, 3, 2)
    for idx in np.ndindex(t.shape):
        u, j, k = idx
        assert t[idx] == pytest.approx(
            _t(np.asarray(rel[u, j, 0]), np.asarray(vel[0, j, 0]), float(speed[k])), rel=1e-12
        )


def test_near_equal_speeds_intercept_time_is_accurate_in_float32() -> None:
    """1000 m/s target from 316 km, missile 1000.01 m/s. The closing-target root written as
    c / (sqrt(b^2 + a c) - b) has no cancellation; float32 then gets it to ~1e-6."""
    r = np.array([3e5, 1e5, 1e4])
    v = np.array([-1000.0, 0.0, 0.0])
    s = 1000.01
    expected = _first_positive_root(r, v, s)
    assert _t(r, v, s, jnp.float32) == pytest.approx(expected, rel=1e-5)
