"""The Lagrangian (Dantzig–Wolfe) bound by column generation, and price-and-branch.

Relaxing the rounds rows Σ_j x_ij ≤ r_i with prices π_i ≥ 0 and the capacity rows
Σ_j [x_ij > 0] ≤ c_i with prices ν_i ≥ 0 splits the problem into one subproblem per target:

    L(π, ν) = Σ_j α_j(π, ν) − Σ_i π_i r_i − Σ_i ν_i c_i ≤ F*,

α_j from :func:`iads.wta.pricing.cheapest_salvo`. Every (π, ν) ≥ 0 gives a valid lower bound;
the best one equals the bound of the Dantzig–Wolfe master, whose columns are salvos
("patterns") T on one target with cost f_j(T) = V_j Π_{i} (1 − p_ij)^{T_i}:

    minimise   Σ_jT f_j(T) λ_jT
    subject to Σ_T λ_jT = 1 (each target j),   Σ_jT T_i λ_jT ≤ r_i,
               Σ_jT [T_i > 0] λ_jT ≤ c_i,       λ ≥ 0.

Column generation solves it: the restricted master (the empty salvo and every single round on
every target, then the salvos priced out) gives duals (μ_j, −π_i, −ν_i); a target's cheapest
salvo at (π, ν) enters when its reduced cost α_j − μ_j is negative; it stops when the master's
value meets the best L. On the benchmark the bound is tight or within a few hundredths of a
percent. With λ binary the same master over the generated columns is a MILP whose solutions are
feasible assignments (price-and-branch): an upper bound, not a proof.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.wta.base import Problem
from iads.wta.highs import INF, OPTIMAL, new_highs
from iads.wta.pricing import PRICING_SLACK, cheapest_salvo


@dataclass
class DualBound:
    """What the column generation found."""

    bound: float  # best L(π, ν), a valid lower bound on F*
    price: NDArray[np.float64]  # [m] π at the best bound
    engage_price: NDArray[np.float64]  # [m] ν at the best bound
    master_value: float  # value of the restricted master LP (>= the DW bound)
    converged: bool  # master value within tolerance of the bound
    iterations: int
    prices_seen: list[tuple[NDArray[np.float64], NDArray[np.float64]]]  # the last few (π, ν)
    patterns: list[tuple[int, NDArray[np.int64]]]  # every column (target j, x [m])
    weights: NDArray[np.float64]  # λ of the columns in the last master solution


class _Master:
    """The restricted Dantzig–Wolfe master in HiGHS."""

    def __init__(self, prob: Problem) -> None:
        p = prob.kill_probability
        m, n = p.shape
        self.prob = prob
        self.max_rounds = np.where(prob.capacity > 0, prob.rounds, 0)
        value = prob.target_value
        usable = (p > 0) & (value[None, :] > 0) & (self.max_rounds > 0)[:, None]
        self.targets = np.nonzero(usable.any(axis=0))[0]  # targets that can be engaged
        self.constant = float(value.sum() - value[self.targets].sum())
        self.row_of_target = np.full(n, -1)
        self.row_of_target[self.targets] = np.arange(self.targets.size)
        nt = self.targets.size
        reach = usable.sum(axis=1)
        self.has_capacity_row = prob.capacity < np.minimum(self.max_rounds, reach)
        self.capacity_row = np.full(m, -1)
        self.capacity_row[self.has_capacity_row] = (
            nt + m + np.arange(int(self.has_capacity_row.sum()))
        )
        h = new_highs()
        inf = INF
        nrow = nt + m + int(self.has_capacity_row.sum())
        lower = np.concatenate([np.ones(nt), np.full(nrow - nt, -inf)])
        upper = np.concatenate(
            [
                np.ones(nt),
                self.max_rounds.astype(float),
                prob.capacity[self.has_capacity_row].astype(float),
            ]
        )
        h.addRows(
            nrow, lower, upper, 0, np.zeros(nrow, np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        self.h = h
        self.nt = nt
        self.patterns: list[tuple[int, NDArray[np.int64]]] = []
        self.keys: set[tuple[int, bytes]] = set()
        self.usable = usable

    def add(self, columns: list[tuple[int, NDArray[np.int64]]]) -> int:
        """Add salvos (target j, x [m]) not yet in the master; returns how many were new."""
        p = self.prob.kill_probability
        nt = self.nt
        cost: list[float] = []
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        count = 0
        for j, x in columns:
            key = (j, x.tobytes())
            if key in self.keys:
                continue
            self.keys.add(key)
            self.patterns.append((j, x))
            used = np.nonzero(x)[0]
            cost.append(self.prob.target_value[j] * float(np.prod((1.0 - p[used, j]) ** x[used])))
            starts.append(len(index))
            cap = used[self.has_capacity_row[used]]
            index += [self.row_of_target[j], *(nt + used), *self.capacity_row[cap]]
            value += [1.0, *x[used].astype(float), *np.ones(cap.size)]
            count += 1
        if count:
            self.h.addCols(
                count,
                np.array(cost),
                np.zeros(count),
                np.full(count, INF),
                len(index),
                np.array(starts, np.int32),
                np.array(index, np.int32),
                np.array(value, np.float64),
            )
        return count

    def singletons(self) -> list[tuple[int, NDArray[np.int64]]]:
        m = self.prob.weapon_types
        out = [(int(j), np.zeros(m, np.int64)) for j in self.targets]
        for i, j in zip(*np.nonzero(self.usable), strict=True):
            x = np.zeros(m, np.int64)
            x[i] = 1
            out.append((int(j), x))
        return out


def dual_bound(
    prob: Problem,
    incumbent: NDArray[np.int64] | None,
    deadline: float,
    tolerance: float = 1e-9,
    max_iterations: int = 2000,
) -> DualBound:
    """Column generation for the best Lagrangian bound (module doc), until ``deadline``.

    ``deadline`` is a ``time.perf_counter()`` instant; ``incumbent`` [m, n] (optional) seeds the
    master with its salvos.
    """
    master = _Master(prob)
    m = prob.weapon_types
    if master.targets.size == 0:  # no round can reach a target of value
        zero = np.zeros(m)
        return DualBound(master.constant, zero, zero, master.constant, True, 0, [], [], np.zeros(0))
    master.add(master.singletons())
    if incumbent is not None:
        master.add([(int(j), incumbent[:, j].copy()) for j in master.targets])
    h = master.h
    value = prob.target_value
    slack = 2 * PRICING_SLACK * float(value[master.targets].sum())
    best = -np.inf
    best_price = np.zeros(m)
    best_engage = np.zeros(m)
    seen: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    rmp = np.inf
    converged = False
    iteration = 0
    while iteration < max_iterations and time.perf_counter() < deadline:
        iteration += 1
        h.setOptionValue("time_limit", max(1e-3, deadline - time.perf_counter()))
        h.run()
        if h.getModelStatus() != OPTIMAL:
            break
        rmp = h.getInfo().objective_function_value + master.constant
        dual = np.asarray(h.getSolution().row_dual)
        mu = dual[: master.nt]
        price = np.maximum(0.0, -dual[master.nt : master.nt + m])
        engage = np.zeros(m)
        has = master.has_capacity_row
        engage[has] = np.maximum(0.0, -dual[master.capacity_row[has]])
        bound = master.constant - float(price @ master.max_rounds)
        bound -= float(engage[has] @ prob.capacity[has]) + slack
        new = []
        for j in master.targets:
            alpha, x = cheapest_salvo(
                float(value[j]), prob.kill_probability[:, j], price, engage, master.max_rounds
            )
            bound += alpha
            if alpha - mu[master.row_of_target[j]] < -1e-9 * max(1.0, float(value[j])):
                new.append((int(j), x))
        seen = [*seen[-4:], (price, engage)]
        if bound > best:
            best, best_price, best_engage = bound, price, engage
        if rmp - best <= tolerance * max(abs(rmp), 1e-12) or not master.add(new):
            converged = rmp - best <= max(tolerance * max(abs(rmp), 1e-12), 1e-7 * abs(rmp))
            break
    weights = np.asarray(h.getSolution().col_value) if h.getNumCol() else np.zeros(0)
    return DualBound(
        bound=float(best),
        price=best_price,
        engage_price=best_engage,
        master_value=float(rmp),
        converged=converged,
        iterations=iteration,
        prices_seen=seen,
        patterns=master.patterns,
        weights=weights,
    )


def price_and_branch(
    prob: Problem,
    patterns: list[tuple[int, NDArray[np.int64]]],
    incumbent: NDArray[np.int64],
    deadline: float,
    gap: float,
) -> NDArray[np.int64]:
    """The best assignment HiGHS finds choosing one generated salvo per target (binary λ).

    ``incumbent``'s salvos are added and it starts the search, so the result is never worse.
    """
    master = _Master(prob)
    m, n = prob.kill_probability.shape
    master.add([(int(j), np.zeros(m, np.int64)) for j in master.targets])
    master.add([(int(j), incumbent[:, j].copy()) for j in master.targets])
    master.add(patterns)
    h = master.h
    ncol = h.getNumCol()
    h.changeColsIntegrality(ncol, np.arange(ncol, dtype=np.int32), np.ones(ncol, np.uint8))
    h.changeColsBounds(ncol, np.arange(ncol, dtype=np.int32), np.zeros(ncol), np.ones(ncol))
    start = np.zeros(ncol)
    index = {key: k for k, key in enumerate((j, x.tobytes()) for j, x in master.patterns)}
    for j in master.targets:
        start[index[(int(j), incumbent[:, j].tobytes())]] = 1.0
    sol = h.getSolution()
    sol.col_value = start.tolist()
    sol.value_valid = True
    h.setSolution(sol)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", max(1e-3, deadline - time.perf_counter()))
    h.run()
    lam = np.asarray(h.getSolution().col_value)
    if lam.size != ncol:
        return incumbent.copy()
    x = np.zeros((m, n), np.int64)
    for k in np.nonzero(lam > 0.5)[0].tolist():
        jk, xj = master.patterns[k]
        x[:, jk] = xj
    return x


def lagrangian_fixing(prob: Problem, dual: DualBound, upper_bound: float) -> NDArray[np.int64]:
    """The most rounds of type i that a solution better than ``upper_bound`` can put on j.

    At the best prices (π, ν), a solution with x_ij ≥ k costs at least
    ``L(π, ν) + α_j(π, ν | x_ij ≥ k) − α_j(π, ν)`` (the Lagrangian bound with target j's
    subproblem restricted), so where that exceeds ``upper_bound`` x_ij < k. Returns [m, n].
    """
    p = prob.kill_probability
    m, n = p.shape
    max_rounds = np.where(prob.capacity > 0, prob.rounds, 0)
    allowed = np.zeros((m, n), np.int64)
    value = prob.target_value
    price, engage = dual.price, dual.engage_price
    room = upper_bound * (1 + 1e-9) - dual.bound  # the reduced cost a solution can afford
    for j in range(n):
        if value[j] <= 0:
            continue
        v = float(value[j])
        alpha, x_star = cheapest_salvo(v, p[:, j], price, engage, max_rounds)
        margin = 4 * PRICING_SLACK * v
        cutoff = alpha + room + margin
        for i in np.nonzero((p[:, j] > 0) & (max_rounds > 0))[0]:
            k = 1
            while k <= max_rounds[i]:
                if x_star[i] < k:
                    total, _ = cheapest_salvo(
                        v, p[:, j], price, engage, max_rounds, (int(i), k), cutoff
                    )
                    if total >= cutoff:
                        break
                k += 1
            allowed[i, j] = k - 1
    return allowed
