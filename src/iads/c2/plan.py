"""The ``wta`` assignment doctrine: fire only what a whole-raid assignment plan gives a unit.

Every step the command post plans the rounds its ``wta`` units hold against every threat it
sees, as one static weapon-target assignment problem (:mod:`iads.wta`), solved by the jittable
heuristic (:func:`iads.wta.heuristic_jax.solve_heuristic_jax`: greedy maximum marginal return,
then local search):

- weapon types are (unit, missile type) pairs, with the unit's rounds left of that type and,
  as capacity, the unit's target channels;
- targets are the confirmed threats alive, valued by their priority (asset value / (time to
  asset + offset), as in the greedy rule) times the chance that they survive the rounds
  already flying at them;
- a pair's kill probability is the planning Pk of one round where the unit can engage the
  threat now or later on its way to its asset (its asset within the unit's reach, the threat
  inside the type's altitude band), 0 elsewhere.

A unit then fires, this step, only at a threat it can engage now and to which the plan gives
it rounds, with the planned type and no more rounds than the plan gives (nor than its salvo
size); the greedy loop of :func:`iads.c2.assign.assign` still orders the units and applies the
command post's limits. Against the greedy rule the difference is reservation: rounds are kept
for threats not yet in range when they are worth more there, and the dearer type is kept for
the targets only it can reach.

The plan is computed only on steps where some replication of the batch has a unit that could
fire (a real branch, as for the flyout), so quiet steps cost nothing.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_add
from iads.c2.base import C2Inputs, C2Params, Options
from iads.wta.heuristic import LOG_FLOOR, default_max_moves
from iads.wta.heuristic_jax import solve_heuristic_jax


def plan_problem(
    params: C2Params, inputs: C2Inputs, opts: Options
) -> tuple[Array, Array, Array, Array]:
    """The step's assignment problem: kill probability [U*K, J], target value [J], rounds and
    capacity [U*K] (types are unit-major: type u*K + k is unit u's missile k)."""
    up = params.units
    n_units, n_threats, n_kinds = opts.reachable.shape
    pk = opts.kill_probability  # [J, K]
    # Chance that each threat survives the rounds already flying at it.
    flying_pk = jnp.where(
        inputs.missile_alive,
        pk[jnp.clip(inputs.missile_target, 0, n_threats - 1), inputs.missile_kind],
        0.0,
    )  # [U, M]
    log_survive = scatter_add(
        inputs.missile_target, jnp.maximum(jnp.log1p(-flying_pk), LOG_FLOOR), n_threats
    )
    seen = inputs.confirmed & inputs.alive
    value = jnp.where(seen, opts.priority * jnp.exp(log_survive), 0.0)
    planned = up.valid & up.wta  # [U]
    p = jnp.where(
        opts.reachable & planned[:, None, None] & seen[None, :, None], pk[None], 0.0
    )  # [U, J, K]
    p = jnp.transpose(p, (0, 2, 1)).reshape(n_units * n_kinds, n_threats)
    rounds = jnp.where(planned[:, None], inputs.inventory, 0).reshape(-1)
    capacity = jnp.repeat(up.target_channels, n_kinds)
    return p, value, rounds.astype(jnp.int32), jnp.minimum(capacity, rounds).astype(jnp.int32)


def follow_plan(
    params: C2Params, inputs: C2Inputs, opts: Options, count: Array, batch_axis: str | None = None
) -> tuple[Array, Array, Array]:
    """Score, missile type and rounds [U, J] with the ``wta`` units restricted to the plan;
    other units keep the greedy rule's."""
    up = params.units
    n_units, n_threats, n_kinds = opts.reachable.shape
    slots = params.wta_round_slots
    candidates = jnp.any((opts.score > 0) & up.wta[:, None])
    if batch_axis is not None:
        candidates = jax.lax.psum(candidates.astype(jnp.int32), batch_axis) > 0

    def solve(_: None) -> Array:
        p, value, rounds, capacity = plan_problem(params, inputs, opts)
        # Never more rounds than the plan has slots for (the compiler sizes them to the most
        # rounds the units hold at once, so this only guards).
        rounds = jnp.minimum(rounds, jnp.maximum(slots - (jnp.cumsum(rounds) - rounds), 0))
        x = solve_heuristic_jax(
            p,
            value,
            rounds,
            capacity,
            total_rounds=slots,
            max_moves=default_max_moves(slots),
        )
        x = x.astype(jnp.int32).reshape(n_units, n_kinds, n_threats)
        return x.transpose(0, 2, 1)  # [U, J, K]

    def idle(_: None) -> Array:
        return jnp.zeros((n_units, n_threats, n_kinds), jnp.int32)

    x = jax.lax.cond(candidates, solve, idle, None)
    now = jnp.where(opts.in_envelope, x, 0)  # planned rounds the unit can fire now
    # The planned type with the most rounds; ties to the lowest index.
    kind = jnp.argmax(now, axis=-1).astype(jnp.int32)
    rounds = jnp.take_along_axis(now, kind[..., None], axis=-1)[..., 0]
    plan_score = jnp.where(
        rounds > 0,
        opts.priority[None, :] * opts.kill_probability[jnp.arange(n_threats)[None, :], kind],
        0.0,
    )
    planned = up.wta[:, None]
    return (
        jnp.where(planned, jnp.where(opts.score > 0, plan_score, 0.0), opts.score),
        jnp.where(planned, kind, opts.kind),
        jnp.where(planned, jnp.minimum(rounds, count), count).astype(jnp.int32),
    )
