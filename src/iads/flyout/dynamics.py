"""Point-mass (3-DoF) missile dynamics on the round Earth, pure JAX, vectorised over missiles.

State of one missile: position r and velocity v in the local frame (the frame's origin on the
surface, z up; the Earth's centre at (0, 0, -R)), and mass m. With q = rho(h) |v|^2 / 2 the
dynamic pressure (ISA density), S the reference area, M = |v| / a(h) the Mach number:

    dv/dt = (T - D) / m * v_hat + a_lat + g(r)
    dm/dt = -T / (Isp g0)
    D     = q S (Cd0(M) + k CL^2),   CL = m |a_lat| / (q S)     (induced drag of the lift)
    g(r)  = -mu (r + R z_hat) / |r + R z_hat|^3                  (inverse-square gravity)

The lateral acceleration a_lat is the guidance command, across the velocity, limited to the
smaller of the structural limit and what the air can give, q S CLmax / m (plus any lateral
thrust, its own limit). One step of length dt is a second-order (Heun) step of these equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

from iads.geo.atmosphere import G0_M_S2, isa
from iads.geo.sphere import EARTH_RADIUS_M, altitude_first
from iads.geo.vec import across_first
from iads.geo.vec import norm_first as _norm

#: The Earth's gravitational parameter GM (m^3/s^2; WGS 84).
EARTH_MU_M3_S2 = 3.986004418e14

# Vectors are component-major, shape [3, ...] (see iads.flyout.guidance).


def gravity_m_s2(pos: Array, mu_m3_s2: Array | float = EARTH_MU_M3_S2) -> Array:
    """Inverse-square gravity [3, ...] at positions [3, ...] of the local frame."""
    c = jnp.stack([pos[0], pos[1], pos[2] + EARTH_RADIUS_M])
    r = _norm(c)
    return -mu_m3_s2 * c / r**3


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Airframe:
    """What the dynamics need of each missile (arrays broadcast against the missiles)."""

    reference_area_m2: Array
    cd_mach: Array  # [..., Q] zero-lift drag coefficient at the Mach numbers of ``mach``
    mach: Array  # [Q] ascending Mach numbers of the Cd table (shared)
    induced_drag_factor: Array  # k in CD_i = k CL^2
    cl_max: Array  # lift coefficient the airframe can reach
    max_load_factor_g: Array  # structural limit on lateral acceleration, in g0
    lateral_thrust_m_s2: Array  # lateral acceleration lateral thrusters add (0: none)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Motor:
    """Thrust phases of each missile: phase p burns from ``ignition_s[p]`` for
    ``burn_time_s[p]`` at ``thrust_n[p]`` with specific impulse ``isp_s[p]`` (axis -1)."""

    ignition_s: Array
    burn_time_s: Array
    thrust_n: Array
    isp_s: Array


def thrust_n(motor: Motor, time_since_launch_s: Array, dt_s: Array | float) -> tuple[Array, Array]:
    """(thrust N, mass flow kg/s) averaged over [t, t + dt] after launch: each phase's thrust
    times the fraction of the interval it burns, so a burn that ends inside a step is integrated
    exactly."""
    t = time_since_launch_s[..., None]
    start, end = motor.ignition_s, motor.ignition_s + motor.burn_time_s
    overlap = jnp.clip(jnp.minimum(t + dt_s, end) - jnp.maximum(t, start), 0.0, None)
    thrust = motor.thrust_n * overlap / dt_s
    flow = thrust / (jnp.maximum(motor.isp_s, 1e-9) * G0_M_S2)
    return jnp.sum(thrust, axis=-1), jnp.sum(flow, axis=-1)


def cd0(airframe: Airframe, mach: Array) -> Array:
    """Zero-lift drag coefficient at a Mach number (linear in the table, held at its ends)."""
    grid, table = airframe.mach, airframe.cd_mach
    # the interval's ends: those of the highest interval whose start is at or below mach
    # (selects over the table's few points, which the CPU vectorises far better than a gather)
    m0, m1, c0, c1 = grid[0], grid[1], table[..., 0], table[..., 1]
    for i in range(1, grid.shape[0] - 1):
        above = mach >= grid[i]
        m0, m1 = jnp.where(above, grid[i], m0), jnp.where(above, grid[i + 1], m1)
        c0, c1 = jnp.where(above, table[..., i], c0), jnp.where(above, table[..., i + 1], c1)
    w = jnp.clip((mach - m0) / (m1 - m0), 0.0, 1.0)
    return c0 + w * (c1 - c0)


def available_lateral_m_s2(airframe: Airframe, q_pa: Array, mass_kg: Array) -> Array:
    """Largest lateral acceleration: min(structural, q S CLmax / m) + lateral thrust."""
    aero = q_pa * airframe.reference_area_m2 * airframe.cl_max / mass_kg
    return jnp.minimum(airframe.max_load_factor_g * G0_M_S2, aero) + airframe.lateral_thrust_m_s2


def derivatives(
    airframe: Airframe,
    thrust: Array,
    flow: Array,
    pos: Array,
    vel: Array,
    mass: Array,
    lateral_cmd: Array,
    mu_m3_s2: Array | float = EARTH_MU_M3_S2,
) -> tuple[Array, Array, Array, Array]:
    """(dr/dt, dv/dt, dm/dt, lateral acceleration achieved) of the equations above, with
    ``thrust`` (N) and mass ``flow`` (kg/s) from :func:`thrust_n`.

    ``lateral_cmd`` [3, ...] is the commanded acceleration; its component along the velocity is
    dropped and the rest limited to :func:`available_lateral_m_s2`.
    """
    speed = jnp.maximum(_norm(vel), 1e-6)
    v_hat = vel / speed
    _, _, rho, a_sound = isa(jnp.maximum(altitude_first(pos), 0.0))
    q = 0.5 * rho * speed**2
    lat = across_first(lateral_cmd, v_hat)
    lat_norm = _norm(lat)
    limit = available_lateral_m_s2(airframe, q, mass)
    lat = lat * jnp.minimum(1.0, limit / jnp.maximum(lat_norm, 1e-9))
    # Lift is what the air gives beyond the lateral thrust (induced drag only for that part).
    aero_lat = jnp.maximum(jnp.minimum(lat_norm, limit) - airframe.lateral_thrust_m_s2, 0.0)
    qs = jnp.maximum(q * airframe.reference_area_m2, 1e-12)
    cl = mass * aero_lat / qs
    drag = qs * (cd0(airframe, speed / a_sound) + airframe.induced_drag_factor * cl**2)
    drag = jnp.where(q * airframe.reference_area_m2 > 0.0, drag, 0.0)
    acc = (thrust - drag) / mass * v_hat + lat + gravity_m_s2(pos, mu_m3_s2)
    return vel, acc, -flow, lat


def step(
    airframe: Airframe,
    motor: Motor,
    pos: Array,
    vel: Array,
    mass: Array,
    t_since_launch_s: Array,
    lateral_cmd: Array,
    dt_s: Array | float,
    mu_m3_s2: Array | float = EARTH_MU_M3_S2,
) -> tuple[Array, Array, Array]:
    """One Heun (second-order Runge-Kutta) step of ``dt_s``: (position, velocity, mass).

    The lateral command and the step's mean thrust are held over the step."""
    thrust, flow = thrust_n(motor, t_since_launch_s, dt_s)

    def f(p: Array, v: Array, m: Array) -> tuple[Array, Array, Array]:
        dr, dv, dm, _ = derivatives(airframe, thrust, flow, p, v, m, lateral_cmd, mu_m3_s2)
        return dr, dv, dm

    dr1, dv1, dm1 = f(pos, vel, mass)
    p1, v1, m1 = pos + dt_s * dr1, vel + dt_s * dv1, mass + dt_s * dm1
    dr2, dv2, dm2 = f(p1, v1, m1)
    return (
        pos + 0.5 * dt_s * (dr1 + dr2),
        vel + 0.5 * dt_s * (dv1 + dv2),
        mass + 0.5 * dt_s * (dm1 + dm2),
    )
