"""The greedy assignment rule, decided in mutual-best rounds instead of one pair a round.

The rule (the contract :func:`iads.c2.assign.assign` has always kept): take the pairs
(unit u, threat j) in the order of their score ``s[u, j]``, highest first, ties to the lower
flat index ``u * J + j`` (lower unit, then lower threat); a pair is taken when its score is
positive, neither its unit nor its threat has been taken before it (one new engagement per
unit and per threat a step), and, unless the unit already engages the threat, the unit's
command post has engaged fewer threats than its limit, counting the pairs taken before it.
This is ``argmax`` of the remaining table, U times, which costs U² J; here it costs about
U J per round over a few rounds.

Each round decides, at once, every *locally dominant* live pair: the first (in the order
above) of its unit's live pairs and of its threat's live pairs. No pair before it can take
its unit or its threat, so the rule takes it, provided the command-post limit allows:

- a pair the unit already engages needs no capacity: taken;
- a new pair of command post c is taken when ``n_c + g < limit_c``, ``n_c`` the threats c's
  units engage already and ``g`` the other units of c whose pair taken so far, or whose first
  live pair, comes before it (an upper bound on c's new pairs taken before it);
- a new pair of c after c's ``limit_c - n_c``-th taken new pair is never taken: dropped.

The first live pair overall is always decided, so there are at most U rounds (the worst case
of a chain of pairs each blocking the next); a score table of distinct values over a random
order needs a few. Scores must not be NaN.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import Array


class GreedyPairs(NamedTuple):
    """Pairs the greedy rule takes."""

    target: Array  # [U] int32 threat each unit takes, -1 for none
    order: Array  # [U] int32 rank of the unit's pair in the order of taking; U for none


def _before(score_a: Array, index_a: Array, score_b: Array, index_b: Array) -> Array:
    """Pair a comes before pair b: higher score, ties to the lower flat index."""
    return (score_a > score_b) | ((score_a == score_b) & (index_a < index_b))


def _sort_in_post(post: Array, score: Array, index: Array) -> tuple[Array, Array]:
    """Units sorted by command post, then by the order of their pair (``score`` -inf: no
    pair, last): the permutation [U] and each sorted place's command post [U]."""
    perm = jnp.lexsort((index, -score, post))
    return perm, post[perm]


def _place_in_post(post: Array, score: Array, index: Array) -> Array:
    """[U] each unit's place among its command post's units in the order of their pairs: how
    many of them come before it."""
    perm, post_sorted = _sort_in_post(post, score, index)
    start = jnp.searchsorted(post_sorted, post_sorted, side="left").astype(jnp.int32)
    place_sorted = jnp.arange(post.shape[0], dtype=jnp.int32) - start
    return place_sorted[jnp.argsort(perm)]


def greedy_pairs(
    score: Array, engaged: Array, command_post: Array, post_engaged: Array, post_limit: Array
) -> GreedyPairs:
    """The pairs the greedy rule takes, and the order it takes them in.

    Parameters
    ----------
    score : [U, J] value of each pair (only positive ones can be taken; never NaN).
    engaged : [U, J] bool, the unit already engages the threat (no new target channel of its
        command post needed).
    command_post : [U] int32 command post of each unit, in ``[0, P)``.
    post_engaged : [P] int32 threats each command post's units engage already.
    post_limit : [P] int32 threats each command post's units may engage at once.
    """
    n_units, n_threats = score.shape
    units = jnp.arange(n_units, dtype=jnp.int32)
    index = units[:, None] * n_threats + jnp.arange(n_threats, dtype=jnp.int32)[None, :]
    fresh = ~engaged
    room = (post_limit - post_engaged)[command_post]  # [U] new threats the post may take
    none = jnp.full((n_units,), -1, jnp.int32)

    def undecided(carry: tuple[Array, Array, Array, Array]) -> Array:
        live, _, _, rounds = carry
        return jnp.any(live) & (rounds < n_units)

    def round_(carry: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        live, target, taken_score, rounds = carry
        taken = target >= 0
        safe_j = jnp.maximum(target, 0)
        taken_fresh = taken & fresh[units, safe_j]
        # Drop new pairs after the post's last possible new pair: the room-th taken one.
        key = jnp.where(taken_fresh, taken_score, -jnp.inf)
        perm, post_sorted = _sort_in_post(command_post, key, index[units, safe_j])
        at = jnp.searchsorted(post_sorted, command_post, side="left") + room - 1
        last = perm[jnp.clip(at, 0, n_units - 1)]
        last_ok = (room > 0) & (post_sorted[jnp.clip(at, 0, n_units - 1)] == command_post)
        last_ok = last_ok & taken_fresh[last]
        drop = jnp.where(
            (room <= 0)[:, None],
            True,
            last_ok[:, None]
            & _before(taken_score[last][:, None], index[last, safe_j[last]][:, None], score, index),
        )
        live = live & ~(fresh & drop)
        # Each unit's first live pair, and each threat's.
        masked = jnp.where(live, score, -jnp.inf)
        best_j = jnp.argmax(masked, axis=1).astype(jnp.int32)  # [U]
        best_u = jnp.argmax(masked, axis=0).astype(jnp.int32)  # [J]
        has = jnp.any(live, axis=1)
        best_score = masked[units, best_j]
        dominant = has & (best_u[best_j] == units)
        # Other units of the post that may take a new pair before this one.
        ahead = jnp.where(taken_fresh, taken_score, jnp.where(has, best_score, -jnp.inf))
        ahead_index = jnp.where(taken, index[units, safe_j], index[units, best_j])
        place = _place_in_post(command_post, ahead, ahead_index)
        take = dominant & (~fresh[units, best_j] | (place < room))
        target = jnp.where(take, best_j, target)
        taken_score = jnp.where(take, best_score, taken_score)
        gone_j = jnp.any(take[:, None] & (best_j[:, None] == jnp.arange(n_threats)), axis=0)
        live = live & ~take[:, None] & ~gone_j[None, :]
        return live, target, taken_score, rounds + 1

    start = (score > 0, none, jnp.full((n_units,), -jnp.inf, score.dtype), jnp.int32(0))
    _, target, taken_score, _ = jax.lax.while_loop(undecided, round_, start)
    taken = target >= 0
    by_order = jnp.lexsort((index[units, jnp.maximum(target, 0)], -taken_score))
    order = jnp.where(taken, jnp.argsort(by_order).astype(jnp.int32), n_units)
    return GreedyPairs(target=target, order=order)
