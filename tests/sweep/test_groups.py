"""Study points side by side: points that share compiled shapes form one group, run in chunks
under ``vmap`` with the arrays that differ given per replication, and give each point the
outcomes it has when run alone."""

from __future__ import annotations

import math

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iads.results.outcomes import per_replication
from iads.scenario.compile import compile_scenario
from iads.simulate import simulate
from iads.sweep.base import Point
from iads.sweep.points import Group, PointJob, point_table
from iads.sweep.run import PreparedStudy, points_per_chunk, prepare
from iads.sweep.study import point_file
from tests.sweep.conftest import GRID, RCS_VALUES, REPLICATIONS


@pytest.mark.parametrize(
    ("points", "reps", "batch", "workers", "size"),
    [
        (20, 16, 256, 1, 10),  # 320 replications: two batches of 160, not 256 and 64
        (3, 4, 256, 1, 3),  # all in one batch of 12
        (3, 32, 4, 1, 1),  # a point is longer than a batch: one at a time
        (8, 16, 256, 2, 2),  # two workers: at least two chunks each
        (1, 16, 256, 4, 1),
        (5, 100, 256, 1, 2),  # 2 a batch: 2, 2, 1
    ],
)
def test_points_per_chunk_known_answers(points, reps, batch, workers, size):
    assert points_per_chunk(points, reps, batch, workers) == size


def _study(group_sizes: list[int], reps: int, batch: int) -> PreparedStudy:
    """A study of fake jobs (no scenario: ``chunks`` reads indices, replications, batch)."""
    n = sum(group_sizes)
    jobs = tuple(
        PointJob(Point(i, ()), None, reps, 1, batch, None)  # type: ignore[arg-type]
        for i in range(n)
    )
    groups, start = [], 0
    for size in group_sizes:
        members = tuple(range(start, start + size))
        groups.append(Group(members, (start,), batch))
        start += size
    return PreparedStudy(spec=None, scenario=None, jobs=jobs, record={}, groups=tuple(groups))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=4),
    reps=st.integers(1, 300),
    batch=st.integers(1, 512),
    workers=st.integers(1, 8),
    dropped=st.sets(st.integers(0, 159)),
)
@example(sizes=[20], reps=16, batch=256, workers=1, dropped=set())
@example(sizes=[1], reps=1, batch=1, workers=8, dropped={0})
def test_chunks_run_every_missing_point_once_within_its_group_and_one_batch(
    sizes, reps, batch, workers, dropped
):
    study = _study(sizes, reps, batch)
    todo = tuple(j for j in study.jobs if j.point.index not in dropped)
    chunks = study.chunks(todo, workers)
    ran = [j.point.index for c in chunks for j in c.jobs]
    assert sorted(ran) == [j.point.index for j in todo]  # each missing point exactly once
    for group in study.groups:
        members = group.members
        mine = [c for c in chunks if c.jobs[0].point.index in members]
        assert all({j.point.index for j in c.jobs} <= set(members) for c in mine)
        assert all(c.leaves == group.leaves for c in mine)
        size = points_per_chunk(len(members), reps, batch, workers)
        assert len({c.batch for c in mine}) <= 1  # one compiled batch shape a group
        for c in mine:
            assert 1 <= len(c.jobs) <= size
            assert c.batch <= batch and (len(c.jobs) * reps <= batch or len(c.jobs) == 1)
        # no more chunks than needed for the points of the group still to run
        assert len(mine) == math.ceil(sum(1 for j in todo if j.point.index in members) / size)


def leaf_names(study: PreparedStudy, leaves: tuple[int, ...]) -> list[str]:
    """The Params paths (``.threats.rcs_m2``) of the leaves at ``leaves``."""
    import jax

    params, _ = compile_scenario(study.jobs[0].scenario)
    paths = [jax.tree_util.keystr(p) for p, _ in jax.tree_util.tree_flatten_with_path(params)[0]]
    return [paths[i] for i in leaves]


def test_points_that_share_compiled_shapes_form_one_group(scenario_file):
    """Raid sizes 3 and 4 fit the same threat slots (4); 40 needs more: two groups, the first
    varying the threats' arrays (the fourth slot is a threat or padding). A sweep over the
    fighters' RCS is one group varying only the threats' RCS; one point varies nothing."""
    study = prepare(scenario_file, ["raid[0].count=3,4,40"])
    assert [g.members for g in study.groups] == [(0, 1), (2,)]
    shared, alone = study.groups
    assert alone.leaves == ()
    names = leaf_names(study, shared.leaves)
    assert ".threats.valid" in names and all(n.startswith(".threats.") for n in names)
    rcs = prepare(scenario_file, [GRID])
    (group,) = rcs.groups
    assert group.members == tuple(range(len(RCS_VALUES)))
    assert leaf_names(rcs, group.leaves) == [".threats.rcs_m2"]
    one = prepare(scenario_file, [GRID.split("=")[0] + "=0.01"])
    assert [(g.members, g.leaves) for g in one.groups] == [((0,), ())]


@pytest.mark.slow
def test_a_point_run_beside_others_has_the_outcomes_it_has_alone(rcs_study, scenario_file):
    """The RCS study ran its three points side by side in one batch; each point's scenario
    run alone by ``iads.simulate`` (its values compiled in, nothing per replication) gives the
    same counts in every replication and the same first-detection ranges (to float32)."""
    study = prepare(scenario_file, [GRID])
    for job in study.jobs:
        got = pq.read_table(point_file(rcs_study[0], job.point.index))
        res = simulate(job.scenario, REPLICATIONS, job.seed)
        want = point_table(job, per_replication(res.params, res.runs, res.layout))
        assert got.column_names == want.column_names
        for name in got.column_names:
            a, b = got.column(name).to_pylist(), want.column(name).to_pylist()
            if name.startswith("first_detection_range_m"):
                assert [x is None for x in a] == [x is None for x in b], name
                x = np.array([v for v in a if v is not None])
                y = np.array([v for v in b if v is not None])
                np.testing.assert_allclose(x, y, rtol=1e-5, err_msg=name)
            else:
                assert a == b, (job.point.index, name)


@pytest.mark.parametrize(
    ("index", "workers", "cores", "share"),
    [
        (0, 2, [0, 1], [0]),
        (1, 2, [0, 1], [1]),
        (0, 1, [0, 1], [0, 1]),  # one worker: every core
        (2, 3, [0, 1], [0]),  # more workers than cores: round robin
        (1, 2, [0, 1, 2, 3], [2, 3]),
        (2, 3, [4, 5, 6, 7, 8, 9, 10], [8, 9, 10]),
    ],
)
def test_a_local_worker_gets_its_share_of_the_cores(index, workers, cores, share):
    from iads.sweep.distributed import core_share

    assert core_share(index, workers, cores) == share


@given(workers=st.integers(1, 16), n=st.integers(1, 16))
def test_local_workers_shares_cover_the_cores_without_overlap_when_there_are_enough(workers, n):
    from iads.sweep.distributed import core_share

    cores = list(range(100, 100 + n))
    shares = [core_share(i, workers, cores) for i in range(workers)]
    assert all(s and set(s) <= set(cores) for s in shares)
    if workers <= n:
        assert sorted(c for s in shares for c in s) == cores  # a partition of the cores
    else:
        assert all(len(s) == 1 for s in shares)


def _affinity() -> tuple[list[int], set[tuple[int, ...]]]:
    """This process's cores and those of each of its threads."""
    import os

    threads = {tuple(sorted(os.sched_getaffinity(int(t)))) for t in os.listdir("/proc/self/task")}
    return sorted(os.sched_getaffinity(0)), threads


@pytest.mark.slow
def test_two_local_workers_on_two_cores_run_each_on_its_own_core():
    import os

    from iads.sweep.distributed import DaskAddress, DaskBackend

    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs Linux and at least two cores")
    cores = sorted(os.sched_getaffinity(0))
    with DaskBackend(DaskAddress(workers=2)) as dask:
        got = dask.client.run(_affinity)
    shares = sorted(own for own, _ in got.values())
    assert shares == [cores[: len(cores) // 2], cores[len(cores) // 2 :]]
    for own, threads in got.values():
        assert threads == {tuple(own)}  # every thread of the worker, not just one


@pytest.mark.slow
def test_a_groups_smaller_last_chunk_runs_padded_in_the_same_compiled_engine(
    scenario_file, tmp_path
):
    """Five RCS values of 4 replications at batches of 8: chunks of 2, 2 and 1 point. The last
    (4 replications) runs padded to 8, so the study compiles the engine once, not twice."""
    from iads.engine.run import _run_batch
    from iads.sweep.run import run_study

    grid = f"{GRID.split('=')[0]}=0.0011,0.0021,0.0031,0.0041,0.0051"
    study = prepare(scenario_file, [grid], batch_size=8)
    assert [len(c.jobs) for c in study.chunks(study.jobs)] == [2, 2, 1]
    before = _run_batch._cache_size()
    run_study(study, tmp_path / "s")
    assert _run_batch._cache_size() - before <= 1
    assert len(list((tmp_path / "s" / "points").iterdir())) == 5
