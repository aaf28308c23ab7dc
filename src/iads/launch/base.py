"""Launch stage contract: launchers, their loads and readiness, the salvos being fired, and the
rounds that leave the rails this step.

Shapes: N launcher slots (padded slots have ``valid=False``), U fire units, M missile slots
per unit (1.5 times its missile-guidance channels: rounds that have locked on free theirs),
K missile types, J threat slots.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

from iads.c2.base import Orders


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class LaunchParams:
    """Launchers and how a round leaves one."""

    valid: Array  # [N] bool
    pos_m: Array  # [N, 3] launcher site
    unit: Array  # [N] int32 fire unit
    launch_interval_s: Array  # [N] between two rounds of one launcher
    launch_height_m: Array  # [N] launch point above the launcher site
    inventory: Array  # [N, K] int32 rounds loaded at start (a reload loads as many again)
    reload_time_s: Array  # [N] to reload an empty launcher (inf: never reloaded)
    reloads: Array  # [N] int32 reloads each launcher has
    slot_valid: Array  # [U, M] bool: the unit's missile slots (rounds it can have in the air)
    missile_channels: Array  # [U] int32 rounds its fire-control radar can guide at once
    unit_command_post: Array  # [U] int32
    missiles_guided: Array  # [P] int32 rounds each command post's units guide at once
    launch_speed_m_s: Array  # [K] speed on leaving the launcher
    launch_elevation_rad: Array  # [K] elevation on leaving it, towards the intercept azimuth


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class LaunchState:
    """Rounds left, launcher readiness and each unit's current salvo."""

    inventory: Array  # [N, K] int32
    next_launch_s: Array  # [N]
    reloads_left: Array  # [N] int32
    reloaded_s: Array  # [N] when the reload under way is done (inf: none under way)
    salvo_target: Array  # [U] int32, -1 when idle
    salvo_kind: Array  # [U] int32
    salvo_left: Array  # [U] int32 rounds of the salvo still to fire
    salvo_row: Array  # [U] int32 salvo row (command post) of the current salvo
    n_fired: Array  # [] int32 rounds fired so far (the next missile id)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class LaunchInputs:
    """What the launch stage needs from outside it."""

    t_s: Array  # []
    orders: Orders
    alive: Array  # [J] bool
    track_x: Array  # [J, 6] track estimates (aim point)
    mean_speed_m_s: Array  # [K] planning speed (command post's envelope)
    missile_alive: Array  # [U, M] bool (flyout)
    missile_holding: Array  # [U, M] bool: in flight and holding a guidance channel (flyout)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Fired:
    """Rounds launched this step, laid out in the missile slots they take."""

    new: Array  # [U, M] bool
    pos_m: Array  # [U, M, 3] launch point
    vel_m_s: Array  # [U, M, 3]
    speed_m_s: Array  # [U, M]
    target: Array  # [U, M] int32
    kind: Array  # [U, M] int32
    missile: Array  # [U, M] int32 missile id (order fired)
    salvo: Array  # [U, M] int32
    launcher: Array  # [U, M] int32
    # the same rounds by launcher (at most one each per step)
    by_launcher: Array  # [N] bool: the launcher fired
    launcher_missile: Array  # [N] int32 missile id of its round
    launcher_target: Array  # [N] int32
    launcher_kind: Array  # [N] int32
    launcher_unit: Array  # [N] int32
    launch_pos_m: Array  # [N, 3] launch point


def live_salvo_left(
    salvo_target: Array, salvo_kind: Array, salvo_left: Array, alive: Array, inventory: Array
) -> Array:
    """Rounds [U] each unit still has to fire: 0 for a salvo whose threat is gone or whose
    missile type the unit has run out of (such a salvo is cancelled).

    ``inventory`` is per unit [U, K].
    """
    units = jnp.arange(salvo_target.shape[0])
    live = (
        (salvo_target >= 0)
        & alive[jnp.maximum(salvo_target, 0)]
        & (inventory[units, salvo_kind] > 0)
    )
    return jnp.where(live, salvo_left, 0)
