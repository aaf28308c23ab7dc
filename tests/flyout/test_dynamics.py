"""Point-mass dynamics against closed forms: Kepler's ballistic range on a sphere, the rocket
equation, terminal speed in the ISA, and the lateral acceleration the air can give."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.flyout.dynamics import (
    EARTH_MU_M3_S2,
    Airframe,
    Motor,
    available_lateral_m_s2,
    derivatives,
    gravity_m_s2,
    step,
)
from iads.geo.atmosphere import G0_M_S2, isa
from iads.geo.sphere import EARTH_RADIUS_M, altitude_first


@pytest.fixture(autouse=True)
def _float64():
    with jax.enable_x64(True):
        yield


def _airframe(area=0.0, cd=0.0, k=0.0, cl_max=1.0, g=30.0, lateral=0.0) -> Airframe:  # type: ignore[no-untyped-def]
    return Airframe(
        reference_area_m2=jnp.asarray(area),
        cd_mach=jnp.asarray([cd, cd]),
        mach=jnp.asarray([0.0, 10.0]),
        induced_drag_factor=jnp.asarray(k),
        cl_max=jnp.asarray(cl_max),
        max_load_factor_g=jnp.asarray(g),
        lateral_thrust_m_s2=jnp.asarray(lateral),
    )


def _motor(thrust=0.0, burn=0.0, isp=250.0, ignition=0.0) -> Motor:  # type: ignore[no-untyped-def]
    return Motor(
        ignition_s=jnp.asarray([ignition]),
        burn_time_s=jnp.asarray([burn]),
        thrust_n=jnp.asarray([thrust]),
        isp_s=jnp.asarray([isp]),
    )


def _fly(airframe, motor, pos, vel, mass, dt, n, mu=EARTH_MU_M3_S2, stop_at_ground=False):  # type: ignore[no-untyped-def]
    @jax.jit
    def body(c, _):  # type: ignore[no-untyped-def]
        p, v, m, t = c
        p2, v2, m2 = step(airframe, motor, p, v, m, t, jnp.zeros(3), dt, mu)
        return (p2, v2, m2, t + dt), (p2, v2, m2)

    c0 = (jnp.asarray(pos, float), jnp.asarray(vel, float), jnp.asarray(mass, float), 0.0)
    _, (ps, vs, ms) = jax.lax.scan(body, c0, None, length=n)
    return np.asarray(ps), np.asarray(vs), np.asarray(ms)


def test_a_vacuum_coast_flies_keplers_range_on_the_sphere() -> None:
    # Launch from the surface at flight-path angle g0 with speed v; nu = v^2 r / mu. The range
    # angle psi back to the same radius: tan(psi/2) = nu sin(g0) cos(g0) / (1 - nu cos^2 g0).
    v, gamma = 2000.0, np.radians(45.0)
    r = EARTH_RADIUS_M
    nu = v**2 * r / EARTH_MU_M3_S2
    psi = 2 * np.arctan(nu * np.sin(gamma) * np.cos(gamma) / (1 - nu * np.cos(gamma) ** 2))
    vel = [v * np.cos(gamma), 0.0, v * np.sin(gamma)]
    ps, vs, _ = _fly(_airframe(), _motor(), [0.0, 0.0, 0.0], vel, 100.0, 0.05, 8000)
    h = np.asarray(altitude_first(ps.T))
    land = np.nonzero((h[1:] < 0) & (h[:-1] >= 0))[0][0]
    f = h[land] / (h[land] - h[land + 1])
    p = ps[land] + f * (ps[land + 1] - ps[land])
    angle = np.arctan2(p[0], p[2] + r)
    assert angle * r == pytest.approx(psi * r, rel=1e-5)  # ~400 km
    # Energy and angular momentum are constant along the way.
    c = ps + np.array([0.0, 0.0, r])
    energy = 0.5 * np.sum(vs**2, axis=1) - EARTH_MU_M3_S2 / np.linalg.norm(c, axis=1)
    momentum = np.linalg.norm(np.cross(c, vs), axis=1)
    assert np.ptp(energy[: land + 1]) < 1e-7 * abs(energy[0])
    assert np.ptp(momentum[: land + 1]) < 1e-9 * momentum[0]


def test_a_boost_in_vacuum_gains_the_rocket_equations_delta_v() -> None:
    m0, thrust, isp, burn = 1000.0, 60_000.0, 240.0, 8.0
    flow = thrust / (isp * G0_M_S2)
    m1 = m0 - flow * burn
    v0 = 10.0
    n = 1000  # 10 s in 0.01 s steps: the burn ends on a step boundary
    _, vs, ms = _fly(
        _airframe(), _motor(thrust, burn, isp), [0, 0, 1e5], [v0, 0, 0], m0, 0.01, n, mu=0.0
    )
    assert ms[-1] == pytest.approx(m1, rel=1e-9)
    assert np.linalg.norm(vs[-1]) - v0 == pytest.approx(isp * G0_M_S2 * np.log(m0 / m1), rel=1e-4)


def test_a_falling_body_reaches_its_terminal_speed_in_the_isa() -> None:
    # v_t(h) = sqrt(2 m g / (rho(h) Cd S)): the drag balances the weight.
    mass, cd, area = 50.0, 1.0, 1.0
    ps, vs, _ = _fly(_airframe(area, cd), _motor(), [0, 0, 3000.0], [0, 0, -1.0], mass, 0.01, 9000)
    h = np.asarray(altitude_first(ps.T))
    i = np.argmin(np.abs(h - 500.0))
    rho = float(isa(h[i])[2])
    g = float(np.linalg.norm(gravity_m_s2(ps[i])))
    v_t = np.sqrt(2 * mass * g / (rho * cd * area))
    assert np.linalg.norm(vs[i]) == pytest.approx(v_t, rel=0.01)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 30_000.0), st.floats(500.0, 5_000.0))
def test_available_g_falls_with_density(h, dh) -> None:
    af = _airframe(area=0.2, cl_max=1.5, g=200.0)
    speed, mass = 1500.0, 500.0
    rho = isa(np.array([h, h + dh]))[2]
    avail = np.asarray(available_lateral_m_s2(af, 0.5 * rho * speed**2, mass))
    assert avail[1] < avail[0]
    # ... in proportion to the density where the air, not the structure, limits it.
    assert avail[1] / avail[0] == pytest.approx(float(rho[1] / rho[0]), rel=1e-9)


def test_lateral_command_is_limited_and_costs_induced_drag() -> None:
    af = _airframe(area=0.2, cd=0.3, k=0.5, cl_max=1.5, g=25.0)
    pos = jnp.asarray([0.0, 0.0, 25_000.0])
    vel = jnp.asarray([1500.0, 0.0, 0.0])
    mass = jnp.asarray(800.0)
    cmd = jnp.asarray([500.0, 0.0, 1000.0])  # along-velocity part dropped; more than available
    _, acc, _, lat = derivatives(af, 0.0, 0.0, pos, vel, mass, cmd)
    rho = isa(25_000.0)[2]
    q = 0.5 * float(rho) * 1500.0**2
    limit = min(25.0 * G0_M_S2, q * 0.2 * 1.5 / 800.0)  # the air limits at 25 km
    assert limit < 25.0 * G0_M_S2
    assert np.asarray(lat) == pytest.approx([0.0, 0.0, limit], abs=1e-9)
    cl = 800.0 * limit / (q * 0.2)
    drag = q * 0.2 * (0.3 + 0.5 * cl**2)
    g = np.asarray(gravity_m_s2(pos))
    assert float(acc[0] - g[0]) == pytest.approx(-drag / 800.0, rel=1e-9)
    _, acc0, _, _ = derivatives(af, 0.0, 0.0, pos, vel, mass, jnp.zeros(3))
    assert float(acc0[0]) > float(acc[0])  # turning slows the missile


def test_lateral_thrust_adds_to_what_the_air_gives() -> None:
    thin = 0.5 * float(isa(30_000.0)[2]) * 1000.0**2
    plain = available_lateral_m_s2(_airframe(area=0.1, cl_max=1.0, g=50.0), thin, 300.0)
    thrusters = available_lateral_m_s2(
        _airframe(area=0.1, cl_max=1.0, g=50.0, lateral=100.0), thin, 300.0
    )
    assert float(thrusters) == pytest.approx(float(plain) + 100.0)
