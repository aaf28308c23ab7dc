"""Terrain: digital elevation models and line of sight over them (curvature and refraction)."""

from iads.terrain.dem import Dem, dem_from_array, global_dem, load_dem
from iads.terrain.viewshed import lowest_visible_height_m, visibility

__all__ = [
    "Dem",
    "dem_from_array",
    "global_dem",
    "load_dem",
    "lowest_visible_height_m",
    "visibility",
]
