"""The engine's three kinds of data: ``Params`` (static), ``State`` (arrays) and a JAX key.

Shapes use these letters: J threat slots, W route points, A assets, D radars, U fire units,
C missile slots per unit (its missile-guidance channels), K missile types, L log capacity
(the total missile inventory), G assignment-log capacity. Padded slots carry ``valid=False``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import jax
import numpy as np
from jax import Array

from iads.catalog.base import THREAT_CATEGORIES

#: Threat categories, in the order used by ``ThreatParams.category`` and ``MissileParams.pk``.
CATEGORIES = THREAT_CATEGORIES

#: Missile outcome codes in the log.
OUTCOME_NONE, OUTCOME_KILL, OUTCOME_MISS = 0, 1, 2


def static(default: object = None) -> object:
    """A dataclass field that is static (part of the jit cache key, not traced)."""
    return field(default=default, metadata={"static": True})


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatParams:
    """Threat routes and signatures."""

    waypoints_enu_m: Array  # [J, W, 3] ground east, ground north, height above surface
    waypoint_dist_m: Array  # [J, W] cumulative ground distance, padded with the route length
    route_length_m: Array  # [J]
    ground_speed_m_s: Array  # [J]
    launch_time_s: Array  # [J]
    ballistic: Array  # [J] bool
    apogee_m: Array  # [J] height of the ballistic arc above the straight line
    rcs_m2: Array  # [J, 5, 3] by band (BANDS order) and aspect (nose, side, tail)
    swerling: Array  # [J] int32
    category: Array  # [J] int32 index into CATEGORIES
    asset: Array  # [J] int32 target asset
    asset_value: Array  # [J]
    valid: Array  # [J] bool
    ssj_erp_w: Array  # [J] self-screening jammer ERP towards radars (0: none)
    ssj_bandwidth_hz: Array  # [J]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class RadarParams:
    """Radars of all fire units."""

    pos_m: Array  # [D, 3] antenna position in the frame
    unit: Array  # [D] int32 fire unit
    engagement: Array  # [D] bool: an engagement (fire-control) radar
    band: Array  # [D] int32 index into the catalog's BANDS
    snr_coeff: Array  # [D] SNR = snr_coeff * rcs_m2 / range_m**4
    false_alarm_probability: Array  # [D]
    pd_table: Array  # [D, 5, G] single-look P_d by Swerling case on the SNR grid (radar module)
    scan_period_s: Array  # [D]
    max_range_m: Array  # [D]
    min_elevation_rad: Array  # [D]
    max_elevation_rad: Array  # [D]
    range_noise_m: Array  # [D] 1-sigma
    angle_noise_rad: Array  # [D] 1-sigma
    gain_db: Array  # [D] antenna gain (main beam)
    frequency_hz: Array  # [D]
    noise_temperature_k: Array  # [D] system noise temperature
    receiver_bandwidth_hz: Array  # [D] matched to the pulse: 1 / pulse width
    beamwidth_rad: Array  # [D] half-power beamwidth, sqrt(4 pi / G)
    terrain_lowest_m: Array  # [D, rows, cols] lowest height above ground seen (masking grid)
    terrain_grid_m: Array  # [3] grid's west edge e0, north edge n0, cell side (frame, m)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class UnitParams:
    """Fire units (batteries / battalions)."""

    pos_m: Array  # [U, 3] launcher site
    target_channels: Array  # [U] int32: threats engaged at once
    slot_valid: Array  # [U, C] bool: missile-guidance channels
    salvo_size: Array  # [U] int32
    shoot_shoot: Array  # [U] bool
    range_fraction: Array  # [U]
    launch_interval_s: Array  # [U]
    reaction_time_s: Array  # [U]
    max_target_speed_m_s: Array  # [U] fastest threat the system engages (inf if unpublished)
    inventory: Array  # [U, K] int32 missiles loaded at start


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class MissileParams:
    """Interceptor types."""

    max_range_m: Array  # [K] against aerodynamic targets
    ballistic_range_m: Array  # [K] against ballistic targets
    min_range_m: Array  # [K]
    max_target_altitude_m: Array  # [K]
    min_target_altitude_m: Array  # [K]
    max_speed_m_s: Array  # [K]
    boost_time_s: Array  # [K]
    drag_length_m: Array  # [K]
    max_accel_m_s2: Array  # [K]
    max_flight_time_s: Array  # [K]
    mean_speed_m_s: Array  # [K] for predicted-intercept-point planning
    lethal_radius_m: Array  # [K]
    kill_probability: Array  # [K, 4] by threat category


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class JammerParams:
    """Stand-off noise jammers (padded with one of zero power when there are none)."""

    pos_m: Array  # [S, 3]
    erp_w: Array  # [S] ERP towards the radars, P_j G_j / L_j
    bandwidth_hz: Array  # [S]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Params:
    """Everything static in a run."""

    threats: ThreatParams
    radars: RadarParams
    units: UnitParams
    missiles: MissileParams
    asset_pos_m: Array  # [A, 3]
    jammers: JammerParams
    time_step_s: float = static(1.0)  # type: ignore[assignment]
    n_steps: int = static(1)  # type: ignore[assignment]
    n_substeps: int = static(10)  # type: ignore[assignment]
    k_factor: float = static(4.0 / 3.0)  # type: ignore[assignment]
    navigation_constant: float = static(4.0)  # type: ignore[assignment]
    track_timeout_s: float = static(30.0)  # type: ignore[assignment]
    track_confirm_hits: int = static(2)  # type: ignore[assignment]
    process_noise_m2_s3: float = static(50.0)  # type: ignore[assignment]
    log_capacity: int = static(1)  # type: ignore[assignment]
    assign_capacity: int = static(1)  # type: ignore[assignment]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Tracks:
    """The command post's track picture: one track slot per threat (perfect association)."""

    x: Array  # [J, 6] position (m) and velocity (m/s) estimate
    P: Array  # [J, 6, 6] covariance
    exists: Array  # [J] bool
    hits: Array  # [J] int32 updates since initiation
    last_update_s: Array  # [J]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Missiles:
    """Missiles in flight, in each unit's guidance channels."""

    alive: Array  # [U, C] bool
    pos_m: Array  # [U, C, 3]
    vel_m_s: Array  # [U, C, 3]
    speed_m_s: Array  # [U, C]
    target: Array  # [U, C] int32
    kind: Array  # [U, C] int32 missile type
    launch_time_s: Array  # [U, C]
    log_id: Array  # [U, C] int32 row in the missile log
    salvo: Array  # [U, C] int32 row in the assignment log of the salvo it belongs to


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class MissileLog:
    """One row per missile fired (capacity L = total inventory)."""

    launch_time_s: Array  # [L]
    unit: Array  # [L] int32, -1 for unused rows
    target: Array  # [L] int32
    kind: Array  # [L] int32
    outcome: Array  # [L] int32 OUTCOME_*
    end_time_s: Array  # [L]
    end_pos_m: Array  # [L, 3]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class AssignLog:
    """One row per engagement decision (capacity G)."""

    time_s: Array  # [G]
    unit: Array  # [G] int32, -1 for unused rows
    target: Array  # [G] int32
    kind: Array  # [G] int32


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class State:
    """Run state of one replication (vmap adds a leading replication axis)."""

    t_s: Array  # [] time at the start of the step
    step: Array  # [] int32
    # threats
    alive: Array  # [J] bool: launched or waiting, not destroyed, not arrived
    killed_s: Array  # [J] time destroyed, inf if not
    leaked_s: Array  # [J] time it reached its asset, inf if not
    detect_s: Array  # [J] first detection by any radar, inf if never
    detect_range_m: Array  # [J] range from that radar
    detect_unit: Array  # [J] int32
    track_s: Array  # [J] first time the track was confirmed, inf if never
    engaged: Array  # [J] bool: ever assigned
    # sensing
    next_scan_s: Array  # [D]
    fc_first_seen_s: Array  # [U, J] when the unit's engagement radar first held it (inf if not)
    fc_last_seen_s: Array  # [U, J] last detection by the unit's engagement radar
    tracks: Tracks
    # fire units
    inventory: Array  # [U, K] int32
    salvo_target: Array  # [U] int32, -1 when idle
    salvo_kind: Array  # [U] int32
    salvo_left: Array  # [U] int32
    salvo_row: Array  # [U] int32 assignment-log row of the current salvo
    next_launch_s: Array  # [U]
    missiles: Missiles
    # logs
    n_fired: Array  # [] int32
    n_assigned: Array  # [] int32
    missile_log: MissileLog
    assign_log: AssignLog


def precision(dtype: Any) -> contextlib.AbstractContextManager[object]:
    """Context in which JAX may create arrays of ``dtype``: 64-bit mode for float64 only.

    iads never switches JAX's 64-bit mode on for the whole process; float64 runs build and run
    their arrays inside this context.
    """
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)  # type: ignore[no-any-return]
    return contextlib.nullcontext()
