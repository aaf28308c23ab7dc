"""Time terrain visibility for one observer against GDAL's gdal_viewshed, on synthetic DEMs.

    python benchmarks/coverage.py                                  # 2048 and 8192, 5 repeats
    python benchmarks/coverage.py --sizes 1024 2048 --repeats 3 --dtype float64

For each size it writes a fractal DEM (GeoTIFF, UTM 36N; 90 m cells up to 4096 cells across,
30 m above), then, on the same observer cell (the centre, 30 m up, targets 10 m above the
ground, refraction k = 4/3: ``-cc 0.75``):

- ``gdal_viewshed``: wall time of the command line (read the DEM, sweep, write a GeoTIFF),
  the median of the repeats, and its peak resident memory; also on a 16 x 16 DEM, its fixed
  start-up cost.
- iads, in a fresh process: ``load_dem`` then ``visibility``, timed separately; ``cold`` is
  the first call (with JAX's compilation), ``warm`` the median of the repeats. Also the
  fraction of cells that agree with GDAL and the process's peak resident memory.

Prints one line per size: ``gdal_s``; ``cold_s`` and ``warm_s``, iads's ``load_dem +
visibility`` (what the command line does); ``ratio`` = gdal_s / warm_s; ``vis_s`` and
``ratio_vis``, the same for ``visibility`` alone; the agreement; both peak memories; and the JAX
device (a GPU when JAX has one).
Results go in docs/performance.md with the command, machine and date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

UTM36N = "EPSG:32636"
#: GDAL's Earth for the curvature correction (``-cc`` divides by twice the WGS84 semi-major axis).
WGS84_A_M = 6_378_137.0
OBSERVER_M = 30.0
TARGET_M = 10.0
CURVATURE_COEFF = 0.75  # 1 / k, k = 4/3


def fractal_heights(n: int, seed: int, relief_m: float = 1500.0) -> np.ndarray:
    """Hilly terrain [n, n] (m, float32): noise with a 1/f^1.8 spectrum, 200 .. 200 + relief_m."""
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(n).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(n).astype(np.float32)[None, :]
    k = np.hypot(fy, fx)
    k[0, 0] = 1.0
    spectrum = rng.standard_normal((n, n // 2 + 1), dtype=np.float32) + 1j * rng.standard_normal(
        (n, n // 2 + 1), dtype=np.float32
    )
    spectrum /= k**1.8
    z = np.fft.irfft2(spectrum.astype(np.complex64), s=(n, n)).astype(np.float32)
    z -= z.min()
    z *= relief_m / z.max()
    return z + np.float32(200.0)


def write_dem(path: Path, n: int, cell_m: float, seed: int) -> None:
    """A fractal DEM of n x n cells of ``cell_m`` metres as a GeoTIFF in UTM zone 36N."""
    import rasterio
    from affine import Affine

    transform = Affine(cell_m, 0.0, 500_000.0, 0.0, -cell_m, 4_420_000.0)
    profile = dict(driver="GTiff", width=n, height=n, count=1, dtype="float32", crs=UTM36N)
    with rasterio.open(path, "w", transform=transform, **profile) as ds:
        ds.write(fractal_heights(n, seed), 1)


def observer(path: Path) -> tuple[int, int, float, float, float, float]:
    """The centre cell (row, col) and a point a quarter cell inside it: (x, y) and (lat, lon).

    A quarter cell, not the centre: GDAL 3.6 rounds the observer's pixel coordinate and later
    versions truncate it; both give the same cell.
    """
    import rasterio
    from pyproj import Transformer

    with rasterio.open(path) as ds:
        transform, rows, cols = ds.transform, ds.height, ds.width
    row, col = rows // 2, cols // 2
    x, y = transform @ (col + 0.25, row + 0.25)
    lon, lat = Transformer.from_crs(UTM36N, "EPSG:4326", always_xy=True).transform(x, y)
    return row, col, x, y, lat, lon


def run_gdal(dem: Path, out: Path, x: float, y: float) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one gdal_viewshed command line."""
    args = [
        shutil.which("gdal_viewshed") or "gdal_viewshed",
        "-q",
        *("-ox", repr(x), "-oy", repr(y), "-oz", repr(OBSERVER_M), "-tz", repr(TARGET_M)),
        *("-cc", repr(CURVATURE_COEFF), "-om", "NORMAL", str(dem), str(out)),
    ]
    # Time and measure it from a small Python wrapper so that its peak memory is its own.
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True)\n"
        "wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([wall, rss]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], check=True, capture_output=True, text=True
    )
    wall, rss = json.loads(done.stdout)
    return float(wall), float(rss)


def measure_iads(dem: Path, gdal_out: Path, repeats: int, dtype: str) -> dict[str, object]:
    """Run in a fresh process: cold and warm timings of load_dem and visibility, agreement."""
    import jax
    import rasterio

    from iads.terrain import load_dem, visibility

    _, _, _, _, lat, lon = observer(dem)

    def once() -> tuple[float, float, np.ndarray]:
        t0 = time.perf_counter()
        grid = load_dem(dem)
        t1 = time.perf_counter()
        seen = visibility(
            grid, lat, lon, OBSERVER_M, TARGET_M, earth_radius_m=WGS84_A_M, dtype=dtype
        )
        return t1 - t0, time.perf_counter() - t1, seen

    load_cold, vis_cold, seen = once()
    runs = [once()[:2] for _ in range(repeats)]
    with rasterio.open(gdal_out) as ds:
        agreement = float(np.mean(seen == (ds.read(1) == 255)))
    device = jax.devices()[0]
    return {
        "load_cold_s": load_cold,
        "vis_cold_s": vis_cold,
        "load_s": float(np.median([r[0] for r in runs])),
        "vis_s": float(np.median([r[1] for r in runs])),
        "agreement": agreement,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "device": f"{device.platform} ({device.device_kind})",
    }


def cpu_model() -> str:
    """The CPU's model name (Linux), or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2048, 8192])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--measure", nargs=2, metavar=("DEM", "GDAL_OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:  # the child process
        dem, gdal_out = (Path(p) for p in args.measure)
        print(json.dumps(measure_iads(dem, gdal_out, args.repeats, args.dtype)))
        return
    if shutil.which("gdal_viewshed") is None:
        sys.exit("gdal_viewshed not found (Debian: apt-get install gdal-bin)")
    gdal_version = subprocess.run(
        ["gdalinfo", "--version"], capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="iads-coverage-") as tmp:
        work = Path(tmp)
        tiny = work / "tiny.tif"
        write_dem(tiny, 16, 90.0, args.seed)
        *_, x, y, _, _ = observer(tiny)
        startup = float(np.median([run_gdal(tiny, work / "t.tif", x, y)[0] for _ in range(5)]))
        print(
            f"# {time.strftime('%Y-%m-%d')} {cpu_model()}, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.2f}; {gdal_version}; dtype={args.dtype}; "
            f"gdal_viewshed start-up (16 x 16 DEM) {startup:.3f} s"
        )
        print(
            f"{'size':>6} {'gdal_s':>7} {'cold_s':>7} {'warm_s':>7} {'ratio':>6} "
            f"{'vis_s':>7} {'ratio_vis':>9} {'agree':>9} {'iads_MiB':>8} {'gdal_MiB':>8}  device"
        )
        for n in args.sizes:
            dem = work / f"dem{n}.tif"
            write_dem(dem, n, 90.0 if n <= 4096 else 30.0, args.seed)
            *_, x, y, _, _ = observer(dem)
            gdal_out = work / f"gdal{n}.tif"
            gdal = [run_gdal(dem, gdal_out, x, y) for _ in range(args.repeats)]
            gdal_s = float(np.median([g[0] for g in gdal]))
            child = subprocess.run(
                [
                    *(sys.executable, __file__, "--measure", str(dem), str(gdal_out)),
                    *("--repeats", str(args.repeats), "--dtype", args.dtype),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            ours = json.loads(child.stdout.strip().splitlines()[-1])
            cold_s = float(ours["load_cold_s"]) + float(ours["vis_cold_s"])
            vis_s = float(ours["vis_s"])
            warm_s = float(ours["load_s"]) + vis_s
            print(
                f"{n:>6} {gdal_s:>7.3f} {cold_s:>7.2f} {warm_s:>7.3f} {gdal_s / warm_s:>6.1f} "
                f"{vis_s:>7.3f} {gdal_s / vis_s:>9.1f} {float(ours['agreement']):>9.6f} "
                f"{float(ours['peak_rss_mib']):>8.0f} {max(g[1] for g in gdal):>8.0f}  "
                f"{ours['device']}",
                flush=True,
            )
            dem.unlink()


if __name__ == "__main__":
    main()
