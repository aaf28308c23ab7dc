"""Run study points, side by side where they share one compiled engine, and turn each
point's replications into a table (one row per replication).

Points whose compiled engine arrays have the same shapes form a group (:func:`groups`); a
group's points run in chunks (:func:`run_chunk`), their replications side by side under
``vmap`` with the arrays that differ between them given per replication. The same function
runs a chunk in-process and on a Dask worker, so a point's results do not depend on the
backend: replication *i* of every point uses the key ``fold_in(PRNGKey(seed), i)``
(:mod:`iads.engine.keys`) and gives the same result alone or in any batch or chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    batch_size: int | None  # None: the default for the device (iads.simulate.default_batch_size)
    dtype: str | None


def _column(value: Scalar, n: int) -> pa.Array:
    if isinstance(value, bool):
        return pa.array([value] * n, pa.bool_())
    if isinstance(value, int):
        return pa.array([value] * n, pa.int64())
    if isinstance(value, float):
        return pa.array([value] * n, pa.float64())
    return pa.array([value] * n, pa.string())


@dataclass(frozen=True)
class Chunk:
    """Points of one group run side by side in one engine call.

    ``leaves``: the indices (in ``tree_leaves(Params)`` order) of the compiled arrays that
    differ between the points of the whole group (:func:`groups`), each given per replication;
    ``batch``: the replications run side by side (the same for every chunk of the group, so the
    group compiles once).
    """

    jobs: tuple[PointJob, ...]
    leaves: tuple[int, ...]
    batch: int


def run_chunk(chunk: Chunk, progress: Callable[[int], None] | None = None) -> list[pa.Table]:
    """Run a chunk's points side by side under ``vmap``; one table per point, in order.

    Point g's replication i runs at position g·R + i with the key of replication i and the
    point's own values of ``chunk.leaves``; every other array is the same for all the group's
    points. A point's rows therefore depend only on its values and on its group's ``leaves``
    (which arrays are given per replication), not on the chunk it ran in, the batch size, the
    backend or the number of workers.
    """
    import jax

    from iads.engine.run import run_batches

    compiled = [compile_scenario(job.scenario, dtype=job.dtype) for job in chunk.jobs]
    first = chunk.jobs[0]
    reps = first.replications
    params = compiled[0][0]
    n = reps * len(chunk.jobs)
    memory_check(first.scenario.path, params, n, chunk.batch)
    varying = None
    if chunk.leaves:
        flat = [jax.tree_util.tree_leaves(p) for p, _ in compiled]
        stacked = {i: np.stack([np.asarray(f[i]) for f in flat]) for i in chunk.leaves}

        def varying(positions: np.ndarray) -> dict[int, np.ndarray]:
            point = positions // reps
            return {i: a[point] for i, a in stacked.items()}

    runs = run_batches(
        params,
        n,
        first.seed,
        chunk.batch,  # a smaller last chunk runs padded: one batch shape, one compilation
        progress=progress,
        varying=varying,
        key_index=np.tile(np.arange(reps), len(chunk.jobs)),
    )
    tables = []
    for g, (job, (p, layout)) in enumerate(zip(chunk.jobs, compiled, strict=True)):
        part = jax.tree_util.tree_map(lambda a, g=g: a[g * reps : (g + 1) * reps], runs)
        tables.append(point_table(job, per_replication(p, part, layout)))
    return tables


def point_table(job: PointJob, reps: dict[str, Any]) -> pa.Table:
    """A point's per-replication outcomes (``per_replication``'s) as a table.

    Columns: ``point``, ``replication``, one per swept path (named by the path, the same value
    on every row), the totals over threat types ``detected``, ``engaged``, ``destroyed``,
    ``leaked``, ``unresolved`` and ``missiles_fired``, then per threat type ``TYPE`` the same
    counts as ``leaked_TYPE`` (etc.) and ``first_detection_range_m_TYPE`` (m; null when the
    type was not detected in that replication), and per missile type ``fired_MISSILE``.
    """
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


@dataclass(frozen=True)
class Group:
    """Points of a study (positions in its jobs) whose compiled engine arrays have the same
    shapes: they differ only in the values of the arrays at ``leaves`` and run side by side
    in one compiled engine; ``batch_size`` is its replications run at once when the study
    gives none (:func:`iads.simulate.default_batch_size` for its first point)."""

    members: tuple[int, ...]
    leaves: tuple[int, ...]
    batch_size: int


def groups(jobs: Sequence[PointJob]) -> list[Group]:
    """The study's points grouped by the shapes of their compiled engine arrays, in the order
    of each group's first point; a group's ``leaves`` are the arrays that differ between any
    two of its points (a sweep over model values, or over counts within one size bucket)."""
    import jax

    from iads.simulate import default_batch_size

    found: dict[Any, tuple[list[int], list[np.ndarray], set[int], int]] = {}
    for k, job in enumerate(jobs):
        params, _ = compile_scenario(job.scenario, dtype=job.dtype)
        flat_jax, treedef = jax.tree_util.tree_flatten(params)
        flat = [np.asarray(a) for a in flat_jax]
        shape = (treedef, tuple((a.shape, a.dtype.str) for a in flat))
        if shape not in found:
            found[shape] = ([k], flat, set(), job.batch_size or default_batch_size(params))
            continue
        members, ref, differ, _ = found[shape]
        members.append(k)
        differ.update(i for i, a in enumerate(flat) if i not in differ and not _same(a, ref[i]))
    return [Group(tuple(m), tuple(sorted(d)), b) for m, _, d, b in found.values()]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal arrays (NaN equal to NaN)."""
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
