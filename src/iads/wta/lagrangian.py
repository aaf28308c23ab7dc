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
from iads.wta.pricing import PRICING_SLACK, cheapest_salvo, salvos_within

#: Most salvos :func:`solve_over_salvos` enumerates before it gives up.
MOST_SALVOS = 2_000_000

#: HiGHS tolerances set to 1e-9 where a MILP's bound is used as a proof.
TIGHT_TOLERANCES = (
    "mip_feasibility_tolerance",
    "primal_feasibility_tolerance",
    "dual_feasibility_tolerance",
)

#: Dual smoothing (Neame): prices are mixed, this much of the last prices and the rest of the
#: master's duals, before pricing; 0 prices at the master's duals.
SMOOTHING = 0.5


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
    reduced_cost: NDArray[np.float64]  # of every column at the last master's duals


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
    tolerance: float = 1e-7,
    max_iterations: int = 2000,
    smoothing: float = SMOOTHING,
) -> DualBound:
    """Column generation for the best Lagrangian bound (module doc), until ``deadline``.

    ``deadline`` is a ``time.perf_counter()`` instant; ``incumbent`` [m, n] (optional) seeds the
    master with its salvos.
    """
    master = _Master(prob)
    m = prob.weapon_types
    if master.targets.size == 0:  # no round can reach a target of value
        zero = np.zeros(m)
        empty = np.zeros(0)
        return DualBound(
            master.constant, zero, zero, master.constant, True, 0, [], [], empty, empty
        )
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
    has = master.has_capacity_row
    centre: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None

    def lagrangian(
        price: NDArray[np.float64], engage: NDArray[np.float64]
    ) -> tuple[float, list[tuple[int, NDArray[np.int64]]]]:
        bound = master.constant - float(price @ master.max_rounds)
        bound -= float(engage[has] @ prob.capacity[has]) + slack
        salvos: list[tuple[int, NDArray[np.int64]]] = []
        for j in master.targets:
            if time.perf_counter() >= deadline:
                return -np.inf, salvos  # out of time: no bound from this round
            others: list[NDArray[np.int64]] = []
            alpha, x = cheapest_salvo(
                float(value[j]),
                prob.kill_probability[:, j],
                price,
                engage,
                master.max_rounds,
                runners_up=others,
            )
            bound += alpha
            salvos += [(int(j), x)] + [(int(j), y) for y in others]
        return bound, salvos

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
        engage[has] = np.maximum(0.0, -dual[master.capacity_row[has]])

        # price at the smoothed duals (Neame): a convex mix of the last point and the master's
        if centre is not None and smoothing > 0:
            trial = (
                smoothing * centre[0] + (1 - smoothing) * price,
                smoothing * centre[1] + (1 - smoothing) * engage,
            )
            bound, salvos = lagrangian(*trial)
            new = _entering(prob, master, salvos, price, engage, mu)
            if bound > best:
                best, best_price, best_engage = bound, trial[0], trial[1]
            if not new:  # mispricing: price at the master's duals themselves
                trial = (price, engage)
        else:
            trial = (price, engage)
            new = []
        if not new:
            bound, salvos = lagrangian(*trial)
            new = _entering(prob, master, salvos, price, engage, mu)
            if bound > best:
                best, best_price, best_engage = bound, trial[0], trial[1]
        centre = trial
        seen = [*seen[-4:], (price, engage)]
        if rmp - best <= tolerance * max(abs(rmp), 1e-12) or not master.add(new):
            converged = rmp - best <= max(tolerance * max(abs(rmp), 1e-12), 1e-7 * abs(rmp))
            break
    solution = h.getSolution()
    weights = np.asarray(solution.col_value) if h.getNumCol() else np.zeros(0)
    reduced = np.asarray(solution.col_dual) if h.getNumCol() else np.zeros(0)
    if weights.size != len(master.patterns):  # columns added after the last solve
        weights = np.zeros(0)
        reduced = np.zeros(0)
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
        reduced_cost=reduced,
    )


def _entering(
    prob: Problem,
    master: _Master,
    salvos: list[tuple[int, NDArray[np.int64]]],
    price: NDArray[np.float64],
    engage: NDArray[np.float64],
    mu: NDArray[np.float64],
) -> list[tuple[int, NDArray[np.int64]]]:
    """The salvos with a negative reduced cost f_j(x) + π·x + ν·[x > 0] − μ_j at the
    master's duals (π, ν, μ)."""
    out = []
    for j, x in salvos:
        used = x > 0
        v = float(prob.target_value[j])
        f = v * float(np.prod((1.0 - prob.kill_probability[used, j]) ** x[used]))
        rc = f + float(price @ x) + float(engage[used].sum()) - mu[master.row_of_target[j]]
        if rc < -1e-9 * max(1.0, v):
            out.append((j, x))
    return out


def useful_patterns(dual: DualBound, upper_bound: float) -> list[tuple[int, NDArray[np.int64]]]:
    """The columns that a master solution better than ``upper_bound`` may use.

    An integer solution of the master costs at least its LP value plus the reduced costs of
    its columns, so a column whose reduced cost exceeds ``upper_bound − LP`` is not in one.
    """
    if dual.reduced_cost.size != len(dual.patterns) or not dual.converged:
        return dual.patterns  # the master's LP value is no bound on its MILP's yet
    room = max(upper_bound - dual.master_value, 0.0) + 1e-9 * abs(upper_bound)
    keep = np.nonzero(dual.reduced_cost <= room)[0].tolist()
    return [dual.patterns[k] for k in keep]


def rounded_master(prob: Problem, dual: DualBound) -> NDArray[np.int64] | None:
    """Each target's heaviest salvo in the master's LP solution, cut back to the rounds and
    capacities (dropping the rounds whose loss is least): a start for local search."""
    if dual.weights.size != len(dual.patterns) or not dual.patterns:
        return None
    p = prob.kill_probability
    m, n = p.shape
    heaviest = np.full(n, -1.0)
    x = np.zeros((m, n), np.int64)
    for (j, xj), w in zip(dual.patterns, dual.weights.tolist(), strict=True):
        if w > heaviest[j]:
            heaviest[j] = w
            x[:, j] = xj
    value = prob.target_value
    with np.errstate(divide="ignore"):
        log_miss = np.maximum(np.log1p(-p), -80.0)
    while True:
        over = np.nonzero(x.sum(axis=1) > prob.rounds)[0]
        wide = np.nonzero((x > 0).sum(axis=1) > prob.capacity)[0]
        if over.size == 0 and wide.size == 0:
            return x
        y = (x * log_miss).sum(axis=0)
        if over.size:  # drop the round of the first type over its rounds that loses least
            i = int(over[0])
            loss = np.where(x[i] > 0, value * np.exp(y - log_miss[i]) - value * np.exp(y), np.inf)
            x[i, int(np.argmin(loss))] -= 1
        else:  # take the first type over its capacity off the target where that loses least
            i = int(wide[0])
            loss = np.where(
                x[i] > 0, value * np.exp(y - x[i] * log_miss[i]) - value * np.exp(y), np.inf
            )
            x[i, int(np.argmin(loss))] = 0


def price_and_branch(
    prob: Problem,
    patterns: list[tuple[int, NDArray[np.int64]]],
    incumbent: NDArray[np.int64],
    deadline: float,
    gap: float,
) -> tuple[NDArray[np.int64], float]:
    """The best assignment HiGHS finds choosing one of the given salvos per target (binary λ),
    and HiGHS's bound on that choice (a bound on the whole problem only if no better salvo
    is missing, see :func:`solve_over_salvos`).

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
    for option in TIGHT_TOLERANCES:  # its bound is a proof: keep HiGHS's own errors small
        h.setOptionValue(option, 1e-9)
    h.setOptionValue("time_limit", max(1e-3, deadline - time.perf_counter()))
    h.run()
    bound = float(h.getInfo().mip_dual_bound) + master.constant
    lam = np.asarray(h.getSolution().col_value)
    if lam.size != ncol:
        return incumbent.copy(), -np.inf
    x = np.zeros((m, n), np.int64)
    for k in np.nonzero(lam > 0.5)[0].tolist():
        jk, xj = master.patterns[k]
        x[:, jk] = xj
    return x, bound


def solve_over_salvos(
    prob: Problem,
    dual: DualBound,
    allowed: NDArray[np.int64],
    incumbent: NDArray[np.int64],
    upper_bound: float,
    deadline: float,
    gap: float,
    most: int = MOST_SALVOS,
) -> tuple[NDArray[np.int64], float] | None:
    """Exact: every salvo that a better solution may use, then one MILP over them.

    With L' = Σ_j α'_j − π·r − ν·c the Lagrangian bound over the ``allowed`` rounds (those
    Lagrangian fixing left; every better solution is within them) and rc_j(x) =
    f_j(x) + π·x + ν·[x > 0] − α'_j ≥ 0, any solution x has Σ_j rc_j(x_j) ≤ F(x) − L', so a
    solution better than ``upper_bound`` uses on each target a salvo with
    rc_j ≤ upper_bound − L'. Those are all enumerated (:func:`salvos_within`) and HiGHS
    chooses one per target: its best is optimal and its bound, capped by ``upper_bound``, is a
    bound on the whole problem. Returns (assignment, lower bound), or None when there are
    more than ``most`` salvos.
    """
    p = prob.kill_probability
    value = prob.target_value
    price, engage = dual.price, dual.engage_price
    targets = np.nonzero(value > 0)[0]
    alphas = {}
    usable = np.where(prob.capacity > 0, prob.rounds, 0)
    bound = float(value.sum() - value[targets].sum()) - float(price @ usable)
    bound -= float(engage @ prob.capacity)
    for j in targets.tolist():
        alphas[j], _ = cheapest_salvo(float(value[j]), p[:, j], price, engage, allowed[:, j])
        bound += alphas[j] - 2 * PRICING_SLACK * float(value[j])
    room = upper_bound * (1 + 1e-9) - bound
    pool: list[tuple[int, NDArray[np.int64]]] = []
    for j in targets.tolist():
        if time.perf_counter() >= deadline:
            return None
        limit = alphas[j] + room + 4 * PRICING_SLACK * float(value[j])
        found = salvos_within(
            float(value[j]), p[:, j], price, engage, allowed[:, j], limit, most - len(pool)
        )
        if found is None:
            return None
        pool += [(j, x) for x in found]
    x, milp_bound = price_and_branch(prob, pool, incumbent, deadline, gap)
    return x, min(milp_bound, upper_bound)


def lagrangian_fixing(
    prob: Problem, dual: DualBound, upper_bound: float, deadline: float = np.inf
) -> NDArray[np.int64]:
    """The most rounds of type i that a solution better than ``upper_bound`` can put on j.

    At the best prices (π, ν), a solution with x_ij ≥ k costs at least
    ``L(π, ν) + α_j(π, ν | x_ij ≥ k) − α_j(π, ν)`` (the Lagrangian bound with target j's
    subproblem restricted), so where that exceeds ``upper_bound`` x_ij < k. Returns [m, n];
    targets not reached by ``deadline`` keep all their rounds.
    """
    p = prob.kill_probability
    n = p.shape[1]
    max_rounds = np.where(prob.capacity > 0, prob.rounds, 0)
    allowed = np.repeat(max_rounds[:, None], n, axis=1) * (p > 0)
    value = prob.target_value
    price, engage = dual.price, dual.engage_price
    room = upper_bound * (1 + 1e-9) - dual.bound  # the reduced cost a solution can afford
    for j in range(n):
        if time.perf_counter() >= deadline:
            break
        if value[j] <= 0:
            allowed[:, j] = 0
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
