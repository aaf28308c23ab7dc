"""Weapon–target assignment: exact and heuristic solvers, usable on their own.

``solve(kill_probability, target_value, method=...)`` minimises the expected surviving value
``Σ_j V_j Π_i (1 − p_ij)^x_ij`` over integer rounds x_ij ≥ 0 with ``Σ_j x_ij ≤ r_i`` and at
most ``c_i`` targets per weapon type (see :mod:`iads.wta.base`). Methods:

* ``"exact"``: proves optimality (:mod:`iads.wta.exact`), or returns the best solution and the
  bound found within ``time_limit_s``;
* ``"heuristic"``: greedy maximum marginal return and local search (:mod:`iads.wta.heuristic`;
  the jittable JAX form is :func:`iads.wta.heuristic_jax.solve_heuristic_jax`);
* ``"linearised"``: the baseline, the probability-chain MILP straight to HiGHS
  (:mod:`iads.wta.linearised`).
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike

from iads.wta.base import (
    RELATIVE_TOLERANCE,
    Problem,
    Result,
    expected_survival,
    is_feasible,
    problem,
    proven,
    relative_gap,
)
from iads.wta.instance import load_instance

METHODS = ("exact", "heuristic", "linearised")

__all__ = [
    "METHODS",
    "RELATIVE_TOLERANCE",
    "Problem",
    "Result",
    "expected_survival",
    "is_feasible",
    "load_instance",
    "problem",
    "solve",
    "solve_problem",
]


def solve(
    kill_probability: ArrayLike,
    target_value: ArrayLike,
    method: str = "exact",
    rounds: ArrayLike | None = None,
    capacity: ArrayLike | None = None,
    time_limit_s: float | None = None,
) -> Result:
    """Assign rounds of m weapon types to n targets to minimise the expected surviving value.

    Parameters
    ----------
    kill_probability : array [m, n]
        p_ij, kill probability of one round of type i on target j, in [0, 1].
    target_value : array [n]
        V_j >= 0.
    method : {"exact", "heuristic", "linearised"}
    rounds : array [m] of int, optional
        r_i, rounds of each type (default 1).
    capacity : array [m] of int, optional
        c_i, the most distinct targets type i may engage at once (default unlimited).
    time_limit_s : float, optional
        Wall-clock limit, s (default none). "exact" and "linearised" return the best
        solution and bound found by then; "heuristic" starts no local-search move after it
        (its greedy start always completes).

    Returns
    -------
    Result
        ``assignment`` [m, n] rounds per type and target, ``expected_survival``,
        ``lower_bound`` (proven), ``gap``, ``optimal``, ``time_s``.

    Raises
    ------
    ValueError
        On bad inputs (shapes, p outside [0, 1], V < 0, non-integer rounds) or an unknown
        method or a negative time limit.
    """
    prob = problem(kill_probability, target_value, rounds, capacity)
    return solve_problem(prob, method, time_limit_s)


def solve_problem(
    prob: Problem, method: str = "exact", time_limit_s: float | None = None
) -> Result:
    """:func:`solve` for a validated :class:`~iads.wta.base.Problem`."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if time_limit_s is not None and not time_limit_s >= 0:
        raise ValueError(f"time_limit_s must be >= 0, got {time_limit_s}")
    from iads.wta.heuristic import greedy, relocation_descent, solve_heuristic

    t0 = time.perf_counter()
    bound = _trivial_bound(prob)
    if method == "linearised":
        from iads.wta.linearised import solve_linearised

        lin = solve_linearised(prob, time_limit_s)
        x, bound = lin.assignment, max(bound, lin.lower_bound)
    elif method == "heuristic":
        x = solve_heuristic(prob, time_limit_s)
    else:
        # a quick start: the exact method's own rounding of its master does the rest
        x = relocation_descent(prob, greedy(prob))
        from iads.wta.exact import solve_exact

        left = None if time_limit_s is None else max(0.0, time_limit_s - (time.perf_counter() - t0))
        out = solve_exact(prob, x, time_limit_s=left)
        x, bound = out.assignment, max(bound, out.lower_bound)
    value = expected_survival(prob, x)
    bound = min(bound, value)
    gap = relative_gap(value, bound)
    return Result(
        assignment=x.astype(np.int64),
        expected_survival=value,
        lower_bound=bound,
        gap=gap,
        optimal=proven(prob, value, bound),
        time_s=time.perf_counter() - t0,
        method=method,
    )


def _trivial_bound(prob: Problem) -> float:
    """Σ_j V_j Π_i (1 − p_ij)^r_i: every usable round on every target at once (valid, weak)."""
    usable = np.where(prob.capacity > 0, prob.rounds, 0)[:, None]
    return float(prob.target_value @ np.prod(np.power(1.0 - prob.kill_probability, usable), axis=0))
