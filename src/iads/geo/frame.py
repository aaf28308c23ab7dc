"""Conversions between WGS84 latitude/longitude/height and the engine frame (the edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

from iads.geo.sphere import enu_to_xyz, xyz_to_enu


@dataclass(frozen=True)
class LocalFrame:
    """The engine frame centred on ``(origin_lat_deg, origin_lon_deg)``.

    Ground coordinates use pyproj's azimuthal-equidistant projection on WGS84 (geodesic distance
    and azimuth from the origin are exact); heights are above the surface and the engine
    places them on a sphere (see :mod:`iads.geo.sphere`).
    """

    origin_lat_deg: float
    origin_lon_deg: float
    _fwd: Transformer = field(init=False, repr=False, compare=False)
    _inv: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fwd, inv = _transformers(self.origin_lat_deg, self.origin_lon_deg)
        object.__setattr__(self, "_fwd", fwd)
        object.__setattr__(self, "_inv", inv)

    def ground(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> tuple[NDArray, NDArray]:
        """Latitude/longitude (deg) to ground coordinates east/north (m)."""
        e, n = self._fwd.transform(np.asarray(lon_deg, float), np.asarray(lat_deg, float))
        return np.asarray(e, float), np.asarray(n, float)

    def to_xyz(self, lat_deg: ArrayLike, lon_deg: ArrayLike, alt_m: ArrayLike) -> NDArray:
        """Latitude/longitude (deg) and height (m) to frame positions (m), shape ``(..., 3)``."""
        e, n = self.ground(lat_deg, lon_deg)
        return np.asarray(enu_to_xyz(e, n, np.asarray(alt_m, float), xp=np))

    def to_geodetic(self, xyz: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
        """Frame positions (m), shape ``(..., 3)``, to latitude, longitude (deg) and height (m)."""
        e, n, h = xyz_to_enu(np.asarray(xyz, float), xp=np)
        lon, lat = self._inv.transform(e, n)
        return np.asarray(lat, float), np.asarray(lon, float), np.asarray(h, float)


@lru_cache(maxsize=16)
def _transformers(lat_deg: float, lon_deg: float) -> tuple[Transformer, Transformer]:
    """The forward and inverse azimuthal-equidistant transformers about an origin (made once
    per origin: a scenario is compiled again for every uncertainty draw)."""
    aeqd = f"+proj=aeqd +lat_0={lat_deg} +lon_0={lon_deg} +ellps=WGS84 +units=m +no_defs"
    return (
        Transformer.from_crs("EPSG:4326", aeqd, always_xy=True),
        Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True),
    )
