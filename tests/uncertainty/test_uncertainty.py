"""The spread of public figures: triangular draws per replication, the drawn catalog reaching
the engine as the nominal one does, and the ranking of what drives the spread."""

from __future__ import annotations

import dataclasses
import json

import jax
import numpy as np
import pytest
import scipy.stats
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iads.engine.run import run_batches
from iads.scenario.compile import compile_scenario, load_scenario
from iads.simulate import simulate
from iads.uncertainty import (
    UncertainFigure,
    candidate_figures,
    draw,
    prepare_uncertainty,
    triangular,
    with_values,
)
from iads.uncertainty.drivers import rank_drivers
from tests.engine.scenarios import base, float_tolerance, write
from tests.test_cli import invoke


def _fig(path: str, low: float, value: float, high: float, integer: bool = False):
    section, key, *rest = path.split(".")
    return UncertainFigure(section, key, tuple(rest), value, low, high, "modelling", integer)


# --- The triangular distribution (known answers) ----------------------------------------------


def test_triangular_quantiles_are_the_closed_form():
    a, c, b = 2.0, 3.0, 6.0
    # F(c) = (c - a) / (b - a) = 1/4: the quantile at 1/4 is the mode; 0 and 1 the ends
    np.testing.assert_allclose(triangular([0.0, 0.25, 1.0], a, c, b), [a, c, b])
    # median of triangular(2, 3, 6): b - sqrt((b - a)(b - c) / 2) = 6 - sqrt(6)
    np.testing.assert_allclose(triangular(0.5, a, c, b), 6.0 - np.sqrt(6.0))
    # a zero-width range gives the nominal value
    assert triangular(0.7, 5.0, 5.0, 5.0) == 5.0


def test_draws_follow_the_triangular_distribution():
    fig = _fig("missiles.X.flight.drag_scale", 0.8, 1.0, 1.6)
    x = draw(11, [fig], range(4000))[:, 0]
    # scipy's triang(c, loc, scale) with c = (mode - low) / (high - low)
    ks = scipy.stats.kstest(x, scipy.stats.triang(c=0.2 / 0.8, loc=0.8, scale=0.8).cdf)
    assert ks.pvalue > 1e-3
    assert abs(x.mean() - (0.8 + 1.0 + 1.6) / 3) < 0.01


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(-1e3, 1e3),
    widths=st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)),
    seed=st.integers(0, 2**31 - 1),
)
@example(low=0.0, widths=(0.0, 0.0), seed=0)
@example(low=-5.0, widths=(1e3, 0.0), seed=2**31 - 1)
def test_draws_stay_within_low_high_and_reproduce_with_the_seed(low, widths, seed):
    fig = _fig("threats.t.rcs_m2", low, low + widths[0], low + widths[0] + widths[1])
    count = _fig("radars.r.confirm_hits", 1.0, 2.0, 5.0, integer=True)
    x = draw(seed, [fig, count], range(64))
    assert np.all((x[:, 0] >= fig.low) & (x[:, 0] <= fig.high))
    assert np.all((x[:, 1] >= 1) & (x[:, 1] <= 5)) and np.all(x[:, 1] == np.round(x[:, 1]))
    np.testing.assert_array_equal(x, draw(seed, [fig, count], range(64)))
    # a replication's draw does not depend on the others drawn with it, nor on other figures
    np.testing.assert_array_equal(x[[5, 40], :1], draw(seed, [fig], [5, 40]))


def test_another_seed_draws_otherwise_and_a_shared_figure_draws_alike():
    fig = _fig("threats.t.speed_m_s", 200.0, 250.0, 300.0)
    other = _fig("missiles.m.flight.drag_scale", 0.5, 1.0, 2.0)
    a = draw(1, [fig], range(50))
    assert not np.array_equal(a, draw(2, [fig], range(50)))
    # two scenarios (two compared systems) that share a figure draw it alike
    np.testing.assert_array_equal(a[:, 0], draw(1, [other, fig], range(50))[:, 1])


# --- Figures and the drawn catalog ------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return load_scenario(write(tmp_path_factory.mktemp("unc"), base(replications=4)))


def test_candidates_are_the_used_entries_figures_with_a_range(scenario):
    figs = candidate_figures(scenario)
    paths = {f.path for f in figs}
    sections = {(f.section, f.key) for f in figs}
    assert ("missiles", "48N6E3") in sections and ("threats", "f16_class") in sections
    # entries the scenario does not use are not drawn
    assert not any(f.key in ("40N6E", "srbm", "GEM-T", "MPQ-65") for f in figs)
    assert all(f.low < f.high and f.low <= f.value <= f.high for f in figs)
    # a capacity (sizes the engine's arrays) is not a candidate
    assert not any(p.endswith(("targets_tracked", "missiles_guided")) for p in paths)


def test_with_values_sets_the_named_figures_only(scenario):
    cat = scenario.catalog
    figs = candidate_figures(scenario)
    fig = next(f for f in figs if f.path.endswith("flight.induced_drag_factor"))
    out = with_values(cat, [fig], [fig.high])
    assert out.missiles[fig.key].flight.induced_drag_factor.value == fig.high
    assert cat.missiles[fig.key].flight.induced_drag_factor.value == fig.value  # unchanged
    assert out.missiles[fig.key].flight.diameter_m == cat.missiles[fig.key].flight.diameter_m
    assert out.threats == cat.threats


@pytest.fixture(scope="module")
def uncertain(scenario):
    return prepare_uncertainty(scenario, seed=3)


def test_only_figures_that_reach_the_engine_are_drawn(scenario, uncertain):
    drawn = {f.path for f in uncertain.figures}
    assert "missiles.48N6E3.flight.induced_drag_factor" in drawn
    assert "threats.f16_class.speed_m_s" in drawn
    # figures with a range that no parameter array reads here are not drawn: the published
    # top speed (it checks the flyout), a radar's calibration range (it sets the nominal
    # power), the fire unit's launcher count (a bound on the scenario's count)
    candidates = {f.path for f in candidate_figures(scenario)}
    for path in (
        "missiles.48N6E3.max_speed_m_s",
        "radars.92N6E.calibration.range_m",
        "systems.S-400.launchers_per_fire_unit",
    ):
        assert path in candidates and path not in drawn
    # every drawn figure changes some parameter array at one of its ends
    assert uncertain.leaves
    counts = [f for f in uncertain.figures if f.integer]
    assert "command_posts.55K6E.tracking.confirm_hits" in {f.path for f in counts}


def test_a_drawn_replication_runs_as_its_drawn_catalog_compiled_alone(scenario, uncertain):
    """Replication i under uncertainty is the scenario compiled with replication i's draws (the
    nominal firing tables), run alone: the varying leaves reach the engine like any value."""
    runs = run_batches(
        compile_scenario(scenario)[0], 4, seed=3, batch_size=4, varying=uncertain.varying
    )
    i = 2
    values = uncertain.values([i])[0]
    variant = dataclasses.replace(
        scenario, catalog=with_values(scenario.catalog, uncertain.figures, values)
    )
    params_i = compile_scenario(variant, tables_from=scenario.catalog)[0]
    alone = run_batches(params_i, 1, seed=3, batch_size=1, first_replication=i)
    leaves = jax.tree_util.tree_leaves_with_path(runs)
    for (path, xb), xa in zip(leaves, jax.tree_util.tree_leaves(alone), strict=True):
        b, a = np.asarray(xb)[i], np.asarray(xa)[0]
        if not np.issubdtype(b.dtype, np.floating):
            np.testing.assert_array_equal(b, a, err_msg=str(path))  # every discrete outcome
        elif "'flyout'" not in str(path) and "'end'), GetAttrKey(name='pos_m'" not in str(path):
            np.testing.assert_allclose(b, a, err_msg=str(path), **float_tolerance(path))
        # The rounds' kinematics (their last state, where a missed round ended) are not
        # compared: per-replication parameters vectorise otherwise than shared ones, and the
        # float32 rounding differences grow through proportional navigation past the closest
        # approach (a missed round's end point moves by metres, its lag by tens of m/s^2).
    # and the draws reach the engine: replication i's parameters are not the nominal ones
    nominal = jax.tree_util.tree_leaves(compile_scenario(scenario)[0])
    drawn = jax.tree_util.tree_leaves(params_i)
    assert all(not np.array_equal(nominal[k], drawn[k]) for k in uncertain.leaves[:3])


# --- What drives the spread -------------------------------------------------------------------


def test_the_figure_that_decides_a_result_ranks_first():
    rng = np.random.default_rng(0)
    figs = [_fig(f"threats.t{k}.speed_m_s", 0.0, 0.5, 1.0) for k in range(6)]
    x = rng.random((300, 6))
    # leakers rise with figure 3 (monotone, not linear) and noise; figure 5 lowers them weakly
    y = np.floor(10 * x[:, 3] ** 3 - 2 * x[:, 5] + rng.normal(0, 0.5, 300))
    out = rank_drivers(figs, x, {"leakers": y, "flat": np.ones(300)}, top=3)
    first, second = out["leakers"][:2]
    assert first.figure is figs[3] and first.rho > 0.8 and first.p_value < 1e-10
    assert second.figure is figs[5] and second.rho < 0
    assert out["flat"] == []  # no spread, no drivers


@pytest.mark.slow
def test_run_with_uncertainty_writes_the_draws_and_their_drivers(tmp_path):
    path = write(tmp_path, base(replications=6))
    out = tmp_path / "out"
    r = invoke("run", str(path), "--uncertainty", "--out", str(out))
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    unc = summary["uncertainty"]
    assert unc["distribution"].startswith("triangular")
    assert unc["figures"] and all(f["low"] <= f["nominal"] <= f["high"] for f in unc["figures"])
    assert set(unc["drivers"]) >= {"leakers", "destroyed", "missiles fired"}
    assert "What drives the spread" in (out / "report.html").read_text()
    assert "What drives the spread" in r.output
    # the same command again gives the same draws and the same outcomes
    again = simulate(path, replications=6, uncertainty=True).summary()
    assert again["threats"] == summary["threats"]


def test_draws_do_not_depend_on_the_run_precision():
    fig = _fig("threats.t.speed_m_s", 200.0, 250.0, 300.0)
    x32 = draw(4, [fig], range(20))
    with jax.enable_x64(True):
        x64 = draw(4, [fig], range(20))
    np.testing.assert_array_equal(x32, x64)


@pytest.mark.slow
def test_two_identical_systems_under_uncertainty_draw_alike_and_do_not_differ(tmp_path):
    from iads.compare import Contender, compare
    from iads.compare.output import write_comparison
    from tests.test_compare import raid_scenario

    scn = load_scenario(write(tmp_path, raid_scenario(replications=6)))
    pair = [Contender("s400 a", "S-400"), Contender("s400 b", "S-400")]
    cmp = compare(scn, pair, replications=6, uncertainty=True)
    a, b = cmp.uncertainty["s400 a"], cmp.uncertainty["s400 b"]
    assert a["figures"] == b["figures"] and a["figures"]
    for row in cmp.rows:
        diff = row.differences["s400 b"]
        if diff.pairs:
            assert diff.mean == 0.0 and diff.p_value == 1.0 and not diff.significant
    write_comparison(cmp, tmp_path / "cmp")
    data = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert set(data["uncertainty"]) == {"s400 a", "s400 b"}
    assert "What drives the spread" in (tmp_path / "cmp" / "report.html").read_text()
