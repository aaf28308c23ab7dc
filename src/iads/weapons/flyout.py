"""Flyout stage: missiles fly under proportional navigation, in substeps of the engine step.

Kinematics of one missile (speed v along its velocity; h its altitude):

- boost: v rises linearly to ``max_speed_m_s`` over ``boost_time_s``;
- coast: dv/dt = -(rho(h)/rho0) v^2 / drag_length_m with rho(h)/rho0 = exp(-h / 8500 m);
- midcourse loft: beyond ``LOFT_START_M`` from the target the missile steers at a point
  ``LOFT_SLOPE`` x (ground distance - ``LOFT_START_M``) above it (at most ``LOFT_CEILING_M``
  high), so long shots climb into thin air and dive onto the target;
- steering: the lateral acceleration of zero-effort-miss proportional navigation,
  a = N * ZEM_perp / t_go^2 (ZEM = r + v_rel t_go, t_go the time of closest approach,
  perp = across the line of sight), limited to ``max_accel_m_s2`` and applied across the
  velocity so that it turns the missile without changing its speed.

The missile homes on the true threat state (terminal seeker or track-via-missile; guidance
errors are folded into the kill probability). Within each substep both move in straight lines,
so the closest point of approach and the miss distance are exact for that substep. A missile
that passes within ``lethal_radius_m`` detonates and kills with the missile's single-shot kill
probability for the threat's category; a missile is lost (a miss) when it detonates without a
kill, exceeds its maximum flight time, slows below ``MIN_SPEED_M_S`` after burnout, hits the
ground, or its target is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

from iads.engine.base import OUTCOME_KILL, OUTCOME_MISS, Missiles, Params
from iads.engine.ops import scatter_any, scatter_min
from iads.geo.sphere import altitude_m, up_unit
from iads.threats.flight import ThreatKinematics

#: Speed (m/s) below which a coasting missile is lost.
MIN_SPEED_M_S = 250.0
#: Density scale height (m) of the exponential atmosphere.
SCALE_HEIGHT_M = 8500.0
#: Midcourse loft: aim this fraction of the remaining ground distance (beyond LOFT_START_M)
#: above the target, up to LOFT_CEILING_M, so that long shots climb into thin air.
LOFT_SLOPE = 1.0
LOFT_START_M = 20_000.0
LOFT_CEILING_M = 30_000.0


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Flyout:
    """Missiles after this step, how each one that ended did, and threats destroyed."""

    missiles: Missiles
    ended: Array  # [U, C] bool: the missile ended during this step
    outcome: Array  # [U, C] int32 OUTCOME_*
    end_time_s: Array  # [U, C]
    end_pos_m: Array  # [U, C, 3]
    threat_alive: Array  # [J] bool
    killed_s: Array  # [J]


def _steer(
    pos: Array, vel: Array, tgt_pos: Array, tgt_vel: Array, nav: float, max_acc: Array
) -> Array:
    """Lateral acceleration [..., 3] of zero-effort-miss proportional navigation."""
    r = tgt_pos - pos
    v_rel = tgt_vel - vel
    vv = jnp.maximum(jnp.sum(v_rel * v_rel, axis=-1), 1e-6)
    t_go = jnp.maximum(-jnp.sum(r * v_rel, axis=-1) / vv, 0.05)
    zem = r + v_rel * t_go[..., None]
    los = r / jnp.maximum(jnp.linalg.norm(r, axis=-1, keepdims=True), 1e-3)
    zem_perp = zem - jnp.sum(zem * los, axis=-1, keepdims=True) * los
    acc = nav * zem_perp / (t_go**2)[..., None]
    vhat = vel / jnp.maximum(jnp.linalg.norm(vel, axis=-1, keepdims=True), 1e-3)
    acc = acc - jnp.sum(acc * vhat, axis=-1, keepdims=True) * vhat
    mag = jnp.linalg.norm(acc, axis=-1, keepdims=True)
    return acc * jnp.minimum(1.0, max_acc[..., None] / jnp.maximum(mag, 1e-9))


def _loft(pos: Array, tgt_pos: Array) -> Array:
    """Offset [..., 3] of the midcourse aim point above the target."""
    up = up_unit(tgt_pos)
    rel = tgt_pos - pos
    horizontal = jnp.linalg.norm(rel - jnp.sum(rel * up, -1, keepdims=True) * up, axis=-1)
    room = jnp.maximum(LOFT_CEILING_M - altitude_m(tgt_pos), 0.0)
    height = jnp.clip(LOFT_SLOPE * (horizontal - LOFT_START_M), 0.0, room)
    return height[..., None] * up


def flyout(
    params: Params,
    missiles: Missiles,
    kin: ThreatKinematics,
    threat_alive: Array,
    killed_s: Array,
    t_s: Array,
    key: Array,
) -> Flyout:
    """Fly every missile through one engine step, assess each closest approach."""
    mp, tp = params.missiles, params.threats
    dt = params.time_step_s / params.n_substeps
    kind = missiles.kind
    max_speed = mp.max_speed_m_s[kind]
    boost = mp.boost_time_s[kind]
    drag_len = mp.drag_length_m[kind]
    max_acc = mp.max_accel_m_s2[kind]
    max_tof = mp.max_flight_time_s[kind]
    lethal = mp.lethal_radius_m[kind]
    pk = mp.kill_probability[kind, tp.category[missiles.target]]
    draw = jax.random.uniform(key, missiles.alive.shape, dtype=missiles.pos_m.dtype)

    def sub(i: int, c: tuple) -> tuple:  # type: ignore[type-arg]
        pos, vel, speed, alive, ended, outcome, end_t, end_pos, t_alive, t_killed = c
        tau = i * dt
        now = t_s + tau
        tgt_pos = kin.pos_m[missiles.target] + kin.vel_m_s[missiles.target] * tau
        tgt_vel = kin.vel_m_s[missiles.target]
        tof = now - missiles.launch_time_s
        acc = _steer(
            pos, vel, tgt_pos + _loft(pos, tgt_pos), tgt_vel, params.navigation_constant, max_acc
        )
        rho = jnp.exp(-jnp.maximum(altitude_m(pos), 0.0) / SCALE_HEIGHT_M)
        burning = tof < boost
        new_speed = jnp.where(
            burning,
            jnp.minimum(speed + max_speed / jnp.maximum(boost, 1e-3) * dt, max_speed),
            speed / (1.0 + rho * speed * dt / drag_len),  # exact for dv/dt = -rho v^2 / L
        )
        turned = vel + acc * dt
        new_vel = (
            turned
            / jnp.maximum(jnp.linalg.norm(turned, axis=-1, keepdims=True), 1e-6)
            * new_speed[..., None]
        )
        step_vel = 0.5 * (vel + new_vel)
        new_pos = pos + step_vel * dt
        # Closest approach within the substep (both in straight lines).
        r0 = tgt_pos - pos
        dv = tgt_vel - step_vel
        t_star = jnp.clip(
            -jnp.sum(r0 * dv, axis=-1) / jnp.maximum(jnp.sum(dv * dv, -1), 1e-9), 0.0, dt
        )
        miss = jnp.linalg.norm(r0 + dv * t_star[..., None], axis=-1)
        target_up = t_alive[missiles.target]
        fuse = alive & target_up & (miss <= lethal)
        kill = fuse & (draw < pk)
        lost = (
            alive
            & ~fuse
            & (
                ~target_up
                | (tof + dt > max_tof)
                | (~burning & (new_speed < MIN_SPEED_M_S))
                | (altitude_m(new_pos) < 0.0)
            )
        )
        done = fuse | lost
        hit_time = now + t_star
        hit_pos = pos + step_vel * t_star[..., None]
        outcome = jnp.where(done, jnp.where(kill, OUTCOME_KILL, OUTCOME_MISS), outcome)
        end_t = jnp.where(done, jnp.where(fuse, hit_time, now + dt), end_t)
        end_pos = jnp.where(done[..., None], jnp.where(fuse[..., None], hit_pos, new_pos), end_pos)
        n_threats = t_alive.shape[0]
        killed_now = scatter_any(missiles.target, kill, n_threats)
        kill_time = scatter_min(missiles.target, jnp.where(kill, hit_time, jnp.inf), n_threats)
        t_killed = jnp.where(killed_now & t_alive, kill_time, t_killed)
        t_alive = t_alive & ~killed_now
        return (
            new_pos,
            new_vel,
            new_speed,
            alive & ~done,
            ended | done,
            outcome,
            end_t,
            end_pos,
            t_alive,
            t_killed,
        )

    zeros_i = jnp.zeros(missiles.alive.shape, jnp.int32)
    carry = (
        missiles.pos_m,
        missiles.vel_m_s,
        missiles.speed_m_s,
        missiles.alive,
        jnp.zeros_like(missiles.alive),
        zeros_i,
        jnp.zeros_like(missiles.speed_m_s),
        missiles.pos_m,
        threat_alive,
        killed_s,
    )
    (pos, vel, speed, alive, ended, outcome, end_t, end_pos, t_alive, t_killed) = jax.lax.fori_loop(
        0, params.n_substeps, sub, carry
    )
    new = Missiles(
        alive=alive,
        pos_m=pos,
        vel_m_s=vel,
        speed_m_s=speed,
        target=missiles.target,
        kind=missiles.kind,
        launch_time_s=missiles.launch_time_s,
        log_id=missiles.log_id,
    )
    return Flyout(
        missiles=new,
        ended=ended,
        outcome=outcome,
        end_time_s=end_t,
        end_pos_m=end_pos,
        threat_alive=t_alive,
        killed_s=t_killed,
    )
