"""The heuristic of :mod:`iads.wta.heuristic` as one jittable JAX function.

Same algorithm, same order of moves and the same tie-breaking (lowest index, row-major):
greedy maximum marginal return, relocation descent, then assignment moves each followed by
descent. Everything is fixed-size so an engine can call it inside a jitted step: ``R``
(``total_rounds``, static) round slots, ``max_moves``, ``patience`` and ``max_patterns``
(static) bound the loops; model numbers (p, V, r, c) are traced arrays. The assignment moves
solve their linear assignment problem with a shortest-augmenting-path (Jonker–Volgenant)
solver on a dense R × (n + R) matrix: rows are slots, columns the targets then one
"unassigned" column per slot; a slot that is not lifted may only keep its own unassigned
column (which stands for "stay where it is"). Its cost grows as R² (n + R), fine for the
engine's tens of rounds; the NumPy form (SciPy's solver) is the one for benchmark sizes.

The two forms give the same assignment up to floating-point rounding in near-ties; the tests
check equal objectives on random instances.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
from jax import Array

from iads.wta.heuristic import IMPROVEMENT, LIFT_EIGHTHS, LOG_FLOOR, MAX_PATTERNS, PATIENCE


def _threshold(dtype: jnp.dtype) -> float:
    return max(IMPROVEMENT, 8.0 * float(jnp.finfo(dtype).eps))


@partial(jax.jit, static_argnames=("total_rounds", "max_moves", "patience", "max_patterns"))
def solve_heuristic_jax(
    kill_probability: Array,
    target_value: Array,
    rounds: Array,
    capacity: Array,
    *,
    total_rounds: int,
    max_moves: int,
    patience: int = PATIENCE,
    max_patterns: int = MAX_PATTERNS,
) -> Array:
    """Greedy, relocation descent and assignment moves; the assignment x [m, n] (int32).

    Parameters
    ----------
    kill_probability : [m, n] p_ij in [0, 1] (its dtype is the working precision).
    target_value : [n] V_j >= 0.
    rounds, capacity : [m] int, r_i and c_i (distinct targets per type).
    total_rounds : static R >= Σ r_i, the number of round slots.
    max_moves : static cap on relocations per descent (the NumPy form's default is
        ``default_max_moves(Σ r_i)``).
    patience, max_patterns : static, as in :func:`iads.wta.heuristic.local_search`.
    """
    p = kill_probability
    m, n = p.shape
    dtype = p.dtype
    rounds = rounds.astype(jnp.int32)
    capacity = capacity.astype(jnp.int32)
    p_ext = jnp.concatenate([p, jnp.zeros((m, 1), dtype)], axis=1)  # [m, n+1]
    value = jnp.concatenate([target_value.astype(dtype), jnp.zeros(1, dtype)])  # [n+1]
    log_survive = jnp.maximum(jnp.log1p(-p_ext), LOG_FLOOR)  # [m, n+1]
    threshold = _threshold(dtype)
    x0 = _greedy(p, target_value.astype(dtype), log_survive[:, :n], rounds, capacity, total_rounds)
    x_ext = jnp.concatenate([x0, (rounds - x0.sum(axis=1))[:, None]], axis=1)

    def objective(x: Array) -> Array:
        return jnp.sum(value * jnp.exp(jnp.sum(x * log_survive, axis=0)))

    def descend(x: Array) -> Array:
        return _descend(x, value, p_ext, log_survive, capacity, max_moves, threshold)

    x = descend(x_ext)

    def cond(state: tuple[Array, Array, Array, Array]) -> Array:
        _, _, misses, t = state
        return (misses < patience) & (t < max_patterns)

    def body(state: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        x, f, misses, t = state
        y = descend(_reassign(x, t, value, p_ext, log_survive, rounds, capacity, total_rounds))
        fy = objective(y)
        better = fy < f - threshold * f
        return (
            jnp.where(better, y, x),
            jnp.where(better, fy, f),
            jnp.where(better, 0, misses + 1),
            t + 1,
        )

    x, _, _, _ = jax.lax.while_loop(cond, body, (x, objective(x), jnp.int32(0), jnp.int32(0)))
    return x[:, :n]


def _greedy(
    p: Array, value: Array, log_survive: Array, rounds: Array, capacity: Array, steps: int
) -> Array:
    """Maximum marginal return, ``steps`` rounds at most: x [m, n] int32."""
    m, n = p.shape

    def body(_: int, state: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        x, free, engaged, y = state
        gain = value[None, :] * jnp.exp(y)[None, :] * p
        allowed = (free > 0)[:, None] & ((x > 0) | (engaged < capacity)[:, None])
        masked = jnp.where(allowed, gain, -jnp.inf)
        flat = jnp.argmax(masked)
        i, k = flat // n, flat % n
        go = masked[i, k] > 0
        step = go.astype(jnp.int32)
        engaged = engaged.at[i].add(step * (x[i, k] == 0))
        x = x.at[i, k].add(step)
        free = free.at[i].add(-step)
        y = y.at[k].add(jnp.where(go, log_survive[i, k], 0.0))
        return x, free, engaged, y

    init = (
        jnp.zeros((m, n), jnp.int32),
        rounds,
        jnp.zeros(m, jnp.int32),
        jnp.zeros(n, p.dtype),
    )
    x, _, _, _ = jax.lax.fori_loop(0, steps, body, init)
    return x


def _top_two(values: Array) -> tuple[Array, Array, Array, Array]:
    first = jnp.argmax(values, axis=1)
    rows = jnp.arange(values.shape[0])
    top = values[rows, first]
    rest = values.at[rows, first].set(-jnp.inf)
    second = jnp.argmax(rest, axis=1)
    return top, first, rest[rows, second], second


def _descend(
    x: Array,
    value: Array,
    p_ext: Array,
    log_survive: Array,
    capacity: Array,
    max_moves: int,
    threshold: float,
) -> Array:
    """Relocation descent on x [m, n+1] (as ``_Search.descend``)."""
    n1 = x.shape[1]
    n = n1 - 1
    cols = jnp.arange(n1)[None, :]

    def best_move(x: Array) -> tuple[Array, Array, Array, Array]:
        y = jnp.sum(x * log_survive, axis=0)
        vs = value * jnp.exp(y)
        lose = value[None, :] * jnp.exp(y[None, :] - log_survive) - vs[None, :]
        lose = jnp.where(x > 0, lose, jnp.inf)
        real = x[:, :n]
        spare = jnp.sum(real > 0, axis=1) < capacity
        gain = vs[None, :n] * p_ext[:, :n]
        g_here = jnp.where(real > 0, gain, -jnp.inf)
        th, ih, sh, jh = _top_two(g_here)
        ta, ia, sa, ja = _top_two(gain)
        best_here = jnp.where(ih[:, None] == cols, sh[:, None], th[:, None])
        best_all = jnp.where(ia[:, None] == cols, sa[:, None], ta[:, None])
        opens = spare[:, None] | ((x == 1) & (cols < n))
        best = jnp.where(opens, jnp.maximum(best_all, best_here), best_here)
        delta = lose - best
        flat = jnp.argmin(delta)
        i, j = flat // n1, flat % n1
        use_all = opens[i, j] & (best_all[i, j] > best_here[i, j])
        top_idx = jnp.where(use_all, ia[i], ih[i])
        second_idx = jnp.where(use_all, ja[i], jh[i])
        k = jnp.where(top_idx == j, second_idx, top_idx)
        improving = delta[i, j] < -threshold * jnp.sum(vs[:n])
        return improving, i, j, k

    def cond(state: tuple[Array, Array, Array]) -> Array:
        _, moves, go = state
        return go & (moves < max_moves)

    def body(state: tuple[Array, Array, Array]) -> tuple[Array, Array, Array]:
        x, moves, _ = state
        improving, i, j, k = best_move(x)
        step = improving.astype(x.dtype)
        x = x.at[i, j].add(-step).at[i, k].add(step)
        return x, moves + 1, improving

    x, _, _ = jax.lax.while_loop(cond, body, (x, jnp.int32(0), jnp.bool_(True)))
    return x


def _lift_hash(targets: int, pattern: Array) -> Array:
    j = jnp.arange(targets, dtype=jnp.uint32)
    t = pattern.astype(jnp.uint32)
    return (j + 1) * jnp.uint32(2654435761) + (t + 1) * jnp.uint32(40503)


def _reassign(
    x: Array,
    pattern: Array,
    value: Array,
    p_ext: Array,
    log_survive: Array,
    rounds: Array,
    capacity: Array,
    total_rounds: int,
) -> Array:
    """One assignment move on x [m, n+1] (as ``_Search.reassign``)."""
    m, n1 = x.shape
    n = n1 - 1
    R = total_rounds
    dtype = p_ext.dtype
    slots = jnp.arange(R)
    ends = jnp.cumsum(rounds)
    valid = slots < ends[-1]
    types = jnp.minimum(jnp.searchsorted(ends, slots, side="right"), m - 1)  # [R]
    index = slots - (ends - rounds)[types]  # position of the slot within its type
    cx = jnp.cumsum(x, axis=1)  # [m, n+1]
    tgt = jnp.sum(cx[types] <= index[:, None], axis=1)  # [R] in 0..n
    tgt = jnp.where(valid, tgt, n)
    count = jnp.sum(x[:, :n], axis=0)
    h = _lift_hash(n, pattern)
    eighths = jnp.asarray(LIFT_EIGHTHS, jnp.uint32)[pattern % len(LIFT_EIGHTHS)]
    lifted_target = (count > 0) & (h % 8 < eighths)
    choice = ((h >> 3) % jnp.maximum(count, 1).astype(jnp.uint32)).astype(jnp.int32)
    same = (tgt[:, None] == tgt[None, :]) & valid[None, :] & (slots[None, :] < slots[:, None])
    rank = jnp.sum(same, axis=1)
    real = tgt < n
    tgt_real = jnp.minimum(tgt, n - 1)
    chosen = rank == choice[tgt_real]
    two = (count >= 2) & ((h >> 8) % 2 == 0) & (pattern % 3 == 2)
    after = (choice[tgt_real] + 1) % jnp.maximum(count[tgt_real], 1)
    chosen |= two[tgt_real] & (rank == after)
    item = valid & (~real | (lifted_target[tgt_real] & chosen))
    rest = x.at[types, tgt].add(-item.astype(x.dtype))
    y = jnp.sum(rest * log_survive, axis=0)
    vs = (value * jnp.exp(y))[:n]
    engaged_rest = jnp.sum(rest[:, :n] > 0, axis=1)
    lifted_count = jnp.zeros(m, jnp.int32).at[types].add(item.astype(jnp.int32))
    tight = engaged_rest + lifted_count > capacity
    origin = (
        jnp.zeros((m, n), jnp.int32).at[types, tgt_real].add((item & real).astype(jnp.int32)) > 0
    )
    allowed = (rest[:, :n] > 0) | origin | ~tight[:, None]
    big = jnp.asarray(1e30, dtype)
    cost_real = jnp.where(
        item[:, None] & allowed[types], -vs[None, :] * p_ext[types, :n], big
    )  # [R, n]
    own = jnp.eye(R, dtype=bool)
    cost_dummy = jnp.where(item[:, None] | own, 0.0, big).astype(dtype)  # [R, R]
    cost_dummy = jnp.where(item[:, None] & ~item[None, :] & ~own, big, cost_dummy)
    cost = jnp.concatenate([cost_real, cost_dummy], axis=1)
    col4row = _linear_assignment(cost)
    new_tgt = jnp.where(col4row < n, col4row, n)
    add = (item & valid).astype(x.dtype)
    return rest.at[types, new_tgt].add(add)


def _linear_assignment(cost: Array) -> Array:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    Shortest augmenting paths with row and column potentials (Jonker & Volgenant 1987;
    the variant of Crouse 2016 that SciPy uses): rows are added one at a time, each by a
    Dijkstra search over reduced costs ``c_ij − u_i − v_j ≥ 0``. Returns the column of each
    row [rows].
    """
    nr, nc = cost.shape
    inf = jnp.asarray(jnp.inf, cost.dtype)

    def add_row(
        cur: int, state: tuple[Array, Array, Array, Array]
    ) -> tuple[Array, Array, Array, Array]:
        u, v, col4row, row4col = state
        shortest = jnp.full(nc, inf)
        path = jnp.full(nc, -1, jnp.int32)
        seen_row = jnp.zeros(nr, bool)
        seen_col = jnp.zeros(nc, bool)

        def search_cond(s: Any) -> Array:
            return s[-1] < 0

        def search_body(s: Any) -> Any:
            i, min_val, shortest, path, seen_row, seen_col, _ = s
            seen_row = seen_row.at[i].set(True)
            reduced = min_val + cost[i] - u[i] - v
            better = ~seen_col & (reduced < shortest)
            path = jnp.where(better, i, path).astype(jnp.int32)
            shortest = jnp.where(better, reduced, shortest)
            j = jnp.argmin(jnp.where(seen_col, inf, shortest)).astype(jnp.int32)
            min_val = shortest[j]
            seen_col = seen_col.at[j].set(True)
            free = row4col[j] < 0
            sink = jnp.where(free, j, -1).astype(jnp.int32)
            i = jnp.where(free, i, row4col[j]).astype(jnp.int32)
            return i, min_val, shortest, path, seen_row, seen_col, sink

        init = (
            jnp.int32(cur),
            jnp.asarray(0.0, cost.dtype),
            shortest,
            path,
            seen_row,
            seen_col,
            jnp.int32(-1),
        )
        _, min_val, shortest, path, seen_row, seen_col, sink = jax.lax.while_loop(
            search_cond, search_body, init
        )
        # potentials
        rows = jnp.arange(nr)
        u_add = jnp.where(
            seen_row & (rows != cur), min_val - shortest[jnp.maximum(col4row, 0)], 0.0
        )
        u = u + u_add
        u = u.at[cur].add(min_val)
        v = jnp.where(seen_col, v - (min_val - shortest), v)

        # augment along the path back to ``cur``
        def aug_cond(s: tuple[Array, Array, Array, Array]) -> Array:
            return ~s[3]

        def aug_body(s: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
            j, col4row, row4col, _ = s
            i = path[j]
            row4col = row4col.at[j].set(i)
            previous = col4row[i]
            col4row = col4row.at[i].set(j.astype(jnp.int32))
            return previous, col4row, row4col, i == cur

        _, col4row, row4col, _ = jax.lax.while_loop(
            aug_cond, aug_body, (sink, col4row, row4col, jnp.bool_(False))
        )
        return u, v, col4row, row4col

    init = (
        jnp.zeros(nr, cost.dtype),
        jnp.zeros(nc, cost.dtype),
        jnp.full(nr, -1, jnp.int32),
        jnp.full(nc, -1, jnp.int32),
    )
    _, _, col4row, _ = jax.lax.fori_loop(0, nr, add_row, init)
    return col4row
