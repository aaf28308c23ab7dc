"""What ``--uncertainty`` costs: finding the figures, compiling the drawn catalogs, and the engine
with per-replication parameters against the nominal run, side by side in one process.

    python benchmarks/uncertainty.py [--replications 100] [--scenario PATH]

Prints wall seconds per stage and the engine's ratio (uncertain / nominal); both engine runs
are timed after a first, compiling, batch.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax

from iads.engine.run import run_batches
from iads.scenario.compile import compile_scenario, load_scenario
from iads.uncertainty import prepare_uncertainty

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=100)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    args = ap.parse_args()
    n = args.replications
    scn = load_scenario(args.scenario)
    params, _ = compile_scenario(scn)

    t0 = time.perf_counter()
    unc = prepare_uncertainty(scn, seed=1)
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    unc.varying(list(range(n)))
    t_draws = time.perf_counter() - t0

    def engine(varying: object) -> float:
        run_batches(params, n, 1, n, varying=varying)  # type: ignore[arg-type]  # compiles
        t = time.perf_counter()
        jax.block_until_ready(run_batches(params, n, 1, n, first_replication=n, varying=varying))  # type: ignore[arg-type]
        return time.perf_counter() - t

    t_nominal = engine(None)
    t_uncertain = engine(unc.varying)
    print(f"scenario {args.scenario.name}, {n} replications, one batch")
    print(
        f"finding the figures: {t_prepare:.1f} s ({len(unc.figures)} drawn of "
        f"{len(unc.figures) + len(unc.held)} with low/high reaching the engine, "
        f"{len(unc.leaves)} parameter arrays vary)"
    )
    print(f"compiling {n} drawn catalogs: {t_draws:.1f} s ({1e3 * t_draws / n:.0f} ms each)")
    print(
        f"engine, nominal: {t_nominal:.1f} s; uncertain: {t_uncertain:.1f} s "
        f"(the uncertain run includes compiling its {n} draws); ratio {t_uncertain / t_nominal:.2f}"
    )


if __name__ == "__main__":
    main()
