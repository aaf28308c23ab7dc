"""Small spherical-Earth helpers for drawing range rings in reports.

Drawing only: a ring drawn on a map at report scale does not need the WGS84 ellipsoid (the
spherical error is below 0.5 %). The engine's geodesy lives in ``iads.geo``.
"""

from __future__ import annotations

import numpy as np

from iads.units import EARTH_MEAN_RADIUS_M


def ring_outline_deg(
    lat_deg: float, lon_deg: float, radius_m: float, n_points: int = 181
) -> tuple[np.ndarray, np.ndarray]:
    """Points of the circle of great-circle radius ``radius_m`` around a centre.

    Uses the spherical destination formula, for bearing θ and angular distance δ = r / R:
    φ₂ = asin(sin φ₁ cos δ + cos φ₁ sin δ cos θ),
    λ₂ = λ₁ + atan2(sin θ sin δ cos φ₁, cos δ − sin φ₁ sin φ₂),
    where φ is latitude, λ longitude and R the mean Earth radius.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Centre, degrees.
    radius_m : float
        Great-circle radius, metres.
    n_points : int
        Number of points; the first and last coincide (closed outline).

    Returns
    -------
    (lat_deg, lon_deg) : tuple of ndarray, each shape [n_points]
        The outline, degrees. Longitudes are not wrapped to [-180, 180).
    """
    bearing_rad = np.linspace(0.0, 2.0 * np.pi, n_points)
    angular_distance = radius_m / EARTH_MEAN_RADIUS_M
    lat1 = np.radians(lat_deg)
    lon1 = np.radians(lon_deg)
    lat2 = np.arcsin(
        np.sin(lat1) * np.cos(angular_distance)
        + np.cos(lat1) * np.sin(angular_distance) * np.cos(bearing_rad)
    )
    lon2 = lon1 + np.arctan2(
        np.sin(bearing_rad) * np.sin(angular_distance) * np.cos(lat1),
        np.cos(angular_distance) - np.sin(lat1) * np.sin(lat2),
    )
    return np.degrees(lat2), np.degrees(lon2)


def ring_north_point_deg(lat_deg: float, lon_deg: float, radius_m: float) -> tuple[float, float]:
    """The northernmost point of a ring (bearing 0), degrees; where its label goes.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Centre, degrees.
    radius_m : float
        Great-circle radius, metres.

    Returns
    -------
    (lat_deg, lon_deg) : tuple of float
    """
    lat2 = min(lat_deg + np.degrees(radius_m / EARTH_MEAN_RADIUS_M), 89.9)
    return float(lat2), float(lon_deg)
