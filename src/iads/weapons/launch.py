"""Launch stage: fire units with a salvo to fire launch one missile per launch interval.

A unit fires the next missile of its salvo when its launch interval has passed, it has a
missile of the chosen type left and one of its missile-guidance channels is free (so the
missile channels are never exceeded). The missile leaves the launcher climbing at
``LAUNCH_ELEVATION_RAD`` towards the predicted intercept point's azimuth, at
``LAUNCH_SPEED_M_S``; guidance does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

from iads.c2.assign import intercept_time
from iads.engine.base import MissileLog, Missiles, Params, State
from iads.engine.ops import scatter_set
from iads.geo import vec
from iads.geo.sphere import up_unit

#: Speed (m/s) at which a missile leaves the launcher.
LAUNCH_SPEED_M_S = 30.0
#: Elevation (rad) at which a missile leaves the launcher, towards the intercept point's azimuth.
LAUNCH_ELEVATION_RAD = 1.0471975511965976  # 60 deg
#: Height (m) of the launch point above the launcher site.
LAUNCH_HEIGHT_M = 10.0


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Launches:
    """Missiles launched this step and the units' updated salvo state."""

    missiles: Missiles
    inventory: Array  # [U, K]
    salvo_target: Array  # [U]
    salvo_left: Array  # [U]
    next_launch_s: Array  # [U]
    n_fired: Array  # []
    missile_log: MissileLog


def cancel_void_salvos(state: State) -> dict[str, Array]:
    """Salvo fields with salvos cancelled whose threat is gone or whose missiles ran out."""
    units = jnp.arange(state.salvo_target.shape[0])
    tgt = jnp.maximum(state.salvo_target, 0)
    void = (
        (state.salvo_target < 0)
        | ~state.alive[tgt]
        | (state.inventory[units, state.salvo_kind] <= 0)
    )
    return {
        "salvo_left": jnp.where(void, 0, state.salvo_left),
        "salvo_target": jnp.where(void, -1, state.salvo_target),
    }


def launch(params: Params, state: State, t_s: Array) -> Launches:
    """Fire the next missile of each unit's salvo where possible."""
    up = params.units
    ms = state.missiles
    n_units = up.pos_m.shape[0]
    units = jnp.arange(n_units)
    tgt = jnp.maximum(state.salvo_target, 0)
    salvo_left = state.salvo_left  # void salvos were cancelled before assignment
    free = up.slot_valid & ~ms.alive  # [U, C]
    fire = (salvo_left > 0) & (t_s >= state.next_launch_s) & jnp.any(free, axis=1)
    slot = jnp.argmax(free, axis=1)  # first free channel
    order = jnp.cumsum(fire.astype(jnp.int32), dtype=jnp.int32) - 1
    log_id = jnp.where(fire, state.n_fired + order, params.log_capacity)

    # Aim at the predicted intercept point from the track.
    track_pos = state.tracks.x[tgt, :3]
    track_vel = state.tracks.x[tgt, 3:]
    origin = up.pos_m + LAUNCH_HEIGHT_M * up_unit(up.pos_m)
    rel = track_pos - origin
    t_int = intercept_time(rel, track_vel, params.missiles.mean_speed_m_s[state.salvo_kind])
    t_int = jnp.where(jnp.isfinite(t_int), t_int, 0.0)
    aim = rel + track_vel * t_int[:, None]
    vert = up_unit(up.pos_m)
    ground = aim - vec.dot(aim, vert)[:, None] * vert
    ground = ground / jnp.maximum(vec.norm(ground), 1.0)[:, None]
    direction = jnp.cos(LAUNCH_ELEVATION_RAD) * ground + jnp.sin(LAUNCH_ELEVATION_RAD) * vert
    vel0 = LAUNCH_SPEED_M_S * direction

    sel = fire[:, None] & (jnp.arange(ms.alive.shape[1])[None, :] == slot[:, None])  # [U, C]
    new = Missiles(
        alive=ms.alive | sel,
        pos_m=jnp.where(sel[..., None], origin[:, None, :], ms.pos_m),
        vel_m_s=jnp.where(sel[..., None], vel0[:, None, :], ms.vel_m_s),
        speed_m_s=jnp.where(sel, LAUNCH_SPEED_M_S, ms.speed_m_s),
        target=jnp.where(sel, tgt[:, None], ms.target),
        kind=jnp.where(sel, state.salvo_kind[:, None], ms.kind),
        launch_time_s=jnp.where(sel, t_s, ms.launch_time_s),
        log_id=jnp.where(sel, log_id[:, None], ms.log_id),
        salvo=jnp.where(sel, state.salvo_row[:, None], ms.salvo),
    )
    n_kinds = state.inventory.shape[1]
    used = (jnp.arange(n_kinds)[None, :] == state.salvo_kind[:, None]) & fire[:, None]
    inventory = state.inventory - used.astype(jnp.int32)
    log = state.missile_log
    log = MissileLog(
        launch_time_s=scatter_set(log.launch_time_s, log_id, t_s),
        unit=scatter_set(log.unit, log_id, units.astype(jnp.int32)),
        target=scatter_set(log.target, log_id, tgt.astype(jnp.int32)),
        kind=scatter_set(log.kind, log_id, state.salvo_kind),
        outcome=log.outcome,
        end_time_s=log.end_time_s,
        end_pos_m=log.end_pos_m,
    )
    salvo_left = salvo_left - fire.astype(jnp.int32)
    return Launches(
        missiles=new,
        inventory=inventory,
        salvo_target=jnp.where(salvo_left > 0, state.salvo_target, -1),
        salvo_left=salvo_left,
        next_launch_s=jnp.where(fire, t_s + up.launch_interval_s, state.next_launch_s),
        n_fired=state.n_fired + jnp.sum(fire, dtype=jnp.int32),
        missile_log=log,
    )
