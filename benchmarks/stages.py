"""Time each stage of the engine step on the demo scenario, for a batch of replications.

    python benchmarks/stages.py --batch 1000

Runs the demo (batched as ``iads.simulate`` runs it: :func:`iads.engine.run.run_batch`) for
``--warm-s`` (1,100 s) of simulated time to get a state with missiles in the air (the demo's
rounds fly between about 830 and 1,330 s, not on every step: at 1,000 s none of the first
1,000 replications has one; at 1,100 s nearly all do), then times the step's stages from that
state, each jitted and vmapped over the batch with the batch axis named as in a run, so the
assignment's and the flyout's skips are the run's (``benchmarks/floor.py`` gives how often
each runs in a whole run; a state with nothing held or flying: ``--warm-s 500``). The stages
are cumulative, in the order of :func:`iads.engine.step.step`: each line runs the stages
above it too, so a stage's own cost is its line minus the line above. Then the whole step
(with its events) and the loop a run executes (``--scan-steps`` steps of the step and the
event log's record in a ``lax.scan``, per step). Milliseconds per step for the whole batch,
best of five rounds; the last column is microseconds per replication-step.
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
from jax import Array

from iads.engine import step as es
from iads.engine.base import Params, State
from iads.engine.events import record
from iads.engine.keys import replication_key, step_keys
from iads.engine.run import BATCH_AXIS, init_log, run_batch
from iads.scenario.compile import compile_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "examples" / "ankara.yaml"

#: A stage as timed: one replication's state and key -> the stage's results.
Stage = Callable[[State, Array], Any]


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


def params_and_keys(
    batch: int, scenario: Path = DEMO, substeps: int | None = None
) -> tuple[Params, Array]:
    """The scenario's params and the batch's replication keys [B] (replications 0..B-1,
    seed 0)."""
    p, _ = compile_scenario(load_scenario(scenario))
    if substeps is not None:
        p = dataclasses.replace(p, flyout=dataclasses.replace(p.flyout, n_substeps=substeps))
    return p, jax.vmap(lambda i: replication_key(jax.random.PRNGKey(0), i))(jnp.arange(batch))


def setup(
    batch: int, scenario: Path = DEMO, warm_s: float = 1100.0, substeps: int | None = None
) -> tuple[Params, Array, State]:
    """:func:`params_and_keys` and the batch's state after ``warm_s`` of simulated time."""
    p, keys = params_and_keys(batch, scenario, substeps)
    warm = dataclasses.replace(p, n_steps=int(warm_s / float(p.time_step_s)))
    return p, keys, jax.jit(run_batch)(warm, keys).state


def batched(f: Stage) -> Callable[[State, Array], Any]:
    """``f`` over a batch, the batch axis named as in a run (:func:`run_batch`)."""
    return jax.vmap(f, axis_name=BATCH_AXIS)


def stages(p: Params, scan_steps: int = 10) -> dict[str, Stage]:
    """The step's stages, cumulative, as :func:`iads.engine.step.step` calls them; then the
    whole step and ``scan_steps`` steps of a run's loop (to be divided by ``scan_steps``)."""
    n_radars = p.sensing.radars.valid.shape[0]

    def threats(s: State, k: Array) -> Any:
        return es.fly(p.threats, es._threat_inputs(s), s.threats)

    def sensing(s: State, k: Array) -> Any:
        moved, th = threats(s, k)
        radar_out = es.radars_struck(p.threats, moved.leaked_s, n_radars)
        inputs = es._sensing_inputs(p, s, th, radar_out)
        sensed, det = es.sense(p.sensing, inputs, s.sensing, step_keys(k, s.step).sensing)
        return moved, th, radar_out, sensed, det

    def tracking(s: State, k: Array) -> Any:
        moved, th, radar_out, sensed, det = sensing(s, k)
        tracks, picture = es.track(
            p.tracking, es.TrackingInputs(s.t_s, p.time_step_s, det), s.tracking
        )
        return moved, th, radar_out, sensed, det, tracks, picture

    def assignment(s: State, k: Array) -> Any:
        moved, th, radar_out, sensed, det, tracks, picture = tracking(s, k)
        view = es.fire_control_view(p, radar_out)
        inputs = es._c2_inputs(p, s, sensed, tracks, picture, th, view)
        c2, orders = es.assign(p.c2, inputs, s.c2, BATCH_AXIS)
        return moved, th, sensed, det, tracks, picture, view, c2, orders

    def launching(s: State, k: Array) -> Any:
        moved, th, sensed, det, tracks, picture, view, c2, orders = assignment(s, k)
        inputs = es._launch_inputs(p, s, tracks, orders, th)
        launched, fired = es.launch(p.launch, inputs, s.launch)
        return moved, th, sensed, det, tracks, picture, view, c2, orders, launched, fired

    def flying(s: State, k: Array) -> Any:
        moved, th, sensed, det, tracks, picture, view, c2, orders, launched, fired = launching(s, k)
        holds = es.fc_holds(view, sensed.fc_last_seen_s, s.t_s)
        keys = step_keys(k, s.step)
        out = es._fly_out(p, s, keys, th, fired, tracks, holds, moved.evade_s, BATCH_AXIS)
        return moved, th, sensed, det, tracks, picture, c2, orders, launched, fired, out

    def whole(s: State, k: Array) -> Any:
        return es.step(p, s, k, BATCH_AXIS)

    def run_loop(s: State, k: Array) -> Any:
        def body(carry: Any, _: None) -> tuple[Any, None]:
            s, log = carry
            s, events = es.step(p, s, k, BATCH_AXIS)
            return (s, record(log, events)), None

        return jax.lax.scan(body, (s, init_log(p)), None, length=scan_steps)[0]

    return {
        "threat kinematics": threats,
        "+ sensing": sensing,
        "+ tracking": tracking,
        "+ assignment": assignment,
        "+ launch": launching,
        "+ flyout, assessment": flying,
        "whole step": whole,
        f"run loop (/{scan_steps})": run_loop,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    ap.add_argument("--warm-s", type=float, default=1100.0, help="simulated time before timing")
    ap.add_argument("--scan-steps", type=int, default=10, help="steps of the timed run loop")
    ap.add_argument(
        "--substeps",
        type=int,
        default=None,
        help="flyout substeps per step (default: the scenario's); the flyout's cost per substep "
        "is the difference of two runs over the difference of their substeps",
    )
    args = ap.parse_args()
    p, keys, st = setup(args.batch, args.scenario, args.warm_s, args.substeps)
    in_air = float(jnp.mean(jnp.sum(st.flyout.alive, axis=(1, 2))))
    print(f"# batch {args.batch}, backend {jax.devices()[0].platform}, at {args.warm_s:.0f} s")
    print(f"# missiles in the air per replication: {in_air:.2f}")
    print(f"{'stage':>22} {'ms/step':>8} {'us/rep-step':>11}")
    for name, f in stages(p, args.scan_steps).items():
        per = args.scan_steps if name.startswith("run loop") else 1
        ms = time_ms(batched(f), st, keys) / per
        print(f"{name:>22} {ms:8.2f} {ms * 1e3 / args.batch:11.2f}")


if __name__ == "__main__":
    main()
