"""Wall-clock and CPU time per replication-step of a whole run, for side-by-side comparisons
on a busy machine (CPU time counts the work done, not the time spent waiting for a core).

    python benchmarks/cpu_time.py --scenario examples/ankara.yaml --batch 1000

Compiles the scenario, runs ``--batch`` replications once (compilation + run) and again (run
only), and prints both times. To compare two versions, run this script from the newer one
with ``PYTHONPATH=<other worktree>/src`` and that worktree's scenario: it uses only
``compile_scenario``, ``load_scenario`` and ``run_batches``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax

from iads.engine.run import run_batches
from iads.scenario.compile import compile_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "examples" / "ankara.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    params, _ = compile_scenario(load_scenario(args.scenario))
    b, n = args.batch, params.n_steps
    t0, c0 = time.perf_counter(), time.process_time()
    jax.block_until_ready(run_batches(params, b, 1, b))
    t1, c1 = time.perf_counter(), time.process_time()
    jax.block_until_ready(run_batches(params, b, 2, b))
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"scenario {args.scenario}, batch {b}, {n} steps, backend {jax.default_backend()}")
    print(f"compilation + run: wall {t1 - t0:.1f} s, CPU {c1 - c0:.1f} s")
    print(f"run:               wall {t2 - t1:.1f} s, CPU {c2 - c1:.1f} s")
    wall_c, cpu_c = t1 - t0 - (t2 - t1), c1 - c0 - (c2 - c1)
    print(f"compilation (difference): wall {wall_c:.1f} s, CPU {cpu_c:.1f} s")
    us = 1e6 / (b * n)
    print(f"per replication-step: wall {(t2 - t1) * us:.1f} us, CPU {(c2 - c1) * us:.1f} us")


if __name__ == "__main__":
    main()
