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
from iads.sweep.points import PointJob, point_table
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
        groups.append((members, (start,)))
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
    for members, leaves in study.groups:
        mine = [c for c in chunks if c.jobs[0].point.index in members]
        assert all({j.point.index for j in c.jobs} <= set(members) for c in mine)
        assert all(c.leaves == leaves for c in mine)
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
    assert [members for members, _ in study.groups] == [(0, 1), (2,)]
    (_, leaves), (_, alone) = study.groups
    assert alone == ()
    names = leaf_names(study, leaves)
    assert ".threats.valid" in names and all(n.startswith(".threats.") for n in names)
    rcs = prepare(scenario_file, [GRID])
    ((members, rcs_leaves),) = rcs.groups
    assert members == tuple(range(len(RCS_VALUES)))
    assert leaf_names(rcs, rcs_leaves) == [".threats.rcs_m2"]
    one = prepare(scenario_file, [GRID.split("=")[0] + "=0.01"])
    assert one.groups == (((0,), ()),)


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
