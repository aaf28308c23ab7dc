"""Build iads's offline global DEM (src/iads/terrain/data/etopo5.tif) from Debian's ETOPO5.

Source: NOAA NGDC (1988), ETOPO5 5-minute gridded elevation data, Data Announcement 88-MGG-02,
public domain, as shipped in the Debian package ``ferret-datasets`` (7.6.0-5,
/usr/share/ferret-vis/data/etopo5.cdf; see /usr/share/doc/ferret-datasets/copyright).

    apt-get download ferret-datasets && dpkg-deb -x ferret-datasets_*.deb /tmp/fx
    python scripts/build_global_dem.py /tmp/fx/usr/share/ferret-vis/data/etopo5.cdf

The grid is node-registered (2161 rows from 90 S to 90 N, 4320 columns from 0 E, 1/12 degree
apart). Written north-up from 180 W, each node the centre of a 5' cell, int16 metres, DEFLATE with
horizontal differencing. Only the elevation values are used; nothing is resampled.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from scipy.io import netcdf_file

OUT = Path(__file__).resolve().parents[1] / "src" / "iads" / "terrain" / "data" / "etopo5.tif"


def main(cdf: str) -> None:
    with netcdf_file(cdf, "r", mmap=False) as nc:
        rose = np.array(nc.variables["ROSE"][:], dtype=np.float64)
    if rose.shape != (2161, 4320):
        raise SystemExit(f"{cdf}: ROSE: expected shape (2161, 4320), got {rose.shape}")
    grid = np.rint(rose[::-1, :]).astype(np.int16)  # north-up
    grid = np.roll(grid, 2160, axis=1)  # columns from 180 W
    step = 1.0 / 12.0
    transform = Affine(step, 0.0, -180.0 - step / 2, 0.0, -step, 90.0 + step / 2)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": grid.shape[1],
        "height": grid.shape[0],
        "count": 1,
        "dtype": "int16",
        "crs": "EPSG:4326",
        "transform": transform,
        "compress": "deflate",
        "predictor": 2,
        "zlevel": 9,
        "tiled": True,
    }
    with rasterio.open(OUT, "w", **profile) as ds:
        ds.write(grid, 1)
        ds.update_tags(
            source="NOAA NGDC ETOPO5 (1988), Data Announcement 88-MGG-02; public domain",
            via="Debian package ferret-datasets 7.6.0-5, etopo5.cdf",
            units="m above mean sea level",
        )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
