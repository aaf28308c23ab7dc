"""One engine step for one replication: the stages in the order the system works.

threats fly -> radars look -> tracks update -> command post assigns -> launchers fire
-> missiles fly out -> detonations are assessed

The step is the same for a single replication and for a batch (``vmap`` over it). With
``batch_axis`` naming the ``vmap`` axis, the flyout and assessment are skipped (a real branch,
not a masked one) on steps where no replication of the batch has a missile in the air, which
for most raids is most steps, and so is the command post's assignment on steps where no
engagement radar of any replication holds a live, confirmed threat
(:func:`iads.c2.assign.assign`); without it each skip is decided per replication.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from jax import Array

from iads.assessment.base import (
    OUTCOME_KILL,
    OUTCOME_NONE,
    AssessmentInputs,
    AssessmentState,
    Outcomes,
)
from iads.assessment.kill import assess, expected_kill_probability
from iads.c2.assign import assign, fc_holds
from iads.c2.base import C2Inputs, FireControlView, Orders
from iads.engine import events as ev
from iads.engine.base import Params, State
from iads.engine.keys import StepKeys, step_keys
from iads.flyout.base import FlightEnds, FlyoutInputs, Missiles
from iads.flyout.guidance import flyout
from iads.launch.base import Fired, LaunchInputs
from iads.launch.fire import launch, unit_inventory
from iads.sensing.base import Detections, SensingInputs, SensingState
from iads.sensing.detect import sense
from iads.threats.base import Pursuers, ThreatInputs, ThreatResult
from iads.threats.flight import fly, radars_struck, threat_bend
from iads.tracking.base import TrackingInputs, TrackPicture, Tracks
from iads.tracking.kalman import track


def step(
    params: Params, state: State, key: Array, batch_axis: str | None = None
) -> tuple[State, ev.StepEvents]:
    """Advance one replication by one step; returns the new state and the step's events.

    ``key`` is the replication's key (the step's own keys come from it and the step count).
    """
    p, s, t = params, state, state.t_s
    keys = step_keys(key, s.step)
    threats, th = fly(p.threats, _threat_inputs(s), s.threats)
    radar_out = radars_struck(p.threats, threats.leaked_s, p.sensing.radars.valid.shape[0])
    sensing, det = sense(p.sensing, _sensing_inputs(p, s, th, radar_out), s.sensing, keys.sensing)
    tracking, picture = track(p.tracking, TrackingInputs(t, p.time_step_s, det), s.tracking)
    view = fire_control_view(p, radar_out)
    c2_in = _c2_inputs(p, s, sensing, tracking, picture, th, view)
    c2, orders = assign(p.c2, c2_in, s.c2, batch_axis)
    launching, fired = launch(p.launch, _launch_inputs(p, s, tracking, orders, th), s.launch)
    missiles, ends, assessment, outcomes = _fly_out(
        p,
        s,
        keys,
        th,
        fired,
        tracking,
        fc_holds(view, sensing.fc_last_seen_s, t),
        threats.evade_s,
        batch_axis,
    )

    n = state.step + 1
    new = State(
        t_s=n.astype(t.dtype) * params.time_step_s,  # from the step count: no drift
        step=n,
        threats=threats,
        sensing=sensing,
        tracking=tracking,
        c2=c2,
        launch=launching,
        flyout=missiles,
        assessment=assessment,
    )
    return new, _step_events(params, t, th, det, picture, orders, fired, missiles, ends, outcomes)


def finish(params: Params, state: State) -> tuple[State, ev.StepEvents]:
    """Close a run at its end time: threats arriving during the last step leak."""
    threats, th = fly(params.threats, _threat_inputs(state), state.threats)
    n_units, n_slots = state.flyout.alive.shape
    n_j = th.alive.shape[0]
    dtype = state.t_s.dtype
    none = ev.events(n_j, dtype)
    idle = ev.events(n_units * n_slots, dtype)
    n_launchers = params.launch.unit.shape[0]
    out = ev.StepEvents(
        detect=none,
        track=none,
        leak=_leak_events(params, state.t_s, th),
        assign=ev.events(n_units, dtype),
        assign_row=jnp.full((n_units,), -1, jnp.int32),
        launch=ev.events(n_launchers, dtype),
        launch_row=jnp.full((n_launchers,), -1, jnp.int32),
        end=idle,
        end_row=jnp.full((n_units * n_slots,), -1, jnp.int32),
    )
    return dataclasses.replace(state, threats=threats), out


def _threat_inputs(state: State) -> ThreatInputs:
    m = state.flyout
    return ThreatInputs(
        state.t_s, state.assessment.killed_s, Pursuers(m.pos_m, m.vel_m_s, m.target, m.alive)
    )


def _fly_out(
    params: Params,
    state: State,
    keys: StepKeys,
    th: ThreatResult,
    fired: Fired,
    tracks: Tracks,
    holds: Array,
    evade_s: Array,
    batch_axis: str | None,
) -> tuple[Missiles, FlightEnds, AssessmentState, Outcomes]:
    """The flyout and assessment stages, skipped when nothing is in the air (see the module
    docstring)."""
    tp = params.threats

    def in_flight(_: None) -> tuple:  # type: ignore[type-arg]
        inputs = _flyout_inputs(params, state.t_s, th, fired, tracks, holds, evade_s)
        missiles, ends = flyout(params.flyout, inputs, state.flyout, keys.homing)
        judged = AssessmentInputs(ends, missiles.target, missiles.kind, th.alive, tp.category)
        return missiles, ends, *assess(params.assessment, judged, state.assessment, keys.kill)

    def none_in_flight(_: None) -> tuple:  # type: ignore[type-arg]
        return state.flyout, _no_ends(fired), state.assessment, _no_outcomes(fired, th)

    flying = jnp.any(state.flyout.alive) | jnp.any(fired.new)
    if batch_axis is not None:
        flying = jax.lax.psum(flying.astype(jnp.int32), batch_axis) > 0
    return jax.lax.cond(flying, in_flight, none_in_flight, None)  # type: ignore[no-any-return]


# --- what each stage reads from the others ---------------------------------------------------


def _sensing_inputs(
    params: Params, state: State, th: ThreatResult, radar_out: Array
) -> SensingInputs:
    tp = params.threats
    return SensingInputs(
        t_s=state.t_s,
        kin=th.kin,
        alive=th.alive,
        tracked=state.tracking.exists,
        rcs_m2=tp.rcs_m2,
        swerling=tp.swerling,
        ssj_erp_w=tp.ssj_erp_w,
        ssj_bandwidth_hz=tp.ssj_bandwidth_hz,
        radar_out=radar_out,
    )


def fire_control_view(params: Params, radar_out: Array) -> FireControlView:
    """Each fire unit's engagement radar (its first fire-control radar not out of action,
    ``radar_out`` [D]) as the command post sees it, from the sensing stage's radar settings. A
    unit with none holds no threat (coast 0, and nothing detects for it): it engages nothing
    and guides no round on its radar."""
    rp = params.sensing.radars
    n_units = params.c2.units.valid.shape[0]
    working = rp.valid & ~radar_out & rp.fire_control
    mine = working & (rp.unit == jnp.arange(n_units)[:, None])  # [U, D]
    d = jnp.argmax(mine, axis=1)
    has = jnp.any(mine, axis=1)
    return FireControlView(
        coast_s=jnp.where(has, rp.track_coast_s[d], 0.0),
        boresight_rad=rp.boresight_rad[d],
        half_width_rad=jnp.where(has, rp.sector_half_width_rad[d], jnp.pi),
        min_elevation_rad=rp.min_elevation_rad[d],
        max_elevation_rad=jnp.where(has, rp.max_elevation_rad[d], 0.5 * jnp.pi),
    )


def _c2_inputs(
    params: Params,
    state: State,
    sensing: SensingState,
    tracks: Tracks,
    picture: TrackPicture,
    th: ThreatResult,
    view: FireControlView,
) -> C2Inputs:
    tp, ls, ms = params.threats, state.launch, state.flyout
    return C2Inputs(
        t_s=state.t_s,
        tracks=tracks,
        confirmed=picture.confirmed,
        alive=th.alive,
        category=tp.category,
        asset=tp.asset,
        asset_value=tp.asset_value,
        asset_pos_m=params.asset_pos_m,
        fc_first_seen_s=sensing.fc_first_seen_s,
        fc_last_seen_s=sensing.fc_last_seen_s,
        fc_view=view,
        kill_probability=expected_kill_probability(
            params.assessment, params.flyout.homing_noise_floor_m
        ),
        inventory=unit_inventory(params.launch, ls),
        salvo_target=ls.salvo_target,
        salvo_kind=ls.salvo_kind,
        salvo_left=ls.salvo_left,
        salvo_row=ls.salvo_row,
        missile_alive=ms.alive,
        missile_target=ms.target,
        missile_salvo=ms.salvo,
        missile_kind=ms.kind,
    )


def _launch_inputs(
    params: Params, state: State, tracks, orders: Orders, th: ThreatResult
) -> LaunchInputs:  # type: ignore[no-untyped-def]
    return LaunchInputs(
        t_s=state.t_s,
        orders=orders,
        alive=th.alive,
        track_x=tracks.x,
        mean_speed_m_s=params.c2.envelope.mean_speed_m_s,
        missile_alive=state.flyout.alive,
        missile_holding=state.flyout.holding,
    )


def _flyout_inputs(
    params: Params,
    t: Array,
    th: ThreatResult,
    fired: Fired,
    tracks: Tracks,
    holds: Array,
    evade_s: Array,
) -> FlyoutInputs:
    """``holds`` [U, J]: each unit's engagement radar holds each threat (``fc_holds``)."""
    n = params.flyout.n_substeps
    offsets = params.time_step_s * jnp.arange(n + 1, dtype=t.dtype) / n
    bend = threat_bend(params.threats, th.kin, t, offsets, evade_s)
    return FlyoutInputs(
        t_s=t,
        dt_s=params.time_step_s,
        target_pos_m=th.kin.pos_m,
        target_vel_m_s=th.kin.vel_m_s,
        target_bend_dir=bend.bend_dir,
        target_bend_m=bend.bend_m,
        target_rise_dir=bend.rise_dir,
        target_rise_m=bend.rise_m,
        threat_alive=th.alive,
        fired=fired,
        endgame_range_m=params.assessment.endgame_range_m,
        rcs_m2=params.threats.rcs_m2,
        track_x=tracks.x,
        fc_holds=holds & tracks.exists[None, :],
    )


def _no_ends(fired: Fired) -> FlightEnds:
    no = jnp.zeros_like(fired.new)
    zero = jnp.zeros_like(fired.speed_m_s)
    return FlightEnds(
        ended=no, fuzed=no, miss_distance_m=zero, end_time_s=zero, end_pos_m=fired.pos_m * 0.0
    )


def _no_outcomes(fired: Fired, th: ThreatResult) -> Outcomes:
    return Outcomes(
        outcome=jnp.full(fired.new.shape, OUTCOME_NONE, jnp.int32),
        killed_now=jnp.zeros_like(th.alive),
    )


# --- the step's events -----------------------------------------------------------------------


def _leak_events(params: Params, t: Array, th: ThreatResult) -> ev.Events:
    """Threats reaching their target now; an anti-radiation missile's names its radar."""
    n_j = th.alive.shape[0]
    return ev.events(
        n_j,
        t.dtype,
        kind=jnp.where(th.leaking, ev.LEAK, ev.NONE),
        time_s=t,
        threat=jnp.arange(n_j),
        radar=params.threats.target_radar,
        pos_m=th.kin.pos_m,
    )


def _step_events(
    params: Params,
    t: Array,
    th: ThreatResult,
    det: Detections,
    picture: TrackPicture,
    orders: Orders,
    fired: Fired,
    missiles: Missiles,
    ends: FlightEnds,
    outcomes: Outcomes,
) -> ev.StepEvents:
    dtype = t.dtype
    n_j = th.alive.shape[0]
    threat_ids = jnp.arange(n_j)
    # detections: the radar nearest to the threat among those that saw it
    seen = jnp.any(det.detected, axis=0)
    radar = jnp.argmin(jnp.where(det.detected, det.range_m, jnp.inf), axis=0).astype(jnp.int32)
    detect = ev.events(
        n_j,
        dtype,
        kind=jnp.where(seen, ev.DETECT, ev.NONE),
        time_s=t,
        threat=threat_ids,
        unit=params.sensing.radars.unit[radar],
        radar=radar,
        pos_m=th.kin.pos_m,
    )
    track = ev.events(
        n_j,
        dtype,
        kind=jnp.where(picture.confirmed, ev.TRACK, ev.NONE),
        time_s=t,
        threat=threat_ids,
        pos_m=th.kin.pos_m,
    )
    n_units = fired.new.shape[0]
    units = jnp.arange(n_units, dtype=jnp.int32)
    tgt = jnp.maximum(orders.target, 0)
    assign_ev = ev.events(
        n_units,
        dtype,
        kind=jnp.where(orders.new, ev.ASSIGN, ev.NONE),
        time_s=t,
        threat=tgt,
        unit=units,
        missile_type=orders.kind,
        pos_m=th.kin.pos_m[tgt],
    )
    slot_unit = jnp.broadcast_to(units[:, None], fired.new.shape)
    n_launchers = fired.by_launcher.shape[0]
    launch_ev = ev.events(
        n_launchers,
        dtype,
        kind=jnp.where(fired.by_launcher, ev.LAUNCH, ev.NONE),
        time_s=t,
        threat=fired.launcher_target,
        unit=fired.launcher_unit,
        launcher=jnp.arange(n_launchers),
        missile=fired.launcher_missile,
        missile_type=fired.launcher_kind,
        pos_m=fired.launch_pos_m,
    )
    end_kind = jnp.where(
        ends.ended, jnp.where(outcomes.outcome == OUTCOME_KILL, ev.INTERCEPT, ev.MISS), ev.NONE
    )
    missile_id = jnp.where(ends.ended, missiles.missile, -1)
    end_ev = ev.flat(
        ev.events(
            fired.new.shape,
            dtype,
            kind=end_kind,
            time_s=ends.end_time_s,
            threat=missiles.target,
            unit=slot_unit,
            launcher=missiles.launcher,
            missile=missile_id,
            missile_type=missiles.kind,
            pos_m=ends.end_pos_m,
        )
    )
    return ev.StepEvents(
        detect=detect,
        track=track,
        leak=_leak_events(params, t, th),
        assign=assign_ev,
        assign_row=orders.salvo,
        launch=launch_ev,
        launch_row=fired.launcher_missile,
        end=end_ev,
        end_row=missile_id.reshape(-1),
    )
