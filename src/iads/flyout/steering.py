"""Steering laws of the flyout (pure JAX, component-major vectors [3, ...]):
zero-effort-miss proportional navigation, the guidance lag, the midcourse loft and the ground
clearance."""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from iads.geo.sphere import altitude_first, up_first
from iads.geo.vec import across_first
from iads.geo.vec import dot_first as _dot
from iads.geo.vec import norm_first as _norm


def steer(
    pos: Array, vel: Array, tgt_pos: Array, tgt_vel: Array, nav: Array, max_acc: Array
) -> Array:
    """Lateral acceleration [3, ...] of zero-effort-miss proportional navigation."""
    r = tgt_pos - pos
    v_rel = tgt_vel - vel
    vv = jnp.maximum(_dot(v_rel, v_rel), 1e-6)
    t_go = jnp.maximum(-_dot(r, v_rel) / vv, 0.05)
    zem = r + v_rel * t_go
    los = r / jnp.maximum(_norm(r), 1e-3)
    zem_perp = across_first(zem, los)
    acc = nav * zem_perp / t_go**2
    vhat = vel / jnp.maximum(_norm(vel), 1e-3)
    acc = across_first(acc, vhat)
    return acc * jnp.minimum(1.0, max_acc / jnp.maximum(_norm(acc), 1e-9))


def loft_offset(
    pos: Array, tgt_pos: Array, slope: Array, start_m: Array, ceiling_m: Array
) -> Array:
    """Offset [3, ...] of the midcourse aim point above ``tgt_pos`` (the guidance passes the
    predicted intercept point): ``slope`` x (ground distance - ``start_m``), from 0 up to
    ``ceiling_m`` above the ground."""
    up = up_first(tgt_pos)
    rel = tgt_pos - pos
    horizontal = _norm(across_first(rel, up))
    room = jnp.maximum(ceiling_m - altitude_first(tgt_pos), 0.0)
    return jnp.clip(slope * (horizontal - start_m), 0.0, room) * up


def lag_step(lagged: Array, command: Array, dt_s: Array | float, tau_s: Array) -> Array:
    """A first-order lag of time constant ``tau_s`` (0: none) over a step of ``dt_s`` with the
    command held: lagged + (1 - exp(-dt / tau)) (command - lagged), exact for a held command."""
    follow = jnp.where(tau_s > 0.0, -jnp.expm1(-dt_s / jnp.where(tau_s > 0.0, tau_s, 1.0)), 1.0)
    return lagged + follow * (command - lagged)


def clearance_floor(
    target_altitude_m: Array, time_to_go_s: Array, clearance_m: Array, dive_time_s: Array
) -> tuple[Array, Array]:
    """(lowest altitude m, its rate of change m/s) [...] the guidance lets a round fly at.

    The floor is ``clearance_m`` above the ground in the midcourse. Against a target below
    that (at h_t at the predicted intercept point), it comes down onto h_t evenly over the
    last ``dive_time_s`` of the time to go t_go, the terminal dive:

        floor = min(c, h_t) + max(c - h_t, 0) clip(t_go / t_dive, 0, 1),

    at least 0; its rate is -max(c - h_t, 0) / t_dive within the dive, 0 outside it.
    """
    drop = jnp.maximum(clearance_m - target_altitude_m, 0.0)
    dive = jnp.maximum(dive_time_s, 1e-3)
    floor = jnp.minimum(clearance_m, target_altitude_m) + drop * jnp.clip(
        time_to_go_s / dive, 0.0, 1.0
    )
    diving = (time_to_go_s > 0.0) & (time_to_go_s < dive)
    return jnp.maximum(floor, 0.0), jnp.where(diving, -drop / dive, 0.0)


def hold_above(
    pos: Array,
    vel: Array,
    gravity: Array,
    command: Array,
    floor_m: Array,
    floor_rate_m_s: Array,
    response_s: Array,
) -> Array:
    """``command`` [3, ...] (lateral, gravity compensated) with its upward part raised where
    needed to bring the round onto the floor, critically damped with time constant
    T = ``response_s``:

        a_up >= (floor - h) / T^2 + 2 (floor_rate - h') / T + g

    with h the altitude, h' the climb rate and g the gravity (``gravity`` [3, ...]) that the
    lift must also carry. The raise goes across the velocity in the vertical plane (its upward
    share is the cosine of the flight-path angle, taken at least 0.2); a round well above its
    floor, or climbing away from it, keeps its command: the hold only ever raises."""
    up = up_first(pos)
    h = altitude_first(pos)
    speed = jnp.maximum(_norm(vel), 1e-6)
    climb = _dot(vel, up)
    t = jnp.maximum(response_s, 1e-3)
    g = -_dot(gravity, up)
    need = (floor_m - h) / t**2 + 2.0 * (floor_rate_m_s - climb) / t + g
    across = across_first(up, vel / speed)
    cos_gamma = _norm(across)
    lift = across / jnp.maximum(cos_gamma, 1e-6)
    deficit = jnp.maximum(need - _dot(command, up), 0.0)
    return command + deficit / jnp.maximum(cos_gamma, 0.2) * lift
