"""Steering laws of the flyout (pure JAX, component-major vectors [3, ...]):
zero-effort-miss proportional navigation, the guidance lag and the midcourse loft."""

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
