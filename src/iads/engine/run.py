"""Run the engine: ``vmap`` over replications, ``lax.scan`` over time, ``jit`` once, here.

Replication i uses the key ``fold_in(PRNGKey(seed), i)`` and step n of it
``fold_in(that, n)``, so replication i gives the same result alone or in any batch.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from iads.engine.base import (
    OUTCOME_NONE,
    AssignLog,
    MissileLog,
    Missiles,
    Params,
    State,
    Tracks,
    precision,
)
from iads.engine.step import advance_clock, engage, finish, fly, step


def init_state(params: Params, key: Array) -> State:
    """Initial state of one replication; radar scans start at a random phase."""
    tp, rp, up = params.threats, params.radars, params.units
    dtype = tp.launch_time_s.dtype
    n_j = tp.valid.shape[0]
    n_u, n_c = up.slot_valid.shape
    inf_j = jnp.full((n_j,), jnp.inf, dtype)
    phase = (
        jax.random.uniform(jax.random.fold_in(key, 2**31 - 1), rp.scan_period_s.shape, dtype=dtype)
        * rp.scan_period_s
    )
    L, G = params.log_capacity, params.assign_capacity
    return State(
        t_s=jnp.zeros((), dtype),
        step=jnp.zeros((), jnp.int32),
        alive=tp.valid,
        killed_s=inf_j,
        leaked_s=inf_j,
        detect_s=inf_j,
        detect_range_m=jnp.full((n_j,), jnp.nan, dtype),
        detect_unit=jnp.full((n_j,), -1, jnp.int32),
        track_s=inf_j,
        engaged=jnp.zeros((n_j,), bool),
        next_scan_s=phase,
        fc_first_seen_s=jnp.full((n_u, n_j), jnp.inf, dtype),
        fc_last_seen_s=jnp.full((n_u, n_j), -jnp.inf, dtype),
        tracks=Tracks(
            x=jnp.zeros((n_j, 6), dtype),
            P=jnp.broadcast_to(jnp.eye(6, dtype=dtype), (n_j, 6, 6)),
            exists=jnp.zeros((n_j,), bool),
            hits=jnp.zeros((n_j,), jnp.int32),
            last_update_s=jnp.full((n_j,), -jnp.inf, dtype),
        ),
        inventory=up.inventory,
        salvo_target=jnp.full((n_u,), -1, jnp.int32),
        salvo_kind=jnp.zeros((n_u,), jnp.int32),
        salvo_left=jnp.zeros((n_u,), jnp.int32),
        salvo_row=jnp.full((n_u,), G, jnp.int32),
        next_launch_s=jnp.zeros((n_u,), dtype),
        missiles=Missiles(
            alive=jnp.zeros((n_u, n_c), bool),
            pos_m=jnp.zeros((n_u, n_c, 3), dtype),
            vel_m_s=jnp.zeros((n_u, n_c, 3), dtype),
            speed_m_s=jnp.zeros((n_u, n_c), dtype),
            target=jnp.zeros((n_u, n_c), jnp.int32),
            kind=jnp.zeros((n_u, n_c), jnp.int32),
            launch_time_s=jnp.zeros((n_u, n_c), dtype),
            log_id=jnp.zeros((n_u, n_c), jnp.int32),
            salvo=jnp.full((n_u, n_c), G, jnp.int32),
        ),
        n_fired=jnp.zeros((), jnp.int32),
        n_assigned=jnp.zeros((), jnp.int32),
        missile_log=MissileLog(
            launch_time_s=jnp.full((L,), jnp.nan, dtype),
            unit=jnp.full((L,), -1, jnp.int32),
            target=jnp.full((L,), -1, jnp.int32),
            kind=jnp.full((L,), -1, jnp.int32),
            outcome=jnp.full((L,), OUTCOME_NONE, jnp.int32),
            end_time_s=jnp.full((L,), jnp.nan, dtype),
            end_pos_m=jnp.full((L, 3), jnp.nan, dtype),
        ),
        assign_log=AssignLog(
            time_s=jnp.full((G,), jnp.nan, dtype),
            unit=jnp.full((G,), -1, jnp.int32),
            target=jnp.full((G,), -1, jnp.int32),
            kind=jnp.full((G,), -1, jnp.int32),
        ),
    )


def run_replication(params: Params, key: Array) -> State:
    """One whole replication: the final state (its logs hold the events).

    The reference form of a run; :func:`run_batch` is the fast batched equivalent.
    """
    state = init_state(params, key)

    def body(s: State, n: Array) -> tuple[State, None]:
        return step(params, s, jax.random.fold_in(key, n)), None

    state, _ = jax.lax.scan(body, state, jnp.arange(params.n_steps))
    return finish(params, state)


def run_batch(params: Params, keys: Array) -> State:
    """Replications with keys ``keys`` [B] side by side: ``vmap`` over them, ``scan`` in time.

    The same as ``vmap(run_replication)``, except that the missile flyout is skipped (a real
    branch, not a masked one) on steps where no replication of the batch has a missile in the
    air, which for most raids is most steps.
    """
    states = jax.vmap(init_state, in_axes=(None, 0))(params, keys)

    def body(s: State, n: Array) -> tuple[State, None]:
        step_keys = jax.vmap(lambda k: jax.random.fold_in(k, n))(keys)
        s, kin = jax.vmap(engage, in_axes=(None, 0, 0))(params, s, step_keys)
        s = jax.lax.cond(
            jnp.any(s.missiles.alive),
            lambda s: jax.vmap(fly, in_axes=(None, 0, 0, 0))(params, s, kin, step_keys),
            lambda s: jax.vmap(advance_clock, in_axes=(None, 0))(params, s),
            s,
        )
        return s, None

    states, _ = jax.lax.scan(body, states, jnp.arange(params.n_steps))
    return jax.vmap(finish, in_axes=(None, 0))(params, states)


@jax.jit
def _run_batch(params: Params, root: Array, indices: Array) -> State:
    keys = jax.vmap(lambda i: jax.random.fold_in(root, i))(indices)
    return run_batch(params, keys)


def run_batches(
    params: Params,
    replications: int,
    seed: int,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    first_replication: int = 0,
) -> State:
    """Run ``replications`` replications in batches of ``batch_size`` (the last one padded).

    Returns the final states as NumPy arrays with a leading replication axis.
    """
    if batch_size < 1 or replications < 0:
        raise ValueError(
            f"need batch_size >= 1 and replications >= 0, got {batch_size}, {replications}"
        )
    with precision(params.threats.launch_time_s.dtype):
        return _run_batches(params, replications, seed, batch_size, progress, first_replication)


def _run_batches(
    params: Params,
    replications: int,
    seed: int,
    batch_size: int,
    progress: Callable[[int], None] | None,
    first_replication: int,
) -> State:
    root = jax.random.PRNGKey(seed)
    parts: list[State] = []
    done = 0
    while done < replications:
        n = min(batch_size, replications - done)
        idx = first_replication + done + np.arange(batch_size)
        out = _run_batch(params, root, jnp.asarray(idx, dtype=jnp.uint32))
        out = jax.tree_util.tree_map(lambda a, n=n: np.asarray(a)[:n], out)
        parts.append(out)
        done += n
        if progress is not None:
            progress(n)
    if len(parts) == 1:
        return parts[0]
    return jax.tree_util.tree_map(lambda *xs: np.concatenate(xs, axis=0), *parts)
