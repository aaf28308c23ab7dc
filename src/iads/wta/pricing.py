"""Pricing: the cheapest salvo on one target at given prices per round (exact).

For target j with value V, kill probabilities p_i, a price π_i ≥ 0 per round of type i and a
price ν_i ≥ 0 for engaging the target with type i at all, the Lagrangian subproblem is

    α(π, ν) = min_x  V Π_i (1 − p_i)^x_i + Σ_i π_i x_i + Σ_i ν_i [x_i > 0],   x_i ∈ {0..u_i}.

It is solved exactly (up to :data:`PRICING_SLACK` · V) by depth-first branch and bound; the
column generation of :mod:`iads.wta.lagrangian` and the cuts of :mod:`iads.wta.exact` rely on
α never exceeding the true minimum by more than that.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

#: The search prunes nodes that cannot improve the best by more than this fraction of V, so
#: the minimum it returns may exceed the true one by at most that much.
PRICING_SLACK = 1e-12


def cheapest_salvo(
    value: float,
    kill_probability: NDArray[np.float64],
    price: NDArray[np.float64],
    engage_price: NDArray[np.float64],
    max_rounds: NDArray[np.int64],
    forced: tuple[int, int] | None = None,
    cutoff: float = math.inf,
) -> tuple[float, NDArray[np.int64]]:
    """Exact ``min_x V Π_i (1 − p_i)^x_i + Σ_i π_i x_i + Σ_i ν_i [x_i > 0]`` for one target.

    x_i ∈ {0..u_i} rounds of type i (u = ``max_rounds``); π ≥ 0 a price per round
    (``price``), ν ≥ 0 a price per type engaging the target (``engage_price``). A type with
    π_i ≥ V p_i is never worth a round (removing one changes the total by
    ``f p_i − π_i ≤ 0``), so only the others are searched, depth first, best count first, in
    order of cost per unit of log-kill ``r_i = π_i / −log(1 − p_i)``; a node is pruned by the
    continuous relaxation of its remaining types (fill log-kill t at the cheapest r while the
    survival ``f e^{−t}`` exceeds r), which bounds every completion from below.

    ``forced = (i, k)`` restricts the search to x_i ≥ k (used to fix variables: the least
    total of salvos that fire at least k rounds of type i).

    ``cutoff``: only totals below it are searched for; when there is none, the result is
    ``cutoff`` itself (a lower bound on the minimum) with an x that need not reach it.

    Returns the minimum (within ``PRICING_SLACK · V`` above the true one) and its x [m].
    """
    if forced is not None:
        i, k = forced
        f0 = value * (1.0 - float(kill_probability[i])) ** k
        spent0 = float(price[i]) * k + (float(engage_price[i]) if k else 0.0)
        rest = max_rounds.copy()
        rest[i] -= k
        engage = engage_price.copy()
        engage[i] = 0.0
        total, x = _search(value, f0, spent0, kill_probability, price, engage, rest, cutoff)
        x[i] += k
        return total, x
    return _search(value, value, 0.0, kill_probability, price, engage_price, max_rounds, cutoff)


def _search(
    value: float,
    f0: float,
    spent0: float,
    kill_probability: NDArray[np.float64],
    price: NDArray[np.float64],
    engage_price: NDArray[np.float64],
    max_rounds: NDArray[np.int64],
    cutoff: float,
) -> tuple[float, NDArray[np.int64]]:
    """Branch and bound from survival ``f0`` and cost ``spent0`` already committed."""
    x_best = np.zeros(kill_probability.size, np.int64)
    useful = np.nonzero(
        (kill_probability > 0) & (price < value * kill_probability) & (max_rounds > 0)
    )[0]
    if useful.size == 0 or value <= 0:
        return min(f0 + spent0, cutoff), x_best
    pu = kill_probability[useful]
    with np.errstate(divide="ignore"):
        a = -np.log1p(-pu)  # inf where p = 1
    ratio = np.where(np.isinf(a), 0.0, price[useful] / a)
    order = np.argsort(ratio, kind="stable")
    types = useful[order].tolist()
    a_l = a[order].tolist()
    miss = (1.0 - pu[order]).tolist()
    cost = price[useful][order].tolist()
    engage = engage_price[useful][order].tolist()
    ratio_l = ratio[order].tolist()
    upper = max_rounds[useful][order].tolist()
    n_items = len(types)
    best = [min(f0 + spent0, cutoff)]
    slack = PRICING_SLACK * value  # prune what cannot beat the best by more than this
    best_x: list[int] = [0] * n_items
    x = [0] * n_items

    def bound(k: int, f: float, spent: float) -> float:
        for q in range(k, n_items):
            r = ratio_l[q]
            if f <= r:
                break
            if math.isinf(a_l[q]):
                return spent
            t_max = upper[q] * a_l[q]
            t = min(t_max, math.log(f / r)) if r > 0 else t_max
            spent += r * t
            f *= math.exp(-t)
            if t < t_max:
                break
        return f + spent

    def search(k: int, f: float, spent: float) -> None:
        if f + spent < best[0]:
            best[0] = f + spent
            best_x[:] = x
        if k >= n_items or bound(k, f, spent) >= best[0] - slack:
            return
        for count in range(upper[k], -1, -1):
            x[k] = count
            extra = cost[k] * count + (engage[k] if count else 0.0)
            search(k + 1, f * miss[k] ** count, spent + extra)
        x[k] = 0

    search(0, f0, spent0)
    x_best[np.array(types)] = best_x
    return best[0], x_best
