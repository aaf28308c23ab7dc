"""iads sweep, query and report on a small value sweep (the fighters' RCS): one compilation,
one file per point, resume, refusal, errors, and results that do not depend on how they ran."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iads.sweep.query import query
from iads.sweep.report import Metric, curves
from iads.sweep.run import prepare, run_study
from iads.sweep.study import point_file
from tests.engine.scenarios import write
from tests.sweep.conftest import (
    GRID,
    RCS_PATH,
    RCS_VALUES,
    REPLICATIONS,
    fighter_scenario,
    invoke,
)


def files_under(path: Path) -> dict[str, int]:
    """Every file under ``path`` and its modification time (ns)."""
    return {str(p.relative_to(path)): p.stat().st_mtime_ns for p in path.rglob("*") if p.is_file()}


def copy_study(rcs_study, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "study"
    shutil.copytree(rcs_study[0], out)
    return out


@pytest.mark.slow
def test_a_value_sweep_compiles_the_engine_once_and_writes_one_file_per_point(rcs_study):
    out, compilations = rcs_study
    assert compilations <= 1  # three points, one compiled engine (0 if another test made it)
    files = sorted(p.name for p in (out / "points").iterdir())
    assert files == [f"point-{i:05d}.parquet" for i in range(len(RCS_VALUES))]
    record = json.loads((out / "study.json").read_text())
    assert record["study"]["grid"] == {RCS_PATH: list(RCS_VALUES)}
    assert record["study"]["seed"] == 3 and record["study"]["replications"] == REPLICATIONS
    assert len(record["scenario_sha256"]) == 64 and record["iads_version"]
    for i, rcs in enumerate(RCS_VALUES):
        t = pq.read_table(point_file(out, i))
        assert t.column("point").to_pylist() == [i] * REPLICATIONS
        assert t.column("replication").to_pylist() == list(range(REPLICATIONS))
        assert t.column(RCS_PATH).to_pylist() == [rcs] * REPLICATIONS
        # two fighters: each is destroyed, leaked or still flying
        total = np.add.reduce(
            [t.column(c).to_numpy() for c in ("destroyed", "leaked", "unresolved")]
        )
        assert (total == 2).all()


@pytest.mark.slow
def test_a_fighter_with_a_larger_rcs_is_detected_farther_out(rcs_study):
    """Detection range grows with RCS (R^4 proportional to sigma in the radar equation): the
    mean first-detection range and the number detected never fall as the RCS grows."""
    t = query(
        rcs_study[0],
        f'SELECT "{RCS_PATH}" AS rcs, avg(first_detection_range_m_f35_class) AS range_m, '
        "avg(detected) AS detected FROM study GROUP BY 1 ORDER BY 1",
    ).to_pydict()
    assert t["rcs"] == list(RCS_VALUES)
    detected_ranges = [r for r in t["range_m"] if r is not None]
    assert len(detected_ranges) >= 2
    assert detected_ranges == sorted(detected_ranges) and len(set(detected_ranges)) == len(
        detected_ranges
    )
    assert t["detected"] == sorted(t["detected"])


@pytest.mark.slow
def test_a_rerun_skips_finished_points_and_redoes_only_the_missing_one(rcs_study, tmp_path):
    out = copy_study(rcs_study, tmp_path)
    original = pq.read_table(point_file(out, 1))
    point_file(out, 1).unlink()
    (out / "points" / ".point-00001.parquet.abc.tmp").mkdir()  # what a crash mid-write leaves
    before = files_under(out)
    res = invoke("sweep", str(rcs_study_scenario(out)), "--grid", GRID, "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "1 run now" in res.output and "2 already done" in res.output
    after = files_under(out)
    for name in ("points/point-00000.parquet", "points/point-00002.parquet"):
        assert after[name] == before[name]  # not rewritten
    assert not list((out / "points").glob(".*"))
    assert pq.read_table(point_file(out, 1)).equals(original)  # same seed, same replications


def rcs_study_scenario(out: Path) -> Path:
    return Path(json.loads((out / "study.json").read_text())["scenario"])


@pytest.mark.slow
def test_a_changed_grid_or_scenario_under_a_study_is_refused(rcs_study, tmp_path):
    out = copy_study(rcs_study, tmp_path)
    before = files_under(out)
    scn = rcs_study_scenario(out)
    res = invoke("sweep", str(scn), "--grid", f"{RCS_PATH}=0.001,0.1", "--out", str(out))
    assert res.exit_code == 2
    assert "grid or design" in res.output and res.output.count("\n") == 1
    changed = write(tmp_path, fighter_scenario(duration_s=300.0), "changed.yaml")
    res = invoke("sweep", str(changed), "--grid", GRID, "--out", str(out))
    assert res.exit_code == 2 and "other scenario" in res.output
    assert files_under(out) == before


@pytest.mark.slow
def test_a_write_error_stops_with_one_line_and_keeps_finished_points(
    rcs_study, tmp_path, monkeypatch
):
    out = copy_study(rcs_study, tmp_path)
    for i in (1, 2):
        point_file(out, i).unlink()
    kept = pq.read_table(point_file(out, 0))

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pq, "write_table", refuse)
    res = invoke("sweep", str(rcs_study_scenario(out)), "--grid", GRID, "--out", str(out))
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "Permission denied" in res.output
    monkeypatch.undo()
    assert sorted(p.name for p in (out / "points").iterdir()) == ["point-00000.parquet"]
    assert pq.read_table(point_file(out, 0)).equals(kept)


@pytest.mark.slow
def test_results_are_the_same_whatever_the_batch_size_and_the_backend(rcs_study, tmp_path):
    """The study ran in-process in one batch of 4; here on two Dask workers in batches of 3
    and 1: every point's file is the same, row for row."""
    from iads.sweep.distributed import DaskAddress, DaskBackend

    scn = rcs_study_scenario(rcs_study[0])
    with DaskBackend(DaskAddress(workers=2, processes=False)) as dask:
        run_study(prepare(scn, [GRID], batch_size=3), tmp_path / "dask", dask)
    for i in range(len(RCS_VALUES)):
        expected = pq.read_table(point_file(rcs_study[0], i))
        assert pq.read_table(point_file(tmp_path / "dask", i)).equals(expected), i


@pytest.mark.slow
def test_the_report_draws_every_outcome_against_the_rcs_with_bands(rcs_study, tmp_path):
    out = copy_study(rcs_study, tmp_path)
    res = invoke("report", str(out))
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text()
    assert html.count("<svg") >= 6 and f"against {RCS_PATH}" in html
    table = pq.read_table(out / "points")
    lines = curves(table, Metric("detected", "detected"), RCS_PATH, [])
    (line,) = lines
    assert line.x == RCS_VALUES
    for mean, lo, hi in zip(line.mean, line.lo, line.hi, strict=True):
        assert lo <= mean <= hi and lo >= 0 and hi <= 2  # two fighters
    res = invoke("query", str(out), f'SELECT count(*) AS n FROM study WHERE "{RCS_PATH}" > 0')
    assert res.exit_code == 0 and str(len(RCS_VALUES) * REPLICATIONS) in res.output


@pytest.mark.parametrize(
    ("grid", "problem"),
    [
        (f"{RCS_PATH}=0.01,-1", "must be > 0"),
        (f"{RCS_PATH}=nan", "must be finite"),
        (f"{RCS_PATH}=small", "must be a number"),
        ("raid[0].count=2,2.5", "valid integer"),
        ("raid[0].count=0", "greater than or equal to 1"),
        ("raid[3].count=2", "raid[3]: no such item"),
        ("raid[0].kount=2", "kount"),
        ("threats.f99_class.rcs_m2=1", "unknown"),
        ("batteries[0].doctrine.policy=shoot-first", "shoot-look-shoot"),
    ],
)
def test_a_bad_grid_value_names_the_argument_exits_2_and_writes_nothing(
    scenario_file, tmp_path, grid, problem
):
    out = tmp_path / "new" / "study"
    res = invoke(
        "sweep",
        str(scenario_file),
        "--grid",
        "batteries[0].doctrine.salvo_size=1,2",
        "--grid",
        grid,
        "--out",
        str(out),
    )
    assert res.exit_code == 2
    assert res.output.count("\n") == 1, res.output
    assert f"--grid {grid!r}" in res.output and problem in res.output
    assert not (tmp_path / "new").exists()


def test_a_study_file_design_is_validated_and_names_its_field(scenario_file, tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text(
        f"scenario: {scenario_file}\ndesign: latin-hypercube\nsamples: 5\nreplications: 2\n"
        f"ranges:\n  {RCS_PATH}: {{low: 0.001, high: 0.1, log: true}}\n"
        "  raid[0].count: {low: 1, high: 4, integer: true}\n"
    )
    prepared = prepare(study, [])
    assert len(prepared.jobs) == 5 and prepared.spec.replications == 2
    counts = sorted(j.scenario.spec.raid[0].count for j in prepared.jobs)
    assert all(1 <= c <= 4 for c in counts)
    rcs = [j.scenario.catalog.threats["f35_class"].rcs_m2.value for j in prepared.jobs]
    assert all(0.001 <= r <= 0.1 for r in rcs) and len(set(rcs)) == 5
    study.write_text(
        f"scenario: {scenario_file}\ndesign: random\nsamples: 3\n"
        "ranges:\n  raid[0].count: {low: -4, high: -1, integer: true}\n"
    )
    res = invoke("sweep", str(study), "--out", str(tmp_path / "out"))
    assert res.exit_code == 2 and "ranges.raid[0].count" in res.output
    assert not (tmp_path / "out").exists()
    study.write_text(f"scenario: {scenario_file}\ndesign: random\ngrid: {{}}\n")
    res = invoke("sweep", str(study), "--out", str(tmp_path / "out"))
    assert res.exit_code == 2 and "needs ranges" in res.output


@pytest.mark.parametrize("address", ["bogus", "local:0", "tcp://host", "local:x"])
def test_a_bad_dask_address_exits_2_and_writes_nothing(scenario_file, tmp_path, address):
    out = tmp_path / "study"
    res = invoke("sweep", str(scenario_file), "--grid", GRID, "--dask", address, "--out", str(out))
    assert res.exit_code == 2 and "--dask" in res.output and res.output.count("\n") == 1
    assert not out.exists()


@settings(max_examples=15, deadline=None)
@given(
    st.one_of(
        st.floats(max_value=0.0),
        st.just(math.nan),
        st.just(math.inf),
        st.text(st.characters(categories=["L"]), min_size=1),  # letters: never a number
    )
)
@example(-0.0)
@example(math.nan)
@example(-math.inf)
@example("0.01x")
def test_an_rcs_that_is_not_a_positive_finite_number_is_refused_before_anything_runs(
    scenario_file, tmp_path_factory, value
):
    from iads.errors import InputError

    text = repr(value) if isinstance(value, float) else value
    if isinstance(value, float) and math.isinf(value):
        text = "inf" if value > 0 else "-inf"
    grid = f"{RCS_PATH}=0.01,{text}"
    with pytest.raises(InputError) as err:
        prepare(scenario_file, [grid])
    assert f"--grid {grid!r}" in str(err.value) and "\n" not in str(err.value)
