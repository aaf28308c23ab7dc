"""Radar physics: range equation, detection probability and required SNR, horizon, geometry."""

from iads.radar.detection import (
    albersheim_snr_db,
    detection_probability,
    required_snr_db,
    shnidman_snr_db,
)
from iads.radar.equation import (
    K_FACTOR_STANDARD,
    detection_probability_single_look,
    effective_earth_geometry,
    effective_earth_radius_m,
    horizon_range_m,
    snr_db,
    snr_linear,
)
from iads.radar.geometry import (
    elevation_rad,
    ground_range_m,
    height_at_elevation_m,
    heights_at_slant_range_m,
    slant_range_m,
    target_height_m,
)
from iads.radar.jamming import burn_through_range_m, signal_to_jamming_db

__all__ = [
    "K_FACTOR_STANDARD",
    "albersheim_snr_db",
    "burn_through_range_m",
    "detection_probability",
    "detection_probability_single_look",
    "effective_earth_geometry",
    "effective_earth_radius_m",
    "elevation_rad",
    "ground_range_m",
    "height_at_elevation_m",
    "heights_at_slant_range_m",
    "horizon_range_m",
    "required_snr_db",
    "shnidman_snr_db",
    "signal_to_jamming_db",
    "slant_range_m",
    "snr_db",
    "snr_linear",
    "target_height_m",
]
