"""Run one study point and turn its replications into a table (one row per replication).

The same function runs a point in-process and on a Dask worker, so a point's results do not
depend on the backend: replication *i* of every point uses the key ``fold_in(PRNGKey(seed),
i)`` (:mod:`iads.engine.keys`) and gives the same result alone or in any batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from iads.report.summary import THREAT_OUTCOMES
from iads.results.outcomes import per_replication
from iads.scenario.compile import Scenario, compile_scenario, memory_check
from iads.sweep.base import Point, Scalar

#: Outcome columns summed over the threat types (per replication), as in the run's summary.
OUTCOMES = THREAT_OUTCOMES


@dataclass(frozen=True)
class PointJob:
    """Everything a worker needs to run one point."""

    point: Point
    scenario: Scenario
    replications: int
    seed: int
    batch_size: int
    dtype: str | None


def _column(value: Scalar, n: int) -> pa.Array:
    if isinstance(value, bool):
        return pa.array([value] * n, pa.bool_())
    if isinstance(value, int):
        return pa.array([value] * n, pa.int64())
    if isinstance(value, float):
        return pa.array([value] * n, pa.float64())
    return pa.array([value] * n, pa.string())


def run_point(job: PointJob, progress: Callable[[int], None] | None = None) -> pa.Table:
    """Compile and run one point; its per-replication outcomes as a table.

    Columns: ``point``, ``replication``, one per swept path (named by the path, the same value
    on every row), the totals over threat types ``detected``, ``engaged``, ``destroyed``,
    ``leaked``, ``unresolved`` and ``missiles_fired``, then per threat type ``TYPE`` the same
    counts as ``leaked_TYPE`` (etc.) and ``first_detection_range_m_TYPE`` (m; null when the
    type was not detected in that replication), and per missile type ``fired_MISSILE``.

    Points whose compiled ``Params`` have the same shapes share one XLA compilation (the
    jitted engine is cached per shape): a value-only sweep compiles once per process.
    """
    from iads.engine.run import run_batches

    params, layout = compile_scenario(job.scenario, dtype=job.dtype)
    batch = min(job.replications, job.batch_size)
    memory_check(job.scenario.path, params, job.replications, batch)
    runs = run_batches(params, job.replications, job.seed, batch, progress=progress)
    reps = per_replication(params, runs, layout)
    n = job.replications
    cols: dict[str, pa.Array] = {
        "point": pa.array(np.full(n, job.point.index, np.int64)),
        "replication": pa.array(np.arange(n, dtype=np.int64)),
    }
    for path, value in job.point.values:
        cols[path] = _column(value, n)
    threats = reps["threats"]
    for outcome in OUTCOMES:
        total = sum((np.asarray(d[outcome], np.int64) for d in threats.values()), np.zeros(n, int))
        cols[outcome] = pa.array(total.astype(np.int64))
    fired = reps["missiles_fired"]
    cols["missiles_fired"] = pa.array(
        sum((np.asarray(v, np.int64) for v in fired.values()), np.zeros(n, np.int64))
    )
    for ttype, d in threats.items():
        for outcome in OUTCOMES:
            cols[f"{outcome}_{ttype}"] = pa.array(np.asarray(d[outcome], np.int64))
        rng = np.asarray(d["first_detection_range_m"], np.float64)
        cols[f"first_detection_range_m_{ttype}"] = pa.array(rng, mask=np.isnan(rng))
    for mtype, v in fired.items():
        cols[f"fired_{mtype}"] = pa.array(np.asarray(v, np.int64))
    return pa.table(cols)
