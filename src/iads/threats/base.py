"""Threats stage contract: routes and signatures, fates, and where the threats are.

Shapes: J threat slots (padded slots have ``valid=False``), W route points.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax import Array


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
    rcs_m2: Array  # [J, bands, 3] by band (BANDS order) and aspect (nose, side, tail)
    swerling: Array  # [J] int32
    category: Array  # [J] int32 index into THREAT_CATEGORIES
    asset: Array  # [J] int32 target asset (a radar aimed at counts as one: Params.asset_pos_m)
    asset_value: Array  # [J]
    target_radar: Array  # [J] int32 radar slot an anti-radiation missile flies at; -1: none
    valid: Array  # [J] bool
    ssj_erp_w: Array  # [J] self-screening jammer ERP towards radars (0: none)
    ssj_bandwidth_hz: Array  # [J]
    # Evasive weave (iads.threats.flight): lateral acceleration a, w = 2 pi / period, duration
    # T; a warned threat begins when a missile is within warning_time_s of it (0: never).
    weave_accel_m_s2: Array  # [J] 0: the threat does not manoeuvre
    weave_omega_rad_s: Array  # [J]
    weave_duration_s: Array  # [J] inf for a terminal weave
    warning_time_s: Array  # [J]
    terminal_start_s: Array  # [J] when a terminal weave begins (inf: none)
    # Quasi-ballistic pull-up (iads.threats.flight): a rise above the arc of vertical
    # acceleration a, w = 2 pi / period, for one period from pull_up_start_s.
    pull_up_accel_m_s2: Array  # [J] 0: none
    pull_up_omega_rad_s: Array  # [J]
    pull_up_start_s: Array  # [J] inf: none


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatState:
    """When each threat reached its asset (inf if not) and when it began its latest weave."""

    leaked_s: Array  # [J]
    evade_s: Array  # [J] inf: not yet (a terminal weave's start is known from the start)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Pursuers:
    """The missiles in the air as a threat's warning receiver sees them."""

    pos_m: Array  # [U, M, 3]
    vel_m_s: Array  # [U, M, 3]
    target: Array  # [U, M] int32
    alive: Array  # [U, M] bool


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatInputs:
    """What the threats stage needs from outside it."""

    t_s: Array  # []
    killed_s: Array  # [J] time destroyed (assessment), inf if not
    pursuers: Pursuers  # the missiles in the air (flyout), which may warn their targets


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatKinematics:
    """Where the threats are at one time."""

    pos_m: Array  # [J, 3]
    vel_m_s: Array  # [J, 3]
    launched: Array  # [J] bool
    arrived: Array  # [J] bool: flown the whole route


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatResult:
    """The threats this step: kinematics, which are still in play, which leaked now."""

    kin: ThreatKinematics
    alive: Array  # [J] bool: valid, not destroyed, not arrived (launched or waiting)
    leaking: Array  # [J] bool: reached its asset at this step's time


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ThreatBend:
    """Each threat's path within a step beyond straight on from its kinematics at the step's
    start: it is at ``pos + vel * offset + bend * bend_dir + rise * rise_dir``."""

    bend_dir: Array  # [J, 3] a metre across the ground track, to the left, horizontal
    bend_m: Array  # [T, J] the weave's bend at the offsets
    rise_dir: Array  # [J, 3] a metre up
    rise_m: Array  # [T, J] the pull-up's bend at the offsets
