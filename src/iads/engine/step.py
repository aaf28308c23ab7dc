"""One engine step for one replication: the stages in the order the system works.

threats fly -> radars look -> tracks update -> command post assigns
-> launchers fire -> missiles fly out -> outcomes are assessed
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
from jax import Array

from iads.c2.assign import assign
from iads.engine.base import MissileLog, Params, State
from iads.engine.ops import scatter_set
from iads.radar.sensing import sense
from iads.threats.flight import ThreatKinematics, threat_kinematics
from iads.tracking.kalman import confirmed, update_tracks
from iads.weapons.flyout import flyout
from iads.weapons.launch import cancel_void_salvos, launch


def step(params: Params, state: State, key: Array) -> State:
    """Advance one replication by ``params.time_step_s``."""
    state, kin = engage(params, state, key)
    return fly(params, state, kin, key)


def engage(params: Params, state: State, key: Array) -> tuple[State, ThreatKinematics]:
    """The step up to launch: threats fly, radars look, tracks update, assign, launch.

    Returns the state and the threats' kinematics at the start of the step, for :func:`fly`.
    """
    t = state.t_s
    k_sense, _ = jax.random.split(key)

    # threats fly; those that reach their asset leak
    state, kin = threats_fly(params, state)
    alive = state.alive
    leaked_s = state.leaked_s

    # radars look
    det = sense(params, kin, alive, state.next_scan_s, t, k_sense)
    any_det = jnp.any(det.detected, axis=0)
    rng_det = jnp.min(jnp.where(det.detected, det.range_m, jnp.inf), axis=0)
    first = any_det & ~jnp.isfinite(state.detect_s)
    detect_unit = params.radars.unit[
        jnp.argmin(jnp.where(det.detected, det.range_m, jnp.inf), axis=0)
    ]
    fc = det.detected & params.radars.engagement[:, None]  # [D, J]
    n_units = state.fc_last_seen_s.shape[0]
    unit_radar = params.radars.unit[None, :] == jnp.arange(n_units)[:, None]  # [U, D]
    fc_unit = jnp.any(unit_radar[:, :, None] & fc[None, :, :], axis=1)  # [U, J]
    fc_first = jnp.where(fc_unit & ~jnp.isfinite(state.fc_first_seen_s), t, state.fc_first_seen_s)
    fc_last = jnp.where(fc_unit, t, state.fc_last_seen_s)

    # tracks update
    tracks = update_tracks(
        params, state.tracks, det.measured_pos_m, det.measurement_cov_m2, det.detected, t
    )
    track_ok = confirmed(params, tracks)
    state = _replace(
        state,
        alive=alive,
        leaked_s=leaked_s,
        next_scan_s=det.next_scan_s,
        tracks=tracks,
        detect_s=jnp.where(first, t, state.detect_s),
        detect_range_m=jnp.where(first, rng_det, state.detect_range_m),
        detect_unit=jnp.where(first, detect_unit, state.detect_unit),
        track_s=jnp.where(track_ok & ~jnp.isfinite(state.track_s), t, state.track_s),
        fc_first_seen_s=fc_first,
        fc_last_seen_s=fc_last,
    )

    # command post assigns (salvos at threats that are gone are cancelled first)
    state = _replace(state, **cancel_void_salvos(state))
    a = assign(params, state, track_ok, t)
    state = _replace(
        state,
        salvo_target=a.salvo_target,
        salvo_kind=a.salvo_kind,
        salvo_left=a.salvo_left,
        salvo_row=a.salvo_row,
        engaged=a.engaged,
        n_assigned=a.n_assigned,
        assign_log=a.assign_log,
    )

    # launchers fire
    lc = launch(params, state, t)
    state = _replace(
        state,
        missiles=lc.missiles,
        inventory=lc.inventory,
        salvo_target=lc.salvo_target,
        salvo_left=lc.salvo_left,
        next_launch_s=lc.next_launch_s,
        n_fired=lc.n_fired,
        missile_log=lc.missile_log,
    )

    return state, kin


def fly(params: Params, state: State, kin: ThreatKinematics, key: Array) -> State:
    """The rest of the step: missiles fly out, intercepts are assessed, the clock advances.

    With no missile in flight this only advances the clock, so a batch may skip the flyout
    when no replication has a missile in the air (see ``iads.engine.run``).
    """
    t = state.t_s
    _, k_kill = jax.random.split(key)
    fo = flyout(params, state.missiles, kin, state.alive, state.killed_s, t, k_kill)
    state = _replace(
        state,
        missiles=fo.missiles,
        alive=fo.threat_alive,
        killed_s=fo.killed_s,
        missile_log=_log_outcomes(
            params,
            state.missile_log,
            state.missiles.log_id,
            fo.ended,
            fo.outcome,
            fo.end_time_s,
            fo.end_pos_m,
        ),
    )
    return advance_clock(params, state)


def advance_clock(params: Params, state: State) -> State:
    """The state with its clock moved on by one step (time from the step count: no drift)."""
    step_ = state.step + 1
    return _replace(state, t_s=step_.astype(state.t_s.dtype) * params.time_step_s, step=step_)


def threats_fly(params: Params, state: State) -> tuple[State, ThreatKinematics]:
    """Threats at the state's time; those that have reached their asset leak."""
    kin = threat_kinematics(params.threats, state.t_s)
    leaking = state.alive & kin.arrived
    state = _replace(
        state, alive=state.alive & ~leaking, leaked_s=jnp.where(leaking, state.t_s, state.leaked_s)
    )
    return state, kin


def finish(params: Params, state: State) -> State:
    """Close a run at its end time: threats arriving during the last step leak."""
    return threats_fly(params, state)[0]


def _log_outcomes(
    params: Params,
    log: MissileLog,
    log_id: Array,
    ended: Array,
    outcome: Array,
    end_time_s: Array,
    end_pos_m: Array,
) -> MissileLog:
    row = jnp.where(ended, log_id, params.log_capacity).reshape(-1)
    return MissileLog(
        launch_time_s=log.launch_time_s,
        unit=log.unit,
        target=log.target,
        kind=log.kind,
        outcome=scatter_set(log.outcome, row, outcome.reshape(-1)),
        end_time_s=scatter_set(log.end_time_s, row, end_time_s.reshape(-1)),
        end_pos_m=scatter_set(log.end_pos_m, row, end_pos_m.reshape(-1, 3)),
    )


def _replace(state: State, **changes: Any) -> State:
    return dataclasses.replace(state, **changes)
