"""The end game comes at the closest approach: a round flying straight past a target records
the geometric miss distance and time (closed form), not the point where it entered the
end-game range."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.flyout.base import FlyoutInputs, FlyoutParams, Missiles
from iads.flyout.dynamics import Airframe, Motor
from iads.flyout.guidance import flyout
from iads.flyout.trajectory import FlightModel
from iads.launch.base import Fired

SPEED = 1000.0  # m/s, straight and level: no thrust, no drag, no steering
RANGE = 5000.0  # m down range to the target's abeam point
ENDGAME = 25.0  # m


def _one(x, dtype=jnp.float32):  # type: ignore[no-untyped-def]
    return jnp.asarray([x], dtype)


def _model() -> FlightModel:
    """A round that flies straight and level at SPEED: no thrust, no drag, no steering (N = 0)
    and just enough lift to hold it against gravity (gravity compensation)."""
    one = _one
    return FlightModel(
        airframe=Airframe(
            reference_area_m2=one(1.0),
            cd_mach=jnp.zeros((1, 2), jnp.float32),
            mach=jnp.asarray([0.0, 10.0], jnp.float32),
            induced_drag_factor=one(0.0),
            cl_max=one(100.0),
            max_load_factor_g=one(2.0),
            lateral_thrust_m_s2=one(0.0),
        ),
        motor=Motor(
            ignition_s=jnp.zeros((1, 1), jnp.float32),
            burn_time_s=jnp.full((1, 1), 1e-6, jnp.float32),
            thrust_n=jnp.zeros((1, 1), jnp.float32),
            isp_s=jnp.ones((1, 1), jnp.float32),
        ),
        launch_mass_kg=one(100.0),
        launch_speed_m_s=one(SPEED),
        launch_elevation_rad=one(0.0),
        turnover_time_s=one(0.0),
        turnover_accel_m_s2=one(0.0),
        divert_accel_m_s2=one(0.0),
        divert_time_to_go_s=one(0.0),
        navigation_constant=one(0.0),
        loft_slope=one(0.0),
        loft_start_m=one(0.0),
        loft_ceiling_m=one(0.0),
        max_flight_time_s=one(100.0),
        min_speed_m_s=one(0.0),
        endgame_range_m=one(ENDGAME),
        pass_range_m=one(20.0 * ENDGAME),
        endgame_min_accel_m_s2=one(0.0),
        guidance_time_constant_s=one(0.0),
        min_clearance_m=one(0.0),
        dive_time_s=one(1.0),
        clearance_response_s=one(1.0),
    )


PARAMS = FlyoutParams(
    model=_model(),
    seeker_band=_one(0, jnp.int32),
    seeker_acquisition_range_m=_one(0.0),
    seeker_reference_rcs_m2=_one(1.0),
    homing_angle_noise_rad=_one(0.0),
    homing_noise_floor_m=_one(0.0),
    n_substeps=10,
)


def _fired(new: bool) -> Fired:
    b = jnp.asarray([[new]])
    i = jnp.zeros((1, 1), jnp.int32)
    return Fired(
        new=b,
        pos_m=jnp.asarray([[[0.0, 0.0, 1000.0]]], jnp.float32),
        vel_m_s=jnp.asarray([[[SPEED, 0.0, 0.0]]], jnp.float32),
        speed_m_s=jnp.full((1, 1), SPEED, jnp.float32),
        target=i,
        kind=i,
        missile=i,
        salvo=i,
        launcher=i,
        by_launcher=jnp.asarray([new]),
        launcher_missile=jnp.zeros(1, jnp.int32),
        launcher_target=jnp.zeros(1, jnp.int32),
        launcher_kind=jnp.zeros(1, jnp.int32),
        launcher_unit=jnp.zeros(1, jnp.int32),
        launch_pos_m=jnp.zeros((1, 3), jnp.float32),
    )


def _fly(
    offset_m: float,
    params: FlyoutParams | None = None,
    track_error_m: float = 0.0,
    radar_holds: bool = True,
    seed: int = 0,
) -> list:  # type: ignore[type-arg]
    """Each step's flight ends for a round passing a still target ``offset_m`` abeam; the
    command post's track puts it ``track_error_m`` further abeam, and the unit's engagement
    radar holds it or not."""
    params = PARAMS if params is None else params
    n = params.n_substeps
    still = jnp.asarray([[RANGE, offset_m, 1000.0]], jnp.float32)
    z = jnp.zeros((1, 1), jnp.float32)
    missiles = Missiles(
        alive=jnp.zeros((1, 1), bool),
        pos_m=jnp.zeros((1, 1, 3), jnp.float32),
        vel_m_s=jnp.zeros((1, 1, 3), jnp.float32),
        speed_m_s=z,
        mass_kg=jnp.ones((1, 1), jnp.float32),
        lag_m_s2=jnp.zeros((1, 1, 3), jnp.float32),
        target=jnp.zeros((1, 1), jnp.int32),
        kind=jnp.zeros((1, 1), jnp.int32),
        launch_time_s=z,
        missile=jnp.zeros((1, 1), jnp.int32),
        salvo=jnp.zeros((1, 1), jnp.int32),
        launcher=jnp.zeros((1, 1), jnp.int32),
        locked=jnp.zeros((1, 1), bool),
    )
    step = jax.jit(flyout)
    ends = []
    for k in range(8):
        inputs = FlyoutInputs(
            t_s=jnp.asarray(float(k), jnp.float32),
            dt_s=jnp.asarray(1.0, jnp.float32),
            target_pos_m=still,
            target_vel_m_s=jnp.zeros_like(still),
            target_bend_dir=jnp.zeros_like(still),
            target_bend_m=jnp.zeros((n + 1, 1), jnp.float32),
            target_rise_dir=jnp.zeros_like(still),
            target_rise_m=jnp.zeros((n + 1, 1), jnp.float32),
            threat_alive=jnp.asarray([True]),
            fired=_fired(k == 0),
            endgame_range_m=_one(ENDGAME),
            rcs_m2=jnp.ones((1, 9, 3), jnp.float32),
            track_x=jnp.asarray([[RANGE, offset_m + track_error_m, 1000.0, 0, 0, 0]], jnp.float32),
            fc_holds=jnp.asarray([[radar_holds]]),
        )
        key = jax.random.fold_in(jax.random.PRNGKey(seed), k)
        missiles, end = step(params, inputs, missiles, key)
        ends.append(end)
    return ends


@pytest.mark.parametrize("offset_m", [0.5, 3.0, 12.0, 24.0])
def test_a_round_passing_within_the_endgame_range_ends_at_its_closest_approach(offset_m):
    ends = _fly(offset_m)
    ended = [bool(np.asarray(e.ended)[0, 0]) for e in ends]
    assert ended.count(True) == 1
    end = ends[ended.index(True)]
    assert bool(np.asarray(end.fuzed)[0, 0])
    # Closest approach: the offset, at t = RANGE / SPEED, at the abeam point.
    assert float(end.miss_distance_m[0, 0]) == pytest.approx(offset_m, abs=0.05)
    assert float(end.end_time_s[0, 0]) == pytest.approx(RANGE / SPEED, abs=1e-3)
    assert float(end.end_pos_m[0, 0, 0]) == pytest.approx(RANGE, abs=1.0)


def test_a_round_passing_beyond_the_endgame_range_flies_on():
    ends = _fly(ENDGAME + 5.0)
    assert not any(bool(np.asarray(e.ended)[0, 0]) for e in ends)


def _steering() -> FlyoutParams:
    """PARAMS with proportional navigation (N = 4) and 2 g to steer with."""
    m = PARAMS.model
    return dataclasses.replace(
        PARAMS,
        model=dataclasses.replace(
            m,
            navigation_constant=_one(4.0),
            airframe=dataclasses.replace(m.airframe, max_load_factor_g=_one(3.0)),
        ),
    )


def test_a_command_guided_round_homes_on_the_target_while_its_radar_holds_it() -> None:
    ends = _fly(60.0, _steering(), track_error_m=300.0, radar_holds=True)
    ended = [bool(np.asarray(e.ended)[0, 0]) for e in ends]
    end = ends[ended.index(True)]
    assert bool(np.asarray(end.fuzed)[0, 0]) and float(end.miss_distance_m[0, 0]) < 1.0


def test_without_the_radar_a_round_flies_at_the_track_estimate_and_misses_by_its_error() -> None:
    # the track puts the target 300 m from where it is: the round steers there and passes the
    # real target far outside its 25 m end-game range, so no end game comes
    ends = _fly(60.0, _steering(), track_error_m=300.0, radar_holds=False)
    assert not any(bool(np.asarray(e.fuzed)[0, 0]) for e in ends)
    # with an exact track it hits even without the radar
    ends = _fly(60.0, _steering(), track_error_m=0.0, radar_holds=False)
    assert any(bool(np.asarray(e.fuzed)[0, 0]) for e in ends)


def _noisy(
    floor_m: float, angle_rad: float = 0.0, lag_s: float = 0.0, max_g: float = 10.0
) -> FlyoutParams:
    """The steering round with ``max_g`` to steer with, a guidance lag of ``lag_s`` and homing
    noise of ``floor_m`` + angle x R."""
    p = _steering()
    m = p.model
    return dataclasses.replace(
        p,
        model=dataclasses.replace(
            m,
            airframe=dataclasses.replace(m.airframe, max_load_factor_g=_one(max_g)),
            guidance_time_constant_s=_one(lag_s),
        ),
        homing_noise_floor_m=_one(floor_m),
        homing_angle_noise_rad=_one(angle_rad),
    )


def _miss_m(ends: list) -> float:  # type: ignore[type-arg]
    fuzed = [e for e in ends if bool(np.asarray(e.fuzed)[0, 0])]
    assert len(fuzed) == 1
    return float(fuzed[0].miss_distance_m[0, 0])


def test_homing_noise_leaves_a_rayleigh_miss_of_its_sigma() -> None:
    # A round homing without lag steers onto where its sensor puts the target: sigma per axis
    # across the line of sight, drawn afresh each step, so its miss is the last draw's offset,
    # Rayleigh distributed with mean sigma sqrt(pi / 2) (a known answer, not our code's).
    sigma = 4.0
    misses = np.array([_miss_m(_fly(60.0, _noisy(sigma), seed=s)) for s in range(48)])
    assert misses.mean() == pytest.approx(sigma * np.sqrt(np.pi / 2.0), rel=0.25)
    # and with no noise the same round hits (test above: < 1 m)
    assert _miss_m(_fly(60.0, _noisy(0.0))) < 0.5


def _miss_vector_m(ends: list) -> np.ndarray:  # type: ignore[type-arg]
    """The round's position at its closest approach less the still target's."""
    fuzed = [e for e in ends if bool(np.asarray(e.fuzed)[0, 0])]
    assert len(fuzed) == 1
    return np.asarray(fuzed[0].end_pos_m[0, 0]) - np.array([RANGE, 60.0, 1000.0])


def test_angle_noise_through_the_lag_leaves_a_miss_linear_in_the_noise() -> None:
    # Angle noise shrinks with the range, so without a lag the round follows it out (the miss
    # is a few cm); through a guidance lag the noise of the last steps stays in the airframe's
    # response and leaves a miss. The homing loop is linear in a small noise (the adjoint
    # analysis of homing loops rests on it) while the airframe has the g to follow it (here
    # 100 g; a real limit saturates in the last instants and breaks the proportion): the miss
    # vector's part due to the noise doubles when the noise doubles, same draws.
    seeds = range(6)

    def fly(angle_rad: float, lag_s: float, seed: int = 0) -> list:  # type: ignore[type-arg]
        return _fly(60.0, _noisy(0.0, angle_rad, lag_s, max_g=100.0), seed=seed)

    quiet = _miss_vector_m(fly(0.0, 0.3))
    no_lag = [_miss_m(fly(1e-3, 0.0, s)) for s in seeds]
    base = [_miss_vector_m(fly(1e-3, 0.3, s)) for s in seeds]
    double = [_miss_vector_m(fly(2e-3, 0.3, s)) for s in seeds]
    base_part = np.asarray(base) - quiet
    double_part = np.asarray(double) - quiet
    sizes = np.linalg.norm(base_part, axis=1)
    assert np.mean(sizes) > 3.0 * np.mean(no_lag)
    np.testing.assert_allclose(double_part, 2.0 * base_part, atol=0.15 * float(np.mean(sizes)))


def test_homing_noise_does_not_touch_a_round_flying_on_the_track_estimate() -> None:
    # the noise is the homing sensor's: without the radar the round flies at the estimate
    quiet = _fly(60.0, _noisy(0.0), track_error_m=10.0, radar_holds=False)
    noisy = _fly(60.0, _noisy(8.0, 3e-3), track_error_m=10.0, radar_holds=False, seed=3)
    assert _miss_m(noisy) == pytest.approx(_miss_m(quiet), abs=1e-3)
    assert _miss_m(quiet) == pytest.approx(10.0, abs=1.0)
