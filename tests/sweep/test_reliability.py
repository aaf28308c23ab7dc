"""A sweep survives what stops it: Ctrl-C (then a rerun finishes it, keeping every finished
point) and a Dask worker killed mid-sweep (every point still written exactly once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from iads.sweep.study import point_file
from tests.sweep.conftest import GRID, RCS_PATH, RCS_VALUES, cache_environment, invoke

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.slow
def test_ctrl_c_then_a_rerun_loses_no_finished_point_and_redoes_only_the_rest(
    scenario_file, rcs_study, jax_cache, tmp_path
):
    out = tmp_path / "study"
    args = ["sweep", str(scenario_file), "--grid", GRID, "--replications", "32"]
    args += ["--batch-size", "4", "--out", str(out)]  # 8 batches a point: seconds to stop in
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.update(cache_environment(jax_cache))  # the engine the RCS study compiled
    proc = subprocess.Popen(
        [sys.executable, "-m", "iads", *args], stderr=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 240
    while not point_file(out, 0).exists() and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGINT, err
    assert err.strip().count("\n") == 0 and "interrupted (Ctrl-C)" in err
    finished = sorted(p.name for p in (out / "points").iterdir())
    assert "point-00000.parquet" in finished and len(finished) < len(RCS_VALUES)
    kept = {name: (out / "points" / name).stat().st_mtime_ns for name in finished}
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    assert f"{len(RCS_VALUES) - len(finished)} run now" in res.output
    for name, mtime in kept.items():
        assert (out / "points" / name).stat().st_mtime_ns == mtime
    for i, rcs in enumerate(RCS_VALUES):
        t = pq.read_table(point_file(out, i))
        assert t.num_rows == 32 and set(t.column(RCS_PATH).to_pylist()) == {rcs}


@pytest.mark.slow
def test_killing_a_dask_worker_mid_sweep_still_writes_every_point_exactly_once(
    scenario_file, rcs_study, jax_cache, tmp_path, monkeypatch
):
    from iads.sweep.distributed import DaskAddress, DaskBackend
    from iads.sweep.run import prepare, run_study

    values = (*RCS_VALUES, 0.002, 0.005, 0.02)
    grid = f"{RCS_PATH}={','.join(map(str, values))}"
    killed: list[int] = []
    for name, value in cache_environment(jax_cache).items():  # workers load the engine
        monkeypatch.setenv(name, value)
    with DaskBackend(DaskAddress(workers=2)) as dask:

        def kill_a_busy_worker(job) -> None:  # type: ignore[no-untyped-def]
            if killed:
                return
            busy = [w for w, tasks in dask.client.processing().items() if tasks]
            if busy:
                pid = dask.client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        result = run_study(prepare(scenario_file, [grid]), tmp_path / "s", dask, kill_a_busy_worker)
    assert killed and result.ran == len(values)
    files = sorted(p.name for p in (tmp_path / "s" / "points").iterdir())
    assert files == [f"point-{i:05d}.parquet" for i in range(len(values))]
    for i, rcs in enumerate(RCS_VALUES):  # the same values as the in-process study
        got = pq.read_table(point_file(tmp_path / "s", i)).drop_columns(["point"])
        want = pq.read_table(point_file(rcs_study[0], i)).drop_columns(["point"])
        assert got.equals(want), rcs
