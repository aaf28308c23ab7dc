"""Time ``iads compare`` of the demo over the five systems: wall and CPU time and XLA
compilations per system.

    python benchmarks/compare.py                       # 1,000 replications
    python benchmarks/compare.py --replications 200

Runs :func:`iads.compare.compare` in this process on ``src/iads/examples/ankara.yaml`` with
``--systems s400,patriot,samp-t,hq9,s300vm`` and ``--equal batteries`` (SAMP/T and S-300VM
have no public cost, so ``--equal cost`` cannot take all five), then writes the comparison as
``iads compare`` does. A system's time runs from the end of the previous system's last batch
to the end of its own (its compilation, its batches and the previous system's metrics);
compilations are counted two ways: engine compilations (misses of the jitted
``iads.engine.run._run_batch``'s cache, the counter of ``benchmarks/sweep.py``) and every XLA
backend compilation (``jax.monitoring``'s backend-compile events, small helper functions
included). Then the first system runs again on the same scenario with other values (seed,
engagement range fraction and salvo size changed) for one batch of the same size (so every
shape is the same: ``simulate`` runs batches of min(replications, 256)), to check that values
alone do not recompile. Results go in docs/performance.md with the command, machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
DEMO = SRC / "iads" / "examples" / "ankara.yaml"
SYSTEMS = "s400,patriot,samp-t,hq9,s300vm"
#: jax's event for one XLA backend compilation (``jax._src.dispatch.BACKEND_COMPILE_EVENT``).
BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@dataclass
class Clock:
    """Wall time, CPU time (this process, all threads) and compilations so far."""

    wall_s: float
    cpu_s: float
    engine: int
    xla: int


class Counter:
    """Counts XLA backend compilations and engine (``_run_batch``) cache misses."""

    def __init__(self) -> None:
        import jax

        from iads.engine.run import _run_batch

        self.xla = 0
        self._cache_size = _run_batch._cache_size
        jax.monitoring.register_event_duration_secs_listener(self._event)

    def _event(self, event: str, duration_s: float, **kwargs: Any) -> None:
        if event == BACKEND_COMPILE_EVENT:
            self.xla += 1

    def now(self) -> Clock:
        return Clock(time.perf_counter(), time.process_time(), self._cache_size(), self.xla)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=1000)
    ap.add_argument("--systems", default=SYSTEMS)
    ap.add_argument("--scenario", type=Path, default=DEMO)
    args = ap.parse_args()
    sys.path.insert(0, str(SRC))
    import jax

    from iads.compare import compare, parse_systems
    from iads.compare.output import write_comparison
    from iads.scenario.compile import load_scenario, scenario_from_mapping
    from iads.simulate import DEFAULT_BATCH_SIZE

    print(
        f"# {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC {platform.node()} "
        f"{os.cpu_count()} CPUs python {platform.python_version()} jax {jax.__version__} "
        f"({jax.default_backend()}); load average {os.getloadavg()[0]:.1f}; "
        f"{args.scenario.name}, {args.systems}, {args.replications} replications"
    )
    counter = Counter()
    start = counter.now()
    scn = load_scenario(args.scenario)
    contenders = parse_systems(args.systems, scn.catalog)
    last: dict[str, Clock] = {}

    def progress(label: str, k: int) -> None:
        last[label] = counter.now()

    cmp = compare(scn, contenders, replications=args.replications, progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        write_comparison(cmp, Path(tmp) / "out")
    end = counter.now()
    print(f"{'system':<10} {'wall s':>8} {'CPU s':>8} {'engine compilations':>20} {'XLA':>5}")
    before = start
    for c in contenders:
        now = last[c.label]
        print(
            f"{c.label:<10} {now.wall_s - before.wall_s:8.1f} {now.cpu_s - before.cpu_s:8.1f} "
            f"{now.engine - before.engine:20d} {now.xla - before.xla:5d}"
        )
        before = now
    print(
        f"{'tables+out':<10} {end.wall_s - before.wall_s:8.1f} {end.cpu_s - before.cpu_s:8.1f} "
        f"{end.engine - before.engine:20d} {end.xla - before.xla:5d}"
    )
    print(
        f"{'total':<10} {end.wall_s - start.wall_s:8.1f} {end.cpu_s - start.cpu_s:8.1f} "
        f"{end.engine - start.engine:20d} {end.xla - start.xla:5d}"
    )
    # The first system again, other values of the same shapes: no compilation expected.
    raw = scn.spec.model_dump(mode="json", exclude_none=True)
    for b in raw["batteries"]:
        b["doctrine"] = {**b.get("doctrine", {}), "engagement_range_fraction": 0.7, "salvo_size": 1}
    raw["seed"] = raw["seed"] + 1
    other = scenario_from_mapping(scn.path, raw, scn.catalog)
    again = counter.now()
    # one batch of the first run's batch size: the same shapes, only values differ
    compare(other, contenders[:1], replications=min(args.replications, DEFAULT_BATCH_SIZE))
    done = counter.now()
    print(
        f"{contenders[0].label} again, other seed, engagement range fraction and salvo size: "
        f"{done.wall_s - again.wall_s:.1f} s, {done.engine - again.engine} engine and "
        f"{done.xla - again.xla} XLA compilations"
    )


if __name__ == "__main__":
    main()
