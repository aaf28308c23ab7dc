"""Radar physics: range equation, detection probability, horizon (pure array functions)."""

from iads.radar.equation import (
    K_FACTOR_STANDARD,
    detection_probability_single_look,
    effective_earth_geometry,
    effective_earth_radius_m,
    horizon_range_m,
    snr_linear,
)

__all__ = [
    "K_FACTOR_STANDARD",
    "detection_probability_single_look",
    "effective_earth_geometry",
    "effective_earth_radius_m",
    "horizon_range_m",
    "snr_linear",
]
