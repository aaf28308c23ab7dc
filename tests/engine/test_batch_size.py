"""How many replications run at once when no batch size is given: 256 on a CPU; on a device
that reports its free memory (a GPU), as many as fit in half of it."""

from __future__ import annotations

import pytest

import iads.simulate as sim
from iads.scenario.compile import compile_scenario, device_free_bytes, load_scenario
from iads.sweep.run import prepare
from tests.engine.scenarios import base, raid_group, write


@pytest.fixture(scope="module")
def small(tmp_path_factory):  # type: ignore[no-untyped-def]
    d = base(duration_s=60.0, replications=3, seed=1)
    d["raid"] = [raid_group("f35", "f35_class", 2, 5.0, 300.0, 10000.0)]
    path = write(tmp_path_factory.mktemp("batch"), d)
    return path, compile_scenario(load_scenario(path))[0]


def test_a_cpu_reports_no_device_memory_and_runs_the_default_batch(small):
    assert device_free_bytes() is None  # the CPU backend keeps no device memory statistics
    assert sim.default_batch_size(small[1]) == sim.DEFAULT_BATCH_SIZE


@pytest.mark.parametrize("free_gib", [0.001, 1.0, 16.0, 80.0])
def test_on_a_gpu_the_batch_fills_half_its_free_memory(small, monkeypatch, free_gib):
    free = int(free_gib * 2**30)
    monkeypatch.setattr(sim, "device_free_bytes", lambda: free)
    monkeypatch.setattr(sim, "available_memory_bytes", lambda: 2**50)  # a host without limit
    per_rep = sim.replication_bytes(small[1])
    batch = sim.default_batch_size(small[1])
    assert batch >= 1
    if batch > 1:  # the batch's working set fits in half the free memory, one more would not
        assert batch * sim.DEVICE_WORKING_SET * per_rep <= free / 2
        assert (batch + 1) * sim.DEVICE_WORKING_SET * per_rep > free / 2
    else:
        assert 2 * sim.DEVICE_WORKING_SET * per_rep > free / 2


def test_on_a_gpu_the_batch_leaves_the_host_room_for_the_results(small, monkeypatch):
    """A GPU with 80 GiB free on a host with 1 GiB: the batch's results (3 copies, as the
    memory check counts them) take at most a fifth of what the check allows, so a run that the
    check admits is never refused for the batch the default chose."""
    monkeypatch.setattr(sim, "device_free_bytes", lambda: 80 * 2**30)
    monkeypatch.setattr(sim, "available_memory_bytes", lambda: 2**30)
    per_rep = sim.replication_bytes(small[1])
    batch = sim.default_batch_size(small[1])
    assert batch >= 1 and 4 * batch * 3 * per_rep <= 0.8 * 2**30 / 5
    assert batch < 0.5 * 80 * 2**30 / (sim.DEVICE_WORKING_SET * per_rep) / 10  # the host decided


def test_a_sweep_on_a_gpu_sizes_each_groups_batch_to_its_own_arrays(small, monkeypatch):
    """A raid of 2 and one of 40 compile to different shapes: the larger replication gets the
    smaller batch; a batch size given on the command line is kept as given."""
    monkeypatch.setattr(sim, "device_free_bytes", lambda: 8 * 2**30)
    monkeypatch.setattr(sim, "available_memory_bytes", lambda: 64 * 2**30)
    study = prepare(small[0], ["raid[0].count=2,40"])
    two, forty = study.groups
    assert two.batch_size > forty.batch_size > 1
    for group in study.groups:
        job = study.jobs[group.members[0]]
        params = compile_scenario(job.scenario)[0]
        assert group.batch_size == sim.default_batch_size(params)
    given = prepare(small[0], ["raid[0].count=2,40"], batch_size=7)
    assert [g.batch_size for g in given.groups] == [7, 7]


def test_iads_simulate_is_the_function_even_after_its_module_was_imported(small):
    """``import iads.simulate`` (as this file does) makes ``iads.simulate`` the module; called,
    it still runs the function (a bad replication count gets the function's one-line error)."""
    import iads
    from iads.errors import InputError

    assert iads.simulate is sim  # the import made the attribute the module
    with pytest.raises(InputError, match="replications"):
        iads.simulate(small[0], replications=0)
