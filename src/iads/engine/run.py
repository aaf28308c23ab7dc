"""Run the engine: ``lax.scan`` over time for one replication, ``vmap`` over replications,
``jit`` once, here.

The batched run is ``vmap`` of the single-replication run with the flyout's and the
assignment's skips decided over the whole batch (:mod:`iads.engine.step`); replication i uses
the key ``fold_in(PRNGKey(seed), i)`` (:mod:`iads.engine.keys`), so it gives the same result
alone or in any batch: bit for bit, with XLA's CPU code limited to AVX (``iads.CPU_ISA_FLAG``)
and batches of at least two.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from iads.arrays import precision
from iads.assessment.base import AssessmentState
from iads.c2.base import C2State
from iads.engine.base import Params, Run, State
from iads.engine.events import EventLog, complete, empty_log, record
from iads.engine.keys import init_keys, replication_key
from iads.engine.step import finish, step
from iads.flyout.base import Missiles
from iads.launch.base import LaunchState
from iads.sensing.base import SensingState
from iads.threats.base import ThreatState
from iads.tracking.base import Tracks

#: Name of the replication axis of a batched run (the flyout skip is decided over it).
BATCH_AXIS = "replication"


def init_state(params: Params, key: Array) -> State:
    """Initial state of one replication; radar scans start at a random phase."""
    tp, rp, lp = params.threats, params.sensing.radars, params.launch
    dtype = tp.launch_time_s.dtype
    n_j = tp.valid.shape[0]
    n_u, n_m = lp.slot_valid.shape
    n_n = lp.unit.shape[0]
    inf_j = jnp.full((n_j,), jnp.inf, dtype)
    phase = (
        jax.random.uniform(init_keys(key).scan_phase, rp.search_frame_s.shape, dtype=dtype)
        * rp.search_frame_s
    )
    G = params.salvo_capacity
    zeros_um = jnp.zeros((n_u, n_m), jnp.int32)
    return State(
        t_s=jnp.zeros((), dtype),
        step=jnp.zeros((), jnp.int32),
        threats=ThreatState(leaked_s=inf_j, evade_s=tp.terminal_start_s),
        sensing=SensingState(
            next_scan_s=phase,
            next_track_s=jnp.zeros_like(phase),
            fc_first_seen_s=jnp.full((n_u, n_j), jnp.inf, dtype),
            fc_last_seen_s=jnp.full((n_u, n_j), -jnp.inf, dtype),
        ),
        tracking=Tracks(
            x=jnp.zeros((n_j, 6), dtype),
            P=jnp.broadcast_to(jnp.eye(6, dtype=dtype), (n_j, 6, 6)),
            exists=jnp.zeros((n_j,), bool),
            hits=jnp.zeros((n_j,), jnp.int32),
            last_update_s=jnp.full((n_j,), -jnp.inf, dtype),
        ),
        c2=C2State(
            salvo_target=jnp.full((G,), -1, jnp.int32),
            n_salvos=jnp.zeros((), jnp.int32),
            engaged=jnp.zeros((n_j,), bool),
        ),
        launch=LaunchState(
            inventory=lp.inventory,
            next_launch_s=jnp.zeros((n_n,), dtype),
            reloads_left=lp.reloads,
            reloaded_s=jnp.full((n_n,), jnp.inf, dtype),
            salvo_target=jnp.full((n_u,), -1, jnp.int32),
            salvo_kind=jnp.zeros((n_u,), jnp.int32),
            salvo_left=jnp.zeros((n_u,), jnp.int32),
            salvo_row=jnp.full((n_u,), G, jnp.int32),
            n_fired=jnp.zeros((), jnp.int32),
        ),
        flyout=Missiles(
            alive=jnp.zeros((n_u, n_m), bool),
            pos_m=jnp.zeros((n_u, n_m, 3), dtype),
            vel_m_s=jnp.zeros((n_u, n_m, 3), dtype),
            speed_m_s=jnp.zeros((n_u, n_m), dtype),
            mass_kg=jnp.ones((n_u, n_m), dtype),  # no missile yet (1 kg: no division by 0)
            lag_m_s2=jnp.zeros((n_u, n_m, 3), dtype),
            target=zeros_um,
            kind=zeros_um,
            launch_time_s=jnp.zeros((n_u, n_m), dtype),
            missile=jnp.full((n_u, n_m), -1, jnp.int32),
            salvo=jnp.full((n_u, n_m), G, jnp.int32),
            launcher=jnp.full((n_u, n_m), -1, jnp.int32),
            locked=jnp.zeros((n_u, n_m), bool),
        ),
        assessment=AssessmentState(killed_s=inf_j),
    )


def init_log(params: Params) -> EventLog:
    """An empty event log sized for the run."""
    dtype = params.threats.launch_time_s.dtype
    n_j = params.threats.valid.shape[0]
    return empty_log(n_j, params.salvo_capacity, params.missile_capacity, dtype)


def run_replication(params: Params, key: Array, batch_axis: str | None = None) -> Run:
    """One whole replication: its final state and event log.

    The reference form of a run. Under ``vmap`` with ``axis_name=batch_axis`` it is the
    batched run (:func:`run_batch`).
    """

    def body(carry: tuple[State, EventLog], _: None) -> tuple[tuple[State, EventLog], None]:
        s, log = carry
        s, events = step(params, s, key, batch_axis)
        return (s, record(log, events)), None

    carry = (init_state(params, key), init_log(params))
    (state, log), _ = jax.lax.scan(body, carry, None, length=params.n_steps)
    state, events = finish(params, state)
    return Run(state=state, events=complete(record(log, events)))


#: Per-replication values of some Params leaves: {leaf index (in ``tree_leaves(params)``
#: order): array [B, *leaf shape]}.
Varying = dict[int, Array]


def with_leaves(params: Params, leaves: Varying) -> Params:
    """``params`` with the leaves at the given indices replaced."""
    flat, treedef = jax.tree_util.tree_flatten(params)
    for i, value in leaves.items():
        flat[i] = value
    return jax.tree_util.tree_unflatten(treedef, flat)


def run_batch(params: Params, keys: Array, varying: Varying | None = None) -> Run:
    """Replications with keys ``keys`` [B] side by side: the single-replication run under
    ``vmap``, the flyout skipped on steps where no replication has a missile in the air.

    ``varying`` gives some leaves of ``params`` a value per replication (an uncertainty
    draw, a study point): replication b runs with ``with_leaves(params, varying[.][b])``.
    """
    one = partial(run_replication, batch_axis=BATCH_AXIS)
    if not varying:
        return jax.vmap(one, in_axes=(None, 0), axis_name=BATCH_AXIS)(params, keys)

    def varied(leaves: Varying, key: Array) -> Run:
        return one(with_leaves(params, leaves), key)

    return jax.vmap(varied, in_axes=(0, 0), axis_name=BATCH_AXIS)(varying, keys)


@jax.jit
def _run_batch(params: Params, root: Array, indices: Array, varying: Varying | None = None) -> Run:
    keys = jax.vmap(lambda i: replication_key(root, i))(indices)
    return run_batch(params, keys, varying)


def run_batches(
    params: Params,
    replications: int,
    seed: int,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    first_replication: int = 0,
    varying: Callable[[np.ndarray], dict[int, Any]] | None = None,
    key_index: np.ndarray | None = None,
) -> Run:
    """Run ``replications`` replications in batches of ``batch_size`` (the last one padded).

    The run at position k (``first_replication + k``) uses the key of replication
    ``key_index[k]`` (default: ``first_replication + k``): a study runs several points'
    replications 0..R-1 side by side with ``key_index`` = 0..R-1 repeated.
    ``varying(positions)`` gives the per-replication leaves (:func:`run_batch`) of the runs at
    ``positions``. Returns the runs as NumPy arrays with a leading replication axis.
    """
    if batch_size < 1 or replications < 0:
        raise ValueError(
            f"need batch_size >= 1 and replications >= 0, got {batch_size}, {replications}"
        )
    key_index = None if key_index is None else np.asarray(key_index)
    if key_index is not None and len(key_index) != replications:
        raise ValueError(f"key_index has {len(key_index)} entries for {replications} runs")
    # A batch of one is padded to two: XLA compiles a batch axis of length 1 differently
    # (it drops it) and rounds some results otherwise than in any larger batch.
    with precision(params.threats.launch_time_s.dtype):
        return _run_batches(
            params,
            replications,
            seed,
            max(batch_size, 2),
            progress,
            first_replication,
            varying,
            key_index,
        )


def _run_batches(
    params: Params,
    replications: int,
    seed: int,
    batch_size: int,
    progress: Callable[[int], None] | None,
    first_replication: int,
    varying: Callable[[np.ndarray], dict[int, Any]] | None,
    key_index: np.ndarray | None,
) -> Run:
    root = jax.random.PRNGKey(seed)
    parts: list[Run] = []
    done = 0
    while done < replications:
        n = min(batch_size, replications - done)
        pos = done + np.arange(batch_size)
        idx = first_replication + pos
        keys = idx if key_index is None else key_index[np.minimum(pos, replications - 1)]
        leaves = {} if varying is None else _padded(varying(idx[:n]), batch_size)
        out = _run_batch(params, root, jnp.asarray(keys, dtype=jnp.uint32), leaves)
        out = jax.tree_util.tree_map(lambda a, n=n: np.asarray(a)[:n], out)
        parts.append(out)
        done += n
        if progress is not None:
            progress(n)
    if len(parts) == 1:
        return parts[0]
    return jax.tree_util.tree_map(lambda *xs: np.concatenate(xs, axis=0), *parts)


def _padded(leaves: dict[int, Any], size: int) -> Varying:
    """Per-replication leaves padded to the batch size by repeating the last replication's."""
    return {
        i: jnp.asarray(np.concatenate([a, np.repeat(a[-1:], size - a.shape[0], axis=0)]))
        for i, a in leaves.items()
    }
