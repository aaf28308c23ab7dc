"""Geodesy: WGS84 geodetic <-> the engine's local round-Earth frame."""

from iads.geo.frame import LocalFrame
from iads.geo.sphere import EARTH_RADIUS_M, altitude_m, enu_to_xyz, up_unit

__all__ = ["EARTH_RADIUS_M", "LocalFrame", "altitude_m", "enu_to_xyz", "up_unit"]
