"""Time each stage of the engine step on the demo scenario, for a batch of replications.

    python benchmarks/stages.py --batch 1000

Runs the demo for 300 s of simulated time to get a state with missiles in the air, then times
each stage (jitted and vmapped on its own) and the whole step, in milliseconds per step for
the whole batch.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp

from iads.c2.assign import assign
from iads.engine.run import run_replication
from iads.engine.step import step
from iads.radar.sensing import sense
from iads.scenario.compile import compile_scenario, load_scenario
from iads.threats.flight import threat_kinematics
from iads.tracking.kalman import confirmed, update_tracks
from iads.weapons.flyout import flyout
from iads.weapons.launch import launch

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def time_ms(f: Callable[..., Any], *args: Any, repeat: int = 30) -> float:
    """Mean milliseconds per call of ``jax.jit(f)`` after one warm-up call."""
    g = jax.jit(f)
    jax.block_until_ready(g(*args))
    t0 = time.perf_counter()
    for _ in range(repeat):
        out = g(*args)
    jax.block_until_ready(out)
    return (time.perf_counter() - t0) / repeat * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    args = ap.parse_args()
    p, _ = compile_scenario(load_scenario(args.scenario))
    keys = jax.vmap(lambda i: jax.random.fold_in(jax.random.PRNGKey(0), i))(jnp.arange(args.batch))
    warm = dataclasses.replace(p, n_steps=300)
    st = jax.jit(jax.vmap(run_replication, in_axes=(None, 0)))(warm, keys)

    def kin(s: Any) -> Any:
        return threat_kinematics(p.threats, s.t_s)

    def sensing(s: Any, k: Any) -> Any:
        return sense(p, kin(s), s.alive, s.next_scan_s, s.t_s, k)

    def tracking(s: Any, k: Any) -> Any:
        d = sensing(s, k)
        return update_tracks(p, s.tracks, d.measured_pos_m, d.measurement_cov_m2, d.detected, s.t_s)

    stages: dict[str, Callable[[Any, Any], Any]] = {
        "whole step": lambda s, k: step(p, s, k),
        "threat kinematics": lambda s, k: kin(s),
        "sensing": sensing,
        "sensing + tracking": tracking,
        "assignment": lambda s, k: assign(p, s, confirmed(p, s.tracks), s.t_s),
        "launch": lambda s, k: launch(p, s, s.t_s),
        "flyout": lambda s, k: flyout(p, s.missiles, kin(s), s.alive, s.killed_s, s.t_s, k),
    }
    print(f"# batch {args.batch}, backend {jax.devices()[0].platform}; ms per step per batch")
    for name, f in stages.items():
        print(f"{name:>20} {time_ms(jax.vmap(f), st, keys):8.2f}")


if __name__ == "__main__":
    main()
