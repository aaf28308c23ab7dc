"""Flyout stage kernel: missiles fly as 3-DoF point masses, in substeps of the step.

Each substep advances every missile in flight with :func:`iads.flyout.trajectory.advance`: the
guidance command at the start of the substep (turnover after the launch, then zero-effort-miss
proportional navigation on the lofted aim point with gravity compensation, held above the
ground clearance, end-game lateral thrusters where the missile has them), then a Heun step of
:mod:`iads.flyout.dynamics` (gravity on the round Earth, motor thrust and mass flow,
Mach-dependent drag in the ISA atmosphere, induced drag, the manoeuvre limit of the structure
and of the air). Every figure
is the missile type's (catalog ``flight``, via ``FlyoutParams.model``).

An active missile's seeker locks on when, at the end of a step, its target is within the
acquisition range, ``seeker_acquisition_range_m`` x (sigma / ``seeker_reference_rcs_m2``)^(1/4)
with sigma the target's nose-on RCS in the seeker's band; from then on it needs no
fire-control channel.

Guidance steers on what the defence knows. An active round flies midcourse on the command
post's track estimate and homes on the threat itself once its seeker has locked on; a
command, track-via-missile or semi-active round homes on the threat while its unit's
engagement radar holds it (has detected it within its ``track_coast_s``) and flies on the
track estimate otherwise. So a round whose seeker does not lock, or whose target the radar
loses, flies at the estimate and misses by the track's error (or more, on a dropped track);
a homing round steers on its homing sensor's view of the target, off by the missile type's
homing noise (``homing_angle_noise_rad`` x range + ``homing_noise_floor_m``, 1 sigma per axis
across the line of sight, drawn once a step from ``key``), so its closest approach grows with
the noise through the guidance lag; the fuze's burst-point error is the kill mechanism's
``terminal_miss_m``, drawn by the assessment stage. The end game is always against the true
threat.

The threats' path within the step comes with the inputs (straight on from the step's start
plus a weaving threat's bend and a pulling-up threat's rise at the substep boundaries);
within each substep both move in straight lines, so the closest point of approach and the
miss distance are exact for that substep. A missile's end game comes at its closest approach
(the substep in which the range to its target stops closing) when that is within its type's
``endgame_range_m``: the flight ends there and the assessment stage decides whether it kills.
A missile is lost when it exceeds its maximum flight time, slows below ``min_speed_m_s`` after
its motor has burnt out, hits the ground, or its target is gone.
"""

from __future__ import annotations

from dataclasses import replace

import jax
import jax.numpy as jnp
from jax import Array

from iads.flyout.base import FlightEnds, FlyoutInputs, FlyoutParams, Missiles
from iads.flyout.trajectory import advance, burnout_s, closest_approach
from iads.geo.sphere import altitude_first
from iads.geo.vec import across_first
from iads.geo.vec import norm_first as _norm
from iads.launch.base import Fired

# Vectors in this module are component-major, shape [3, ...]: on the CPU, XLA vectorises
# elementwise work over the trailing axes far better than reductions over a minor axis of 3.


def insert(params: FlyoutParams, missiles: Missiles, fired: Fired, t_s: Array) -> Missiles:
    """Missiles with this step's launches put into the slots they took, at launch mass."""
    new = fired.new
    w = lambda a, b: jnp.where(new[..., None] if a.ndim > new.ndim else new, a, b)  # noqa: E731
    return Missiles(
        alive=missiles.alive | new,
        pos_m=w(fired.pos_m, missiles.pos_m),
        vel_m_s=w(fired.vel_m_s, missiles.vel_m_s),
        speed_m_s=w(fired.speed_m_s, missiles.speed_m_s),
        mass_kg=w(params.model.launch_mass_kg[fired.kind], missiles.mass_kg),
        lag_m_s2=w(jnp.zeros_like(fired.vel_m_s), missiles.lag_m_s2),
        target=w(fired.target, missiles.target),
        kind=w(fired.kind, missiles.kind),
        launch_time_s=jnp.where(new, t_s, missiles.launch_time_s),
        missile=w(fired.missile, missiles.missile),
        salvo=w(fired.salvo, missiles.salvo),
        launcher=w(fired.launcher, missiles.launcher),
        locked=missiles.locked & ~new,
    )


def flyout(
    params: FlyoutParams, inputs: FlyoutInputs, state: Missiles, key: Array
) -> tuple[Missiles, FlightEnds]:
    """The flyout stage: add this step's launches, fly every missile through the step and
    find each one's closest approach.

    Detonation is decided against the threats alive at the start of the step. ``key`` draws
    the step's homing noise.
    """
    missiles = insert(params, state, inputs.fired, inputs.t_s)
    t_s = inputs.t_s
    dt = inputs.dt_s / params.n_substeps
    kind = missiles.kind
    # each missile's own model: [U, M] arrays (the Mach grid shared)
    mach = params.model.airframe.mach
    model = jax.tree_util.tree_map(lambda a: a[kind], params.model)
    model = replace(model, airframe=replace(model.airframe, mach=mach))
    burnout = burnout_s(model)
    endgame = inputs.endgame_range_m[kind]
    target = missiles.target
    cm = lambda a: jnp.moveaxis(a, -1, 0)  # noqa: E731  [..., 3] -> [3, ...]
    # each round's target and its path within the step (component-major [3, U, M])
    tgt_pos0 = cm(inputs.target_pos_m[target])
    tgt_vel0 = cm(inputs.target_vel_m_s[target])
    bend_dir = cm(inputs.target_bend_dir[target])
    bend = inputs.target_bend_m[:, target]  # [S + 1, U, M]
    rise_dir = cm(inputs.target_rise_dir[target])
    rise = inputs.target_rise_m[:, target]  # [S + 1, U, M]
    target_up = inputs.threat_alive[target]
    # what guidance steers on: the target itself when homing (an active round once its seeker
    # has locked on; a command, TVM or semi-active round while its unit's engagement radar
    # holds the target), else the command post's track estimate
    active = params.seeker_acquisition_range_m[kind] > 0.0
    units = jnp.arange(target.shape[0])[:, None]
    homing = jnp.where(active, missiles.locked, inputs.fc_holds[units, target])
    est_pos0 = cm(inputs.track_x[target, :3])
    est_vel = cm(inputs.track_x[target, 3:])
    # homing noise: a homing round sees its target off by sigma (angle x range + floor) along
    # a random direction across the line of sight, drawn once a step (sigma follows the range
    # at each substep)
    pos0 = cm(missiles.pos_m)
    los = tgt_pos0 - pos0
    los = los / jnp.maximum(_norm(los), 1e-6)
    draw = jax.random.normal(key, los.shape, dtype=los.dtype)
    noise_dir = across_first(draw, los)
    angle_noise = params.homing_angle_noise_rad[kind]
    noise_floor = params.homing_noise_floor_m[kind]

    def sub(i: int, c: tuple) -> tuple:  # type: ignore[type-arg]
        pos, vel, mass, lag, alive, fuzed, miss_d, ended, end_t, end_pos = c
        tau = i * dt
        now = t_s + tau
        tgt_pos = tgt_pos0 + tgt_vel0 * tau + bend[i] * bend_dir + rise[i] * rise_dir
        tgt_step_vel = (
            tgt_vel0
            + (bend[i + 1] - bend[i]) / dt * bend_dir
            + (rise[i + 1] - rise[i]) / dt * rise_dir
        )
        tof = now - missiles.launch_time_s
        sigma = angle_noise * _norm(tgt_pos - pos) + noise_floor
        aim = jnp.where(homing, tgt_pos + sigma * noise_dir, est_pos0 + est_vel * tau)
        aim_vel = jnp.where(homing, tgt_step_vel, est_vel)
        new_pos, new_vel, new_mass, new_lag = advance(
            model, pos, vel, mass, tof, aim, aim_vel, dt, lag
        )
        step_vel = (new_pos - pos) / dt
        # Closest approach within the substep (both in straight lines).
        t_star, miss = closest_approach(tgt_pos - pos, tgt_step_vel - step_vel, dt)
        # The closest approach falls in this substep when the range stops closing in it.
        fuze = alive & target_up & (t_star < dt) & (miss <= endgame)
        slow = (tof + dt > burnout) & (_norm(new_vel) < model.min_speed_m_s)
        lost = (
            alive
            & ~fuze
            & (
                ~target_up
                | (tof + dt > model.max_flight_time_s)
                | slow
                | (altitude_first(new_pos) < 0.0)
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
            jnp.where(keep, mass, new_mass),
            jnp.where(keep, lag, new_lag),
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
        pos0,
        cm(missiles.vel_m_s),
        missiles.mass_kg,
        cm(missiles.lag_m_s2),
        missiles.alive,
        no,
        zero,
        no,
        zero,
        cm(missiles.pos_m),
    )
    pos, vel, mass, lag, alive, fuzed, miss_d, ended, end_t, end_pos = jax.lax.fori_loop(
        0, params.n_substeps, sub, carry
    )
    pos, vel, lag, end_pos = (jnp.moveaxis(a, 0, -1) for a in (pos, vel, lag, end_pos))
    band = params.seeker_band[kind]
    sigma = inputs.rcs_m2[target, band, 0]
    acquire = (
        params.seeker_acquisition_range_m[kind]
        * (sigma / jnp.maximum(params.seeker_reference_rcs_m2[kind], 1e-9)) ** 0.25
    )
    tgt_end = jnp.moveaxis(
        tgt_pos0 + tgt_vel0 * inputs.dt_s + bend[-1] * bend_dir + rise[-1] * rise_dir, 0, -1
    )
    in_reach = jnp.sqrt(jnp.sum((tgt_end - pos) ** 2, axis=-1)) <= acquire
    new = Missiles(
        alive=alive,
        pos_m=pos,
        vel_m_s=vel,
        speed_m_s=jnp.sqrt(jnp.sum(vel**2, axis=-1)),
        mass_kg=mass,
        lag_m_s2=lag,
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
