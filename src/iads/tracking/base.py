"""Tracking stage contract: filter settings, the track picture, and which tracks are firm.

Shapes: J threat slots (one track slot per threat), D radars.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax import Array

from iads.sensing.base import Detections


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class TrackingParams:
    """The command post's tracking settings (catalog ``command_posts.*.tracking``)."""

    process_noise_m2_s3: Array  # [] white-acceleration spectral density q
    initial_speed_sigma_m_s: Array  # [] prior 1-sigma speed of a new track
    confirm_hits: Array  # [] int32 updates before a track may be engaged
    timeout_s: Array  # [] a track not updated for longer is dropped
    capacity: Array  # [] int32 tracks the command post holds at once (targets_tracked)


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
class TrackingInputs:
    """What the tracking stage needs from outside it."""

    t_s: Array  # []
    dt_s: Array  # [] time since the previous update (the engine's step)
    detections: Detections


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class TrackPicture:
    """Which tracks the command post may engage this step."""

    confirmed: Array  # [J] bool
