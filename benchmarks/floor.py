"""The compute floor of the engine step against its measured time, stage by stage.

    python benchmarks/floor.py --batch 1000

Four parts, all in this one process:

1. The machine's rates, measured with XLA: a float32 multiply-add throughput (64 dependent
   multiply-adds per element of a 4 Mi-element array, fused into one loop: no memory
   traffic to speak of), an exponential throughput, and a memory bandwidth (``x + 1`` in place
   over a 128 MiB array: 128 MiB read, 128 MiB written). Best of several rounds.
2. How busy a whole demo run is (``--activity-batch`` replications, the run's own step): the
   fraction of replication-steps with a missile in the air (alive at the step's start or
   end), with a launched threat still in play, and with an engagement radar holding a live,
   confirmed threat (the assignment's condition to run); and the fraction of steps on which
   the flyout and the assignment run for a batch (they are skipped only when no replication
   of the batch needs them), for batches of several sizes cut from these replications; the
   mean share of the threat slots in play and of the missile slots in the air.
3. For each stage of ``benchmarks/stages.py`` at each ``--at-s``: XLA's cost analysis of the
   jitted, vmapped stage at the batch (flops, transcendentals, bytes accessed), per
   replication-step, and the measured time.
4. The floor per replication-step, ``max(flops / flop rate + transcendentals / exp rate,
   bytes / bandwidth) / B``, beside the measured time, and their ratio, twice: with XLA's
   bytes accessed (this compiled program's traffic: every fusion's operands and results,
   much of it in cache, and a gather's whole operand), and with the bytes a step cannot
   avoid (its state read and written, its events written).

What XLA's cost analysis counts (jax 0.10.2, CPU; checked on small functions): a loop body
once, whatever its trip count, so the flyout's substep loop (a ``fori_loop``) is unrolled here
for the analysis (``unrolled_fori_loops``; the assignment's greedy ``while_loop`` stays
counted once: one round); a ``lax.cond`` as its costliest branch (the flops of the larger
branch, not the sum), so a skipped stage counts as run; a gather's bytes as its whole
operand; exponentials and other transcendentals apart from the flops.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from stages import DEMO, batched, params_and_keys, setup, stages, time_ms

from iads.c2.assign import _any_held
from iads.engine import step as es
from iads.engine.base import Params, State
from iads.engine.run import BATCH_AXIS, init_state


def cost(f: Callable[..., Any], *args: Any) -> dict[str, float]:
    """XLA's cost analysis of ``jax.jit(f)`` compiled for ``args`` (a dict; a list of one
    dict on some versions)."""
    c = jax.jit(f).lower(*args).compile().cost_analysis()
    c = c[0] if isinstance(c, list) else c
    return {k: float(c.get(k, 0.0)) for k in ("flops", "transcendentals", "bytes accessed")}


@contextlib.contextmanager
def unrolled_fori_loops() -> Iterator[None]:
    """``jax.lax.fori_loop`` unrolled while tracing inside the block, so that the cost analysis
    counts each iteration (it counts a loop's body once)."""
    original = jax.lax.fori_loop
    jax.lax.fori_loop = functools.partial(original, unroll=True)
    try:
        yield
    finally:
        jax.lax.fori_loop = original


def best_s(f: Callable[..., Any], *args: Any, rounds: int = 7) -> float:
    """Seconds per call of ``jax.jit(f)``, best of ``rounds`` single calls after a warm-up."""
    g = jax.jit(f)
    jax.block_until_ready(g(*args))
    best = np.inf
    for _ in range(rounds):
        t0 = time.perf_counter()
        jax.block_until_ready(g(*args))
        best = min(best, time.perf_counter() - t0)
    return float(best)


def rates() -> dict[str, float]:
    """The machine's measured rates: flop/s (float32 multiply-adds), exp/s, bytes/s."""
    n, fmas, exps = 1 << 22, 64, 16
    x = jnp.linspace(0.0, 1.0, n, dtype=jnp.float32)
    a, b = jnp.float32(0.999), jnp.float32(1e-3)

    def multiply_adds(x: Array, a: Array, b: Array) -> Array:
        for _ in range(fmas):
            x = x * a + b
        return x

    def exponentials(x: Array, a: Array) -> Array:
        for _ in range(exps):
            x = jnp.exp(-a * x)
        return x

    return {
        "flop/s": cost(multiply_adds, x, a, b)["flops"] / best_s(multiply_adds, x, a, b),
        "exp/s": n * exps / best_s(exponentials, x, a),
        "byte/s": bandwidth(),
    }


def bandwidth(n: int = 1 << 25, rounds: int = 7) -> float:
    """Bytes/s of ``x + 1`` in place over ``n`` float32 (read and write; the buffer donated,
    so that no call pays for fresh pages): best of ``rounds``."""
    add_one = jax.jit(lambda x: x + 1.0, donate_argnums=0)
    x = jax.block_until_ready(add_one(jnp.zeros((n,), jnp.float32)))
    best = np.inf
    for _ in range(rounds):
        t0 = time.perf_counter()
        x = jax.block_until_ready(add_one(x))
        best = min(best, time.perf_counter() - t0)
    return 2 * 4 * n / float(best)


def state_bytes(p: Params, st: State, keys: Array) -> float:
    """Bytes per replication a step must move at the least: its state read and written, its
    events written (the batch's state ``st`` [B, ...])."""
    leaves = jax.tree_util.tree_leaves(st)
    events = jax.eval_shape(batched(lambda s, k: es.step(p, s, k, BATCH_AXIS)[1]), st, keys)
    written = jax.tree_util.tree_leaves(events)
    total = 2 * sum(a.nbytes for a in leaves) + sum(a.size * a.dtype.itemsize for a in written)
    return total / keys.shape[0]


def activity(p: Params, keys: Array) -> dict[str, np.ndarray]:
    """Per replication and step [B, n_steps] of a whole run: a missile in the air, a launched
    threat in play, an engagement radar holding a live confirmed threat (booleans); the share
    of the threat slots in play and of the missile slots in the air (fractions)."""
    tracking = stages(p)["+ tracking"]
    n_threats = jnp.sum(p.threats.valid)
    n_slots = jnp.sum(p.launch.slot_valid)

    def one(key: Array) -> Any:
        def body(s: Any, _: None) -> tuple[Any, tuple[Array, ...]]:
            _, th, radar_out, sensed, _, tracks, picture = tracking(s, key)
            view = es.fire_control_view(p, radar_out)
            held = _any_held(p.c2, es._c2_inputs(p, s, sensed, tracks, picture, th, view))
            new, _ = es.step(p, s, key, BATCH_AXIS)
            flying = s.flyout.alive | new.flyout.alive
            in_play = th.alive & th.kin.launched
            return new, (
                jnp.any(flying),
                jnp.any(in_play),
                held,
                jnp.sum(in_play) / n_threats,
                jnp.sum(flying) / n_slots,
            )

        return jax.lax.scan(body, init_state(p, key), None, length=p.n_steps)[1]

    names = (
        "missile in the air",
        "threat in play",
        "threat held",
        "threat slots in play",
        "missile slots in air",
    )
    flags = jax.jit(jax.vmap(one, axis_name=BATCH_AXIS))(keys)
    return {k: np.asarray(v) for k, v in zip(names, flags, strict=True)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--at-s", type=float, nargs="+", default=[500.0, 1100.0], help="states timed")
    ap.add_argument("--scan-steps", type=int, default=10)
    ap.add_argument("--activity-batch", type=int, default=200)
    args = ap.parse_args()
    B = args.batch

    r = rates()
    print(f"# backend {jax.devices()[0].platform}, float32")
    print(f"multiply-add rate: {r['flop/s'] / 1e9:.1f} GFLOP/s")
    print(f"exponential rate:  {r['exp/s'] / 1e9:.2f} G/s")
    print(f"memory bandwidth:  {r['byte/s'] / 1e9:.1f} GB/s (x + 1 in place, 128 MiB)")

    p, keys = params_and_keys(args.activity_batch, args.scenario)
    flags = activity(p, keys)
    n_b, n_t = flags["missile in the air"].shape
    print(f"# a whole run, {n_b} replications x {n_t} steps")
    sizes = [s for s in (1, 10, 50, 200, 1000) if s <= n_b]
    print(f"{'':>20} {'rep-steps':>9} " + " ".join(f"{'steps, B=' + str(s):>12}" for s in sizes))
    for name, f in flags.items():
        if f.dtype != bool:  # a share of slots: no batch-wide figure
            print(f"{name:>20} {f.mean():9.3f}")
            continue
        batch_wide = [f[: n_b // s * s].reshape(-1, s, n_t).any(axis=1).mean() for s in sizes]
        print(f"{name:>20} {f.mean():9.3f} " + " ".join(f"{w:12.3f}" for w in batch_wide))

    for at_s in args.at_s:
        p, keys, st = setup(B, args.scenario, at_s)
        least = state_bytes(p, st, keys)
        print(f"# batch {B}, at {at_s:.0f} s; per replication-step, times in us")
        print(
            f"# state read and written, events written: {least:.0f} bytes, "
            f"{least / r['byte/s'] * 1e6:.3f} us; least = max(compute, that)"
        )
        print(
            f"{'stage':>22} {'us':>7} {'flop':>9} {'exp':>6} {'XLA bytes':>9} "
            f"{'compute':>8} {'XLA mem':>7} {'floor':>6} {'us/floor':>8} "
            f"{'least':>6} {'us/least':>8}"
        )
        for name, f in stages(p, args.scan_steps).items():
            # the run loop's time is for scan_steps steps; its cost counts the scan's body once
            per = args.scan_steps if name.startswith("run loop") else 1
            with unrolled_fori_loops():
                c = cost(batched(f), st, keys)
            us = time_ms(batched(f), st, keys) * 1e3 / per / B
            flop, exp_, byte = (c[k] / B for k in ("flops", "transcendentals", "bytes accessed"))
            compute = (flop / r["flop/s"] + exp_ / r["exp/s"]) * 1e6
            memory = byte / r["byte/s"] * 1e6
            floor = max(compute, memory)
            at_least = max(compute, least / r["byte/s"] * 1e6)
            print(
                f"{name:>22} {us:7.2f} {flop:9.0f} {exp_:6.0f} {byte:9.0f} "
                f"{compute:8.2f} {memory:7.2f} {floor:6.2f} {us / floor:8.1f} "
                f"{at_least:6.2f} {us / at_least:8.1f}"
            )


if __name__ == "__main__":
    main()
