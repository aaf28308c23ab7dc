"""Pricing: the cheapest salvo on one target at given prices per round (exact).

For target j with value V, kill probabilities p_i, a price π_i ≥ 0 per round of type i and a
price ν_i ≥ 0 for engaging the target with type i at all, the Lagrangian subproblem is

    α(π, ν) = min_x  V Π_i (1 − p_i)^x_i + Σ_i π_i x_i + Σ_i ν_i [x_i > 0],   x_i ∈ {0..u_i}.

It is solved exactly (up to :data:`PRICING_SLACK` · V) by depth-first branch and bound; the
column generation of :mod:`iads.wta.lagrangian` and the cuts of :mod:`iads.wta.exact` rely on
α never exceeding the true minimum by more than that.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
from numpy.typing import NDArray

#: The search prunes nodes that cannot improve the best by more than this fraction of V, so
#: the minimum it returns may exceed the true one by at most that much.
PRICING_SLACK = 1e-12
#: How many earlier incumbents of the search ``runners_up`` receives.
RUNNERS_UP = 3


def cheapest_salvo(
    value: float,
    kill_probability: NDArray[np.float64],
    price: NDArray[np.float64],
    engage_price: NDArray[np.float64],
    max_rounds: NDArray[np.int64],
    forced: tuple[int, int] | None = None,
    cutoff: float = math.inf,
    runners_up: list[NDArray[np.int64]] | None = None,
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

    ``runners_up``, if given, receives the last few salvos that were the best so far during
    the search before the final one (good columns too, at no extra cost).

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
        total, x = _search(value, f0, spent0, kill_probability, price, engage, rest, cutoff, None)
        x[i] += k
        return total, x
    return _search(
        value, value, 0.0, kill_probability, price, engage_price, max_rounds, cutoff, runners_up
    )


class _Items:
    """The types a search branches on, sorted by cost per unit of log-kill, and the
    continuous relaxation that bounds every completion of a partial salvo.

    Item q (a type) has ``a_q = −log(1 − p_q)``, up to ``u_q`` rounds and ratio
    ``r_q = π_q / a_q`` (0 for a sure kill). The relaxation of items k.. fills log-kill at the
    cheapest ratio first: item q is used in full while ``f e^(−(S_(q+1) − S_k)) ≥ r_q``, i.e.
    ``log f + S_k ≥ g_q`` with S the prefix sums of ``t_q = u_q a_q`` and
    ``g_q = S_(q+1) + log r_q`` (increasing, so found by bisection), then in part, down to
    ``f = r_q``. A sure kill (p = 1) left means f can reach 0 at no cost.
    """

    def __init__(
        self,
        chosen: NDArray[np.int64],
        kill_probability: NDArray[np.float64],
        price: NDArray[np.float64],
        engage_price: NDArray[np.float64],
        max_rounds: NDArray[np.int64],
    ) -> None:
        pu = kill_probability[chosen]
        with np.errstate(divide="ignore"):
            a = -np.log1p(-pu)  # inf where p = 1
        sure = np.isinf(a)
        ratio = np.where(sure, 0.0, price[chosen] / np.where(sure, 1.0, a))
        order = np.argsort(ratio, kind="stable")
        sure, ratio = sure[order], ratio[order]
        upper = max_rounds[chosen][order]
        t_max = upper * np.where(sure, 0.0, a[order])
        prefix = np.concatenate([[0.0], np.cumsum(t_max)])
        with np.errstate(divide="ignore"):
            self.g = (prefix[1:] + np.log(ratio)).tolist()  # -inf where the ratio is 0
        self.prefix = prefix.tolist()
        self.spend = np.concatenate([[0.0], np.cumsum(ratio * t_max)]).tolist()
        self.sure_after = np.concatenate(
            [np.maximum.accumulate(sure[::-1])[::-1], [False]]
        ).tolist()
        self.ratio = ratio.tolist()
        self.types = chosen[order]
        self.miss = (1.0 - pu[order]).tolist()
        self.cost = price[chosen][order].tolist()
        self.engage = engage_price[chosen][order].tolist()
        self.upper = upper.tolist()
        self.size = len(self.upper)

    def bound(self, k: int, f: float, spent: float) -> float:
        """Least total of any completion from item k on, survival f and cost spent so far."""
        if self.sure_after[k] or f <= 0.0:
            return spent
        prefix, ratio = self.prefix, self.ratio
        q = bisect.bisect_right(self.g, math.log(f) + prefix[k], lo=k)
        f_q = f * math.exp(prefix[k] - prefix[q])
        spent += self.spend[q] - self.spend[k]
        if q < self.size and f_q > ratio[q]:
            spent += ratio[q] * math.log(f_q / ratio[q])
            f_q = ratio[q]
        return f_q + spent


def _search(
    value: float,
    f0: float,
    spent0: float,
    kill_probability: NDArray[np.float64],
    price: NDArray[np.float64],
    engage_price: NDArray[np.float64],
    max_rounds: NDArray[np.int64],
    cutoff: float,
    runners_up: list[NDArray[np.int64]] | None,
) -> tuple[float, NDArray[np.int64]]:
    """Branch and bound from survival ``f0`` and cost ``spent0`` already committed."""
    x_best = np.zeros(kill_probability.size, np.int64)
    useful = np.nonzero(
        (kill_probability > 0) & (price < value * kill_probability) & (max_rounds > 0)
    )[0]
    if useful.size == 0 or value <= 0:
        return min(f0 + spent0, cutoff), x_best
    items = _Items(useful, kill_probability, price, engage_price, max_rounds)
    bound, miss, cost, engage, upper = (
        items.bound,
        items.miss,
        items.cost,
        items.engage,
        items.upper,
    )
    n_items = items.size
    best = [min(f0 + spent0, cutoff)]
    slack = PRICING_SLACK * value  # prune what cannot beat the best by more than this
    best_x: list[int] = [0] * n_items
    x = [0] * n_items

    earlier: list[list[int]] = []

    def search(k: int, f: float, spent: float) -> None:
        if f + spent < best[0]:
            best[0] = f + spent
            if runners_up is not None and any(best_x):
                earlier.append(list(best_x))
            best_x[:] = x
        if k >= n_items or bound(k, f, spent) >= best[0] - slack:
            return
        for count in range(upper[k], -1, -1):
            x[k] = count
            extra = cost[k] * count + (engage[k] if count else 0.0)
            search(k + 1, f * miss[k] ** count, spent + extra)
        x[k] = 0

    search(0, f0, spent0)
    x_best[items.types] = best_x
    if runners_up is not None:
        for xs in earlier[-RUNNERS_UP:]:
            alt = np.zeros(kill_probability.size, np.int64)
            alt[items.types] = xs
            runners_up.append(alt)
    return best[0], x_best


def salvos_within(
    value: float,
    kill_probability: NDArray[np.float64],
    price: NDArray[np.float64],
    engage_price: NDArray[np.float64],
    max_rounds: NDArray[np.int64],
    limit: float,
    most: int,
) -> list[NDArray[np.int64]] | None:
    """Every x (x_i ∈ 0..u_i) with ``V Π (1 − p_i)^x_i + π·x + ν·[x > 0] ≤ limit``.

    Depth-first over the types with p > 0 and u > 0 (all of them: a type with π_i ≥ V p_i may
    still fit under the limit), pruned by the same continuous relaxation as
    :func:`cheapest_salvo`. Returns None when there are more than ``most``.
    """
    chosen = np.nonzero((kill_probability > 0) & (max_rounds > 0))[0]
    found: list[NDArray[np.int64]] = []
    if value <= limit:
        found.append(np.zeros(kill_probability.size, np.int64))
    if chosen.size == 0:
        return found
    items = _Items(chosen, kill_probability, price, engage_price, max_rounds)
    bound, miss, cost, engage, upper = (
        items.bound,
        items.miss,
        items.cost,
        items.engage,
        items.upper,
    )
    types, n_items = items.types, items.size
    x = [0] * n_items

    def search(k: int, f: float, spent: float) -> bool:
        if k == n_items:
            if f + spent <= limit and any(x):
                full = np.zeros(kill_probability.size, np.int64)
                full[types] = x
                found.append(full)
            return len(found) <= most
        if bound(k, f, spent) > limit:
            return True
        for count in range(upper[k], -1, -1):
            x[k] = count
            extra = cost[k] * count + (engage[k] if count else 0.0)
            if not search(k + 1, f * miss[k] ** count, spent + extra):
                return False
        x[k] = 0
        return True

    return found if search(0, value, 0.0) else None
