"""Command-post stage contract: fire units, missile envelopes, salvos decided, new orders.

Shapes: U fire-unit slots (padded slots have ``valid=False``), K missile types, J threat
slots, A assets, G salvo capacity, M missile slots per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
from jax import Array

from iads.tracking.base import Tracks


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class UnitParams:
    """Fire units (batteries / battalions) as the command post sees them."""

    valid: Array  # [U] bool
    pos_m: Array  # [U, 3] fire-unit site (intercept planning is from here)
    target_channels: Array  # [U] int32: threats engaged at once
    salvo_size: Array  # [U] int32
    shoot_shoot: Array  # [U] bool
    range_fraction: Array  # [U]
    reaction_time_s: Array  # [U]
    max_target_speed_m_s: Array  # [U] fastest threat the system engages (inf if unpublished)
    wta: Array  # [U] bool: the unit fires by the command post's assignment plan (iads.wta)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class FireControlView:
    """Each fire unit's engagement (fire-control) radar as the command post sees it, from the
    sensing stage's radar settings: it holds a threat it has detected within ``coast_s``, and a
    round is fired only at a predicted intercept point in its field of regard (the azimuth
    sector around the battery's threat axis, the elevation limits)."""

    coast_s: Array  # [U] 0 for a unit with no engagement radar (it never holds a threat)
    boresight_rad: Array  # [U] azimuth, clockwise from the frame's north
    half_width_rad: Array  # [U] pi for a radar that looks all round
    min_elevation_rad: Array  # [U]
    max_elevation_rad: Array  # [U]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class EnvelopeParams:
    """Each missile type's engagement envelope, as the command post plans with it."""

    max_range_m: Array  # [K] against aerodynamic targets
    ballistic_range_m: Array  # [K] against ballistic targets
    min_range_m: Array  # [K]
    max_target_altitude_m: Array  # [K]
    min_target_altitude_m: Array  # [K]
    mean_speed_m_s: Array  # [K] first guess of the predicted intercept point
    #: The physical flyout's engagement table (iads.flyout.envelope.EngagementTable): cell
    #: (a, r) is the intercept point at altitude a·altitude_step and ground range
    #: (r + 1)·range_step of missile type k.
    table_inside: Array  # [K, H, R] 1 where the round can intercept there, else 0
    table_time_s: Array  # [K, H, R] its flight time to that point
    table_range_step_m: Array  # [K]
    table_altitude_step_m: Array  # [K]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class C2Params:
    """Everything the command-post stage reads."""

    units: UnitParams
    envelope: EnvelopeParams
    unit_command_post: Array  # [U] int32 command post of each unit
    targets_engaged: Array  # [P] int32 threats engaged at once by each command post's units
    priority_offset_s: Array  # [] added to time-to-asset in the threat priority
    #: Round slots of the assignment plan: the most rounds the plan's units hold at once
    #: (0: no unit plans, and the plan is not compiled).
    wta_round_slots: int = field(default=0, metadata={"static": True})


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class C2State:
    """Salvos decided so far."""

    salvo_target: Array  # [G] int32 threat of each salvo, -1 for unused rows
    n_salvos: Array  # [] int32
    engaged: Array  # [J] bool: ever assigned


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class C2Inputs:
    """What the command post needs from outside it."""

    t_s: Array  # []
    tracks: Tracks
    confirmed: Array  # [J] bool
    alive: Array  # [J] bool
    category: Array  # [J] int32
    asset: Array  # [J] int32
    asset_value: Array  # [J]
    asset_pos_m: Array  # [A, 3]
    fc_first_seen_s: Array  # [U, J] (sensing)
    fc_last_seen_s: Array  # [U, J] (sensing)
    fc_view: FireControlView  # [U] each unit's engagement radar (sensing)
    kill_probability: Array  # [K, categories] (assessment)
    inventory: Array  # [U, K] int32 rounds left per unit (launch)
    salvo_target: Array  # [U] int32 salvo each unit is firing (launch), -1 when idle
    salvo_kind: Array  # [U] int32
    salvo_left: Array  # [U] int32
    salvo_row: Array  # [U] int32
    missile_alive: Array  # [U, M] bool (flyout)
    missile_target: Array  # [U, M] int32
    missile_salvo: Array  # [U, M] int32
    missile_kind: Array  # [U, M] int32 missile type


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Orders:
    """New engagements decided this step: at most one per unit."""

    new: Array  # [U] bool
    target: Array  # [U] int32
    kind: Array  # [U] int32 missile type
    salvo: Array  # [U] int32 salvo row
    count: Array  # [U] int32 rounds in the salvo


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Options:
    """What each fire unit could do about each threat this step."""

    score: Array  # [U, J] marginal return of the best salvo now (0: not possible now)
    kind: Array  # [U, J] int32 its missile type
    engaged: Array  # [U, J] bool: the unit already engages the threat
    in_envelope: Array  # [U, J, K] bool: type k can be fired at the threat now
    reachable: Array  # [U, J, K] bool: now, or later on the threat's way to its asset
    priority: Array  # [J] asset value / (time to asset + offset)
    kill_probability: Array  # [J, K] planning Pk of one round
