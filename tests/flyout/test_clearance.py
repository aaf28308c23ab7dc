"""Ground clearance of the flyout (:func:`iads.flyout.steering.clearance_floor` and
:func:`iads.flyout.steering.hold_above`): a round fired at a low cruise missile stays off the
ground and reaches it; the hold onto the floor is the textbook critically damped response;
a dive onto the floor is pulled out within the lift-limited radius; a bad catalog value is
refused at the boundary."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.catalog import load_catalog
from iads.flyout.envelope import flight_model
from iads.flyout.trajectory import INTERCEPT, OUTCOMES, FlightModel, advance, fly
from iads.geo.atmosphere import G0_M_S2 as G0
from iads.geo.sphere import altitude_first, enu_to_xyz
from tests.catalog.test_catalog import _fig, _flight, _load_error, _missile, _write
from tests.flyout.test_dynamics import _float64  # noqa: F401  (autouse: in float64)
from tests.flyout.test_endgame import _model

CAT = load_catalog()
CRUISE_ALTITUDE_M = 50.0
CRUISE_SPEED_M_S = 245.0
LAUNCH_HEIGHT_M = 5.0


def _launch() -> jnp.ndarray:
    return jnp.asarray(np.asarray(enu_to_xyz(0.0, 0.0, LAUNCH_HEIGHT_M, xp=np)))


@pytest.mark.parametrize("dt_s", [0.02, 0.2])
@pytest.mark.parametrize("key", ["FD-2000", "9M82M", "9M83M", "48N6E3"])
def test_a_round_fired_at_a_50_m_cruise_missile_never_touches_the_ground_and_reaches_it(
    key: str, dt_s: float
) -> None:
    # A cruise missile at 50 m flying head-on at the launcher, met 10, 20 and 30 km out, in
    # fine steps and in the engine's 0.2 s substeps. Before the clearance these cold-launched
    # vertical rounds (FD-2000, 9M82M, 48N6E3) came out of their turnover level about 17 m up,
    # sank while the guidance lag built the lift back up from zero, and hit the ground a few
    # seconds later; in 0.2 s steps the turnover, always at its limit, swung the round past its
    # aim point and back and left it diving at 5 degrees, too slow for the air to pull it out.
    model = flight_model(CAT, key)
    ranges = np.array([10e3, 20e3, 30e3])
    n = ranges.size
    point = enu_to_xyz(ranges, np.zeros(n), np.full(n, CRUISE_ALTITUDE_M), xp=np).T
    still = fly(model, _launch(), jnp.asarray(point), jnp.zeros((3, n)), dt_s)
    vel = np.tile([[-CRUISE_SPEED_M_S], [0.0], [0.0]], (1, n))
    start = point - vel * np.asarray(still.time_s)  # it reaches the point at that time
    f = fly(model, _launch(), jnp.asarray(start), jnp.asarray(vel), dt_s)
    outcomes = [OUTCOMES[int(o)] for o in np.asarray(f.outcome)]
    assert outcomes == ["intercept"] * n, outcomes
    # never below its own launcher, let alone the ground
    assert np.all(np.asarray(f.min_altitude_m) > LAUNCH_HEIGHT_M - 1.0)
    # it meets the cruise missile at its altitude, not diving past it or passing over it
    assert np.all(np.asarray(f.miss_m) < 10.0)


def _level(model: FlightModel, height_m: float, speed_m_s: float, gamma_rad: float, steps: int):
    """Altitude [steps] of the test model's round (no thrust, no drag, N = 0: only gravity
    compensation and the ground clearance steer it) starting at ``height_m`` with flight-path
    angle ``gamma_rad``, towards a target 200 km away at 20 km up (far above the floor and
    never near: the clearance alone acts), 0.01 s steps."""
    pos = jnp.asarray(enu_to_xyz(0.0, 0.0, height_m, xp=np)).reshape(3, 1)
    vel = jnp.asarray([[speed_m_s * math.cos(gamma_rad)], [0.0], [speed_m_s * math.sin(gamma_rad)]])
    target = jnp.asarray(enu_to_xyz(200e3, 0.0, 20e3, xp=np)).reshape(3, 1)
    mass, lag = model.launch_mass_kg, jnp.zeros((3, 1))
    step = jax.jit(advance)
    heights = []
    for k in range(steps):
        t = jnp.full((1,), 10.0 + 0.01 * k)
        pos, vel, mass, lag = step(model, pos, vel, mass, t, target, jnp.zeros((3, 1)), 0.01, lag)
        heights.append(float(altitude_first(pos)[0]))
    return np.asarray(heights)


def _test_model(clearance_m: float, response_s: float, max_g: float) -> FlightModel:
    base = jax.tree_util.tree_map(lambda a: jnp.asarray(a, jnp.float64), _model())
    return replace(
        base,
        airframe=replace(base.airframe, max_load_factor_g=jnp.asarray([max_g])),
        min_clearance_m=jnp.asarray([clearance_m]),
        clearance_response_s=jnp.asarray([response_s]),
        dive_time_s=jnp.asarray([4.0]),
    )


def test_a_round_below_its_floor_climbs_towards_it_critically_damped() -> None:
    # Level at 50 m with the floor at 150 m, no lag and no steering of its own (N = 0): while
    # the hold raises the command the vertical motion is h'' = (f - h) / T^2 - 2 h' / T, whose
    # answer from rest is h(t) = f - (f - h0) (1 + t / T) exp(-t / T). That asks for a push
    # down from t = T on; the hold only ever raises a command (above its floor the round is
    # the guidance's), so from then on the round climbs straight on at the rate it had,
    # h'(T) = (f - h0) / (e T).
    floor, h0, response = 150.0, 50.0, 1.0
    heights = _level(_test_model(floor, response, 30.0), h0, 300.0, 0.0, 300)
    t = 0.01 * np.arange(1, 301)
    expected = floor - (floor - h0) * (1.0 + t / response) * np.exp(-t / response)
    raising = t <= response
    assert np.max(np.abs(heights[raising] - expected[raising])) < 0.5
    climb = np.diff(heights[t > 1.5 * response]) / 0.01
    assert climb == pytest.approx((floor - h0) / (math.e * response), rel=0.03)


@pytest.mark.parametrize("max_g", [4.0, 8.0])
def test_a_dive_onto_the_floor_is_pulled_out_within_the_lift_limited_radius(max_g: float) -> None:
    # Diving at 20 degrees and 800 m/s from 6 km onto a floor at 3 km, with the structural
    # limit n g: the best possible pull-out turns on a circle of radius R = v^2 / ((n - 1) g)
    # (the lift less gravity) and loses R (1 - cos 20 deg) of height. The hold starts pulling
    # above the floor, so the round bottoms out above floor - R (1 - cos 20 deg); with so
    # little lift it cannot stop at the floor itself.
    floor, speed, gamma = 3000.0, 800.0, math.radians(-20.0)
    heights = _level(_test_model(floor, 1.0, max_g), 6000.0, speed, gamma, 2000)
    pull_out_m = speed**2 / ((max_g - 1.0) * G0) * (1.0 - math.cos(gamma))
    assert floor - pull_out_m < heights.min() < floor
    assert heights[-1] > heights.min()  # it has pulled out and climbs back


def test_more_lift_pulls_out_of_a_dive_higher() -> None:
    dive = [
        _level(_test_model(3000.0, 1.0, g), 6000.0, 800.0, math.radians(-20.0), 2000).min()
        for g in (4.0, 8.0)
    ]
    assert dive[0] < dive[1]


def test_a_negative_clearance_is_refused_naming_file_missile_and_field(tmp_path: Path) -> None:
    flight = _flight(min_clearance_m=_fig(-50.0))
    _write(tmp_path / "bad_clearance.yaml", {"missiles": {"m": _missile(flight=flight)}})
    msg = _load_error(tmp_path)
    assert "\n" not in msg
    assert "bad_clearance.yaml" in msg and "missiles.m.flight" in msg
    assert "min_clearance_m must not be negative" in msg


def test_a_zero_dive_time_is_refused(tmp_path: Path) -> None:
    flight = _flight(dive_time_s=_fig(0.0))
    _write(tmp_path / "bad_dive.yaml", {"missiles": {"m": _missile(flight=flight)}})
    msg = _load_error(tmp_path)
    assert "bad_dive.yaml" in msg and "dive_time_s must be positive" in msg


def test_the_catalog_clearance_reaches_the_flight_model() -> None:
    fl = CAT.missiles["FD-2000"].flight
    model = flight_model(CAT, "FD-2000")
    assert float(model.min_clearance_m) == fl.min_clearance_m.value
    assert float(model.dive_time_s) == fl.dive_time_s.value
    assert float(model.clearance_response_s) == fl.clearance_response_s.value
    assert int(INTERCEPT) == 0
