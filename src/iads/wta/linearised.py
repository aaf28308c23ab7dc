"""The baseline: the plain linearised MILP (probability chain), given straight to HiGHS.

Binary w_ijk = "at least k+1 rounds of type i at target j" (w_ij0 ≥ w_ij1 ≥ ...). For each
target the rounds t = 1..T (its columns in a fixed order) form a chain of survival values
q_j^0 = V_j, and for each t, with p_t the kill probability of round t,

    q_j^t ≥ q_j^(t−1) − V_j p_t w_t,    q_j^t ≥ (1 − p_t) q_j^(t−1),    q_j^t ≥ 0,

so at a binary w the least q_j^T is exactly V_j Π_t (1 − p_t)^(w_t) (the first row binds when
w_t = 1, because q ≤ V). Minimise Σ_j q_j^T subject to the rounds and capacity rows. This is
the exact linearisation a user would write first (Andersen et al.'s "probchain"); its LP
relaxation is weak, which is what the outer approximation and the Lagrangian bound avoid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.wta.base import RELATIVE_TOLERANCE, Problem, expected_survival
from iads.wta.highs import INF, new_highs


@dataclass
class LinearisedOutcome:
    """The baseline's result: best assignment, its true objective and HiGHS's bound."""

    assignment: NDArray[np.int64]  # [m, n]
    upper_bound: float
    lower_bound: float


def solve_linearised(
    prob: Problem, time_limit_s: float | None = None, tolerance: float = RELATIVE_TOLERANCE
) -> LinearisedOutcome:
    """Solve the probability-chain MILP with HiGHS (default settings, one thread)."""
    p = prob.kill_probability
    m, n = p.shape
    value = prob.target_value
    max_rounds = np.where(prob.capacity > 0, prob.rounds, 0)
    usable = (p > 0) & (value[None, :] > 0) & (max_rounds > 0)[:, None]
    ti, tj = np.nonzero(usable)
    copies = max_rounds[ti]
    col_type = np.repeat(ti, copies)
    col_target = np.repeat(tj, copies)
    col_copy = np.arange(int(copies.sum())) - np.repeat(np.cumsum(copies) - copies, copies)
    nw = col_type.size
    order = np.lexsort((col_copy, col_type, col_target))
    # columns: w (nw binaries), then one q per round in chain order (q_j^t), then q_j^0 = V_j
    # folded into the first link's constants
    inf = INF
    h = new_highs()
    h.setOptionValue("mip_rel_gap", tolerance)
    h.setOptionValue("mip_abs_gap", 0.0)
    if time_limit_s is not None:
        h.setOptionValue("time_limit", max(1e-3, float(time_limit_s)))
    nq = nw
    cost = np.zeros(nw + nq)
    last = np.zeros(n, bool)
    q_of = np.empty(nw, np.int64)  # q column of each chain position
    q_of[order] = nw + np.arange(nw)
    tgt_sorted = col_target[order]
    is_last = np.r_[tgt_sorted[1:] != tgt_sorted[:-1], True] if nw else np.zeros(0, bool)
    cost[nw + np.nonzero(is_last)[0]] = 1.0
    last[tgt_sorted[is_last]] = True
    constant = float(value[~last].sum())  # targets no round can reach
    upper = np.concatenate([np.ones(nw), np.full(nq, inf)])
    h.addCols(
        nw + nq,
        cost,
        np.zeros(nw + nq),
        upper,
        0,
        np.zeros(nw + nq, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )
    h.changeColsIntegrality(nw, np.arange(nw, dtype=np.int32), np.ones(nw, np.uint8))
    lower: list[float] = []
    upper_r: list[float] = []
    starts: list[int] = []
    index: list[int] = []
    coef: list[float] = []

    def row(cols: list[int], vals: list[float], lo: float, hi: float) -> None:
        starts.append(len(index))
        index.extend(cols)
        coef.extend(vals)
        lower.append(lo)
        upper_r.append(hi)

    first = np.r_[True, tgt_sorted[1:] != tgt_sorted[:-1]] if nw else np.zeros(0, bool)
    for pos in range(nw):
        c = int(order[pos])
        q = nw + pos
        j = int(col_target[c])
        pt = float(p[col_type[c], j])
        vp = float(value[j]) * pt
        if first[pos]:  # q^1 >= V - V p w ; q^1 >= (1 - p) V
            row([q, c], [1.0, vp], float(value[j]), inf)
            row([q], [1.0], (1.0 - pt) * float(value[j]), inf)
        else:  # q^t - q^(t-1) + V p w >= 0 ; q^t - (1 - p) q^(t-1) >= 0
            row([q, q - 1, c], [1.0, -1.0, vp], 0.0, inf)
            row([q, q - 1], [1.0, -(1.0 - pt)], 0.0, inf)
    for i in range(m):
        cols = np.nonzero(col_type == i)[0]
        if cols.size:
            row(cols.tolist(), [1.0] * cols.size, -inf, float(max_rounds[i]))
            firsts = cols[col_copy[cols] == 0]
            if firsts.size > prob.capacity[i]:
                row(firsts.tolist(), [1.0] * firsts.size, -inf, float(prob.capacity[i]))
    for c in np.nonzero(col_copy > 0)[0].tolist():
        row([c, c - 1], [1.0, -1.0], -inf, 0.0)
    h.addRows(
        len(lower),
        np.array(lower),
        np.array(upper_r),
        len(index),
        np.array(starts, np.int32),
        np.array(index, np.int32),
        np.array(coef),
    )
    h.run()
    x = np.zeros((m, n), np.int64)
    sol = np.asarray(h.getSolution().col_value)
    if sol.size == nw + nq and h.getInfo().primal_solution_status == 2:
        w = sol[:nw] > 0.5
        np.add.at(x, (col_type[w], col_target[w]), 1)
    bound = float(h.getInfo().mip_dual_bound) + constant
    if not math.isfinite(bound):
        bound = 0.0
    f = expected_survival(prob, x)
    return LinearisedOutcome(assignment=x, upper_bound=f, lower_bound=min(max(bound, 0.0), f))
