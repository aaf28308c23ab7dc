"""A batch's working set against its replications' final states and event logs, from XLA's
memory analysis of the compiled engine: the basis of ``iads.simulate.DEVICE_WORKING_SET``.

    python benchmarks/working_set.py --batch 64 256

For each batch size it compiles the engine for the scenario (default: the demo) and prints
the bytes of one replication's final state and event log (what a run keeps), XLA's temporary,
argument and output bytes for the whole batch, and the working set per replication
(temporaries plus outputs over the batch) in multiples of the first. The slope between two
batch sizes removes what does not grow with the batch. Measured on the CPU backend (a GPU's
compiler lays out buffers its own way: re-run this on one when it is at hand).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jax
import jax.numpy as jnp

from iads.engine.run import _run_batch
from iads.scenario.compile import compile_scenario, load_scenario, replication_bytes

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    args = ap.parse_args()
    params, _ = compile_scenario(load_scenario(args.scenario))
    per_rep = replication_bytes(params)
    print(f"# {args.scenario.name}, backend {jax.default_backend()}, jax {jax.__version__}")
    print(f"# final state + event log of one replication: {per_rep / 1024:.1f} kB")
    print(
        f"{'batch':>7} {'temp MB':>9} {'args MB':>9} {'out MB':>9} {'(temp+out)/(batch*state)':>26}"
    )
    rows = []
    for b in args.batch:
        idx = jnp.arange(b, dtype=jnp.uint32)
        compiled = _run_batch.lower(params, jax.random.PRNGKey(0), idx, {}).compile()
        m = compiled.memory_analysis()
        used = m.temp_size_in_bytes + m.output_size_in_bytes
        rows.append((b, used))
        print(
            f"{b:7d} {m.temp_size_in_bytes / 1e6:9.1f} {m.argument_size_in_bytes / 1e6:9.1f} "
            f"{m.output_size_in_bytes / 1e6:9.1f} {used / (b * per_rep):26.2f}"
        )
    if len(rows) >= 2:
        (b0, u0), (b1, u1) = rows[0], rows[-1]
        slope = (u1 - u0) / (b1 - b0)
        print(f"per added replication: {slope / 1024:.1f} kB = {slope / per_rep:.2f} x its state")


if __name__ == "__main__":
    main()
