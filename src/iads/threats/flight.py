"""Threats fly their routes: a pure function of time (no state, no randomness).

An aerodynamic threat flies its waypoints at constant ground speed; its ground track is
straight between waypoints in the azimuthal-equidistant ground coordinates of the frame (within
a few hundred km this is close to a great circle) and its height above the round Earth is
interpolated linearly between waypoints. A ballistic threat flies from its launch point to its
target on the flat-Earth vacuum arc expressed in (ground distance s, height h):

    h(s) = h_lin(s) + 4 H s (D - s) / D^2

with apogee H above the straight line h_lin and ground range D, at constant ground speed
D / T where T = 2 sqrt(2 H / g) is the vacuum time of flight for that apogee.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.geo.sphere import enu_to_xyz
from iads.threats.base import (
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


def threat_position(tp: ThreatParams, t_s: Array) -> Array:
    """Positions (m), shape [J, 3], of all threats at time ``t_s`` (scalar or shape [J])."""
    s = _ground_distance(tp, t_s)
    n_seg = tp.waypoints_enu_m.shape[1] - 1
    seg = jnp.clip(jnp.sum(tp.waypoint_dist_m[:, 1:] <= s[:, None], axis=1), 0, n_seg - 1)
    d0 = jnp.take_along_axis(tp.waypoint_dist_m, seg[:, None], axis=1)[:, 0]
    d1 = jnp.take_along_axis(tp.waypoint_dist_m, seg[:, None] + 1, axis=1)[:, 0]
    p0 = jnp.take_along_axis(tp.waypoints_enu_m, seg[:, None, None], axis=1)[:, 0]
    p1 = jnp.take_along_axis(tp.waypoints_enu_m, seg[:, None, None] + 1, axis=1)[:, 0]
    frac = _clamp((s - d0) / jnp.maximum(d1 - d0, 1e-3), 0.0, 1.0)
    enu = p0 + frac[:, None] * (p1 - p0)
    length = jnp.maximum(tp.route_length_m, 1.0)
    arc = 4.0 * tp.apogee_m * s * (length - s) / length**2
    h = enu[:, 2] + jnp.where(tp.ballistic, arc, 0.0)
    return enu_to_xyz(enu[:, 0], enu[:, 1], h)


def threat_kinematics(tp: ThreatParams, t_s: Array) -> ThreatKinematics:
    """Positions and velocities (exact time derivative, by forward-mode AD) at ``t_s``."""
    t = jnp.asarray(t_s, dtype=tp.launch_time_s.dtype)
    pos, vel = jax.jvp(lambda tt: threat_position(tp, tt), (t,), (jnp.ones_like(t),))
    launched = tp.valid & (t >= tp.launch_time_s)
    arrived = launched & (_ground_distance(tp, t) >= tp.route_length_m)
    return ThreatKinematics(pos_m=pos, vel_m_s=vel, launched=launched, arrived=arrived)


def fly(
    params: ThreatParams, inputs: ThreatInputs, state: ThreatState
) -> tuple[ThreatState, ThreatResult]:
    """The threats stage: where every threat is at ``inputs.t_s``; those arriving now leak."""
    kin = threat_kinematics(params, inputs.t_s)
    alive = params.valid & ~jnp.isfinite(inputs.killed_s) & ~jnp.isfinite(state.leaked_s)
    leaking = alive & kin.arrived
    leaked_s = jnp.where(leaking, inputs.t_s, state.leaked_s)
    return ThreatState(leaked_s=leaked_s), ThreatResult(
        kin=kin, alive=alive & ~leaking, leaking=leaking
    )
