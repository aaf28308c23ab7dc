"""Threats fly their routes: a function of time and of when each threat began to manoeuvre.

An aerodynamic threat flies its waypoints at constant ground speed; its ground track is
straight between waypoints in the azimuthal-equidistant ground coordinates of the frame (within
a few hundred km this is close to a great circle) and its height above the round Earth is
interpolated linearly between waypoints. A ballistic threat flies from its launch point to its
target on the arc, in (ground distance s, height h),

    h(s) = h_lin(s) + 4 H s (D - s) / D^2

with apogee H above the straight line h_lin and ground range D, at the constant ground speed
v = V / sqrt(1 + (4 H / D)^2) at which its speed at impact (and at launch) is the catalog's
``speed_m_s`` V (a vacuum arc of that apogee would fly at D / (2 sqrt(2 H / g)); a
quasi-ballistic missile's arc is not one).

A threat whose type has an ``evasion`` weaves across its ground track: a lateral offset
(horizontal, to the left of the track)

    d(tau) = A (1 - cos(w tau)),  A = a / w^2,  0 <= tau <= T

tau after it began, with a = load_factor_g x g0 and w = 2 pi / period_s: it starts with the
full lateral acceleration a (a break) and, over whole periods, returns to its track with no
lateral speed. A ``warned`` threat begins when a missile at it is within ``warning_time_s`` of
reaching it (range over closing speed) and weaves for ``periods`` periods (again if still
warned); a ``terminal`` one weaves from when its arc descends through ``start_altitude_m`` to
impact.

A ballistic threat whose type has a ``pull_up`` (a quasi-ballistic missile) rises above its arc
as it descends through the pull-up's ``start_altitude_m``, by

    u(tau) = B (1 - cos(w tau)),  B = a / w^2,  0 <= tau <= P

with a = load_factor_g x g0 and w = 2 pi / P, P = ``period_s``: it pulls up with the full
acceleration a, peaks 2 B above the arc at P / 2 and pushes over back onto the arc, which it
rejoins with no vertical speed of its own at P. The pull-up's time is known from the route,
so it is in every threat's planned track.

An anti-radiation missile flies at a radar's antenna like any threat at its asset; arriving
there (leaking) puts that radar out of action for the rest of the run (:func:`radars_struck`,
read by the sensing stage).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_any
from iads.geo.sphere import enu_to_xyz, xyz_to_enu
from iads.threats.base import (
    ThreatBend,
    ThreatInputs,
    ThreatKinematics,
    ThreatParams,
    ThreatResult,
    ThreatState,
)


def _ground_distance(tp: ThreatParams, t_s: Array) -> Array:
    return _clamp(tp.ground_speed_m_s * (t_s - tp.launch_time_s), 0.0, tp.route_length_m)


def _clamp(x: Array, lo: Array | float, hi: Array | float) -> Array:
    # Not jnp.clip: its derivative is 1/2 on a bound, and the velocity at the instant of launch
    # or of reaching a waypoint must be the velocity flown next.
    return jnp.where(x < lo, lo, jnp.where(x > hi, hi, x))


def weave_offset_m(tp: ThreatParams, t_s: Array, evade_s: Array) -> Array:
    """Lateral offset d (m), shape [J], of each threat's weave at ``t_s`` (0 when it is not
    weaving)."""
    tau = t_s - evade_s
    on = (tau >= 0.0) & (tau <= tp.weave_duration_s)
    w = tp.weave_omega_rad_s
    tau = jnp.where(on, tau, 0.0)
    return jnp.where(on, tp.weave_accel_m_s2 / w**2 * (1.0 - jnp.cos(w * tau)), 0.0)


def pull_up_rise_m(tp: ThreatParams, t_s: Array) -> Array:
    """Height u (m), shape [J], of each threat's pull-up above its arc at ``t_s`` (0 outside
    it)."""
    w = tp.pull_up_omega_rad_s
    tau = t_s - tp.pull_up_start_s
    on = (tau >= 0.0) & (tau <= 2.0 * jnp.pi / w)
    tau = jnp.where(on, tau, 0.0)
    return jnp.where(on, tp.pull_up_accel_m_s2 / w**2 * (1.0 - jnp.cos(w * tau)), 0.0)


def threat_position(tp: ThreatParams, t_s: Array, evade_s: Array | None = None) -> Array:
    """Positions (m), shape [J, 3], of all threats at time ``t_s`` (scalar or shape [J]), each
    weaving from its ``evade_s`` (none when None)."""
    s = _ground_distance(tp, t_s)
    d0, d1, p0, p1 = _segment(tp, s)
    frac = _clamp((s - d0) / jnp.maximum(d1 - d0, 1e-3), 0.0, 1.0)
    enu = p0 + frac[:, None] * (p1 - p0)
    length = jnp.maximum(tp.route_length_m, 1.0)
    arc = 4.0 * tp.apogee_m * s * (length - s) / length**2
    h = enu[:, 2] + jnp.where(tp.ballistic, arc, 0.0) + pull_up_rise_m(tp, t_s)
    e, n = enu[:, 0], enu[:, 1]
    if evade_s is not None:
        de, dn = _ground_direction(d0, d1, p0, p1)
        d = weave_offset_m(tp, t_s, evade_s)
        e, n = e - d * dn, n + d * de  # to the left of the ground track
    return enu_to_xyz(e, n, h)


def _segment(tp: ThreatParams, s: Array) -> tuple[Array, Array, Array, Array]:
    """The route segment each threat flies at ground distance ``s``: the cumulative distances
    of its ends [J] and its end points [J, 3]."""
    n_seg = tp.waypoints_enu_m.shape[1] - 1
    seg = jnp.clip(jnp.sum(tp.waypoint_dist_m[:, 1:] <= s[:, None], axis=1), 0, n_seg - 1)
    d0 = jnp.take_along_axis(tp.waypoint_dist_m, seg[:, None], axis=1)[:, 0]
    d1 = jnp.take_along_axis(tp.waypoint_dist_m, seg[:, None] + 1, axis=1)[:, 0]
    p0 = jnp.take_along_axis(tp.waypoints_enu_m, seg[:, None, None], axis=1)[:, 0]
    p1 = jnp.take_along_axis(tp.waypoints_enu_m, seg[:, None, None] + 1, axis=1)[:, 0]
    return d0, d1, p0, p1


def _ground_direction(d0: Array, d1: Array, p0: Array, p1: Array) -> tuple[Array, Array]:
    """Unit ground direction (east, north) of a segment."""
    ground = jnp.maximum(d1 - d0, 1e-3)
    return (p1[:, 0] - p0[:, 0]) / ground, (p1[:, 1] - p0[:, 1]) / ground


def threat_kinematics(
    tp: ThreatParams, t_s: Array, evade_s: Array | None = None
) -> ThreatKinematics:
    """Positions and velocities (exact time derivative, by forward-mode AD) at ``t_s``."""
    t = jnp.asarray(t_s, dtype=tp.launch_time_s.dtype)
    pos, vel = jax.jvp(lambda tt: threat_position(tp, tt, evade_s), (t,), (jnp.ones_like(t),))
    launched = tp.valid & (t >= tp.launch_time_s)
    arrived = launched & (_ground_distance(tp, t) >= tp.route_length_m)
    return ThreatKinematics(pos_m=pos, vel_m_s=vel, launched=launched, arrived=arrived)


def threat_bend(
    tp: ThreatParams, kin: ThreatKinematics, t_s: Array, offsets_s: Array, evade_s: Array
) -> ThreatBend:
    """Each threat's path within a step as straight on from ``kin`` (its kinematics at ``t_s``)
    plus its weave's and its pull-up's bends at ``t_s + offsets_s`` (:class:`ThreatBend`). The
    directions are one metre across the ground track, to the left, horizontal, and one metre
    up, in the frame ((R + h) / R long at height h across the track); a bend is the part of
    the weave's offset or the pull-up's rise that is not straight. Within a step this is its
    path to well under a metre; the route's own curvature (a ballistic arc's ~1 g) and a
    waypoint passed within the step are left straight."""
    t = jnp.asarray(t_s, dtype=tp.launch_time_s.dtype)
    # the frame directions of a unit step to the left of the ground track and up, at the threat
    de, dn = _ground_direction(*_segment(tp, _ground_distance(tp, t)))
    e, n, h = xyz_to_enu(kin.pos_m)
    _, left = jax.jvp(lambda ee, nn: enu_to_xyz(ee, nn, h), (e, n), (-dn, de))
    _, up = jax.jvp(lambda hh: enu_to_xyz(e, n, hh), (h,), (jnp.ones_like(h),))
    tau = offsets_s[:, None]

    def curve(offset: Callable[[Array], Array]) -> Array:
        o0, o1 = jax.jvp(offset, (t,), (jnp.ones_like(t),))
        return jax.vmap(lambda dt: offset(t + dt))(offsets_s) - o0 - o1 * tau

    return ThreatBend(
        bend_dir=left,
        bend_m=curve(lambda tt: weave_offset_m(tp, tt, evade_s)),
        rise_dir=up,
        rise_m=curve(lambda tt: pull_up_rise_m(tp, tt)),
    )


def warned(tp: ThreatParams, inputs: ThreatInputs, kin: ThreatKinematics) -> Array:
    """[J]: a missile at the threat is within the threat's ``warning_time_s`` of reaching it
    (range over closing speed, the missile and threat as they are now)."""
    m = inputs.pursuers
    rel = kin.pos_m[m.target] - m.pos_m  # [U, M, 3]
    rel_v = kin.vel_m_s[m.target] - m.vel_m_s
    rng = jnp.sqrt(jnp.sum(rel**2, axis=-1))
    closing = -jnp.sum(rel * rel_v, axis=-1) / jnp.maximum(rng, 1.0)
    near = m.alive & (closing > 0.0) & (rng <= tp.warning_time_s[m.target] * closing)
    return scatter_any(m.target.reshape(-1), near.reshape(-1), kin.pos_m.shape[0])


def radars_struck(params: ThreatParams, leaked_s: Array, n_radars: int) -> Array:
    """[D] bool: the radars an anti-radiation missile has reached (``leaked_s`` [J] finite):
    out of action for the rest of the run."""
    arrived = jnp.isfinite(leaked_s) & (params.target_radar >= 0)
    return scatter_any(params.target_radar, arrived, n_radars)


def fly(
    params: ThreatParams, inputs: ThreatInputs, state: ThreatState
) -> tuple[ThreatState, ThreatResult]:
    """The threats stage: where every threat is at ``inputs.t_s``; a warned threat begins to
    weave; those arriving now leak (an anti-radiation missile arriving at its radar puts it out of
    action: :func:`radars_struck`)."""
    t = inputs.t_s
    kin = threat_kinematics(params, t, state.evade_s)
    # A new weave starts with no offset and no lateral speed: the kinematics stand.
    weaving = (t - state.evade_s >= 0.0) & (t - state.evade_s <= params.weave_duration_s)
    start = warned(params, inputs, kin) & ~weaving
    evade_s = jnp.where(start, t, state.evade_s)
    alive = params.valid & ~jnp.isfinite(inputs.killed_s) & ~jnp.isfinite(state.leaked_s)
    leaking = alive & kin.arrived
    leaked_s = jnp.where(leaking, t, state.leaked_s)
    return ThreatState(leaked_s=leaked_s, evade_s=evade_s), ThreatResult(
        kin=kin, alive=alive & ~leaking, leaking=leaking
    )
