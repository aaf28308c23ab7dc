"""The heuristic: never worse than greedy, always feasible, the same in NumPy and in JAX."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.wta import problem, solve
from iads.wta.base import Problem, expected_survival, is_feasible
from iads.wta.heuristic import greedy, local_search, solve_heuristic
from iads.wta.heuristic_jax import solve_heuristic_jax
from tests.wta.strategies import problems


@settings(max_examples=60, deadline=None)
@given(problems(max_types=5, max_targets=6, max_rounds=3))
def test_local_search_is_never_worse_than_greedy_and_stays_feasible(prob: Problem) -> None:
    start = greedy(prob)
    x = solve_heuristic(prob)
    assert is_feasible(prob, start)
    assert is_feasible(prob, x)
    assert expected_survival(prob, x) <= expected_survival(prob, start) * (1 + 1e-12) + 1e-12


def test_greedy_gives_each_round_to_the_largest_marginal_return() -> None:
    # one type, two rounds, targets of value 10 and 6 with p = 0.5: first 10 -> 5 survives,
    # then the returns are 2.5 (target 0 again) and 3 (target 1): the second round goes to 1
    prob = problem([[0.5, 0.5]], [10.0, 6.0], rounds=[2])
    assert greedy(prob).tolist() == [[1, 1]]


def test_capacity_keeps_a_type_on_as_many_targets_as_it_may_engage() -> None:
    prob = problem([[0.9, 0.9, 0.9]], [10.0, 10.0, 10.0], rounds=[3], capacity=[1])
    x = solve_heuristic(prob)
    assert (x > 0).sum() == 1 and x.sum() == 3


def test_a_time_limit_of_zero_returns_the_greedy_start_and_a_generous_one_changes_nothing() -> None:
    # 3 types x 8 targets where local search improves on greedy: the limit must be honoured
    rng = np.random.default_rng(4)
    prob = problem(rng.uniform(0.1, 0.95, (3, 8)), rng.uniform(1, 100, 8), rounds=[3, 3, 3])
    start = greedy(prob)
    full = solve_heuristic(prob)
    assert expected_survival(prob, full) < expected_survival(prob, start) * (1 - 1e-9)
    assert solve_heuristic(prob, time_limit_s=0.0).tolist() == start.tolist()
    assert solve_heuristic(prob, time_limit_s=60.0).tolist() == full.tolist()
    res = solve(
        prob.kill_probability, prob.target_value, "heuristic", rounds=[3, 3, 3], time_limit_s=0.0
    )
    assert res.assignment.tolist() == start.tolist()


SHAPE = (5, 7)  # one compiled shape for every JAX example
SLOTS = 12


@st.composite
def fixed_shape_problems(draw: st.DrawFn) -> Problem:
    m, n = SHAPE
    p = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=m * n, max_size=m * n)))
    p = p.reshape(m, n)
    v = np.array(draw(st.lists(st.integers(0, 80), min_size=n, max_size=n)), float)
    r = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    r = np.minimum(r, np.maximum(0, SLOTS - np.cumsum(r) + r))  # at most SLOTS rounds in all
    c = np.array([draw(st.integers(0, int(k))) for k in r])
    return problem(p, v, r, c)


@settings(max_examples=25, deadline=None)
@given(fixed_shape_problems())
def test_jax_heuristic_matches_numpy(prob: Problem) -> None:
    with jax.enable_x64(True):
        x_jax = np.asarray(
            solve_heuristic_jax(
                jnp.asarray(prob.kill_probability),
                jnp.asarray(prob.target_value),
                jnp.asarray(prob.rounds),
                jnp.asarray(prob.capacity),
                total_rounds=SLOTS,
                max_moves=60,
            )
        )
    x_np = local_search(prob, greedy(prob), max_moves=60)
    assert is_feasible(prob, x_jax)
    f_np, f_jax = expected_survival(prob, x_np), expected_survival(prob, x_jax)
    assert f_jax == pytest.approx(f_np, rel=1e-9, abs=1e-12)


def test_jax_heuristic_runs_inside_a_jitted_and_vmapped_step() -> None:
    rng = np.random.default_rng(0)
    p = jnp.asarray(rng.random((3, 4, 5)), jnp.float32)  # a batch of 3 problems
    v = jnp.asarray(rng.integers(1, 50, (3, 5)), jnp.float32)
    r = jnp.full((3, 4), 2, jnp.int32)

    @jax.jit
    def step(p: jax.Array, v: jax.Array, r: jax.Array) -> jax.Array:
        def solve(p: jax.Array, v: jax.Array, r: jax.Array) -> jax.Array:
            return solve_heuristic_jax(p, v, r, r, total_rounds=8, max_moves=40)

        return jax.vmap(solve)(p, v, r)

    x = np.asarray(step(p, v, r))
    for b in range(3):
        prob = problem(np.asarray(p[b], float), np.asarray(v[b], float), np.asarray(r[b]))
        assert is_feasible(prob, x[b])
        f_np = expected_survival(prob, solve_heuristic(prob))
        assert expected_survival(prob, x[b]) == pytest.approx(f_np, rel=1e-5)
