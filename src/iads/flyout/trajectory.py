"""Physical flyouts of many missiles at once: the 3-DoF point mass of
:mod:`iads.flyout.dynamics` flown by proportional navigation from a vertical launch.

One flight (all lanes launched together at t = 0 from ``launch_pos``):

1. **Launch and turnover.** The missile leaves at its launch speed and elevation (vertical for
   the S-400's cold launch) towards the target's azimuth. For ``turnover_time_s`` it turns
   towards its midcourse aim point: its command turns the velocity onto that point at the
   rate that would align it within the step, and the turnover system (gas-dynamic,
   ``turnover_accel_m_s2``) adds that much lateral acceleration to what the air gives.
2. **Midcourse and terminal: proportional navigation** on the aim point (zero-effort-miss form,
   :func:`iads.flyout.steering.steer`, gain ``navigation_constant``) lifted by the loft offset
   (:func:`iads.flyout.steering.loft_offset`), plus the part of gravity across the velocity
   (gravity compensation), raised where it would take the round below its ground clearance
   (:func:`iads.flyout.steering.clearance_floor`, :func:`iads.flyout.steering.hold_above`;
   not within 2 ``clearance_response_s`` of the intercept).
   :func:`iads.flyout.dynamics.derivatives` limits the command to the smaller of the
   structural and the aerodynamic limit plus any lateral thrust; end-game
   lateral thrusters (``divert_accel_m_s2``) fire while the time to go is below
   ``divert_time_to_go_s``.
3. **End.** The flight ends at its closest approach to the target (the step in which the range
   stops closing; within the step both move in straight lines, so the miss distance is exact
   for that step), at the ground or at ``max_flight_time_s``. It is an **intercept** when that
   closest approach is within ``endgame_range_m``, before the maximum flight time, at a speed of
   at least ``min_speed_m_s`` and with at least ``endgame_min_accel_m_s2`` of lateral
   acceleration available there from the air (the margin to follow a target's last
   manoeuvre; lateral thrusters make a brief correction, not a sustained turn, so they do not
   count). A flight that slows below ``min_speed_m_s`` after burnout is lost then.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from iads.flyout import dynamics
from iads.flyout.dynamics import Airframe, Motor
from iads.flyout.steering import clearance_floor, hold_above, lag_step, loft_offset, steer
from iads.geo.atmosphere import G0_M_S2, isa
from iads.geo.sphere import altitude_first
from iads.geo.vec import across_first
from iads.geo.vec import dot_first as _dot
from iads.geo.vec import norm_first as _norm

# Vectors are component-major, shape [3, N] (see iads.flyout.guidance).

#: Why a flight ended (``Flight.outcome``).
INTERCEPT, MISSED, TOO_SLOW, NO_MANOEUVRE, OUT_OF_TIME, GROUND = range(6)
OUTCOMES = ("intercept", "missed", "too slow", "no manoeuvre left", "out of time", "ground")


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class FlightModel:
    """One missile type's physical flyout (scalars, or arrays broadcast against the lanes)."""

    airframe: Airframe  # its lateral_thrust_m_s2 is ignored: turnover and divert below
    motor: Motor
    launch_mass_kg: Array
    launch_speed_m_s: Array
    launch_elevation_rad: Array  # π/2: a vertical launch
    turnover_time_s: Array
    turnover_accel_m_s2: Array
    divert_accel_m_s2: Array
    divert_time_to_go_s: Array
    navigation_constant: Array
    loft_slope: Array
    loft_start_m: Array
    loft_ceiling_m: Array
    max_flight_time_s: Array
    min_speed_m_s: Array
    endgame_range_m: Array
    pass_range_m: Array  # a closest approach within this ends a flight of fly() as a miss
    endgame_min_accel_m_s2: Array
    guidance_time_constant_s: Array  # first-order lag of the airframe's response (0: none)
    min_clearance_m: Array  # the guidance's floor above the ground in the midcourse
    dive_time_s: Array  # the floor comes down onto a lower target over this last time to go
    clearance_response_s: Array  # time constant of the guidance's hold on that floor


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Flight:
    """How each lane's flight ended ([N] each)."""

    outcome: Array  # int32, OUTCOMES index
    time_s: Array  # end of the flight (its closest approach, the ground or the time limit)
    miss_m: Array  # closest approach to the target (inf where none came)
    pos_m: Array  # [3, N] missile position at the end
    speed_m_s: Array  # at the end
    available_m_s2: Array  # lateral acceleration available at the end
    max_speed_m_s: Array  # fastest along the flight
    max_altitude_m: Array  # highest along the flight
    min_altitude_m: Array  # lowest along the flight (the launch height included)


def closest_approach(rel_pos: Array, rel_vel: Array, dt_s: Array | float) -> tuple[Array, Array]:
    """(time in [0, dt], distance) of the closest approach within a step of a target at
    ``rel_pos`` moving at ``rel_vel`` relative to the missile, both in straight lines; a time
    below dt means the range stops closing within the step."""
    t_star = jnp.clip(
        -_dot(rel_pos, rel_vel) / jnp.maximum(_dot(rel_vel, rel_vel), 1e-9), 0.0, dt_s
    )
    return t_star, _norm(rel_pos + rel_vel * t_star)


def burnout_s(model: FlightModel) -> Array:
    """Time after launch at which the last motor phase ends."""
    return jnp.max(model.motor.ignition_s + model.motor.burn_time_s, axis=-1)


def launch_velocity(model: FlightModel, launch_pos: Array, aim_pos: Array) -> Array:
    """Velocity [3, ...] on leaving the launcher: ``launch_speed_m_s`` at
    ``launch_elevation_rad`` (π/2: vertical) towards the azimuth of ``aim_pos``."""
    up = dynamics.gravity_m_s2(launch_pos)
    up = -up / _norm(up)
    ground = across_first(aim_pos - launch_pos, up)
    ground = ground / jnp.maximum(_norm(ground), 1e-6)
    el = model.launch_elevation_rad
    return model.launch_speed_m_s * (jnp.cos(el) * ground + jnp.sin(el) * up)


def advance(
    model: FlightModel,
    pos: Array,
    vel: Array,
    mass: Array,
    t_since_launch_s: Array,
    target_pos: Array,
    target_vel: Array,
    dt_s: Array | float,
    lagged: Array,
) -> tuple[Array, Array, Array, Array]:
    """One step of ``dt_s`` of every missile (module doc, steps 1 and 2): the guidance command
    at the start of the step, then :func:`iads.flyout.dynamics.step`. The model's arrays
    broadcast against the missiles ([...]; vectors [3, ...]).

    ``lagged`` [3, ...] is the acceleration the airframe was following: after the turnover
    the proportional-navigation command, limited to the structural load factor, reaches the
    airframe through a first-order lag of ``guidance_time_constant_s`` T (exact for a command
    held over the step: lagged += (1 - exp(-dt / T)) (command - lagged)). Returns the new
    position, velocity, mass and lagged acceleration."""
    big = jnp.asarray(1e5, pos.dtype)
    r = target_pos - pos
    v_rel = target_vel - vel
    t_go = -_dot(r, v_rel) / jnp.maximum(_dot(v_rel, v_rel), 1e-6)
    # the loft is measured from the predicted intercept point, so that it fades as the round
    # closes on it whether the target flies level, climbs or dives; the time to go is capped by
    # the flight time left (early on, while the round is slow, the estimate is far too long)
    t_left = jnp.maximum(model.max_flight_time_s - t_since_launch_s, 0.0)
    pip = target_pos + target_vel * jnp.clip(t_go, 0.0, t_left)
    aim = target_pos + loft_offset(
        pos, pip, model.loft_slope, model.loft_start_m, model.loft_ceiling_m
    )
    speed = jnp.maximum(_norm(vel), 1e-6)
    v_hat = vel / speed
    gravity = dynamics.gravity_m_s2(pos)
    g_across = across_first(gravity, v_hat)
    pn = steer(pos, vel, aim, target_vel, model.navigation_constant, big) - g_across
    # the ground clearance: the command is raised where it would take the round below its floor
    floor, floor_rate = clearance_floor(
        altitude_first(pip), t_go, model.min_clearance_m, model.dive_time_s
    )
    # the hold brakes a sink v towards its floor from 2 T v above it on: a round on a straight
    # course to a target at or above the floor's end would be braked within 2 T of the
    # intercept and deflected from the target it is about to meet, so the end game is left to
    # proportional navigation
    held = hold_above(pos, vel, gravity, pn, floor, floor_rate, model.clearance_response_s)
    pn = jnp.where(t_go > 2.0 * model.clearance_response_s, held, pn)
    # the turnover turns the velocity onto the aim point at the rate that would align it within
    # the step (v sin(angle) / dt, less than the angle: it never overshoots), limited by what
    # the turnover system and the air give; a command always at that limit swung the round
    # past the aim point and back in steps of 0.2 s and left it diving when the turnover ended
    to_aim = aim - pos
    towards = across_first(to_aim / jnp.maximum(_norm(to_aim), 1e-3), v_hat)
    turn = towards * speed / dt_s - g_across
    turning = t_since_launch_s < model.turnover_time_s
    cap = model.airframe.max_load_factor_g * G0_M_S2
    pn = pn * jnp.minimum(1.0, cap / jnp.maximum(_norm(pn), 1e-9))
    # the autopilot follows the guidance command through the turnover too, so that the airframe
    # holds it (gravity compensation included) the moment the turnover ends
    lagged = lag_step(lagged, pn, dt_s, model.guidance_time_constant_s)
    cmd = jnp.where(turning, turn, lagged)
    lateral = jnp.where(turning, model.turnover_accel_m_s2, 0.0) + jnp.where(
        (t_go > 0.0) & (t_go < model.divert_time_to_go_s), model.divert_accel_m_s2, 0.0
    )
    airframe = replace(model.airframe, lateral_thrust_m_s2=lateral)
    new_pos, new_vel, new_mass = dynamics.step(
        airframe, model.motor, pos, vel, mass, t_since_launch_s, cmd, dt_s
    )
    return new_pos, new_vel, new_mass, lagged


def fly(
    model: FlightModel,
    launch_pos: Array,
    target_pos: Array,
    target_vel: Array,
    dt_s: float,
    target_accel: Array | None = None,
) -> Flight:
    """Fly one missile per lane from ``launch_pos`` ([3] or [3, N]) at a target that starts at
    ``target_pos`` [3, N] with velocity ``target_vel`` [3, N] and a constant acceleration
    ``target_accel`` [3, N] (default none: a straight line); steps of ``dt_s`` up to the
    (longest) maximum flight time."""
    t_max = float(np.max(np.asarray(model.max_flight_time_s)))
    steps = int(np.ceil(t_max / dt_s)) + 1
    accel = jnp.zeros_like(target_pos) if target_accel is None else jnp.asarray(target_accel)
    return _fly(model, jnp.asarray(launch_pos), target_pos, target_vel, accel, dt_s, steps)


@partial(jax.jit, static_argnames=("dt_s", "steps"))
def _fly(
    model: FlightModel,
    launch_pos: Array,
    target_pos: Array,
    target_vel0: Array,
    target_accel: Array,
    dt_s: float,
    steps: int,
) -> Flight:
    n = target_pos.shape[1]
    dtype = target_pos.dtype
    cd = model.airframe.cd_mach
    model = replace(
        model, airframe=replace(model.airframe, cd_mach=jnp.broadcast_to(cd, (n, cd.shape[-1])))
    )
    lp = jnp.broadcast_to(jnp.asarray(launch_pos, dtype).reshape(3, -1), (3, n))
    v0 = launch_velocity(model, lp, target_pos)
    m0 = jnp.broadcast_to(jnp.asarray(model.launch_mass_kg, dtype), (n,))
    inf = jnp.full((n,), jnp.inf, dtype)
    zero = jnp.zeros((n,), dtype)
    burnout = burnout_s(model)

    def body(c: tuple, k: Array) -> tuple:  # type: ignore[type-arg]
        # the flights in the air, and each one's record so far (how it ended, once it has)
        pos, vel, mass, lag, active, rec = c
        t = k * dt_s
        tgt = target_pos + target_vel0 * t + 0.5 * target_accel * t**2
        target_vel = target_vel0 + target_accel * t
        t_arr = jnp.full((n,), t, dtype)
        new_pos, new_vel, new_mass, new_lag = advance(
            model, pos, vel, mass, t_arr, tgt, target_vel, dt_s, lag
        )
        r = tgt - pos
        # closest approach within the step (both in straight lines)
        step_vel = (new_pos - pos) / dt_s
        t_star, closest = closest_approach(
            r, target_vel + 0.5 * target_accel * dt_s - step_vel, dt_s
        )
        new_speed = _norm(new_vel)
        h_new = altitude_first(new_pos)
        _, _, rho, _ = isa(jnp.maximum(h_new, 0.0))
        # the margin is what the air gives: lateral thrusters make a brief correction, not a
        # sustained turn
        avail = dynamics.available_lateral_m_s2(
            replace(model.airframe, lateral_thrust_m_s2=jnp.zeros_like(new_speed)),
            0.5 * rho * new_speed**2,
            new_mass,
        )
        burnt_out = t + dt_s > burnout
        # the range stops closing in this step: a fuze within the end-game range, a miss when
        # it passes within pass_range_m (the catalog's envelope_pass_factor end-game ranges;
        # farther, it is a lofted climb: fly on)
        at_cpa = active & (t_star < dt_s) & (closest <= model.pass_range_m)
        slow = active & ~at_cpa & burnt_out & (new_speed < model.min_speed_m_s)
        grounded = active & ~at_cpa & ~slow & (h_new < 0.0)
        timed_out = active & ~at_cpa & ~slow & ~grounded & (t + dt_s > model.max_flight_time_s)
        ok_miss = closest <= model.endgame_range_m
        ok_speed = new_speed >= model.min_speed_m_s
        ok_g = avail >= model.endgame_min_accel_m_s2
        cpa_outcome = jnp.where(
            ~ok_miss,
            MISSED,
            jnp.where(~ok_speed, TOO_SLOW, jnp.where(~ok_g, NO_MANOEUVRE, INTERCEPT)),
        )
        ends = at_cpa | slow | grounded | timed_out
        rec = Flight(
            outcome=jnp.select(
                [at_cpa, slow, grounded, timed_out],
                [cpa_outcome, TOO_SLOW, GROUND, OUT_OF_TIME],
                rec.outcome,
            ),
            time_s=jnp.where(ends, t + jnp.where(at_cpa, t_star, dt_s), rec.time_s),
            miss_m=jnp.where(at_cpa, closest, rec.miss_m),
            pos_m=jnp.where(ends, pos + step_vel * jnp.where(at_cpa, t_star, dt_s), rec.pos_m),
            speed_m_s=jnp.where(ends, new_speed, rec.speed_m_s),
            available_m_s2=jnp.where(ends, avail, rec.available_m_s2),
            max_speed_m_s=jnp.where(
                active, jnp.maximum(rec.max_speed_m_s, new_speed), rec.max_speed_m_s
            ),
            max_altitude_m=jnp.where(
                active, jnp.maximum(rec.max_altitude_m, h_new), rec.max_altitude_m
            ),
            min_altitude_m=jnp.where(
                active, jnp.minimum(rec.min_altitude_m, h_new), rec.min_altitude_m
            ),
        )
        keep = ~active
        return (
            jnp.where(keep, pos, new_pos),
            jnp.where(keep, vel, new_vel),
            jnp.where(keep, mass, new_mass),
            jnp.where(keep, lag, new_lag),
            active & ~ends,
            rec,
        ), None

    h0 = altitude_first(lp)
    record = Flight(
        outcome=jnp.full((n,), OUT_OF_TIME, jnp.int32),
        time_s=inf,
        miss_m=inf,
        pos_m=lp,
        speed_m_s=zero,
        available_m_s2=zero,
        max_speed_m_s=_norm(v0),
        max_altitude_m=h0,
        min_altitude_m=h0,
    )
    c0 = (lp, v0, m0, jnp.zeros_like(v0), jnp.ones((n,), bool), record)
    c, _ = jax.lax.scan(body, c0, jnp.arange(steps, dtype=dtype))
    flight: Flight = c[-1]
    return flight
