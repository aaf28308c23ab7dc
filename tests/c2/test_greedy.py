"""The greedy rule decided in mutual-best rounds takes the pairs, in the order, that the
U rounds of ``argmax`` over the whole table take (the rule's definition, kept here as the
reference)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jax import Array

from iads.c2.greedy import greedy_pairs

INF = float("inf")


@jax.jit
def reference_greedy(
    score: Array, engaged: Array, command_post: Array, post_engaged: Array, post_limit: Array
) -> tuple[Array, Array]:
    """The greedy rounds of ``iads.c2.assign._assign`` until the mutual-best rounds: U times,
    take the best pair of the table (``argmax``: ties to the lower flat index) when it is
    positive, and clear its unit's row and its threat's column; a full command post's units
    keep only the threats they engage already. Returns each unit's threat (-1: none) and the
    round of its pair (U: none)."""
    n_units, n_threats = score.shape
    n_posts = post_limit.shape[0]

    def round_(_: int, carry: tuple) -> tuple:  # type: ignore[type-arg]
        sc, target, order, n, post_count = carry
        full = (post_count >= post_limit)[command_post]
        sc = jnp.where(full[:, None] & ~engaged, 0.0, sc)
        flat = jnp.argmax(sc)
        u = (flat // n_threats).astype(jnp.int32)
        j = (flat % n_threats).astype(jnp.int32)
        take = sc[u, j] > 0
        at_u = (jnp.arange(n_units) == u) & take
        at_j = (jnp.arange(n_threats) == j) & take
        target = jnp.where(at_u, j, target)
        order = jnp.where(at_u, n, order)
        n = n + take.astype(jnp.int32)
        fresh = take & ~engaged[u, j]
        post_count = post_count + ((jnp.arange(n_posts) == command_post[u]) & fresh).astype(
            jnp.int32
        )
        sc = jnp.where(at_u[:, None] | at_j[None, :], 0.0, sc)
        return sc, target, order, n, post_count

    start = (
        score,
        jnp.full((n_units,), -1, jnp.int32),
        jnp.full((n_units,), n_units, jnp.int32),
        jnp.int32(0),
        post_engaged,
    )
    _, target, order, _, _ = jax.lax.fori_loop(0, n_units, round_, start)
    return target, order


fast_greedy = jax.jit(greedy_pairs)


def _assert_same(score, engaged, command_post, post_engaged, post_limit) -> None:  # type: ignore[no-untyped-def]
    args = (
        jnp.asarray(np.asarray(score, dtype=float)),
        jnp.asarray(np.asarray(engaged, dtype=bool)),
        jnp.asarray(np.asarray(command_post, dtype=np.int32)),
        jnp.asarray(np.asarray(post_engaged, dtype=np.int32)),
        jnp.asarray(np.asarray(post_limit, dtype=np.int32)),
    )
    want_target, want_order = reference_greedy(*args)
    got = fast_greedy(*args)
    np.testing.assert_array_equal(np.asarray(got.target), np.asarray(want_target))
    np.testing.assert_array_equal(np.asarray(got.order), np.asarray(want_order))


#: Few distinct values, so that ties are common; -inf and negatives are infeasible pairs.
_SCORES = st.sampled_from([-INF, -1.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, INF])


@st.composite
def problems(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    n_units = draw(st.integers(1, 6))
    n_threats = draw(st.integers(1, 6))
    n_posts = 2  # one shape per (U, J): fewer compilations
    cells = n_units * n_threats
    score = draw(st.lists(_SCORES, min_size=cells, max_size=cells))
    engaged = draw(st.lists(st.booleans(), min_size=cells, max_size=cells))
    posts = st.integers(0, n_posts - 1)
    post = draw(st.lists(posts, min_size=n_units, max_size=n_units))
    post_engaged = draw(st.lists(st.integers(0, 4), min_size=n_posts, max_size=n_posts))
    post_limit = draw(st.lists(st.integers(0, 6), min_size=n_posts, max_size=n_posts))
    return (
        np.reshape(score, (n_units, n_threats)),
        np.reshape(engaged, (n_units, n_threats)),
        post,
        post_engaged,
        post_limit,
    )


@settings(max_examples=300, deadline=None)
@given(problems())
@example(  # a chain: each unit's best threat is the next unit's best, so one pair a round
    (
        np.array([[4.0, 3.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 0.5]]),
        np.zeros((3, 3), bool),
        [0, 0, 0],
        [0],
        [9],
    )
)
@example(  # all tied: the lower unit, then the lower threat, first
    (np.ones((3, 4)), np.zeros((3, 4), bool), [0, 0, 0], [0], [9])
)
@example(  # more units than threats
    (np.array([[1.0], [2.0], [2.0], [0.5]]), np.zeros((4, 1), bool), [0, 0, 1, 1], [0, 0], [9, 9])
)
def test_mutual_best_rounds_take_the_pairs_the_one_pair_rounds_take(problem: tuple) -> None:  # type: ignore[type-arg]
    _assert_same(*problem)


def test_a_full_command_post_keeps_only_the_threats_its_units_engage() -> None:
    # limit 1, one engaged already: unit 0's best (new) pair is refused, its engaged one taken
    score = np.array([[3.0, 1.0], [2.0, 0.5]])
    engaged = np.array([[False, True], [False, False]])
    _assert_same(score, engaged, [0, 0], [1], [1])
    got = fast_greedy(
        jnp.asarray(score), jnp.asarray(engaged), jnp.array([0, 0]), jnp.array([1]), jnp.array([1])
    )
    assert got.target.tolist() == [1, -1]


def test_the_command_post_limit_counts_new_pairs_in_the_order_they_are_taken() -> None:
    # limit 1: unit 1's pair (2.0) is the first new pair of post 0 even though unit 0's
    # (1.5) is decided in the first round, since unit 0's better pair is blocked by unit 2
    score = np.array([[1.5, 0.0, 1.0], [0.0, 2.0, 0.0], [2.5, 0.0, 0.0]])
    engaged = np.zeros((3, 3), bool)
    _assert_same(score, engaged, [0, 0, 1], [0, 0], [1, 9])
