"""Radar physics: range equation, detection probability and required SNR, horizon."""

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
    snr_linear,
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
    "horizon_range_m",
    "required_snr_db",
    "shnidman_snr_db",
    "signal_to_jamming_db",
    "snr_linear",
]
