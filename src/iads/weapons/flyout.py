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

from iads.engine.base import OUTCOME_KILL, OUTCOME_MISS, OUTCOME_NONE, Missiles, Params
from iads.engine.ops import scatter_any, scatter_min
from iads.geo.sphere import EARTH_RADIUS_M
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


# Vectors in this module are component-major, shape [3, ...]: on the CPU, XLA vectorises
# elementwise work over the trailing axes far better than reductions over a minor axis of 3.


def _dot(a: Array, b: Array) -> Array:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _norm(a: Array) -> Array:
    return jnp.sqrt(_dot(a, a))


def _altitude(p: Array) -> Array:
    return jnp.sqrt(p[0] ** 2 + p[1] ** 2 + (p[2] + EARTH_RADIUS_M) ** 2) - EARTH_RADIUS_M


def _up(p: Array) -> Array:
    q = jnp.stack([p[0], p[1], p[2] + EARTH_RADIUS_M])
    return q / _norm(q)


def _steer(
    pos: Array, vel: Array, tgt_pos: Array, tgt_vel: Array, nav: float, max_acc: Array
) -> Array:
    """Lateral acceleration [3, ...] of zero-effort-miss proportional navigation."""
    r = tgt_pos - pos
    v_rel = tgt_vel - vel
    vv = jnp.maximum(_dot(v_rel, v_rel), 1e-6)
    t_go = jnp.maximum(-_dot(r, v_rel) / vv, 0.05)
    zem = r + v_rel * t_go
    los = r / jnp.maximum(_norm(r), 1e-3)
    zem_perp = zem - _dot(zem, los) * los
    acc = nav * zem_perp / t_go**2
    vhat = vel / jnp.maximum(_norm(vel), 1e-3)
    acc = acc - _dot(acc, vhat) * vhat
    return acc * jnp.minimum(1.0, max_acc / jnp.maximum(_norm(acc), 1e-9))


def _loft(pos: Array, tgt_pos: Array) -> Array:
    """Offset [3, ...] of the midcourse aim point above the target."""
    up = _up(tgt_pos)
    rel = tgt_pos - pos
    horizontal = _norm(rel - _dot(rel, up) * up)
    room = jnp.maximum(LOFT_CEILING_M - _altitude(tgt_pos), 0.0)
    return jnp.clip(LOFT_SLOPE * (horizontal - LOFT_START_M), 0.0, room) * up


def flyout(
    params: Params,
    missiles: Missiles,
    kin: ThreatKinematics,
    threat_alive: Array,
    killed_s: Array,
    t_s: Array,
    key: Array,
) -> Flyout:
    """Fly every missile through one engine step, assess each closest approach.

    Fusing is decided against the threats alive at the start of the step; when two missiles
    kill the same threat within one step, the earlier detonation is the kill and the later
    missile counts as a miss (its target was already gone).
    """
    mp, tp = params.missiles, params.threats
    dt = params.time_step_s / params.n_substeps
    kind = missiles.kind
    max_speed = mp.max_speed_m_s[kind]
    boost = mp.boost_time_s[kind]
    drag_len = mp.drag_length_m[kind]
    max_acc = mp.max_accel_m_s2[kind]
    max_tof = mp.max_flight_time_s[kind]
    lethal = mp.lethal_radius_m[kind]
    target = missiles.target
    pk = mp.kill_probability[kind, tp.category[target]]
    draw = jax.random.uniform(key, missiles.alive.shape, dtype=missiles.pos_m.dtype)
    cm = lambda a: jnp.moveaxis(a, -1, 0)  # noqa: E731  [..., 3] -> [3, ...]
    tgt_pos0 = cm(kin.pos_m[target])
    tgt_vel = cm(kin.vel_m_s[target])
    target_up = threat_alive[target]

    def sub(i: int, c: tuple) -> tuple:  # type: ignore[type-arg]
        pos, vel, speed, alive, fused, ended, end_t, end_pos = c
        tau = i * dt
        now = t_s + tau
        tgt_pos = tgt_pos0 + tgt_vel * tau
        tof = now - missiles.launch_time_s
        acc = _steer(
            pos, vel, tgt_pos + _loft(pos, tgt_pos), tgt_vel, params.navigation_constant, max_acc
        )
        rho = jnp.exp(-jnp.maximum(_altitude(pos), 0.0) / SCALE_HEIGHT_M)
        burning = tof < boost
        new_speed = jnp.where(
            burning,
            jnp.minimum(speed + max_speed / jnp.maximum(boost, 1e-3) * dt, max_speed),
            speed / (1.0 + rho * speed * dt / drag_len),  # exact for dv/dt = -rho v^2 / L
        )
        turned = vel + acc * dt
        new_vel = turned / jnp.maximum(_norm(turned), 1e-6) * new_speed
        step_vel = 0.5 * (vel + new_vel)
        new_pos = pos + step_vel * dt
        # Closest approach within the substep (both in straight lines).
        r0 = tgt_pos - pos
        dv = tgt_vel - step_vel
        t_star = jnp.clip(-_dot(r0, dv) / jnp.maximum(_dot(dv, dv), 1e-9), 0.0, dt)
        miss = _norm(r0 + dv * t_star)
        fuse = alive & target_up & (miss <= lethal)
        lost = (
            alive
            & ~fuse
            & (
                ~target_up
                | (tof + dt > max_tof)
                | (~burning & (new_speed < MIN_SPEED_M_S))
                | (_altitude(new_pos) < 0.0)
            )
        )
        done = fuse | lost
        end_t = jnp.where(done, jnp.where(fuse, now + t_star, now + dt), end_t)
        end_pos = jnp.where(done, jnp.where(fuse, pos + step_vel * t_star, new_pos), end_pos)
        # A missile that has ended keeps its last state (so batch composition never matters).
        keep = ~alive
        return (
            jnp.where(keep, pos, new_pos),
            jnp.where(keep, vel, new_vel),
            jnp.where(keep, speed, new_speed),
            alive & ~done,
            fused | fuse,
            ended | done,
            end_t,
            end_pos,
        )

    no = jnp.zeros_like(missiles.alive)
    carry = (
        cm(missiles.pos_m),
        cm(missiles.vel_m_s),
        missiles.speed_m_s,
        missiles.alive,
        no,
        no,
        jnp.zeros_like(missiles.speed_m_s),
        cm(missiles.pos_m),
    )
    pos, vel, speed, alive, fused, ended, end_t, end_pos = jax.lax.fori_loop(
        0, params.n_substeps, sub, carry
    )
    n_threats = threat_alive.shape[0]
    hit = fused & (draw < pk)
    first_kill = scatter_min(target, jnp.where(hit, end_t, jnp.inf), n_threats)  # [J]
    earliest = hit & (end_t <= first_kill[target])
    # Exactly simultaneous detonations: the lowest channel index gets the kill.
    index = jnp.arange(target.size, dtype=end_t.dtype).reshape(target.shape)
    first_index = scatter_min(target, jnp.where(earliest, index, jnp.inf), n_threats)
    kill = earliest & (index == first_index[target])
    killed_now = scatter_any(target, kill, n_threats)
    outcome = jnp.where(ended, jnp.where(kill, OUTCOME_KILL, OUTCOME_MISS), OUTCOME_NONE)
    t_alive = threat_alive & ~killed_now
    t_killed = jnp.where(killed_now & threat_alive, first_kill, killed_s)
    pos, vel, end_pos = (jnp.moveaxis(a, 0, -1) for a in (pos, vel, end_pos))
    new = Missiles(
        alive=alive,
        pos_m=pos,
        vel_m_s=vel,
        speed_m_s=speed,
        target=missiles.target,
        kind=missiles.kind,
        launch_time_s=missiles.launch_time_s,
        log_id=missiles.log_id,
        salvo=missiles.salvo,
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
