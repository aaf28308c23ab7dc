"""Command-post stage: rank threats and assign them to fire units (greedy by marginal return).

For each idle fire unit u and threat j the command post plans, from the track, the predicted
intercept point (PIP) of each missile type k it has left: the time t that solves
``|r + v t| = s_k t`` (r, v the track's position and velocity relative to the launcher, s_k the
missile's mean flyout speed). The option is feasible when the PIP lies inside the missile's
envelope (ground range between ``min_range_m`` and ``range_fraction`` x maximum range, the
ballistic range for a ballistic target; altitude between the limits; flight time below the
maximum), before the threat reaches its asset, when the unit's engagement radar has held the
threat for the reaction time, and when the unit has a free target channel.

The marginal return of a salvo of n missiles with single-shot kill probability p on threat j is

    value_j * (1 - (1 - p)^n) / (time_to_asset_j + 60 s)

(threat priority = asset value / time to reach it, the 60 s keeps it finite). Assignment is the
greedy rule: repeatedly take the best (unit, threat) pair, one new engagement per unit and per
threat a step; it is a fixed number of rounds, so it vectorises.

Doctrine: under shoot-look-shoot a threat is engaged again only when no salvo at it is
undecided (all its missiles have ended); under shoot-shoot a second salvo may be fired before
the first one's outcome, never a third. A unit re-engaging a threat it already holds uses the
same target channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

from iads.engine.base import CATEGORIES, AssignLog, Params, State
from iads.engine.ops import scatter_add, scatter_any, scatter_set
from iads.geo import vec
from iads.geo.sphere import altitude_m, ground_range_m

_BALLISTIC = CATEGORIES.index("ballistic_missile")
_PRIORITY_OFFSET_S = 60.0


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Assignment:
    """New engagements decided this step."""

    salvo_target: Array  # [U] int32
    salvo_kind: Array  # [U] int32
    salvo_left: Array  # [U] int32
    salvo_row: Array  # [U] int32 assignment-log row of each unit's current salvo
    engaged: Array  # [J] bool: ever assigned
    n_assigned: Array  # []
    assign_log: AssignLog


def intercept_time(rel_pos_m: Array, vel_m_s: Array, speed_m_s: Array) -> Array:
    """Smallest t > 0 with ``|rel_pos + vel t| = speed t``; inf when there is none.

    Shapes broadcast: ``rel_pos_m`` and ``vel_m_s`` (..., 3), ``speed_m_s`` (...).
    """
    b = vec.dot(rel_pos_m, vel_m_s)
    c = vec.dot(rel_pos_m, rel_pos_m)
    a = speed_m_s**2 - vec.dot(vel_m_s, vel_m_s)
    disc = b**2 + a * c
    sq = jnp.sqrt(jnp.maximum(disc, 0.0))
    # Roots of a t^2 - 2 b t - c = 0 are (b +- sq) / a. Closing (b < 0): the smallest positive
    # root, written c / (sq - b) to avoid cancellation when a ~ 0. Opening (b >= 0): only when
    # the missile is faster, (b + sq) / a.
    closing = c / jnp.maximum(sq - b, 1e-30)
    faster = a > 1e-9 * speed_m_s**2  # not merely equal speeds up to rounding
    opening = jnp.where(faster, (b + sq) / jnp.where(faster, a, 1.0), jnp.inf)
    t = jnp.where(b < 0, closing, opening)
    return jnp.where(disc < 0, jnp.inf, t)


def engagement_options(
    params: Params, state: State, track_ok: Array, t_s: Array
) -> tuple[Array, Array]:
    """Score [U, J] of the best salvo each unit can fire at each threat, and its missile type."""
    tp, up, mp = params.threats, params.units, params.missiles
    tr = state.tracks
    pos = tr.x[:, :3]
    vel = tr.x[:, 3:]
    rel = pos[None, :, :] - up.pos_m[:, None, :]  # [U, J, 3]
    t_int = intercept_time(
        rel[:, :, None, :], vel[None, :, None, :], mp.mean_speed_m_s[None, None, :]
    )  # [U, J, K]
    t_fin = jnp.where(jnp.isfinite(t_int), t_int, 0.0)
    pip = pos[None, :, None, :] + vel[None, :, None, :] * t_fin[..., None]  # [U, J, K, 3]
    pip_range = ground_range_m(pip, up.pos_m[:, None, None, :])
    pip_alt = altitude_m(pip)
    ballistic = (tp.category == _BALLISTIC)[None, :, None]
    max_range = jnp.where(ballistic, mp.ballistic_range_m, mp.max_range_m)
    speed = vec.norm(vel)
    asset_pos = params.asset_pos_m[tp.asset]
    time_to_asset = vec.norm(asset_pos - pos) / jnp.maximum(speed, 1.0)  # [J]
    in_envelope = (
        jnp.isfinite(t_int)
        & (pip_range >= mp.min_range_m)
        & (pip_range <= up.range_fraction[:, None, None] * max_range)
        & (pip_alt >= mp.min_target_altitude_m)
        & (pip_alt <= mp.max_target_altitude_m)
        & (t_fin <= mp.max_flight_time_s)
        & (t_fin <= time_to_asset[None, :, None])
        & (state.inventory[:, None, :] > 0)
        & (speed <= up.max_target_speed_m_s[:, None])[..., None]
    )
    pk = mp.kill_probability[:, tp.category].T  # [J, K]
    salvo_pk = 1.0 - (1.0 - pk[None]) ** up.salvo_size[:, None, None]  # [U, J, K]
    # Best feasible type: highest Pk; among those within 1e-6 of it, the shortest-ranged
    # (cheapest) missile.
    best_pk = jnp.max(jnp.where(in_envelope, salvo_pk, -1.0), axis=-1)
    near_best = in_envelope & (salvo_pk >= best_pk[..., None] - 1e-6)
    kind = jnp.argmin(jnp.where(near_best, mp.max_range_m, jnp.inf), axis=-1).astype(jnp.int32)
    feasible = jnp.any(in_envelope, axis=-1)

    held = (state.fc_first_seen_s + up.reaction_time_s[:, None] <= t_s) & (
        state.fc_last_seen_s >= t_s - params.track_timeout_s
    )
    ms = state.missiles
    n_threats = tp.valid.shape[0]
    # Salvos still undecided at each threat: a salvo is a row of the assignment log, active
    # while one of its missiles flies or the unit is still firing it.
    log = state.assign_log
    active = scatter_any(ms.salvo, ms.alive, params.assign_capacity) | scatter_any(
        state.salvo_row, state.salvo_left > 0, params.assign_capacity
    )
    salvos = scatter_add(log.target, active.astype(jnp.int32), n_threats)  # [J]
    limit = jnp.where(up.shoot_shoot, 2, 1)  # [U] salvos at one threat before a look
    available = salvos[None, :] < limit[:, None]
    threat_ids = jnp.arange(n_threats)
    engaged_uj = jnp.any(ms.alive[:, :, None] & (ms.target[:, :, None] == threat_ids), axis=1)
    engaged_uj = engaged_uj | (
        (state.salvo_target[:, None] == threat_ids[None, :]) & (state.salvo_left[:, None] > 0)
    )
    n_engaged = jnp.sum(engaged_uj, axis=1, dtype=jnp.int32)
    # A unit needs a free target channel, unless it already holds this threat in one.
    channel = (n_engaged < up.target_channels)[:, None] | engaged_uj
    unit_free = (state.salvo_left == 0)[:, None] & channel
    ok = feasible & held & available & (track_ok & state.alive)[None, :] & unit_free
    priority = tp.asset_value / (time_to_asset + _PRIORITY_OFFSET_S)
    score = jnp.where(ok, priority[None, :] * best_pk, 0.0)
    return score, kind


def assign(params: Params, state: State, track_ok: Array, t_s: Array) -> Assignment:
    """Greedy assignment of new engagements (at most one per unit and per threat per step)."""
    score, kind = engagement_options(params, state, track_ok, t_s)
    n_units, n_threats = score.shape

    def round_(_: int, carry: tuple) -> tuple:  # type: ignore[type-arg]
        sc, tgt, knd, left, rows, engaged, n, log = carry
        flat = jnp.argmax(sc)
        u = (flat // n_threats).astype(jnp.int32)
        j = (flat % n_threats).astype(jnp.int32)
        take = sc[u, j] > 0
        k = kind[u, j]
        at_u = (jnp.arange(n_units) == u) & take
        at_j = (jnp.arange(n_threats) == j) & take
        tgt = jnp.where(at_u, j, tgt)
        knd = jnp.where(at_u, k, knd)
        left = jnp.where(at_u, params.units.salvo_size, left)
        engaged = engaged | at_j
        row = jnp.where(take, n, params.assign_capacity)  # out of range -> dropped
        rows = jnp.where(at_u, row, rows)
        log = AssignLog(
            time_s=scatter_set(log.time_s, row, t_s),
            unit=scatter_set(log.unit, row, u),
            target=scatter_set(log.target, row, j),
            kind=scatter_set(log.kind, row, k),
        )
        n = n + take.astype(jnp.int32)
        sc = jnp.where(at_u[:, None] | at_j[None, :], 0.0, sc)
        return sc, tgt, knd, left, rows, engaged, n, log

    carry = (
        score,
        state.salvo_target,
        state.salvo_kind,
        state.salvo_left,
        state.salvo_row,
        state.engaged,
        state.n_assigned,
        state.assign_log,
    )
    _, tgt, knd, left, rows, engaged, n, log = jax.lax.fori_loop(0, n_units, round_, carry)
    return Assignment(
        salvo_target=tgt,
        salvo_kind=knd,
        salvo_left=left,
        salvo_row=rows,
        engaged=engaged,
        n_assigned=n,
        assign_log=log,
    )
