"""Time a value sweep against separate runs, and a Dask sweep on 1 and 2 workers.

    python benchmarks/sweep.py                      # 20 points; 20 separate runs; Dask 1 vs 2
    python benchmarks/sweep.py --separate 3         # time 3 separate runs, scale to --points
    python benchmarks/sweep.py --separate 3 --dask-points 8 --dask-replications 512

The scenario: one S-400 battalion (one 9M96E2 launcher) against four F-35-class fighters from
300 km, 400 s; the sweep varies ``batteries[0].doctrine.engagement_range_fraction`` (a model
value: every point shares one compiled engine). Each separate run is ``iads run`` in a fresh
process on a scenario file with that point's value, as a user would do without ``iads
sweep``. Prints wall-clock seconds of each, the engine compilations of the sweep, and the
ratios; every figure comes from this one invocation, so a shared machine loads all alike.

The Dask part times one study (``--dask-points`` points of ``--dask-replications``) as a fresh
``iads sweep`` process each way: in-process, on a local cluster of one worker, of two workers
(each held to one core), and of one worker held to one core (``taskset -c 0``, Linux): XLA
runs one process's work on every core it may use, so one worker alone already uses both
cores of a 2-core machine, and the last case is the one-core baseline. Results go in
docs/performance.md with the command, machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

SRC = Path(__file__).resolve().parents[1] / "src"
PATH = "batteries[0].doctrine.engagement_range_fraction"


def scenario(fraction: float, replications: int) -> dict[str, Any]:
    """The benchmark scenario with the swept value ``fraction``."""
    origin = {"lat_deg": 40.0, "lon_deg": 33.0}
    return {
        "schema_version": 1,
        "name": "sweep benchmark",
        "origin": origin,
        "duration_s": 400.0,
        "time_step_s": 1.0,
        "seed": 1,
        "replications": replications,
        "assets": [{"name": "asset", **origin}],
        "batteries": [
            {
                "name": "bn",
                "system": "S-400",
                "threat_axis_deg": 0.0,
                **origin,
                "launchers": [{"type": "5P85SE2", "count": 1, "missile": "9M96E2"}],
                "doctrine": {"engagement_range_fraction": fraction},
            }
        ],
        "raid": [
            {
                "name": "f35",
                "threat": "f35_class",
                "count": 4,
                "spacing_s": 5.0,
                "target": "asset",
                "route": [{"lat_deg": 42.7, "lon_deg": 33.0, "alt_m": 10000.0}],
            }
        ],
    }


def values(n: int) -> list[float]:
    """``n`` engagement-range fractions from 0.5 to 0.975."""
    return [round(0.5 + 0.475 * i / max(n - 1, 1), 4) for i in range(n)]


def write(path: Path, d: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


def iads(*args: str, prefix: tuple[str, ...] = ()) -> float:
    """Seconds for ``iads ARGS`` in a fresh process (it must succeed)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    t0 = time.perf_counter()
    subprocess.run(
        [*prefix, sys.executable, "-m", "iads", *args], check=True, env=env, capture_output=True
    )
    return time.perf_counter() - t0


def sweep_in_process(scn: Path, grid: str, out: Path, dask: str | None) -> tuple[float, int]:
    """(seconds, engine compilations in this process) for one sweep."""
    sys.path.insert(0, str(SRC))
    from iads.engine.run import _run_batch
    from iads.sweep.distributed import DaskBackend, parse_address
    from iads.sweep.run import InProcess, prepare, run_study

    before = _run_batch._cache_size()
    t0 = time.perf_counter()
    study = prepare(scn, [grid])
    backend: Any = DaskBackend(parse_address(scn, dask)) if dask else InProcess()
    with backend:
        run_study(study, out, backend)
    return time.perf_counter() - t0, _run_batch._cache_size() - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--replications", type=int, default=16)
    ap.add_argument(
        "--separate", type=int, default=20, help="separate iads run calls (0: only the Dask study)"
    )
    ap.add_argument("--dask-points", type=int, default=8)
    ap.add_argument("--dask-replications", type=int, default=512)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} {platform.node()} {os.cpu_count()} CPUs "
        f"python {platform.python_version()}; {args.points} points x {args.replications} "
        "replications"
    )
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        vals = values(args.points)
        base = write(tmp / "base.yaml", scenario(vals[0], args.replications))
        grid = f"{PATH}={','.join(map(str, vals))}"
        if args.separate > 0:
            sweep_s = iads("sweep", str(base), "--grid", grid, "--out", str(tmp / "sweep"))
            print(f"iads sweep, {args.points} points (fresh process): {sweep_s:8.1f} s")
            separate = []
            for i, v in enumerate(vals[: args.separate]):
                scn = write(tmp / f"point{i}.yaml", scenario(v, args.replications))
                separate.append(iads("run", str(scn), "--out", str(tmp / f"run{i}")))
            per_run = sum(separate) / len(separate)
            total = per_run * args.points
            note = "" if len(separate) == args.points else f" ({len(separate)} timed, scaled)"
            print(f"{args.points} separate iads run: {total:8.1f} s{note}; {per_run:.1f} s each")
            print(f"ratio separate / sweep: {total / sweep_s:.1f}x")
            t, compiled = sweep_in_process(base, grid, tmp / "counted", None)
            print(f"in-process sweep (this process): {t:8.1f} s, {compiled} engine compilation(s)")
        if args.no_dask:
            return
        dvals = values(args.dask_points)
        dgrid = f"{PATH}={','.join(map(str, dvals))}"
        study = ["sweep", str(base), "--grid", dgrid, "--replications", str(args.dask_replications)]
        print(f"Dask study: {args.dask_points} points x {args.dask_replications} replications")
        times = {}
        cases: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
            ("in-process", (), ()),
            ("Dask, 1 worker", ("--dask", "local:1"), ()),
            ("Dask, 2 workers", ("--dask", "local:2"), ()),
        ]
        if shutil.which("taskset"):
            cases.append(
                ("Dask, 1 worker on 1 core", ("--dask", "local:1"), ("taskset", "-c", "0"))
            )
        for k, (name, extra, prefix) in enumerate(cases):
            times[name] = iads(*study, *extra, "--out", str(tmp / f"dask{k}"), prefix=prefix)
            print(f"{name:26s} {times[name]:8.1f} s")
        two = times["Dask, 2 workers"]
        print(f"2 workers against 1 worker: {times['Dask, 1 worker'] / two:.2f}x")
        if "Dask, 1 worker on 1 core" in times:
            print(
                "2 workers against 1 worker on 1 core: "
                f"{times['Dask, 1 worker on 1 core'] / two:.2f}x"
            )
        over = (times["Dask, 1 worker"] - times["in-process"]) / args.dask_points
        print(f"Dask overhead per point (1 worker against in-process): {over:.2f} s")


if __name__ == "__main__":
    main()
