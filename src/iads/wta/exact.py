"""Exact weapon–target assignment with HiGHS as the LP and MILP engine.

:func:`solve_exact` runs these steps from a feasible start (the heuristic's), each keeping
the best assignment (UB, its exact objective) and the best proven bound (LB), and stops as
soon as :func:`iads.wta.base.proven` holds or the time limit passes:

1. **Lagrangian bound** by column generation (:func:`iads.wta.lagrangian.dual_bound`); if the
   master's LP solution is integral it is an assignment too.
2. **Upper bound**: the master's LP solution rounded (each target's heaviest salvo, cut back
   to the rounds) and improved by the heuristic's local search; then price-and-branch over the
   generated salvos whose reduced cost leaves room below UB.
3. **Lagrangian fixing** (:func:`iads.wta.lagrangian.lagrangian_fixing`): the rounds no
   solution better than UB can use are removed.
4. **Salvo enumeration** (:func:`iads.wta.lagrangian.solve_over_salvos`): every salvo a better
   solution may use on each target is listed and one MILP chooses one per target; exact, and
   usually small, because the Lagrangian bound is tight.
5. Only if step 4 would list too many salvos, **outer approximation** (branch and cut) over the
   rounds left, in binary form below.

Binary form. Round k (k = 0..r_i−1) of type i at target j is a binary ``w_ijk`` meaning "at
least k+1 rounds of type i at j" (``w_ij0 ≥ w_ij1 ≥ ...``, so x_ij = Σ_k w_ijk); a column
exists only where p_ij > 0, V_j > 0 and fixing left the round. The master MILP is

    minimise   Σ_j z_j
    subject to Σ_jk w_ijk ≤ r_i,   Σ_j w_ij0 ≤ c_i,   w_ijk ≤ w_ij(k−1)
               z_j ≥ (cuts below),  z_j ≥ V_j Π_(columns of j) (1 − p),  w binary,

where every cut is a linear minorant of the survival ``f_j(T) = V_j Π_{(i,k)∈T} (1 − p_ij)``
of target j as a function of the set T of its rounds. ``f_j`` is supermodular (the kill
``V_j − f_j`` is submodular: a round's marginal kill ``ρ_ik(T) = p_ij f_j(T)`` falls as T
grows), so at any set S the inequalities of Nemhauser, Wolsey & Fisher (1978) hold:

    (A)  z_j ≥ f_j(S) − Σ_{k∉S} p_k f_j(S) w_k              (marginals at S; the credit
                                                             ρ_k(N∖k) ≥ 0 for k ∈ S dropped)
    (B)  z_j ≥ f_j(S) + Σ_{k∈S} p_k f_j(S∖k) (1 − w_k) − Σ_{k∉S} p_k V_j w_k

and, f_j being convex in y_j = Σ_i x_ij log(1 − p_ij), so does the tangent of exp at y_j(S)

    (T)  z_j ≥ f_j(S) (1 + Σ_i log(1 − p_ij)(x_ij − s_ij)),

all three exact at S (z_j = f_j(S)), and the Lagrangian cuts z_j + π·x_j + ν·[x_j > 0] ≥
α_j(π, ν) at the best prices (and the last ones seen), which lift its LP to the Lagrangian
bound. The loop: cuts at S = ∅, at the incumbent and at the master's salvos; a few rounds of
the LP with cuts at its (rounded, and for (T) fractional) points; reduced-cost fixing (a
column whose LP reduced cost d has LP + d > UB cannot be in a better solution; cuts only
tighten the LP); then the MILP, warm-started with the incumbent (whose z_j = f_j is
feasible); every integer solution HiGHS reports is evaluated exactly (an upper bound) and
gets the three cuts at its sets; HiGHS's dual bound is a lower bound of the true problem
because every cut is valid; repeat until proven or the time limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.wta.base import (
    RELATIVE_TOLERANCE,
    Problem,
    expected_survival,
    is_feasible,
    proven,
    relative_gap,
)
from iads.wta.heuristic import local_search
from iads.wta.highs import INF, OPTIMAL, new_highs, on_improving_solution
from iads.wta.lagrangian import (
    MOST_SALVOS,
    TIGHT_TOLERANCES,
    DualBound,
    dual_bound,
    lagrangian_fixing,
    price_and_branch,
    rounded_master,
    solve_over_salvos,
    useful_patterns,
)
from iads.wta.pricing import PRICING_SLACK, cheapest_salvo

#: Price-and-branch gets this share of the time left, and at most this many seconds.
PRICE_AND_BRANCH_SHARE = 0.1
PRICE_AND_BRANCH_S = 30.0


@dataclass
class ExactOutcome:
    """What the exact method found (see :func:`solve_exact`)."""

    assignment: NDArray[np.int64]  # [m, n]
    upper_bound: float  # F(assignment)
    lower_bound: float  # proven
    last_step: str  # the last step that ran: "lagrangian", "salvos" or "outer approximation"
    iterations: int = 0  # outer-approximation MILP solves
    columns: int = 0  # binary columns (rounds) the last step worked with
    cuts: int = 0  # outer-approximation cuts
    log: list[str] = field(default_factory=list)


class _Master:
    """The master MILP and its cut pool."""

    def __init__(self, prob: Problem, allowed: NDArray[np.int64]) -> None:
        p = prob.kill_probability
        m, n = p.shape
        self.prob = prob
        value = prob.target_value
        self.allowed = allowed  # [m, n] most rounds of type i at j (Lagrangian fixing)
        usable = (p > 0) & (value[None, :] > 0) & (allowed > 0)
        ti, tj = np.nonzero(usable)
        copies = allowed[ti, tj]
        self.col_type = np.repeat(ti, copies)
        self.col_target = np.repeat(tj, copies)
        starts = np.cumsum(copies) - copies
        self.col_copy = np.arange(copies.sum()) - np.repeat(starts, copies)
        self.targets = np.nonzero(value > 0)[0]
        self.z_of_target = np.full(n, -1)
        self.z_of_target[self.targets] = np.arange(self.targets.size)
        nz = self.targets.size
        self.nz = nz
        self.nw = self.col_type.size
        order = np.lexsort((self.col_copy, self.col_type, self.col_target))
        # columns of each target, sorted by (type, copy): indices into w
        self.target_cols: list[NDArray[np.int64]] = []
        bounds = np.searchsorted(self.col_target[order], np.arange(n + 1))
        for j in range(n):
            self.target_cols.append(order[bounds[j] : bounds[j + 1]])
        self.col_p = p[self.col_type, self.col_target]
        with np.errstate(divide="ignore"):
            self.col_log = np.log1p(-np.minimum(self.col_p, 1.0))  # -inf where p = 1
        self.seen: set[tuple[int, bytes]] = set()
        self.cuts = 0
        h = new_highs()
        h.setOptionValue("mip_rel_gap", RELATIVE_TOLERANCE / 4)
        h.setOptionValue("mip_abs_gap", 0.0)
        for option in TIGHT_TOLERANCES:
            h.setOptionValue(option, 1e-9)
        self.h = h
        inf = INF
        ncol = nz + self.nw
        cost = np.concatenate([np.ones(nz), np.zeros(self.nw)])
        # z_j >= V_j Π (1 − p) over every column of j: V_j when no round can reach j
        floor = np.array(
            [value[j] * float(np.prod(1.0 - self.col_p[self.target_cols[j]])) for j in self.targets]
        )
        lower = np.concatenate([floor, np.zeros(self.nw)])
        upper = np.concatenate([np.full(nz, inf), np.ones(self.nw)])
        h.addCols(ncol, cost, lower, upper, 0, np.zeros(1, np.int32), np.zeros(0, np.int32), [])
        self.fixed = np.zeros(self.nw, bool)
        # rounds and capacity rows
        rows: list[tuple[NDArray[np.int64], NDArray[np.float64], float, float]] = []
        self.round_row = np.full(m, -1)
        self.capacity_row = np.full(m, -1)
        for i in range(m):
            cols = np.nonzero(self.col_type == i)[0]
            if cols.size:
                self.round_row[i] = len(rows)
                rows.append((cols + nz, np.ones(cols.size), -inf, float(prob.rounds[i])))
            first = cols[self.col_copy[cols] == 0]
            if first.size > prob.capacity[i]:
                self.capacity_row[i] = len(rows)
                rows.append((first + nz, np.ones(first.size), -inf, float(prob.capacity[i])))
        later = np.nonzero(self.col_copy > 0)[0]
        for c in later:  # w_ijk - w_ij(k-1) <= 0; the previous copy is column c - 1
            rows.append((np.array([c + nz, c - 1 + nz]), np.array([1.0, -1.0]), -inf, 0.0))
        self._add_rows(rows)

    def _add_rows(
        self, rows: list[tuple[NDArray[np.int64], NDArray[np.float64], float, float]]
    ) -> None:
        if not rows:
            return
        lower = np.array([r[2] for r in rows])
        upper = np.array([r[3] for r in rows])
        lengths = np.array([r[0].size for r in rows])
        starts = (np.cumsum(lengths) - lengths).astype(np.int32)
        index = np.concatenate([r[0] for r in rows]).astype(np.int32)
        value = np.concatenate([r[1] for r in rows]).astype(np.float64)
        self.h.addRows(len(rows), lower, upper, index.size, starts, index, value)

    # ----- cuts
    def state_counts(self, w: NDArray[np.float64], j: int) -> NDArray[np.int64]:
        """Rounds per column group of target j (in S iff copy < count of its type)."""
        cols = self.target_cols[j]
        return (w[cols] > 0.5).astype(np.int64)

    def cuts_at(
        self, j: int, in_set: NDArray[np.bool_]
    ) -> list[tuple[NDArray[np.int64], NDArray[np.float64], float, float]]:
        """Cuts (A), (B), (T) of target j at the set S (a mask over its columns)."""
        key = (j, np.packbits(in_set).tobytes())
        if key in self.seen:
            return []
        self.seen.add(key)
        cols = self.target_cols[j]
        pc = self.col_p[cols]
        logc = self.col_log[cols]
        v = float(self.prob.target_value[j])
        sure = in_set & (pc >= 1.0)
        f = 0.0 if sure.any() else v * math.exp(float(logc[in_set].sum()))
        zcol = np.array([self.z_of_target[j]])
        inf = INF
        out = []
        idx = np.concatenate([zcol, cols + self.nz])
        if f > 0:
            coef = np.where(in_set, 0.0, f * pc)  # (A)
            out.append((idx, np.concatenate([[1.0], coef]), f, inf))
        # (B): f(S \ k) for k in S
        without = np.zeros(cols.size)
        if in_set.any():
            nsure = int(sure.sum())
            base = v * math.exp(float(logc[in_set & ~sure].sum()))
            with np.errstate(divide="ignore"):
                without = np.where(
                    sure,
                    base if nsure == 1 else 0.0,
                    0.0 if nsure > 0 else base / np.maximum(1.0 - pc, 1e-300),
                )
        coef_b = np.where(in_set, without * pc, v * pc)
        rhs_b = f + float((without * pc)[in_set].sum())
        if rhs_b > 0:
            out.append((idx, np.concatenate([[1.0], coef_b]), rhs_b, inf))
        if f > 0:  # (T)
            rhs_t = f * (1.0 - float(logc[in_set].sum()))
            coef_t = np.where(pc >= 1.0, rhs_t, -f * np.where(pc >= 1.0, 0.0, logc))
            out.append((idx, np.concatenate([[1.0], coef_t]), rhs_t, inf))
        self.cuts += len(out)
        return out

    def tangent_at(
        self, j: int, x_frac: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], float, float] | None:
        """(T) at a fractional point (x per column of target j), valid by convexity in y."""
        cols = self.target_cols[j]
        pc = self.col_p[cols]
        if (pc >= 1.0).any():
            return None
        logc = self.col_log[cols]
        v = float(self.prob.target_value[j])
        y = float((logc * x_frac).sum())
        f = v * math.exp(y)
        rhs = f * (1.0 - y)
        idx = np.concatenate([[self.z_of_target[j]], cols + self.nz])
        self.cuts += 1
        return (idx, np.concatenate([[1.0], -f * logc]), rhs, INF)

    def prices(
        self, row_dual: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Round prices π_i and engagement prices ν_i (>= 0) from the LP's row duals."""
        m = self.prob.weapon_types
        price = np.zeros(m)
        engage = np.zeros(m)
        ok = self.round_row >= 0
        price[ok] = np.maximum(0.0, -row_dual[self.round_row[ok]])
        ok = self.capacity_row >= 0
        engage[ok] = np.maximum(0.0, -row_dual[self.capacity_row[ok]])
        return price, engage

    def lagrangian_cut(
        self, j: int, price: NDArray[np.float64], engage: NDArray[np.float64]
    ) -> tuple[float, tuple[NDArray[np.int64], NDArray[np.float64], float, float]]:
        """α_j(π, ν) and the cut z_j + Σ π_i x_ij + Σ ν_i [x_ij > 0] ≥ α_j (minus a margin)."""
        cols = self.target_cols[j]
        p = self.prob.kill_probability[:, j]
        alpha, _ = cheapest_salvo(
            float(self.prob.target_value[j]), p, price, engage, self.allowed[:, j]
        )
        coef = price[self.col_type[cols]] + np.where(
            self.col_copy[cols] == 0, engage[self.col_type[cols]], 0.0
        )
        rhs = alpha - 2 * PRICING_SLACK * float(self.prob.target_value[j]) - 1e-12 * abs(alpha)
        idx = np.concatenate([[self.z_of_target[j]], cols + self.nz])
        return alpha, (idx, np.concatenate([[1.0], coef]), rhs, INF)

    def cuts_for_solution(self, col_value: NDArray[np.float64], tol: float = 1e-9) -> int:
        """Add (A), (B), (T) at every target whose z_j is below its true survival."""
        w = col_value[self.nz :]
        z = col_value[: self.nz]
        rows = []
        for j in self.targets:
            cols = self.target_cols[j]
            if cols.size == 0:
                continue
            in_set = w[cols] > 0.5
            f = self.prob.target_value[j] * float(np.prod(1.0 - self.col_p[cols][in_set]))
            if z[self.z_of_target[j]] < f - tol * max(f, 1e-12):
                rows += self.cuts_at(int(j), in_set)
        self._add_rows(rows)
        return len(rows)

    def assignment(self, col_value: NDArray[np.float64]) -> NDArray[np.int64]:
        w = col_value[self.nz :] > 0.5
        x = np.zeros(self.prob.kill_probability.shape, np.int64)
        np.add.at(x, (self.col_type[w], self.col_target[w]), 1)
        return x

    def point(self, x: NDArray[np.int64]) -> NDArray[np.float64]:
        """Column values of an assignment: w_ijk = [x_ij > k], z_j = f_j(x)."""
        w = (x[self.col_type, self.col_target] > self.col_copy).astype(np.float64)
        survival = np.prod(np.power(1.0 - self.prob.kill_probability, x), axis=0)
        z = self.prob.target_value[self.targets] * survival[self.targets]
        return np.concatenate([z, w])


def solve_exact(
    prob: Problem,
    start: NDArray[np.int64],
    time_limit_s: float | None = None,
    tolerance: float = RELATIVE_TOLERANCE,
    verbose: bool = False,
    lagrangian: bool = True,
    most_salvos: int = MOST_SALVOS,
) -> ExactOutcome:
    """Lagrangian bound, price-and-branch, then outer approximation (module doc).

    ``lagrangian=False`` skips the first two steps and the fixing (outer approximation
    alone, for tests and comparison).

    ``start`` is a feasible assignment [m, n] (the heuristic's). Returns the best assignment
    found and a valid lower bound; stops once ``UB − LB ≤ tolerance · UB`` or at the limit.
    """
    t0 = time.perf_counter()
    deadline = math.inf if time_limit_s is None else t0 + time_limit_s
    log: list[str] = []

    def say(msg: str) -> None:
        log.append(f"{time.perf_counter() - t0:8.2f}s {msg}")
        if verbose:
            print(log[-1], flush=True)

    best_x = start.copy()
    ub = expected_survival(prob, best_x)
    lb = 0.0

    def offer(x: NDArray[np.int64]) -> None:
        nonlocal ub, best_x
        f = expected_survival(prob, x)
        if f < ub:
            ub, best_x = f, x

    def done() -> bool:
        return proven(prob, ub, lb, tolerance) or time.perf_counter() >= deadline

    if not lagrangian:
        zero = np.zeros(prob.weapon_types)
        dual = DualBound(0.0, zero, zero, math.inf, False, 0, [], [], np.zeros(0), np.zeros(0))
        allowed = np.where(prob.capacity > 0, prob.rounds, 0)[:, None] * np.ones(
            prob.targets, np.int64
        )
        outer = _outer_approximation(prob, allowed, best_x, ub, lb, dual, deadline, tolerance, say)
        offer(outer.assignment)
        lb = max(lb, min(outer.lower_bound, ub))
        return ExactOutcome(
            best_x,
            ub,
            min(lb, ub),
            "outer approximation",
            outer.iterations,
            outer.columns,
            outer.cuts,
            log,
        )
    # 1. the Lagrangian (Dantzig–Wolfe) bound
    dual = dual_bound(prob, best_x, deadline)
    lb = max(lb, dual.bound)
    rounded = _integral_master(prob, dual)
    if rounded is not None:
        offer(rounded)
    say(
        f"Lagrangian bound {dual.bound:.6f} (master {dual.master_value:.6f}, "
        f"{dual.iterations} iterations, {len(dual.patterns)} columns), UB {ub:.6f}"
    )
    # 2. the master's LP solution rounded and improved by local search, then price-and-branch
    # over the salvos that can still be in a better solution, for a better upper bound
    if not done():
        rounding = rounded_master(prob, dual)
        if rounding is not None:
            offer(local_search(prob, rounding))
            say(f"rounded master + local search UB {ub:.6f}, gap {relative_gap(ub, lb):.2e}")
    if not done():
        budget = min(PRICE_AND_BRANCH_SHARE * (deadline - time.perf_counter()), PRICE_AND_BRANCH_S)
        pool = useful_patterns(dual, ub)
        offer(price_and_branch(prob, pool, best_x, time.perf_counter() + budget, tolerance / 4)[0])
        say(
            f"price-and-branch over {len(pool)} salvos: UB {ub:.6f}, gap {relative_gap(ub, lb):.2e}"
        )
    step, iterations, columns, cuts = "lagrangian", 0, 0, 0
    if not done():
        # 3. Lagrangian fixing, then outer approximation over what is left
        allowed = np.maximum(lagrangian_fixing(prob, dual, ub, deadline), best_x)
        total = int((prob.rounds[:, None] * (prob.kill_probability > 0)).sum())
        say(f"Lagrangian fixing: {int(allowed.sum())} of {total} rounds left")
        # 4. every salvo a better solution may use, and one MILP over them (exact)
        over = solve_over_salvos(
            prob, dual, allowed, best_x, ub, deadline, tolerance / 4, most_salvos
        )
        if over is not None:
            offer(over[0])
            lb = max(lb, min(over[1], ub))
            say(f"MILP over the salvos left: UB {ub:.6f}, LB {lb:.6f}")
            return ExactOutcome(best_x, ub, min(lb, ub), "salvos", 0, int(allowed.sum()), 0, log)
        # (too many salvos) 5. outer approximation over the rounds left
        outer = _outer_approximation(prob, allowed, best_x, ub, lb, dual, deadline, tolerance, say)
        step, iterations, columns, cuts = (
            "outer approximation",
            outer.iterations,
            outer.columns,
            outer.cuts,
        )
        offer(outer.assignment)
        lb = max(lb, min(outer.lower_bound, ub))
    return ExactOutcome(
        assignment=best_x,
        upper_bound=ub,
        lower_bound=min(lb, ub),
        last_step=step,
        iterations=iterations,
        columns=columns,
        cuts=cuts,
        log=log,
    )


def _solve_lp(h: Any, deadline: float) -> float | None:
    """Solve the current LP; its value if optimal (only then a bound), else None."""
    if time.perf_counter() >= deadline:
        return None
    h.setOptionValue("time_limit", max(1e-3, deadline - time.perf_counter()))
    h.run()
    if h.getModelStatus() != OPTIMAL:
        return None
    return float(h.getInfo().objective_function_value)


def _integral_master(prob: Problem, dual: DualBound) -> NDArray[np.int64] | None:
    """The master's LP solution as an assignment, if every target's λ is 0 or 1."""
    lam = dual.weights
    if lam.size != len(dual.patterns) or np.any(np.minimum(lam, 1 - lam) > 1e-9):
        return None
    x = np.zeros(prob.kill_probability.shape, np.int64)
    for k in np.nonzero(lam > 0.5)[0].tolist():
        j, xj = dual.patterns[k]
        x[:, j] = xj
    return x if is_feasible(prob, x) else None


def _outer_approximation(
    prob: Problem,
    allowed: NDArray[np.int64],
    start: NDArray[np.int64],
    ub: float,
    lb: float,
    dual: DualBound,
    deadline: float,
    tolerance: float,
    say: Callable[[str], None],
) -> ExactOutcome:
    """Outer approximation in the binary form, seeded with the Lagrangian cuts."""
    master = _Master(prob, allowed)
    h = master.h
    best_x = start.copy()
    rows = []
    # cuts: at the empty set, at the incumbent, at every salvo in the master's support,
    # and the Lagrangian cuts at the best prices and the last prices seen
    empty = np.zeros_like(start)
    w_empty = master.point(empty)[master.nz :]
    w_best = master.point(best_x)[master.nz :]
    for j in master.targets:
        cols = master.target_cols[j]
        if cols.size:
            rows += master.cuts_at(int(j), w_empty[cols] > 0.5)
            rows += master.cuts_at(int(j), w_best[cols] > 0.5)
    support = (
        [dual.patterns[k] for k in np.nonzero(dual.weights > 1e-9)[0].tolist()]
        if dual.weights.size == len(dual.patterns)
        else []
    )
    for jt, xj in support:
        cols = master.target_cols[jt]
        if cols.size:
            rows += master.cuts_at(jt, master.col_copy[cols] < xj[master.col_type[cols]])
    for price, engage in [(dual.price, dual.engage_price), *dual.prices_seen]:
        for j in master.targets:
            if master.target_cols[j].size:
                rows.append(master.lagrangian_cut(int(j), price, engage)[1])
                master.cuts += 1
    master._add_rows(rows)
    # LP rounds: tangents at the fractional point, (A), (B), (T) at its rounding
    h.setOptionValue("solve_relaxation", True)
    lp = -math.inf
    for rnd in range(20):
        lp_new = _solve_lp(h, deadline)
        if lp_new is None:
            break
        col = np.asarray(h.getSolution().col_value)
        w = col[master.nz :]
        z = col[: master.nz]
        rows = []
        for j in master.targets:
            cols = master.target_cols[j]
            if cols.size == 0:
                continue
            xf = w[cols]
            t = master.tangent_at(int(j), xf)
            if t is not None:
                fy = float(prob.target_value[j]) * math.exp(
                    float((master.col_log[cols] * xf).sum())
                )
                if z[master.z_of_target[j]] < fy * (1 - 1e-9):
                    rows.append(t)
            rows += master.cuts_at(int(j), xf > 0.5)
        master._add_rows(rows)
        say(f"OA LP round {rnd}: bound {lp_new:.6f}, +{len(rows)} cuts")
        improved = lp_new - lp > 1e-7 * abs(lp_new)
        lp = max(lp, lp_new)
        if not rows or not improved:
            break
    # the LP bound, and reduced-cost fixing: any solution with w_c = 1 costs at least
    # LP + d_c (d the reduced costs of this LP), so where that exceeds UB w_c = 0
    final = _solve_lp(h, deadline)
    if final is not None:
        lb = max(lb, final)
        d = np.asarray(h.getSolution().col_dual)[master.nz :]
        kill = (final + d > ub * (1 + 1e-9)) & ~master.fixed
        idx = (np.nonzero(kill)[0] + master.nz).astype(np.int32)
        if idx.size:
            h.changeColsBounds(idx.size, idx, np.zeros(idx.size), np.zeros(idx.size))
            master.fixed |= kill
        say(f"OA LP bound {final:.6f}, fixed {int(master.fixed.sum())} of {master.nw} columns")
    # MILP loop
    h.setOptionValue("solve_relaxation", False)
    h.changeColsIntegrality(
        master.nw,
        np.arange(master.nz, master.nz + master.nw, dtype=np.int32),
        np.ones(master.nw, np.uint8),
    )
    found: list[NDArray[np.float64]] = []

    on_improving_solution(h, found.append)
    iteration = 0
    while not proven(prob, ub, lb, tolerance) and time.perf_counter() < deadline:
        iteration += 1
        sol = h.getSolution()
        sol.col_value = master.point(best_x).tolist()
        sol.value_valid = True
        h.setSolution(sol)
        h.setOptionValue("time_limit", max(1e-3, deadline - time.perf_counter()))
        found.clear()
        h.run()
        info = h.getInfo()
        lb = max(lb, float(info.mip_dual_bound))
        added = 0
        for col in [*found, np.asarray(h.getSolution().col_value)]:
            if col.size != master.nz + master.nw:
                continue
            x = master.assignment(col)
            if is_feasible(prob, x):
                f = expected_survival(prob, x)
                if f < ub:
                    ub, best_x = f, x
            added += master.cuts_for_solution(col)
        say(
            f"OA MILP {iteration}: LB {lb:.6f} UB {ub:.6f} gap {relative_gap(ub, lb):.2e}, "
            f"{len(found)} solutions, +{added} cuts, nodes {info.mip_node_count}"
        )
        if added == 0:
            break  # nothing left to cut: the time limit, or the bound meets UB
    return ExactOutcome(
        assignment=best_x,
        upper_bound=ub,
        lower_bound=min(lb, ub),
        last_step="outer approximation",
        iterations=iteration,
        columns=int(master.nw - master.fixed.sum()),
        cuts=master.cuts,
        log=[],
    )
