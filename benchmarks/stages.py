"""Time each stage of the engine step on the demo scenario, for a batch of replications.

    python benchmarks/stages.py --batch 1000

Runs the demo for ``--warm-s`` (1,000 s) of simulated time to get a state with missiles in the
air (the demo's launches fall between about 830 and 1,330 s), then times each stage (jitted and
vmapped on its own, fed from that state) and the whole step, in milliseconds per step for the
whole batch (best of five rounds); the last column is microseconds per replication-step.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp

from iads.engine import step as engine_step
from iads.engine.keys import replication_key, step_keys
from iads.engine.run import run_replication
from iads.scenario.compile import compile_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def time_ms(f: Callable[..., Any], *args: Any, rounds: int = 5, repeat: int = 6) -> float:
    """Milliseconds per call of ``jax.jit(f)`` after one warm-up call: the best of ``rounds``
    means of ``repeat`` calls (the least disturbed by the rest of a shared machine)."""
    g = jax.jit(f)
    jax.block_until_ready(g(*args))
    best = math.inf
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(repeat):
            out = g(*args)
        jax.block_until_ready(out)
        best = min(best, (time.perf_counter() - t0) / repeat * 1e3)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--warm-s", type=float, default=1000.0, help="simulated time before timing")
    ap.add_argument(
        "--substeps",
        type=int,
        default=None,
        help="flyout substeps per step (default: the scenario's); the flyout's cost per substep "
        "is the difference of two runs over the difference of their substeps",
    )
    args = ap.parse_args()
    p, _ = compile_scenario(load_scenario(args.scenario))
    if args.substeps is not None:
        p = dataclasses.replace(p, flyout=dataclasses.replace(p.flyout, n_substeps=args.substeps))
    keys = jax.vmap(lambda i: replication_key(jax.random.PRNGKey(0), i))(jnp.arange(args.batch))
    warm = dataclasses.replace(p, n_steps=int(args.warm_s / float(p.time_step_s)))
    st = jax.jit(jax.vmap(run_replication, in_axes=(None, 0)))(warm, keys).state
    es = engine_step

    def threats(s: Any, k: Any) -> Any:
        return es.fly(p.threats, es._threat_inputs(s), s.threats)[1]

    def sensing(s: Any, k: Any) -> Any:
        th = threats(s, k)
        inputs = es._sensing_inputs(p, s, th)
        return th, es.sense(p.sensing, inputs, s.sensing, step_keys(k, s.step).sensing)

    def tracking(s: Any, k: Any) -> Any:
        _, (_, det) = sensing(s, k)
        return es.track(p.tracking, es.TrackingInputs(s.t_s, p.time_step_s, det), s.tracking)

    def assignment(s: Any, k: Any) -> Any:
        th = threats(s, k)
        picture = es.TrackPicture(confirmed=s.tracking.exists)
        view = es.fire_control_view(p)
        inputs = es._c2_inputs(p, s, s.sensing, s.tracking, picture, th, view)
        return es.assign(p.c2, inputs, s.c2)

    def launching(s: Any, k: Any) -> Any:
        th = threats(s, k)
        _, orders = assignment(s, k)
        return es.launch(p.launch, es._launch_inputs(p, s, s.tracking, orders, th), s.launch)

    def flying(s: Any, k: Any) -> Any:
        th = threats(s, k)
        _, fired = launching(s, k)
        holds = es.fc_holds(es.fire_control_view(p), s.sensing.fc_last_seen_s, s.t_s)
        inputs = es._flyout_inputs(p, s.t_s, th, fired, s.tracking, holds, s.threats.evade_s)
        return es.flyout(p.flyout, inputs, s.flyout, step_keys(k, s.step).homing)

    stages: dict[str, Callable[[Any, Any], Any]] = {
        "whole step": lambda s, k: es.step(p, s, k),
        "threat kinematics": threats,
        "+ sensing": sensing,
        "+ tracking": tracking,
        "threats + assignment": assignment,
        "+ launch": launching,
        "+ flyout": flying,
    }
    in_air = float(jnp.mean(jnp.sum(st.flyout.alive, axis=(1, 2))))
    print(f"# batch {args.batch}, backend {jax.devices()[0].platform}, at {args.warm_s:.0f} s")
    print(f"# missiles in the air per replication: {in_air:.2f}")
    print(f"{'stage':>22} {'ms/step':>8} {'us/rep-step':>11}")
    for name, f in stages.items():
        ms = time_ms(jax.vmap(f), st, keys)
        print(f"{name:>22} {ms:8.2f} {ms * 1e3 / args.batch:11.2f}")


if __name__ == "__main__":
    main()
