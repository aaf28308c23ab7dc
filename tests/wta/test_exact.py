"""The exact method against brute force: optimal, with a valid bound, within the limits."""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from iads.wta import problem, solve_problem
from iads.wta.base import RELATIVE_TOLERANCE, Problem, expected_survival, is_feasible, proven
from iads.wta.exact import solve_exact
from iads.wta.heuristic import greedy
from iads.wta.pricing import cheapest_salvo
from tests.wta.brute import brute_force_optimum
from tests.wta.strategies import problems

# Instances whose Lagrangian bound is not tight, so the outer approximation has to branch.
NOT_TIGHT = [
    (
        [[0.52, 0.31, 0.4, 0.95], [0.6, 0.75, 0.34, 0.32], [0.85, 0.68, 0.5, 0.51]],
        [31, 9, 77, 18],
        [2, 1, 1],
        [2, 1, 1],
    ),
    ([[0.82, 0.36, 0.59], [0.64, 0.83, 0.87], [0.4, 0.7, 0.71]], [40, 22, 16], [1, 3, 3], None),
    ([[0.4, 0.64, 0.69], [0.75, 0.74, 0.33]], [83, 64, 95], [3, 2], None),
    (
        [[0.77, 0.79, 0.49, 0.57], [0.41, 0.69, 0.85, 0.81], [0.91, 0.47, 0.76, 0.38]],
        [79, 54, 93, 11],
        [3, 2, 3],
        [2, 2, 2],
    ),
]


def _check_exact(prob: Problem, **options: Any) -> str:
    best = brute_force_optimum(prob)
    out = solve_exact(prob, greedy(prob), **options)
    x = out.assignment
    assert is_feasible(prob, x)
    assert out.upper_bound == pytest.approx(expected_survival(prob, x), rel=1e-12, abs=1e-12)
    assert out.lower_bound <= best * (1 + 1e-9) + 1e-12
    assert out.upper_bound <= best * (1 + RELATIVE_TOLERANCE) + 1e-12
    assert proven(prob, out.upper_bound, out.lower_bound)
    return out.last_step


@settings(max_examples=40, deadline=None)
@given(problems())
def test_exact_equals_brute_force(prob: Problem) -> None:
    _check_exact(prob)


@settings(max_examples=25, deadline=None)
@given(problems(max_rounds=2))
def test_outer_approximation_alone_equals_brute_force(prob: Problem) -> None:
    _check_exact(prob, lagrangian=False)


@pytest.mark.parametrize("case", range(len(NOT_TIGHT)))
def test_exact_closes_a_lagrangian_gap_over_the_salvos_left(case: int) -> None:
    p, v, r, c = NOT_TIGHT[case]
    assert _check_exact(problem(p, v, r, c)) == "salvos"  # the bound alone did not close it


@pytest.mark.parametrize("case", range(len(NOT_TIGHT)))
def test_exact_closes_a_lagrangian_gap_by_outer_approximation(case: int) -> None:
    p, v, r, c = NOT_TIGHT[case]
    step = _check_exact(problem(p, v, r, c), most_salvos=0)  # no enumeration: branch and cut
    assert step == "outer approximation"


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_method_reports_its_own_objective_and_a_bound_below_it(prob: Problem) -> None:
    best = brute_force_optimum(prob)
    for method in ("exact", "heuristic", "linearised"):
        res = solve_problem(prob, method)
        assert is_feasible(prob, res.assignment)
        assert np.all(res.assignment.sum(axis=1) <= prob.rounds)
        assert np.all((res.assignment > 0).sum(axis=1) <= prob.capacity)
        assert res.expected_survival == pytest.approx(
            expected_survival(prob, res.assignment), rel=1e-12, abs=1e-12
        )
        assert res.lower_bound <= res.expected_survival
        assert res.lower_bound <= best * (1 + 1e-9) + 1e-12
        assert res.expected_survival >= best * (1 - 1e-12) - 1e-12
        if method == "exact":
            assert res.optimal
        if method == "linearised":  # optimal to HiGHS's feasibility tolerances (1e-7 .. 1e-6)
            assert res.expected_survival <= best * (1 + 1e-5) + 1e-6


def test_linearised_baseline_equals_brute_force_on_a_two_round_instance() -> None:
    p, v, r, c = NOT_TIGHT[2]
    prob = problem(p, v, r, c)
    res = solve_problem(prob, "linearised")
    assert res.optimal
    assert res.expected_survival == pytest.approx(brute_force_optimum(prob), rel=1e-6)


def test_exact_honours_its_time_limit_and_returns_a_valid_bound() -> None:
    rng = np.random.default_rng(3)
    p = 0.6 + 0.35 * rng.random((40, 80))
    v = rng.integers(10, 100, 80).astype(float)
    prob = problem(p, v, rounds=np.full(40, 3))
    start = time.perf_counter()
    res = solve_problem(prob, "exact", time_limit_s=0.5)
    assert time.perf_counter() - start < 0.5 + 2.0  # one LP or pricing round may overrun
    assert is_feasible(prob, res.assignment)
    assert res.lower_bound <= res.expected_survival


@settings(max_examples=60, deadline=None)
@given(problems(max_types=4, max_targets=1, max_rounds=3))
def test_cheapest_salvo_is_the_brute_force_minimum(prob: Problem) -> None:
    p = prob.kill_probability[:, 0]
    v = float(prob.target_value[0])
    rng = np.random.default_rng(int(v))
    price = rng.random(p.size) * v * 0.6
    engage = rng.random(p.size) * v * 0.2
    best = min(
        v * np.prod((1 - p) ** np.array(x)) + price @ np.array(x) + engage @ (np.array(x) > 0)
        for x in itertools.product(*[range(int(k) + 1) for k in prob.rounds])
    )
    total, x = cheapest_salvo(v, p, price, engage, prob.rounds)
    assert total == pytest.approx(best, rel=1e-9, abs=1e-9)
    assert np.all(x <= prob.rounds)
    assert v * np.prod((1 - p) ** x) + price @ x + engage @ (x > 0) == pytest.approx(
        total, abs=1e-9
    )
