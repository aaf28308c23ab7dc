"""Sensing stage contract: radars and jammers, when each radar looks next, what it saw.

Shapes: D radar slots, J threat slots, U fire units, S stand-off jammers. Padded radar slots
have ``valid=False`` and never look.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax import Array

from iads.threats.base import ThreatKinematics


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class RadarParams:
    """Radars of all fire units."""

    valid: Array  # [D] bool
    pos_m: Array  # [D, 3] antenna position in the frame
    unit: Array  # [D] int32 fire unit
    fire_control: Array  # [D] bool: the unit's fire-control (multifunction) radar
    band: Array  # [D] int32 index into the catalog's BANDS
    snr_coeff: Array  # [D] SNR = snr_coeff * rcs_m2 / range_m**4
    pd_table: Array  # [D, 5, G] single-look P_d by Swerling case on the SNR grid (radar module)
    search_frame_s: Array  # [D] time to search its whole coverage once (rotation or sector)
    boresight_rad: Array  # [D] centre of the search sector, clockwise from north
    sector_half_width_rad: Array  # [D] pi for a radar that looks all round
    track_revisit_s: Array  # [D] revisit of cued (tracked) threats; inf: not cued
    track_coast_s: Array  # [D] a fire-control radar holds a threat detected within this (0: none)
    track_capacity: Array  # [D] int32 tracked threats it can be cued on at once
    max_range_m: Array  # [D]
    min_elevation_rad: Array  # [D]
    max_elevation_rad: Array  # [D]
    range_noise_m: Array  # [D] 1-sigma
    angle_noise_rad: Array  # [D] 1-sigma
    gain_db: Array  # [D] antenna gain (main beam)
    sidelobe_level_db: Array  # [D] sidelobe gain relative to the main beam (negative)
    frequency_hz: Array  # [D]
    noise_temperature_k: Array  # [D] system noise temperature
    receiver_bandwidth_hz: Array  # [D] matched to the pulse: 1 / pulse width
    beamwidth_rad: Array  # [D] half-power beamwidth, sqrt(4 pi / G)
    terrain_lowest_m: Array  # [D, rows, cols] lowest height above ground seen (masking grid)
    terrain_grid_m: Array  # [3] grid's west edge e0, north edge n0, cell side (frame, m)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class JammerParams:
    """Stand-off noise jammers (padded with jammers of zero power)."""

    pos_m: Array  # [S, 3]
    erp_w: Array  # [S] ERP towards the radars, P_j G_j / L_j
    bandwidth_hz: Array  # [S]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class SensingParams:
    """Everything the sensing stage reads."""

    radars: RadarParams
    jammers: JammerParams
    k_factor: Array  # [] effective-Earth factor of radar propagation


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class SensingState:
    """Radar scan timing and what each fire unit's engagement radar has held."""

    next_scan_s: Array  # [D] next search look
    next_track_s: Array  # [D] next look at cued threats
    fc_first_seen_s: Array  # [U, J] when the unit's engagement radar first held it (inf if not)
    fc_last_seen_s: Array  # [U, J] last detection by the unit's engagement radar


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class SensingInputs:
    """What the sensing stage needs from outside it."""

    t_s: Array  # []
    kin: ThreatKinematics
    alive: Array  # [J] bool
    tracked: Array  # [J] bool: the command post holds a track (cues its radars)
    rcs_m2: Array  # [J, bands, 3] threat RCS tables (threat params)
    swerling: Array  # [J] int32
    ssj_erp_w: Array  # [J] self-screening jammer ERP (0: none)
    ssj_bandwidth_hz: Array  # [J]
    radar_out: Array  # [D] bool: out of action (an anti-radiation missile reached it)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class SensingKeys:
    """The sensing stage's random keys, one per purpose (split in ``iads.engine.keys``)."""

    detection: Array  # detection draws against P_d
    noise: Array  # measurement errors


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Detections:
    """What the radars saw this step."""

    looked: Array  # [D, J] bool: the radar looked at the threat this step (search or cue)
    detected: Array  # [D, J] bool
    measured_pos_m: Array  # [D, J, 3]
    measurement_cov_m2: Array  # [D, J, 3, 3]
    range_m: Array  # [D, J] true slant range
