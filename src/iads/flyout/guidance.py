"""Flyout stage kernel: missiles fly under proportional navigation, in substeps of the step.

Kinematics of one missile of type k (speed v along its velocity; h its altitude):

- boost: v rises linearly to ``max_speed_m_s`` over ``boost_time_s``;
- coast: dv/dt = -(rho(h)/rho0) v^2 / drag_length_m with rho(h)/rho0 = exp(-h / H), H the
  ``density_scale_height_m`` of the exponential atmosphere;
- midcourse loft: beyond ``loft_start_m`` from the target the missile steers at a point
  ``loft_slope`` x (ground distance - ``loft_start_m``) above it (at most ``loft_ceiling_m``
  high), so long shots climb into thin air and dive onto the target;
- steering: the lateral acceleration of zero-effort-miss proportional navigation,
  a = N * ZEM_perp / t_go^2 (N the ``navigation_constant``; ZEM = r + v_rel t_go, t_go the
  time of closest approach, perp = across the line of sight), limited to ``max_accel_m_s2``
  and applied across the velocity so that it turns the missile without changing its speed.

An active missile's seeker locks on when, at the end of a step, its target is within the
acquisition range, ``seeker_acquisition_range_m`` x (sigma / ``seeker_reference_rcs_m2``)^(1/4)
with sigma the target's nose-on RCS in the seeker's band; from then on it needs no
fire-control channel.

The missile homes on the true threat state (terminal seeker or track-via-missile; the
end-game error is the kill mechanism's ``terminal_miss_m``, drawn by the assessment stage).
Within each substep both move in straight lines, so the closest point of approach and the miss
distance are exact for that substep. A missile's end game comes at its closest approach (the
substep in which the range to its target stops closing) when that is within its type's
``endgame_range_m``: the flight ends there and the assessment stage decides whether it kills.
A missile is lost when it exceeds its maximum flight time, slows below ``min_speed_m_s`` after
burnout, hits the ground, or its target is gone.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.flyout.base import FlightEnds, FlyoutInputs, FlyoutParams, Missiles
from iads.geo.sphere import EARTH_RADIUS_M
from iads.geo.vec import dot_first as _dot
from iads.geo.vec import norm_first as _norm
from iads.launch.base import Fired

# Vectors in this module are component-major, shape [3, ...]: on the CPU, XLA vectorises
# elementwise work over the trailing axes far better than reductions over a minor axis of 3.


def _altitude(p: Array) -> Array:
    return jnp.sqrt(p[0] ** 2 + p[1] ** 2 + (p[2] + EARTH_RADIUS_M) ** 2) - EARTH_RADIUS_M


def _up(p: Array) -> Array:
    q = jnp.stack([p[0], p[1], p[2] + EARTH_RADIUS_M])
    return q / _norm(q)


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
    zem_perp = zem - _dot(zem, los) * los
    acc = nav * zem_perp / t_go**2
    vhat = vel / jnp.maximum(_norm(vel), 1e-3)
    acc = acc - _dot(acc, vhat) * vhat
    return acc * jnp.minimum(1.0, max_acc / jnp.maximum(_norm(acc), 1e-9))


def loft_offset(
    pos: Array, tgt_pos: Array, slope: Array, start_m: Array, ceiling_m: Array
) -> Array:
    """Offset [3, ...] of the midcourse aim point above the target."""
    up = _up(tgt_pos)
    rel = tgt_pos - pos
    horizontal = _norm(rel - _dot(rel, up) * up)
    room = jnp.maximum(ceiling_m - _altitude(tgt_pos), 0.0)
    return jnp.clip(slope * (horizontal - start_m), 0.0, room) * up


def insert(missiles: Missiles, fired: Fired, t_s: Array) -> Missiles:
    """Missiles with this step's launches put into the slots they took."""
    new = fired.new
    w = lambda a, b: jnp.where(new[..., None] if a.ndim > new.ndim else new, a, b)  # noqa: E731
    return Missiles(
        alive=missiles.alive | new,
        pos_m=w(fired.pos_m, missiles.pos_m),
        vel_m_s=w(fired.vel_m_s, missiles.vel_m_s),
        speed_m_s=w(fired.speed_m_s, missiles.speed_m_s),
        target=w(fired.target, missiles.target),
        kind=w(fired.kind, missiles.kind),
        launch_time_s=jnp.where(new, t_s, missiles.launch_time_s),
        missile=w(fired.missile, missiles.missile),
        salvo=w(fired.salvo, missiles.salvo),
        launcher=w(fired.launcher, missiles.launcher),
        locked=missiles.locked & ~new,
    )


def flyout(
    params: FlyoutParams, inputs: FlyoutInputs, state: Missiles
) -> tuple[Missiles, FlightEnds]:
    """The flyout stage: add this step's launches, fly every missile through the step and
    find each one's closest approach.

    Detonation is decided against the threats alive at the start of the step.
    """
    missiles = insert(state, inputs.fired, inputs.t_s)
    kin, t_s = inputs.kin, inputs.t_s
    dt = inputs.dt_s / params.n_substeps
    kind = missiles.kind
    max_speed = params.max_speed_m_s[kind]
    boost = params.boost_time_s[kind]
    drag_len = params.drag_length_m[kind]
    max_acc = params.max_accel_m_s2[kind]
    max_tof = params.max_flight_time_s[kind]
    min_speed = params.min_speed_m_s[kind]
    nav = params.navigation_constant[kind]
    loft = (params.loft_slope[kind], params.loft_start_m[kind], params.loft_ceiling_m[kind])
    endgame = inputs.endgame_range_m[kind]
    target = missiles.target
    cm = lambda a: jnp.moveaxis(a, -1, 0)  # noqa: E731  [..., 3] -> [3, ...]
    tgt_pos0 = cm(kin.pos_m[target])
    tgt_vel = cm(kin.vel_m_s[target])
    target_up = inputs.threat_alive[target]

    def sub(i: int, c: tuple) -> tuple:  # type: ignore[type-arg]
        pos, vel, speed, alive, fuzed, miss_d, ended, end_t, end_pos = c
        tau = i * dt
        now = t_s + tau
        tgt_pos = tgt_pos0 + tgt_vel * tau
        tof = now - missiles.launch_time_s
        acc = steer(pos, vel, tgt_pos + loft_offset(pos, tgt_pos, *loft), tgt_vel, nav, max_acc)
        rho = jnp.exp(-jnp.maximum(_altitude(pos), 0.0) / params.density_scale_height_m)
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
        # The closest approach falls in this substep when the range stops closing in it.
        fuze = alive & target_up & (t_star < dt) & (miss <= endgame)
        lost = (
            alive
            & ~fuze
            & (
                ~target_up
                | (tof + dt > max_tof)
                | (~burning & (new_speed < min_speed))
                | (_altitude(new_pos) < 0.0)
            )
        )
        done = fuze | lost
        end_t = jnp.where(done, jnp.where(fuze, now + t_star, now + dt), end_t)
        end_pos = jnp.where(done, jnp.where(fuze, pos + step_vel * t_star, new_pos), end_pos)
        miss_d = jnp.where(fuze, miss, miss_d)
        # A missile that has ended keeps its last state (so batch composition never matters).
        keep = ~alive
        return (
            jnp.where(keep, pos, new_pos),
            jnp.where(keep, vel, new_vel),
            jnp.where(keep, speed, new_speed),
            alive & ~done,
            fuzed | fuze,
            miss_d,
            ended | done,
            end_t,
            end_pos,
        )

    no = jnp.zeros_like(missiles.alive)
    zero = jnp.zeros_like(missiles.speed_m_s)
    carry = (
        cm(missiles.pos_m),
        cm(missiles.vel_m_s),
        missiles.speed_m_s,
        missiles.alive,
        no,
        zero,
        no,
        zero,
        cm(missiles.pos_m),
    )
    pos, vel, speed, alive, fuzed, miss_d, ended, end_t, end_pos = jax.lax.fori_loop(
        0, params.n_substeps, sub, carry
    )
    pos, vel, end_pos = (jnp.moveaxis(a, 0, -1) for a in (pos, vel, end_pos))
    band = params.seeker_band[kind]
    sigma = inputs.rcs_m2[target, band, 0]
    acquire = (
        params.seeker_acquisition_range_m[kind]
        * (sigma / jnp.maximum(params.seeker_reference_rcs_m2[kind], 1e-9)) ** 0.25
    )
    tgt_end = jnp.moveaxis(tgt_pos0 + tgt_vel * inputs.dt_s, 0, -1)
    in_reach = jnp.sqrt(jnp.sum((tgt_end - pos) ** 2, axis=-1)) <= acquire
    new = Missiles(
        alive=alive,
        pos_m=pos,
        vel_m_s=vel,
        speed_m_s=speed,
        target=missiles.target,
        kind=missiles.kind,
        launch_time_s=missiles.launch_time_s,
        missile=missiles.missile,
        salvo=missiles.salvo,
        launcher=missiles.launcher,
        locked=missiles.locked | (alive & in_reach),
    )
    return new, FlightEnds(
        ended=ended, fuzed=fuzed, miss_distance_m=miss_d, end_time_s=end_t, end_pos_m=end_pos
    )
