"""Maximum marginal return, then local search: pairwise moves and assignment moves (NumPy).

Rounds are slots: slot s is one round of weapon type ``type_s`` (types in order, type i
repeated r_i times) aimed at target ``tgt_s`` in 0..n, where n is a dummy target,
"unassigned" (value 0, kill probability 0). S_j = Π_i (1 − p_ij)^x_ij is the survival
probability of target j and F = Σ_j V_j S_j the expected surviving value.

1. **Greedy** (maximum marginal return, Ahuja et al. 2007): repeatedly give one free round of
   type i to the target k with the largest return ``V_k S_k p_ik`` that the capacity allows,
   until no free round has a positive return.
2. **Relocation descent**, steepest: the best move of one round of type i from target j (or
   from the unassigned rounds, j = n) to target k ≠ j,
   ``Δ = V_j (S_j/(1 − p_ij) − S_j) − V_k S_k p_ik``, until none improves F by more than
   ``IMPROVEMENT · F`` (or ``max_moves``). For each (i, j) the best k is the best or the
   second-best target of type i, so a step costs O(m n).
3. **Assignment moves** (a very-large-scale neighbourhood, after Ahuja et al. 2007): lift at
   most one round from each of a set of targets, and take every free round; with the rest
   fixed, putting round a (type i) on target j changes F by ``−V_j S_j^rest p_ij``, exactly,
   as long as each target receives at most one of them, so the best re-placement is a linear
   assignment problem (rounds × targets, plus "unassigned" columns at cost 0). It contains
   every swap, cyclic and path exchange among the lifted rounds. Lifting two rounds from a
   target (then only one can come back) lets its count fall. Pattern t lifts, from target j,
   the ``c = (h >> 3) mod (rounds at j)``-th round in slot order, where
   ``h = ((j+1)·2654435761 + (t+1)·40503) mod 2³²``, on every target when t is even and where
   ``h mod 8 < 6`` when t is odd; when t mod 3 = 2 it also lifts the round after c on the
   targets with two rounds or more and ``(h >> 8)`` even. Each move is followed by
   relocation descent and kept if it improves F; the search stops after
   ``patience`` patterns in a row without improvement (or ``max_patterns``).

A type whose capacity would be exceeded may only move rounds onto targets it already engages
(or that its lifted rounds come from), so capacity holds throughout. Move choices use
``S_j/(1 − p_ij) = exp(y_j − a_ij)`` with ``a_ij = max(log(1 − p_ij), LOG_FLOOR)`` and
``y_j = Σ_i x_ij a_ij`` (no division by zero at p = 1); reported objectives are exact. Ties
go to the lowest index (row-major), as ``argmax`` does, so :mod:`iads.wta.heuristic_jax` makes
the same choices.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from iads.wta.base import Problem

#: Floor on log(1 − p): exp(−80) ≈ 1.8e-35 stands for a sure kill (representable in float32).
LOG_FLOOR = -80.0
#: A move must improve F by more than this fraction of F (float64).
IMPROVEMENT = 1e-12
#: Assignment-move patterns tried in a row without improvement before the search stops.
PATIENCE = 8
#: Pattern t lifts from the targets with h mod 8 < LIFT_EIGHTHS[t mod 2] (all, then 3/4).
LIFT_EIGHTHS = (8, 6)
#: Most assignment-move patterns in one search.
MAX_PATTERNS = 200


def default_max_moves(total_rounds: int) -> int:
    """Cap on relocation moves in one descent: 4 per round, and at least 50."""
    return max(50, 4 * total_rounds)


def slot_types(rounds: NDArray[np.int64]) -> NDArray[np.int64]:
    """Weapon type of each round slot [R], types in order, type i repeated r_i times."""
    return np.repeat(np.arange(rounds.size), rounds)


def lift_hash(targets: int, pattern: int) -> NDArray[np.uint64]:
    """h_j for pattern t (module doc), [n]."""
    j = np.arange(targets, dtype=np.uint64)
    return ((j + 1) * np.uint64(2654435761) + np.uint64(pattern + 1) * np.uint64(40503)) % (
        np.uint64(1) << np.uint64(32)
    )


def greedy(prob: Problem) -> NDArray[np.int64]:
    """Maximum marginal return: the assignment x [m, n] (rounds per type and target)."""
    p = prob.kill_probability
    m, n = p.shape
    value = prob.target_value
    with np.errstate(divide="ignore"):
        log_survive = np.maximum(np.log1p(-p), LOG_FLOOR)
    x = np.zeros((m, n), dtype=np.int64)
    free = prob.rounds.copy()
    engaged = np.zeros(m, dtype=np.int64)
    y = np.zeros(n)
    # V_k S_k p_ik where type i may still fire at k, -inf elsewhere (kept up to date)
    gain = np.where((free > 0)[:, None] & (prob.capacity > 0)[:, None], value * p, -np.inf)
    for _ in range(int(prob.rounds.sum())):
        flat = int(np.argmax(gain))
        i, k = divmod(flat, n)
        if not gain[i, k] > 0.0:
            break
        engaged[i] += x[i, k] == 0
        x[i, k] += 1
        free[i] -= 1
        y[k] += log_survive[i, k]
        column = value[k] * np.exp(y[k]) * p[:, k]
        open_k = (free > 0) & ((x[:, k] > 0) | (engaged < prob.capacity))
        gain[:, k] = np.where(open_k, column, -np.inf)
        if free[i] == 0:
            gain[i] = -np.inf
        elif engaged[i] >= prob.capacity[i]:
            gain[i, x[i] == 0] = -np.inf
    return x


def _top_two(
    values: NDArray[np.float64],
) -> tuple[
    tuple[NDArray[np.float64], NDArray[np.int64]], tuple[NDArray[np.float64], NDArray[np.int64]]
]:
    """Per row, the largest value and its column, and the second (first index on ties)."""
    first = np.argmax(values, axis=1)
    rows = np.arange(values.shape[0])
    top = values[rows, first]
    rest = values.copy()
    rest[rows, first] = -np.inf
    second = np.argmax(rest, axis=1)
    return (top, first), (rest[rows, second], second)


class _Search:
    """Local-search state shared by the moves: the extended arrays of one problem."""

    def __init__(self, prob: Problem) -> None:
        p = prob.kill_probability
        m, n = p.shape
        self.m, self.n = m, n
        self.types = slot_types(prob.rounds)
        self.p_ext = np.concatenate([p, np.zeros((m, 1))], axis=1)  # [m, n+1]
        self.value = np.concatenate([prob.target_value, [0.0]])  # [n+1]
        with np.errstate(divide="ignore"):
            self.log_survive = np.maximum(np.log1p(-self.p_ext), LOG_FLOOR)  # [m, n+1]
        self.miss_t = (1.0 - self.p_ext).T  # [n+1, m]
        self.capacity = prob.capacity
        self.rounds = prob.rounds

    def extend(self, x: NDArray[np.int64]) -> NDArray[np.int64]:
        """[m, n] -> [m, n+1] with the unassigned rounds in column n."""
        return np.concatenate([x, (self.rounds - x.sum(axis=1))[:, None]], axis=1)

    def slot_targets(self, x_ext: NDArray[np.int64]) -> NDArray[np.int64]:
        """Targets of the slots, type by type, in target order [R]."""
        per_type = [np.repeat(np.arange(self.n + 1), x_ext[i]) for i in range(self.m)]
        if not per_type:
            return np.zeros(0, np.int64)
        return np.concatenate(per_type).astype(np.int64)

    def objective(self, x_ext: NDArray[np.int64]) -> float:
        """F in the log form the moves use (column n has value 0)."""
        y = (x_ext * self.log_survive).sum(axis=0)
        return float((self.value * np.exp(y)).sum())

    def descend(
        self, x_ext: NDArray[np.int64], max_moves: int, deadline: float = math.inf
    ) -> NDArray[np.int64]:
        """Relocation descent (module doc, step 2) on x [m, n+1], until ``deadline``
        (a ``time.perf_counter()`` instant) at the latest."""
        x = x_ext.copy()
        n = self.n
        for _ in range(max_moves):
            if time.perf_counter() >= deadline:
                break
            y = (x * self.log_survive).sum(axis=0)  # [n+1]
            vs = self.value * np.exp(y)  # [n+1] V_j S_j (0 at the dummy)
            lose = self.value * np.exp(y[None, :] - self.log_survive) - vs[None, :]  # [m, n+1]
            lose = np.where(x > 0, lose, np.inf)
            real = x[:, :n]
            spare = (real > 0).sum(axis=1) < self.capacity  # [m]
            gain = vs[None, :n] * self.p_ext[:, :n]  # [m, n]
            # a type may always join targets it engages; new ones need spare capacity or
            # a source it leaves (x_ij = 1 at a real j)
            g_here = np.where(real > 0, gain, -np.inf)
            g_all = gain
            top_here, second_here = _top_two(g_here)
            top_all, second_all = _top_two(g_all)
            cols = np.arange(n + 1)[None, :]
            best_here = np.where(
                top_here[1][:, None] == cols, second_here[0][:, None], top_here[0][:, None]
            )
            best_all = np.where(
                top_all[1][:, None] == cols, second_all[0][:, None], top_all[0][:, None]
            )
            opens = spare[:, None] | ((x == 1) & (cols < n))  # [m, n+1]
            best = np.where(opens, np.maximum(best_all, best_here), best_here)
            delta = lose - best  # [m, n+1]
            flat = int(np.argmin(delta))
            i, j = divmod(flat, n + 1)
            if not delta[i, j] < -IMPROVEMENT * float(vs[:n].sum()):
                break
            use_all = bool(opens[i, j]) and best_all[i, j] > best_here[i, j]
            top, second = (top_all, second_all) if use_all else (top_here, second_here)
            k = int(second[1][i] if top[1][i] == j else top[1][i])
            x[i, j] -= 1
            x[i, k] += 1
        return x

    def reassign(self, x_ext: NDArray[np.int64], pattern: int) -> NDArray[np.int64]:
        """One assignment move (module doc, step 3)."""
        types = self.types
        n, m = self.n, self.m
        tgt = self.slot_targets(x_ext)
        if types.size == 0:
            return x_ext
        count = x_ext[:, :n].sum(axis=0)  # [n] rounds at each target
        h = lift_hash(n, pattern)
        lifted_target = count > 0
        lifted_target &= h % np.uint64(8) < np.uint64(LIFT_EIGHTHS[pattern % len(LIFT_EIGHTHS)])
        choice = (h >> np.uint64(3)) % np.maximum(count, 1).astype(np.uint64)
        # rank of each slot among the slots at its target, in slot order
        order = np.lexsort((np.arange(types.size), tgt))
        first = np.searchsorted(tgt[order], tgt[order])
        rank = np.empty(types.size, np.int64)
        rank[order] = np.arange(types.size) - first
        real = tgt < n
        tgt_real = np.minimum(tgt, n - 1)
        chosen = rank == choice[tgt_real].astype(np.int64)
        if pattern % 3 == 2:  # a second round from half the targets with two or more
            two = (count >= 2) & ((h >> np.uint64(8)) % np.uint64(2) == 0)
            nxt = (choice[tgt_real].astype(np.int64) + 1) % np.maximum(count[tgt_real], 1)
            chosen |= two[tgt_real] & (rank == nxt)
        item = ~real | (real & lifted_target[tgt_real] & chosen)
        rest = x_ext.copy()
        np.subtract.at(rest, (types[item], tgt[item]), 1)
        y = (rest * self.log_survive).sum(axis=0)
        vs = (self.value * np.exp(y))[:n]  # [n] V_j S_j^rest
        it = types[item]
        # capacity: a type that could overflow keeps to targets it engages or its items left
        engaged_rest = (rest[:, :n] > 0).sum(axis=1)
        lifted_count = np.bincount(it, minlength=m)
        tight = engaged_rest + lifted_count > self.capacity  # [m]
        origin = np.zeros((m, n), bool)
        src = tgt[item]
        ok = src < n
        origin[it[ok], src[ok]] = True
        allowed = (rest[:, :n] > 0) | origin | ~tight[:, None]  # [m, n]
        cost = np.where(allowed[it], -vs[None, :] * self.p_ext[it, :n], np.inf)  # [L, n]
        # "unassigned" columns (cost 0): enough for the rounds some target is closed to
        # and for more rounds than targets (every other cost is <= 0, so no optimum needs more)
        dummies = max(int((~np.isfinite(cost)).any(axis=1).sum()), it.size - n)
        extra = np.zeros((it.size, dummies))
        rows, cols = linear_sum_assignment(np.concatenate([cost, extra], axis=1))
        new = rest
        placed = cols < n
        np.add.at(new, (it[rows[placed]], cols[placed]), 1)
        np.add.at(new, (it[rows[~placed]], np.full(int((~placed).sum()), n)), 1)
        return new


def local_search(
    prob: Problem,
    assignment: NDArray[np.int64],
    max_moves: int | None = None,
    patience: int = PATIENCE,
    max_patterns: int = MAX_PATTERNS,
    deadline: float = math.inf,
) -> NDArray[np.int64]:
    """Pairwise descent, then assignment moves each followed by descent (module doc).

    ``deadline`` (a ``time.perf_counter()`` instant): no move starts after it, so the search
    returns the best assignment found by then (every move keeps the assignment feasible).
    """
    search = _Search(prob)
    moves = max_moves if max_moves is not None else default_max_moves(search.types.size)
    x = search.descend(search.extend(assignment), moves, deadline)
    f = search.objective(x)
    misses = 0
    for pattern in range(max_patterns):
        if misses >= patience or time.perf_counter() >= deadline:
            break
        y = search.descend(search.reassign(x, pattern), moves, deadline)
        fy = search.objective(y)
        if fy < f - IMPROVEMENT * f:
            x, f, misses = y, fy, 0
        else:
            misses += 1
    return x[:, : search.n].copy()


def relocation_descent(
    prob: Problem, assignment: NDArray[np.int64], max_moves: int | None = None
) -> NDArray[np.int64]:
    """Only step 2 (relocations) from ``assignment``."""
    search = _Search(prob)
    moves = max_moves if max_moves is not None else default_max_moves(search.types.size)
    return search.descend(search.extend(assignment), moves)[:, : search.n].copy()


def solve_heuristic(prob: Problem, time_limit_s: float | None = None) -> NDArray[np.int64]:
    """Greedy maximum marginal return, then local search: the assignment x [m, n].

    With ``time_limit_s`` the local search starts no move after that many seconds from the
    call (greedy always runs to the end, so the result is feasible and never worse than it).
    """
    deadline = math.inf if time_limit_s is None else time.perf_counter() + time_limit_s
    return local_search(prob, greedy(prob), deadline=deadline)
