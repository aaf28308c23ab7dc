"""Prepare a study (every point validated before anything is written) and run its missing
points in-process or on a Dask cluster, writing each point's file as it finishes.

Points whose compiled engine arrays have the same shapes (a sweep over model values, or over
counts within one size bucket) form a group that compiles the engine once; its points run in
chunks, their replications side by side under ``vmap`` in batches of up to ``batch_size``
(:mod:`iads.sweep.points`). Both backends run a chunk with the same function
(:func:`iads.sweep.points.run_chunk`), so the files do not depend on the backend, the batch
size, the chunking or the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from iads.errors import InputError
from iads.scenario.compile import Scenario, scenario_from_mapping
from iads.sweep.base import Point, StudySpec
from iads.sweep.points import Chunk, Group, PointJob, groups, run_chunk
from iads.sweep.spec import arguments_of, read_study_source, with_defaults
from iads.sweep.study import (
    check_study_dir,
    finished,
    remove_stale_temporaries,
    study_record,
    write_point,
    write_record,
)
from iads.sweep.variant import check_paths


@dataclass(frozen=True)
class PreparedStudy:
    """A validated study: its spec, the base scenario, one job per point, its record, and the
    points grouped by compiled shapes (:func:`iads.sweep.points.groups`)."""

    spec: StudySpec
    scenario: Scenario
    jobs: tuple[PointJob, ...]
    record: dict[str, Any]
    groups: tuple[Group, ...]

    def chunks(self, todo: tuple[PointJob, ...], workers: int = 1) -> tuple[Chunk, ...]:
        """The chunks that run ``todo`` (each group's points in order, a group's chunks of
        one size and batch; see :func:`points_per_chunk`)."""
        wanted = {job.point.index for job in todo}
        out = []
        for group in self.groups:
            jobs = [self.jobs[k] for k in group.members]
            reps = jobs[0].replications
            size = points_per_chunk(len(jobs), reps, group.batch_size, workers)
            batch = min(group.batch_size, size * reps)
            mine = [j for j in jobs if j.point.index in wanted]
            out += [
                Chunk(tuple(mine[a : a + size]), group.leaves, batch)
                for a in range(0, len(mine), size)
            ]
        return tuple(out)


def points_per_chunk(points: int, replications: int, batch_size: int, workers: int = 1) -> int:
    """How many of a group's ``points`` run side by side in one chunk.

    As many as one batch holds (``batch_size // replications``, at least 1), spread evenly
    over the fewest chunks (20 points of 16 replications, batches of 256: two chunks of 10,
    not 16 and 4); with several workers, at least two chunks a worker where there are points
    enough, so that every worker has work and a lost worker loses little.
    """
    per = max(1, batch_size // replications)
    n = math.ceil(points / per)
    if workers > 1:
        n = max(n, min(points, 2 * workers))
    return math.ceil(points / n)


def prepare(
    source: Path,
    grid: list[str],
    replications: int | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    dtype: str | None = None,
) -> PreparedStudy:
    """Read and validate a study; every point is validated as a scenario. Writes nothing.

    Raises :class:`InputError` naming the file and the ``--grid`` argument (or study-file
    field) at fault.
    """
    if replications is not None and replications < 1:
        raise InputError(source, "--replications", f"must be >= 1, got {replications}")
    if batch_size is not None and batch_size < 1:
        raise InputError(source, "--batch-size", f"must be >= 1, got {batch_size}")
    if dtype not in (None, "float32", "float64"):
        raise InputError(source, "--dtype", f"must be float32 or float64, got {dtype!r}")
    spec, raw = read_study_source(source, grid, replications, seed)
    base = scenario_from_mapping(spec.scenario, raw)
    spec = with_defaults(spec, base.spec.replications, base.spec.seed)
    arguments = arguments_of(spec)
    source_name = source
    points = spec.points()
    # each value alone first, so that an error names the one argument that caused it
    for path in arguments:
        for value in {repr(p.as_dict()[path]): p.as_dict()[path] for p in points}.values():
            check_paths(base, raw, Point(0, ((path, value),)), arguments, source_name)
    jobs = tuple(
        PointJob(
            point=p,
            scenario=check_paths(base, raw, p, arguments, source_name),
            replications=spec.replications,
            seed=spec.seed,
            batch_size=batch_size,
            dtype=dtype,
        )
        for p in points
    )
    record = study_record(spec, base, points, dtype or base.spec.dtype)
    return PreparedStudy(
        spec=spec, scenario=base, jobs=jobs, record=record, groups=tuple(groups(jobs))
    )


#: Called with a finished point's job and its table (``run_chunk``'s).
Done = Callable[[PointJob, Any], None]
#: Called with a number of replications just finished.
Counter = Callable[[int], None]


class Backend(Protocol):
    """Runs chunks of points and hands each finished point's table to ``done`` (in any order).

    A context manager (a cluster is started on entry and closed on exit);
    ``reports_replications``: whether it calls ``replications_done`` as replications finish
    (otherwise the caller counts a point's replications when the point is done).
    """

    reports_replications: bool

    def __enter__(self) -> Backend:
        """Start what the backend needs."""
        ...

    def __exit__(self, *exc: object) -> None:
        """Release it."""
        ...

    def run(self, chunks: tuple[Chunk, ...], done: Done, replications_done: Counter) -> None:
        """Run every chunk; call ``done(job, table)`` once per point."""
        ...

    def workers(self) -> int:
        """How many chunks it runs at once."""
        ...

    def device(self) -> str:
        """Where the replications run, in words."""
        ...


class InProcess:
    """Run the points here, one after another, on JAX's default device (a GPU if JAX sees
    one)."""

    reports_replications = True

    def __enter__(self) -> InProcess:
        """Nothing to start."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release."""

    def run(self, chunks: tuple[Chunk, ...], done: Done, replications_done: Counter) -> None:
        """Run every chunk in order."""
        for chunk in chunks:
            for job, table in zip(chunk.jobs, run_chunk(chunk, replications_done), strict=True):
                done(job, table)

    def workers(self) -> int:
        """One chunk at a time."""
        return 1

    def device(self) -> str:
        """JAX's default device."""
        return device_name()


def device_name() -> str:
    """JAX's default device in words (``cpu``, ``gpu (NVIDIA H100 80GB HBM3)``)."""
    import jax

    dev = jax.devices()[0]
    kind = getattr(dev, "device_kind", "")
    return dev.platform if dev.platform == "cpu" else f"{dev.platform} ({kind})"


@dataclass(frozen=True)
class StudyRun:
    """What a sweep did: points run now, points found finished, and where it ran."""

    ran: int
    skipped: int
    device: str


def run_study(
    study: PreparedStudy,
    out: Path,
    backend: Backend | None = None,
    on_point: Callable[[PointJob], None] | None = None,
    on_replications: Callable[[int], None] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
) -> StudyRun:
    """Run the points of ``study`` that ``out`` does not hold yet; write each as it finishes.

    ``on_plan(to_run, already_done)`` is called once before running, ``on_point`` after each
    point's file is written, ``on_replications(n)`` as replications finish (in-process).
    """
    backend = backend or InProcess()
    resuming = check_study_dir(out, study.record)
    if resuming:
        remove_stale_temporaries(out)
    todo = tuple(j for j in study.jobs if not (resuming and finished(out, j.point, j.replications)))
    if on_plan is not None:
        on_plan(len(todo), len(study.jobs) - len(todo))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out, "--out", f"cannot create it: {exc.strerror or exc}") from None
    write_record(out, study.record)

    def done(job: PointJob, table: Any) -> None:
        write_point(out, job, table)
        if on_point is not None:
            on_point(job)

    chunks = study.chunks(todo, backend.workers())
    backend.run(chunks, done, on_replications or (lambda n: None))
    return StudyRun(ran=len(todo), skipped=len(study.jobs) - len(todo), device=backend.device())
