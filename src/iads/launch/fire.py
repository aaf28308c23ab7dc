"""Launch stage kernel: launchers fire the rounds of their unit's salvo.

A unit with rounds of its salvo left fires them from its launchers that are ready (their own
launch interval has passed since their last round) and hold a round of the salvo's type, one
round per launcher and step, as many as the salvo has left, the unit has free missile slots
and free missile-guidance channels (so the channels are never exceeded: a round holds one
until its own seeker locks on, for an active missile, else for its whole flight). A round
leaves its launcher at the missile's ``launch_speed_m_s``, climbing at its
``launch_elevation_rad`` towards the predicted intercept point's azimuth; guidance does the
rest.

A salvo is cancelled when its threat is gone or the unit has no round of its type left.

An empty launcher with reloads left starts a reload at once and is loaded again (with its
initial load) ``reload_time_s`` later.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_add
from iads.c2.assign import intercept_time
from iads.geo import vec
from iads.geo.sphere import up_unit
from iads.launch.base import Fired, LaunchInputs, LaunchParams, LaunchState, live_salvo_left


def unit_inventory(params: LaunchParams, state: LaunchState) -> Array:
    """Rounds left per fire unit and missile type [U, K]."""
    n_units = params.slot_valid.shape[0]
    at_unit = params.unit[None, :] == jnp.arange(n_units)[:, None]  # [U, N]
    return jnp.sum(
        jnp.where(at_unit[:, :, None], state.inventory[None, :, :], 0), axis=1, dtype=jnp.int32
    )


def reload(params: LaunchParams, state: LaunchState, t_s: Array) -> LaunchState:
    """Reloads: an empty launcher with reloads left starts one; one that is done is loaded."""
    empty = jnp.sum(state.inventory, axis=1) == 0
    start = params.valid & empty & (state.reloads_left > 0) & jnp.isinf(state.reloaded_s)
    ready_at = jnp.where(start, t_s + params.reload_time_s, state.reloaded_s)
    done = t_s >= ready_at
    return LaunchState(
        inventory=jnp.where(done[:, None], params.inventory, state.inventory),
        next_launch_s=state.next_launch_s,
        reloads_left=state.reloads_left - done.astype(jnp.int32),
        reloaded_s=jnp.where(done, jnp.inf, ready_at),
        salvo_target=state.salvo_target,
        salvo_kind=state.salvo_kind,
        salvo_left=state.salvo_left,
        salvo_row=state.salvo_row,
        n_fired=state.n_fired,
    )


def launch(
    params: LaunchParams, inputs: LaunchInputs, state: LaunchState
) -> tuple[LaunchState, Fired]:
    """The launch stage: take the new orders, cancel void salvos, fire what can be fired."""
    orders, t_s = inputs.orders, inputs.t_s
    state = reload(params, state, t_s)
    n_units = params.slot_valid.shape[0]
    n_launchers = params.unit.shape[0]
    units = jnp.arange(n_units)

    # New orders replace idle salvos; salvos at threats that are gone, or of a type the unit
    # has run out of, are cancelled.
    target = jnp.where(orders.new, orders.target, state.salvo_target)
    kind = jnp.where(orders.new, orders.kind, state.salvo_kind)
    left = jnp.where(orders.new, orders.count, state.salvo_left)
    row = jnp.where(orders.new, orders.salvo, state.salvo_row)
    left = live_salvo_left(target, kind, left, inputs.alive, unit_inventory(params, state))
    target = jnp.where(left > 0, target, -1)

    # Ready launchers of each unit, ranked; the first ones fire, one round each.
    kind_n = kind[params.unit]  # [N] the salvo type of each launcher's unit
    has_round = jnp.take_along_axis(state.inventory, kind_n[:, None], axis=1)[:, 0] > 0
    ready = params.valid & (t_s >= state.next_launch_s) & has_round & (left[params.unit] > 0)
    same_unit = params.unit[:, None] == params.unit[None, :]  # [N, N]
    before = jnp.arange(n_launchers)[None, :] < jnp.arange(n_launchers)[:, None]
    rank = jnp.sum(same_unit & before & ready[None, :], axis=1, dtype=jnp.int32)  # [N]
    free = params.slot_valid & ~inputs.missile_alive  # [U, M]
    holding = jnp.sum(inputs.missile_holding, axis=1, dtype=jnp.int32)
    channels = jnp.maximum(params.missile_channels - holding, 0)
    cap = jnp.minimum(jnp.minimum(left, jnp.sum(free, axis=1, dtype=jnp.int32)), channels)
    # The command post's echelon: its units together guide at most missiles_guided rounds;
    # what is left is shared out in unit order.
    cp = params.unit_command_post
    n_cp = params.missiles_guided.shape[0]
    cp_free = jnp.maximum(params.missiles_guided - scatter_add(cp, holding, n_cp), 0)[cp]
    same_cp = (cp[:, None] == cp[None, :]) & (units[None, :] < units[:, None])  # [U, U]
    before = jnp.sum(jnp.where(same_cp, cap[None, :], 0), axis=1, dtype=jnp.int32)
    cap = jnp.clip(cp_free - before, 0, cap)
    fire = ready & (rank < cap[params.unit])  # [N]
    n_fire = jnp.sum(
        (params.unit[None, :] == units[:, None]) & fire[None, :], axis=1, dtype=jnp.int32
    )  # [U]

    # The r-th launcher to fire in a unit takes the unit's r-th free missile slot.
    slot_rank = jnp.cumsum(free, axis=1, dtype=jnp.int32) - 1  # [U, M]
    new = free & (slot_rank < n_fire[:, None])
    match = (
        (params.unit[None, None, :] == units[:, None, None])
        & fire[None, None, :]
        & (rank[None, None, :] == slot_rank[:, :, None])
        & new[:, :, None]
    )  # [U, M, N]
    launcher = jnp.sum(
        jnp.where(match, jnp.arange(n_launchers, dtype=jnp.int32), 0), axis=-1, dtype=jnp.int32
    )
    # Missile ids in launcher order.
    missile_n = jnp.where(fire, state.n_fired + jnp.cumsum(fire, dtype=jnp.int32) - 1, -1)
    missile = jnp.where(new, missile_n[launcher], -1)

    # Aim: towards the predicted intercept point's azimuth, from each launcher.
    tgt_n = jnp.maximum(target, 0)[params.unit]  # [N]
    vert = up_unit(params.pos_m)
    origin = params.pos_m + params.launch_height_m[:, None] * vert
    track_pos, track_vel = inputs.track_x[tgt_n, :3], inputs.track_x[tgt_n, 3:]
    rel = track_pos - origin
    t_int = intercept_time(rel, track_vel, inputs.mean_speed_m_s[kind_n])
    t_int = jnp.where(jnp.isfinite(t_int), t_int, 0.0)
    aim = rel + track_vel * t_int[:, None]
    ground = aim - vec.dot(aim, vert)[:, None] * vert
    ground = ground / jnp.maximum(vec.norm(ground), 1.0)[:, None]
    elevation = params.launch_elevation_rad[kind_n]
    speed0 = params.launch_speed_m_s[kind_n]  # [N]
    vel0 = speed0[:, None] * (
        jnp.cos(elevation)[:, None] * ground + jnp.sin(elevation)[:, None] * vert
    )

    used = (jnp.arange(state.inventory.shape[1])[None, :] == kind_n[:, None]) & fire[:, None]
    left = left - n_fire
    new_state = LaunchState(
        inventory=state.inventory - used.astype(jnp.int32),
        next_launch_s=jnp.where(fire, t_s + params.launch_interval_s, state.next_launch_s),
        reloads_left=state.reloads_left,
        reloaded_s=state.reloaded_s,
        salvo_target=jnp.where(left > 0, target, -1),
        salvo_kind=kind,
        salvo_left=left,
        salvo_row=row,
        n_fired=state.n_fired + jnp.sum(n_fire, dtype=jnp.int32),
    )
    fired = Fired(
        new=new,
        pos_m=origin[launcher],
        vel_m_s=vel0[launcher],
        speed_m_s=speed0[launcher],
        target=jnp.broadcast_to(jnp.maximum(target, 0)[:, None], new.shape),
        kind=jnp.broadcast_to(kind[:, None], new.shape),
        missile=missile,
        salvo=jnp.broadcast_to(row[:, None], new.shape),
        launcher=jnp.where(new, launcher, -1),
        by_launcher=fire,
        launcher_missile=missile_n,
        launcher_target=tgt_n.astype(jnp.int32),
        launcher_kind=kind_n,
        launcher_unit=params.unit,
        launch_pos_m=origin,
    )
    return new_state, fired
