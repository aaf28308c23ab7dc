"""Command-post stage kernel: rank threats, assign them to fire units (greedy, marginal return).

For each idle fire unit u and threat j the command post plans, from the track, the predicted
intercept point (PIP) of each missile type k it has left. A first guess takes the time t that
solves ``|r + v t| = s_k t`` (r, v the track's position and velocity relative to the launcher,
s_k the missile's mean flyout speed); then, ``PIP_ITERATIONS`` times, t becomes the physical
flyout's flight time to the PIP (the engagement table the scenario compiler computes with
:func:`iads.flyout.envelope.engagement_tables`). The option is feasible when the PIP lies
inside that table's envelope, shrunk in range by the doctrine's ``range_fraction``, beyond
``min_range_m`` and above ``min_target_altitude_m`` (and, for a ballistic target, within
``range_fraction`` x the published ballistic range), within the unit's engagement radar's
field of regard (its sector around the battery's threat axis and its elevation limits), before
the threat reaches its asset, when that radar has held the threat for the reaction time and
holds it now (has detected it within its ``track_coast_s``), and when the unit has a free
target channel.

The marginal return of a salvo of n missiles with single-shot kill probability p on threat j is

    value_j * (1 - (1 - p)^n) / (time_to_asset_j + priority_offset_s)

(threat priority = asset value / time to reach it; the command post's ``priority_offset_s``
keeps it finite). Assignment is the
greedy rule: repeatedly take the best (unit, threat) pair, one new engagement per unit and per
threat a step, within each command post's limit of threats engaged at once; it is decided in
a few rounds of mutual-best pairs (:func:`iads.c2.greedy.greedy_pairs`), each linear in the
table, so it vectorises.

Doctrine: under shoot-look-shoot a threat is engaged again only when no salvo at it is
undecided (all its missiles have ended); under shoot-shoot a second salvo may be fired before
the first one's outcome, never a third. A unit re-engaging a threat it already holds uses the
same target channel.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_add, scatter_any
from iads.c2.base import (
    C2Inputs,
    C2Params,
    C2State,
    EnvelopeParams,
    FireControlView,
    Options,
    Orders,
)
from iads.c2.greedy import greedy_pairs
from iads.c2.plan import follow_plan
from iads.catalog.base import THREAT_CATEGORIES
from iads.geo import vec
from iads.geo.sphere import (
    altitude_first,
    altitude_m,
    azimuth_off_first,
    ground_range_first,
    ground_range_m,
    up_first,
)
from iads.launch.base import live_salvo_left

_BALLISTIC = THREAT_CATEGORIES.index("ballistic_missile")


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


#: Refinements of the predicted intercept point with the engagement table's flight times.
PIP_ITERATIONS = 2


def table_lookup(
    mp: EnvelopeParams, table: Array, kind: Array, range_m: Array, altitude: Array
) -> Array:
    """``table`` [K, H, R] at the cell nearest (ground range, altitude) of missile type
    ``kind`` (shapes broadcast); beyond the grid, its last row or column."""
    n_alt, n_range = table.shape[1], table.shape[2]
    r = jnp.round(range_m / mp.table_range_step_m[kind]) - 1.0
    a = jnp.round(altitude / mp.table_altitude_step_m[kind])
    r = jnp.clip(jnp.nan_to_num(r, nan=0.0, posinf=n_range - 1.0), 0, n_range - 1)
    a = jnp.clip(jnp.nan_to_num(a, nan=0.0), 0, n_alt - 1)
    # one flat index (in range by construction): a far cheaper gather on the CPU
    flat = (kind * n_alt + a.astype(jnp.int32)) * n_range + r.astype(jnp.int32)
    return jnp.take(table.reshape(-1), flat, mode="clip")


def fc_holds(view: FireControlView, fc_last_seen_s: Array, t_s: Array) -> Array:
    """[U, J]: each unit's engagement radar holds each threat (detected within its coast
    time)."""
    return fc_last_seen_s >= t_s - view.coast_s[:, None]


def in_field_of_regard(view: FireControlView, site_m: Array, pos_m: Array) -> Array:
    """[U, ...]: points ``pos_m`` (component-major, [3, U, ...]) within each unit's
    engagement-radar sector and elevation limits, seen from the unit's site ``site_m`` [U, 3]
    (round Earth, no refraction)."""
    lead = (1,) * (pos_m.ndim - 2)
    site = site_m.T.reshape((3, site_m.shape[0], *lead))
    per_unit = lambda a: a.reshape(a.shape[:1] + lead)  # noqa: E731
    off = azimuth_off_first(site, pos_m, per_unit(view.boresight_rad))
    rel = pos_m - site
    sin_el = vec.dot_first(rel, up_first(site)) / jnp.maximum(vec.norm_first(rel), 1.0)
    return (
        (jnp.abs(off) <= per_unit(view.half_width_rad))
        & (sin_el >= jnp.sin(per_unit(view.min_elevation_rad)))
        & (sin_el <= jnp.sin(per_unit(view.max_elevation_rad)))
    )


def _held(params: C2Params, inputs: C2Inputs) -> Array:
    """[U, J]: each unit's engagement radar has held each threat for the unit's reaction time
    and holds it now."""
    first = inputs.fc_first_seen_s + params.units.reaction_time_s[:, None] <= inputs.t_s
    return first & fc_holds(inputs.fc_view, inputs.fc_last_seen_s, inputs.t_s)


def _any_held(params: C2Params, inputs: C2Inputs) -> Array:
    """Whether any unit's engagement radar holds a live, confirmed threat (none: no unit can
    engage anything this step)."""
    return jnp.any(_held(params, inputs) & (inputs.confirmed & inputs.alive)[None, :])


def undecided_salvos(
    salvo_target: Array, inputs: C2Inputs, salvo_left: Array, n_threats: int
) -> Array:
    """[J] salvos still undecided at each threat: a salvo is active while one of its missiles
    flies or its unit is still firing it.

    A salvo's row (``salvo_target`` [G], the threat of each) belongs to the one unit that
    fires it, so each unit's active rows (its missiles' and its salvo's, [U, M + 1]) are
    counted once each, by their first occurrence: U (M + 1) (M + 1 + J) work, not
    U M G (G grows with the units).
    """
    n_rows = salvo_target.shape[0]
    row = jnp.concatenate([inputs.missile_salvo, inputs.salvo_row[:, None]], axis=1)
    active = jnp.concatenate([inputs.missile_alive, (salvo_left > 0)[:, None]], axis=1)
    active = active & (row >= 0) & (row < n_rows)  # rows past the capacity are not kept
    slot = jnp.arange(row.shape[1])
    earlier = slot[None, :] < slot[:, None]  # [e, e'] e' comes before e
    repeat = jnp.any(
        (row[:, :, None] == row[:, None, :]) & earlier[None] & active[:, None, :], axis=2
    )
    first = active & ~repeat
    target = salvo_target[jnp.clip(row, 0, n_rows - 1)]
    return scatter_add(target, first.astype(jnp.int32), n_threats)


def engagement_options(params: C2Params, inputs: C2Inputs, state: C2State) -> Options:
    """Score [U, J] of the best salvo each unit can fire at each threat, its missile type,
    which threats each unit already engages [U, J], and what the assignment plan needs."""
    up, mp = params.units, params.envelope
    tr = inputs.tracks
    pos = tr.x[:, :3]
    vel = tr.x[:, 3:]
    rel = pos[None, :, :] - up.pos_m[:, None, :]  # [U, J, 3]
    t_int = intercept_time(
        rel[:, :, None, :], vel[None, :, None, :], mp.mean_speed_m_s[None, None, :]
    )  # [U, J, K]
    t_fin = jnp.where(jnp.isfinite(t_int), t_int, 0.0)
    kinds = jnp.arange(mp.max_range_m.shape[0])[None, None, :]
    # the predicted intercept points, component-major [3, U, J, K]
    pos_c, vel_c = pos.T[:, None, :, None], vel.T[:, None, :, None]
    site_c = up.pos_m.T[:, :, None, None]
    for _ in range(PIP_ITERATIONS):  # the flyout's own time to the point, not a mean speed
        pip = pos_c + vel_c * t_fin
        pip_range = ground_range_first(pip, site_c)
        t_fin = table_lookup(mp, mp.table_time_s, kinds, pip_range, altitude_first(pip))
    pip = pos_c + vel_c * t_fin
    pip_range = ground_range_first(pip, site_c)
    pip_alt = altitude_first(pip)
    ballistic = (inputs.category == _BALLISTIC)[None, :, None]
    max_range = jnp.where(ballistic, mp.ballistic_range_m, mp.max_range_m)
    speed = vec.norm(vel)
    asset_pos = inputs.asset_pos_m[inputs.asset]
    time_to_asset = vec.norm(asset_pos - pos) / jnp.maximum(speed, 1.0)  # [J]
    fraction = up.range_fraction[:, None, None]
    reach = fraction * max_range  # [U, J, K]
    can_fire = (inputs.inventory[:, None, :] > 0) & (speed <= up.max_target_speed_m_s[:, None])[
        ..., None
    ]
    # inside the flyout's envelope shrunk in range by the doctrine's fraction
    inside = table_lookup(mp, mp.table_inside, kinds, pip_range / fraction, pip_alt) > 0.5
    in_envelope = (
        jnp.isfinite(t_int)
        & inside
        & (pip_range >= mp.min_range_m)
        & (~ballistic | (pip_range <= reach))
        & (pip_alt >= mp.min_target_altitude_m)
        & (t_fin <= time_to_asset[None, :, None])
        & in_field_of_regard(inputs.fc_view, up.pos_m, pip)
        & can_fire
    )
    # Later: the threat's asset lies within the unit's reach and the threat flies inside the
    # type's altitude band, so its path to the asset passes through the envelope.
    asset_range = ground_range_m(asset_pos[None, :, None, :], up.pos_m[:, None, None, :])
    track_alt = altitude_m(pos)[None, :, None]
    reachable = in_envelope | (
        (asset_range <= reach)
        & (track_alt >= mp.min_target_altitude_m)
        & (track_alt <= mp.max_target_altitude_m)
        & can_fire
    )
    pk = inputs.kill_probability[:, inputs.category].T  # [J, K]
    salvo_pk = 1.0 - (1.0 - pk[None]) ** up.salvo_size[:, None, None]  # [U, J, K]
    # Best feasible type: highest Pk; among those within 1e-6 of it, the shortest-ranged
    # (cheapest) missile.
    best_pk = jnp.max(jnp.where(in_envelope, salvo_pk, -1.0), axis=-1)
    near_best = in_envelope & (salvo_pk >= best_pk[..., None] - 1e-6)
    kind = jnp.argmin(jnp.where(near_best, mp.max_range_m, jnp.inf), axis=-1).astype(jnp.int32)
    feasible = jnp.any(in_envelope, axis=-1)

    held = _held(params, inputs)
    n_threats = inputs.alive.shape[0]
    salvo_left = live_salvo_left(
        inputs.salvo_target, inputs.salvo_kind, inputs.salvo_left, inputs.alive, inputs.inventory
    )
    salvos = undecided_salvos(state.salvo_target, inputs, salvo_left, n_threats)  # [J]
    limit = jnp.where(up.shoot_shoot, 2, 1)  # [U] salvos at one threat before a look
    available = salvos[None, :] < limit[:, None]
    threat_ids = jnp.arange(n_threats)
    engaged_uj = jnp.any(
        inputs.missile_alive[:, :, None] & (inputs.missile_target[:, :, None] == threat_ids),
        axis=1,
    )
    engaged_uj = engaged_uj | (
        (inputs.salvo_target[:, None] == threat_ids[None, :]) & (salvo_left[:, None] > 0)
    )
    n_engaged = jnp.sum(engaged_uj, axis=1, dtype=jnp.int32)
    # A unit needs a free target channel, unless it already holds this threat in one.
    channel = (n_engaged < up.target_channels)[:, None] | engaged_uj
    unit_free = (up.valid & (salvo_left == 0))[:, None] & channel
    ok = feasible & held & available & (inputs.confirmed & inputs.alive)[None, :] & unit_free
    priority = inputs.asset_value / (time_to_asset + params.priority_offset_s)
    score = jnp.where(ok, priority[None, :] * best_pk, 0.0)
    return Options(
        score=score,
        kind=kind,
        engaged=engaged_uj,
        in_envelope=in_envelope & ok[..., None],
        reachable=reachable,
        priority=priority,
        kill_probability=pk,
    )


def assign(
    params: C2Params, inputs: C2Inputs, state: C2State, batch_axis: str | None = None
) -> tuple[C2State, Orders]:
    """The command-post stage: greedy assignment of new engagements (at most one per unit and
    per threat per step); units under the ``wta`` doctrine take only what the command post's
    assignment plan gives them (:func:`iads.c2.plan.follow_plan`).

    Without an assignment plan, a step on which no unit's engagement radar holds a confirmed,
    live threat engages nothing, and the stage is skipped (a real branch, decided over the
    whole batch when ``batch_axis`` names the ``vmap`` axis): most steps of a raid have none.
    """
    if params.wta_round_slots > 0:
        return _assign(params, inputs, state, batch_axis)
    some = _any_held(params, inputs)
    if batch_axis is not None:
        some = jax.lax.psum(some.astype(jnp.int32), batch_axis) > 0
    idle = _no_orders(params.units.valid.shape[0], state.salvo_target.shape[0])
    return jax.lax.cond(  # type: ignore[no-any-return]
        some, lambda: _assign(params, inputs, state, batch_axis), lambda: (state, idle)
    )


def _no_orders(n_units: int, n_rows: int) -> Orders:
    """No new engagement (the orders of a skipped step)."""
    zero = jnp.zeros((n_units,), jnp.int32)
    return Orders(
        new=zero > 0,
        target=jnp.full((n_units,), -1, jnp.int32),
        kind=zero,
        salvo=jnp.full((n_units,), n_rows, jnp.int32),
        count=zero,
    )


def _assign(
    params: C2Params, inputs: C2Inputs, state: C2State, batch_axis: str | None
) -> tuple[C2State, Orders]:
    opts = engagement_options(params, inputs, state)
    score, kind, engaged_uj = opts.score, opts.kind, opts.engaged
    count = jnp.broadcast_to(params.units.salvo_size[:, None], score.shape)
    if params.wta_round_slots > 0:
        score, kind, count = follow_plan(params, inputs, opts, count, batch_axis)
    n_units, n_threats = score.shape
    n_rows = state.salvo_target.shape[0]
    cp = params.unit_command_post
    n_cp = params.targets_engaged.shape[0]
    # threats engaged by each command post's units (the command post's echelon capacity)
    cp_count = scatter_add(cp, jnp.sum(engaged_uj, axis=1, dtype=jnp.int32), n_cp)
    pairs = greedy_pairs(score, engaged_uj, cp, cp_count, params.targets_engaged)
    new = pairs.target >= 0
    tgt = pairs.target
    at = jnp.maximum(tgt, 0)
    units = jnp.arange(n_units)
    knd = jnp.where(new, kind[units, at], 0)
    cnt = jnp.where(new, count[units, at], 0)
    # New salvos take rows n, n + 1, ... in the order the rule takes them (rows past the
    # capacity are dropped).
    rows = jnp.where(new, state.n_salvos + pairs.order, n_rows)
    taken_by_order = tgt[jnp.argsort(pairs.order)]  # [U] threat of the i-th pair taken
    offset = jnp.arange(n_rows) - state.n_salvos  # [G]
    fresh_row = (offset >= 0) & (offset < jnp.sum(new, dtype=jnp.int32))
    rows_target = jnp.where(
        fresh_row, taken_by_order[jnp.clip(offset, 0, n_units - 1)], state.salvo_target
    )
    n = state.n_salvos + jnp.sum(new, dtype=jnp.int32)
    engaged = state.engaged | scatter_any(tgt, new, n_threats)
    orders = Orders(new=new, target=tgt, kind=knd, salvo=rows, count=cnt * new)
    return C2State(salvo_target=rows_target, n_salvos=n, engaged=engaged), orders
