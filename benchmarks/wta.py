"""Weapon–target assignment on the Andersen, Pavlikov & Toffolo (2022) instances.

    python benchmarks/wta.py                               # every instance, 120 s limits
    python benchmarks/wta.py --time-limit-s 300 --only 200x400 --skip-baseline

For every instance in ``../shared/reference/wta`` (beside the repository; the files are GPL and
are never copied into it) it runs, one after the other in this process:

- ``heuristic``: greedy + local search (NumPy), to its own end (no time limit);
- ``heuristic-1s``: the same with ``--heuristic-time-limit-s`` (default 1 s), the issue's
  budget: no local-search move starts after it;
- ``exact``: :func:`iads.wta.solve` with ``--time-limit-s`` (heuristic start included);
- ``linearised``: the baseline, the probability-chain MILP straight to HiGHS, with
  ``--baseline-time-limit-s`` (default: the same limit).

and prints one row per run: value (the true objective of the assignment), proven bound, gap,
wall time, the best published value (its true objective, CPLEX 12.10, 2 h), our value's gap to
it, and the published CPLEX time to its 0.01 % gap ("open" where it never got there). The
header gives the machine, the date and the versions. Results go in docs/wta.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "wta"


def published(reference: Path) -> dict[str, tuple[float, str]]:
    """file -> (best published value, published CPLEX time or 'open'), from the README."""
    rows: dict[str, tuple[float, str]] = {}
    readme = reference / "README.md"
    if not readme.exists():
        return rows
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 9 or not cells[0].startswith("wta_"):
            continue
        best = float(cells[5].split()[0])
        fastest = re.search(r",\s*([\d.]+)\s*s", cells[8])
        rows[cells[0]] = (best, f"{float(fastest.group(1)):.1f}" if fastest else "open")
    return rows


def machine() -> str:
    """The CPU model (lscpu) and the number of CPUs."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {os.cpu_count()} CPUs"


def versions() -> str:
    """Versions of what the figures depend on."""
    import jax
    import numpy
    import scipy
    from highspy import _core

    hv = f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}.{_core.HIGHS_VERSION_PATCH}"
    return (
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"SciPy {scipy.__version__}, HiGHS {hv}, JAX {jax.__version__}"
    )


def size_key(name: str) -> tuple[int, int, int]:
    """Sort by weapon types, then rounds per type."""
    m, n, mu = (int(k) for k in re.findall(r"\d+", name)[:3])
    return (m, mu, n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit-s", type=float, default=120.0, help="exact method's limit")
    ap.add_argument("--baseline-time-limit-s", type=float, default=None, help="baseline's limit")
    ap.add_argument("--only", nargs="*", default=None, help="substrings of file names to run")
    ap.add_argument(
        "--heuristic-time-limit-s", type=float, default=1.0, help="heuristic-1s's limit"
    )
    ap.add_argument(
        "--methods", nargs="*", default=["heuristic", "heuristic-1s", "exact", "linearised"]
    )
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    args = ap.parse_args()
    from iads.wta import load_instance, solve_problem

    files = sorted(args.reference.glob("wta_*.txt"), key=lambda p: size_key(p.name))
    if args.only:
        files = [f for f in files if any(s in f.name for s in args.only)]
    if not files:
        sys.exit(f"no instances in {args.reference}")
    pub = published(args.reference)
    methods = [m for m in args.methods if not (args.skip_baseline and m == "linearised")]
    baseline_limit = args.baseline_time_limit_s or args.time_limit_s
    print(f"# {datetime.date.today().isoformat()}, {machine()}")
    print(f"# {versions()}")
    print(f"# python benchmarks/wta.py {' '.join(sys.argv[1:])}")
    head = (
        f"{'instance':<18} {'method':<12} {'value':>13} {'bound':>13} {'gap':>9} "
        f"{'time_s':>8} {'published':>13} {'vs_pub':>9} {'cplex_s':>8}"
    )
    print(head)
    print("-" * len(head))
    warm = load_instance(files[0])  # imports and first calls outside the timings
    for method in methods:
        solve_problem(warm, method.removesuffix("-1s"), 1.0)
    for path in files:
        prob = load_instance(path)
        best, cplex = pub.get(path.name, (float("nan"), "?"))
        for method in methods:
            limit = {
                "exact": args.time_limit_s,
                "linearised": baseline_limit,
                "heuristic-1s": args.heuristic_time_limit_s,
            }.get(method)
            t0 = time.perf_counter()
            res = solve_problem(prob, method.removesuffix("-1s"), limit)
            wall = time.perf_counter() - t0
            vs = (res.expected_survival - best) / best if best == best else float("nan")
            print(
                f"{path.stem[4:]:<18} {method:<12} {res.expected_survival:13.6f} "
                f"{res.lower_bound:13.6f} {res.gap:9.2e} {wall:8.2f} {best:13.6f} "
                f"{vs:+9.2e} {cplex:>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
