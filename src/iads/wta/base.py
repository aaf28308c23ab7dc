"""Weapon–target assignment contract: the problem, the result and the objective.

The static weapon–target assignment problem (Manne 1958; Ahuja et al. 2007):

    minimise   F(x) = Σ_j V_j Π_i (1 − p_ij)^x_ij          (expected surviving value)
    subject to Σ_j x_ij ≤ r_i                               (rounds of weapon type i)
               |{j : x_ij > 0}| ≤ c_i                       (capacity of weapon type i)
               x_ij ∈ {0, 1, 2, ...}

Symbols: i = 0..m−1 weapon types (a fire unit or a group of identical launchers), j = 0..n−1
targets (threats); p_ij the kill probability of one round of type i on target j (rounds kill
independently); V_j ≥ 0 the value of target j; x_ij the rounds of type i fired at target j;
r_i the rounds of type i; c_i the capacity of type i, read as the number of distinct targets
its fire unit may engage at once (its target channels): rounds of one type may go several to
one target, but to at most c_i targets in all. Capacity c_i ≥ r_i leaves only the rounds
constraint (the benchmark's case).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Optimality tolerance of the exact method: proven optimal when
#: ``expected_survival − lower_bound ≤ RELATIVE_TOLERANCE · expected_survival
#: + ABSOLUTE_TOLERANCE · Σ_j V_j`` (the second term only matters when nearly every target
#: is surely killed, where a relative gap of a tiny survival means nothing).
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Problem:
    """One weapon–target assignment instance, validated (see :func:`problem`)."""

    kill_probability: NDArray[np.float64]  # [m, n] p_ij in [0, 1]
    target_value: NDArray[np.float64]  # [n] V_j >= 0
    rounds: NDArray[np.int64]  # [m] r_i >= 0
    capacity: NDArray[np.int64]  # [m] c_i >= 0, distinct targets per weapon type

    @property
    def weapon_types(self) -> int:
        """m, the number of weapon types."""
        return int(self.kill_probability.shape[0])

    @property
    def targets(self) -> int:
        """n, the number of targets."""
        return int(self.kill_probability.shape[1])


@dataclass(frozen=True)
class Result:
    """A solution and what is proven about it.

    ``gap = (expected_survival − lower_bound) / expected_survival`` (0 when both are 0);
    ``optimal`` means the bound is within tolerance of the value (:func:`proven`).
    """

    assignment: NDArray[np.int64]  # [m, n] x_ij, rounds of type i at target j
    expected_survival: float  # F(x), the objective of ``assignment``
    lower_bound: float  # proven lower bound on the optimum (<= expected_survival)
    gap: float  # relative gap, see above
    optimal: bool
    time_s: float  # wall-clock time of the solve
    method: str  # "exact", "heuristic" or "linearised"


def problem(
    kill_probability: ArrayLike,
    target_value: ArrayLike,
    rounds: ArrayLike | None = None,
    capacity: ArrayLike | None = None,
) -> Problem:
    """Check the inputs once and build a :class:`Problem`.

    Parameters
    ----------
    kill_probability : array [m, n]
        p_ij, single-round kill probability of weapon type i on target j, in [0, 1].
    target_value : array [n]
        V_j >= 0, finite.
    rounds : array [m] of int, optional
        r_i >= 0; default one round per weapon type (the classic one-weapon-per-row WTA).
    capacity : array [m] of int, optional
        c_i >= 0, distinct targets weapon type i may engage; default unlimited (r_i).

    Raises
    ------
    ValueError
        On a wrong shape, a non-finite number, p outside [0, 1], V < 0, or negative or
        non-integer rounds or capacity.
    """
    p = np.array(kill_probability, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"kill_probability must be [m, n], got shape {p.shape}")
    m, n = p.shape
    v = np.array(target_value, dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"target_value must have shape ({n},), got {v.shape}")
    if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("kill_probability must be finite and in [0, 1]")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError("target_value must be finite and >= 0")
    r = _counts("rounds", np.ones(m) if rounds is None else rounds, m)
    c = r.copy() if capacity is None else _counts("capacity", capacity, m)
    for a in (p, v, r, c):
        a.setflags(write=False)
    return Problem(kill_probability=p, target_value=v, rounds=r, capacity=c)


def _counts(name: str, values: ArrayLike, m: int) -> NDArray[np.int64]:
    a = np.array(values, dtype=np.float64)
    if a.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},), got {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0) or np.any(a != np.round(a)):
        raise ValueError(f"{name} must be integers >= 0")
    return a.astype(np.int64)


def expected_survival(prob: Problem, assignment: ArrayLike) -> float:
    """F(x) = Σ_j V_j Π_i (1 − p_ij)^x_ij for an assignment x [m, n] (rounds per type, target)."""
    x = np.asarray(assignment)
    survival = np.prod(np.power(1.0 - prob.kill_probability, x), axis=0)  # [n]
    return float(np.dot(prob.target_value, survival))


def is_feasible(prob: Problem, assignment: ArrayLike) -> bool:
    """Whether x is integer >= 0, within each type's rounds and within its capacity."""
    x = np.asarray(assignment)
    if x.shape != prob.kill_probability.shape or np.any(x < 0) or np.any(x != np.round(x)):
        return False
    within_rounds = np.all(x.sum(axis=1) <= prob.rounds)
    within_capacity = np.all((x > 0).sum(axis=1) <= prob.capacity)
    return bool(within_rounds and within_capacity)


def proven(prob: Problem, value: float, bound: float, relative: float = RELATIVE_TOLERANCE) -> bool:
    """Whether ``bound`` proves ``value`` optimal: value − bound ≤ relative·value + 1e-9 ΣV."""
    return value - bound <= relative * value + ABSOLUTE_TOLERANCE * float(prob.target_value.sum())


def relative_gap(value: float, bound: float) -> float:
    """(value − bound) / value, clipped at 0; 0 when value is 0."""
    if value <= 0.0:
        return 0.0
    return max(0.0, (value - bound) / value)
