"""Cost against the size of the problem: the demo raid scaled in threats and in batteries.

    python benchmarks/scaling.py                   # threats 16..1024, batteries 1..16
    python benchmarks/scaling.py --threats 16 64 --batteries 1 4 --replications 16

Each case is the demo scenario (``examples/ankara.yaml``) with its raid groups' counts scaled
so that the raid has about ``--threats`` threats (in the same proportions, same routes, each
group's spacing shrunk so that it arrives over the same time), or with its battalion copied
``--batteries`` times on a ring of 15 km around its site (each its own fire unit, six to a
command post as the 55K6E's published limit allows), flown for ``--duration-s``.
For each case it prints the padded threat slots J, fire units U, missile slots, the engine's
compile time, its run time per replication-step (wall and CPU of the second of two calls on
the same batch shape) and the bytes of one replication's final state and event log. The
growth is read from successive lines: time per replication-step against J x U.
"""

from __future__ import annotations

import argparse
import copy
import math
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import yaml

from iads.engine.run import _run_batch
from iads.scenario.compile import compile_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def scaled(base: dict[str, Any], threats: int, batteries: int, duration_s: float) -> dict:  # type: ignore[type-arg]
    """The demo with about ``threats`` threats and ``batteries`` copies of its battalion."""
    d = copy.deepcopy(base)
    d["duration_s"] = duration_s
    total = sum(g["count"] for g in d["raid"])
    for g in d["raid"]:
        n = max(1, round(g["count"] * threats / total))
        g["spacing_s"] = g.get("spacing_s", 0.0) * g["count"] / n
        g["count"] = n
    bn = d["batteries"][0]
    ring = []
    for i in range(batteries):
        b = copy.deepcopy(bn)
        b["name"] = f"Battalion {i + 1}"
        b["command_post"] = f"Regiment {i // 6 + 1}"  # a 55K6E controls up to 6 battalions
        if batteries > 1:
            az = 2.0 * math.pi * i / batteries
            b["lat_deg"] = bn["lat_deg"] + 15.0 / 111.0 * math.cos(az)
            b["lon_deg"] = bn["lon_deg"] + 15.0 / 85.0 * math.sin(az)
        ring.append(b)
    d["batteries"] = ring
    return d


def case(
    spec: dict[str, Any], replications: int, seed: int = 0
) -> tuple[int, int, int, float, float, float, float]:  # type: ignore[type-arg]
    """(J, U, missile slots, compile s, wall us and CPU us per replication-step, bytes per
    replication) of one scenario."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        params, _ = compile_scenario(load_scenario(path))
    root = jax.random.PRNGKey(seed)
    idx = jnp.arange(replications, dtype=jnp.uint32)
    t0 = time.perf_counter()
    jax.block_until_ready(_run_batch(params, root, idx))
    first = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    out = jax.block_until_ready(_run_batch(params, root, idx + replications))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    steps = replications * params.n_steps
    nbytes = sum(a.nbytes for a in jax.tree_util.tree_leaves(out)) / replications
    return (
        int(params.threats.valid.shape[0]),
        int(params.c2.units.valid.shape[0]),
        int(out.state.flyout.alive.shape[-1]),
        first - wall,
        wall / steps * 1e6,
        cpu / steps * 1e6,
        nbytes,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threats", type=int, nargs="+", default=[16, 64, 256, 1024])
    ap.add_argument("--batteries", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    ap.add_argument("--replications", type=int, default=64)
    ap.add_argument("--duration-s", type=float, default=600.0)
    args = ap.parse_args()
    base = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    print(
        f"# {platform.processor() or platform.machine()}, jax {jax.__version__}, backend "
        f"{jax.default_backend()}, batch {args.replications}, {args.duration_s:.0f} s"
    )
    print(
        f"{'threats':>8} {'batteries':>9} {'J':>5} {'U':>3} {'M':>4} {'compile s':>9} "
        f"{'wall us/rs':>10} {'CPU us/rs':>9} {'kB/rep':>8}"
    )
    cases = [(t, 1) for t in args.threats] + [(args.threats[0], b) for b in args.batteries[1:]]
    for threats, batteries in cases:
        spec = scaled(base, threats, batteries, args.duration_s)
        j, u, m, comp, wall, cpu, nbytes = case(spec, args.replications)
        print(
            f"{threats:>8} {batteries:>9} {j:>5} {u:>3} {m:>4} {comp:>9.1f} {wall:>10.1f} "
            f"{cpu:>9.1f} {nbytes / 1e3:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
