"""Flyout stage contract: missile kinematics and guidance, missiles in flight, how each
flight ended this step.

Shapes: U fire units, M missile slots per unit, K missile types, J threat slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
from jax import Array

from iads.flyout.trajectory import FlightModel
from iads.launch.base import Fired


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class FlyoutParams:
    """Each missile type's physical flyout (mass, motor, airframe, guidance) and seeker."""

    model: FlightModel  # [K] arrays (airframe.mach [Q] shared), iads.flyout.trajectory
    seeker_band: Array  # [K] int32 band of an active seeker (BANDS order)
    seeker_acquisition_range_m: Array  # [K] against the reference RCS; 0: no seeker
    seeker_reference_rcs_m2: Array  # [K]
    #: homing noise, 1 sigma per axis across the line of sight: angle x range + floor
    homing_angle_noise_rad: Array  # [K]
    homing_noise_floor_m: Array  # [K]
    n_substeps: int = field(default=1, metadata={"static": True})


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Missiles:
    """Missiles in flight, in each unit's missile slots."""

    alive: Array  # [U, M] bool
    pos_m: Array  # [U, M, 3]
    vel_m_s: Array  # [U, M, 3]
    speed_m_s: Array  # [U, M]
    mass_kg: Array  # [U, M]
    lag_m_s2: Array  # [U, M, 3] the lagged guidance acceleration the airframe follows
    target: Array  # [U, M] int32
    kind: Array  # [U, M] int32 missile type
    launch_time_s: Array  # [U, M]
    missile: Array  # [U, M] int32 missile id
    salvo: Array  # [U, M] int32 salvo row it belongs to
    launcher: Array  # [U, M] int32
    locked: Array  # [U, M] bool: its own seeker has locked on (it no longer needs a channel)

    @property
    def holding(self) -> Array:
        """[U, M] in flight and holding a fire-control guidance channel."""
        return self.alive & ~self.locked


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class FlyoutInputs:
    """What the flyout stage needs from outside it."""

    t_s: Array  # []
    dt_s: Array  # [] the engine step
    #: the threats at the step's start t_s, and their path within it: at t_s + tau each is at
    #: target_pos_m + target_vel_m_s tau + bend * target_bend_dir + rise * target_rise_dir,
    #: the bend (a weave's curve) and the rise (a pull-up's curve) given at the substep
    #: boundaries tau = i dt / n_substeps, i = 0..n_substeps, and straight within a substep
    #: (kept apart, not as one [S + 1, J, 3] array, which XLA on the CPU would recompute from
    #: the threats' kinematics for each of its elements)
    target_pos_m: Array  # [J, 3]
    target_vel_m_s: Array  # [J, 3]
    target_bend_dir: Array  # [J, 3] a metre of bend in the frame: across the ground track
    target_bend_m: Array  # [S + 1, J]
    target_rise_dir: Array  # [J, 3] a metre up in the frame
    target_rise_m: Array  # [S + 1, J]
    threat_alive: Array  # [J] bool
    fired: Fired  # rounds launched this step (launch)
    endgame_range_m: Array  # [K] a closest approach within this ends the flight (assessment)
    rcs_m2: Array  # [J, bands, 3] threat RCS tables (the seeker sees the nose-on value)
    track_x: Array  # [J, 6] the command post's track estimate (position, velocity) at t_s
    fc_holds: Array  # [U, J] bool: the unit's engagement radar holds the threat now


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class FlightEnds:
    """How each missile's flight went this step."""

    ended: Array  # [U, M] bool: the flight ended during this step
    fuzed: Array  # [U, M] bool: its end game came, at a closest approach within endgame range
    miss_distance_m: Array  # [U, M] that closest approach
    end_time_s: Array  # [U, M]
    end_pos_m: Array  # [U, M, 3]
