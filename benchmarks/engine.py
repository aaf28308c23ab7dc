"""Time the engine on the demo scenario: compile time, run time and peak memory.

    python benchmarks/engine.py                       # 1, 10, 100, 1000, 10000 on this machine
    python benchmarks/engine.py --replications 1000 100000 --batch-size 100000   # e.g. a GPU

Prints one line per replication count: the backend, compile seconds (first call of that batch
shape, minus a second timed call), run seconds, replications per second and the process's peak
resident memory. Results go in docs/performance.md with the command, machine and date.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from iads.engine.run import _run_batch
from iads.scenario.compile import compile_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def peak_rss_mib() -> float:
    """Peak resident set size of this process, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_batch(params, n: int, seed: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first call seconds, second call seconds) for one batch of ``n`` replications."""
    root = jax.random.PRNGKey(seed)
    idx = jnp.arange(n, dtype=jnp.uint32)
    t0 = time.perf_counter()
    out = _run_batch(params, root, idx)
    jax.block_until_ready(out)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = _run_batch(params, root, idx + n)
    jax.block_until_ready(out)
    second = time.perf_counter() - t0
    np.asarray(out.state.launch.n_fired)  # touch the result on the host
    return first, second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--replications", type=int, nargs="+", default=[1, 10, 100, 1000, 10000])
    ap.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="largest batch run at once (default: the replication count)",
    )
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = ap.parse_args()

    params, _ = compile_scenario(load_scenario(args.scenario), dtype=args.dtype)
    dev = jax.devices()[0]
    print(
        f"# {time.strftime('%Y-%m-%d')} {platform.node()} {platform.processor() or ''} "
        f"jax {jax.__version__} backend={dev.platform} device={dev.device_kind} "
        f"dtype={args.dtype} steps={params.n_steps} substeps={params.flyout.n_substeps}"
    )
    print(
        f"{'replications':>12} {'compile_s':>10} {'run_s':>9} {'reps_per_s':>11} "
        f"{'peak_rss_MiB':>13}"
    )
    for n in args.replications:
        batch = min(n, args.batch_size or n)
        first, second = time_batch(params, batch, seed=1)
        batches = int(np.ceil(n / batch))
        run_s = second * batches
        print(
            f"{n:>12} {max(first - second, 0.0):>10.2f} {run_s:>9.2f} "
            f"{n / run_s:>11.1f} {peak_rss_mib():>13.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
