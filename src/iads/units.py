"""Unit conversions, used only at the edges (scenario loading, catalog, reports).

Inside iads everything is SI: m, s, rad, W, Hz, m^2. Field names carry the unit.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Speed of sound at sea level in the ISA, m/s (used only to convert Mach at the edge).
SPEED_OF_SOUND_SEA_LEVEL_M_S = 340.29
#: Boltzmann constant, J/K.
BOLTZMANN_J_K = 1.380649e-23
#: Speed of light, m/s.
SPEED_OF_LIGHT_M_S = 299_792_458.0
#: Standard gravity, m/s^2.
STANDARD_GRAVITY_M_S2 = 9.80665
#: Mean Earth radius, m (IUGG).
EARTH_MEAN_RADIUS_M = 6_371_008.8


def km_to_m(km: float) -> float:
    """Kilometres to metres."""
    return km * 1000.0


def ft_to_m(ft: float) -> float:
    """Feet to metres."""
    return ft * 0.3048


def mach_to_m_s(mach: float) -> float:
    """Mach number to m/s at sea-level ISA speed of sound (an edge convention, not physics)."""
    return mach * SPEED_OF_SOUND_SEA_LEVEL_M_S


def kmh_to_m_s(kmh: float) -> float:
    """km/h to m/s."""
    return kmh / 3.6


def deg_to_rad(deg: ArrayLike) -> NDArray[np.float64]:
    """Degrees to radians."""
    return np.deg2rad(np.asarray(deg, dtype=np.float64))


def rad_to_deg(rad: ArrayLike) -> NDArray[np.float64]:
    """Radians to degrees."""
    return np.rad2deg(np.asarray(rad, dtype=np.float64))


def db_to_linear(db: ArrayLike) -> NDArray[np.float64]:
    """Power ratio in dB to linear: 10^(dB/10)."""
    return np.power(10.0, np.asarray(db, dtype=np.float64) / 10.0)


def linear_to_db(ratio: ArrayLike) -> NDArray[np.float64]:
    """Linear power ratio to dB: 10 log10(ratio)."""
    return 10.0 * np.log10(np.asarray(ratio, dtype=np.float64))


def dbsm_to_m2(dbsm: ArrayLike) -> NDArray[np.float64]:
    """Radar cross-section in dBsm to m^2."""
    return db_to_linear(dbsm)


def m2_to_dbsm(m2: ArrayLike) -> NDArray[np.float64]:
    """Radar cross-section in m^2 to dBsm."""
    return linear_to_db(m2)


def g_to_m_s2(g: float) -> float:
    """Load factor in g to acceleration in m/s^2."""
    return g * STANDARD_GRAVITY_M_S2


def hz_to_wavelength_m(frequency_hz: float) -> float:
    """Carrier frequency to free-space wavelength, m."""
    if not (frequency_hz > 0 and math.isfinite(frequency_hz)):
        raise ValueError(f"frequency_hz must be positive and finite, got {frequency_hz!r}")
    return SPEED_OF_LIGHT_M_S / frequency_hz
