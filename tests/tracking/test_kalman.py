"""The constant-velocity Kalman filter against the textbook equations and Bar-Shalom's NEES test.

Textbook filter (Bar-Shalom, Li and Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, Wiley 2001, sec. 5.2 and 6.2.2, the continuous white-noise acceleration model),
per axis with state [p, v]:

    F = [[1, dt], [0, 1]],  Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]]
    S = H P H' + R,  K = P H' S^-1,  x+ = x + K (z - H x),  P+ = (I - K H) P

Consistency (same book, sec. 5.4.2; also
https://kalman-filter.com/normalized-estimation-error-squared/): the normalised estimation
error squared eps = e' P^-1 e is chi-square with n_x = 6 degrees of freedom when the filter's
model is the truth; averaged over N Monte-Carlo runs, N eps is chi-square with N n_x dof, so
the run-average must lie within its two-sided 99% interval.
"""

from __future__ import annotations

from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

from iads.sensing.base import Detections
from iads.tracking.base import TrackingInputs, TrackingParams, Tracks
from iads.tracking.kalman import _update_one_radar, predict, track

#: A new track's prior 1-sigma speed in these tests (the catalog's figure is a modelling value).
INITIAL_SPEED_SIGMA_M_S = 1000.0


def update_tracks(params, tracks, z, R, detected, t_s):  # type: ignore[no-untyped-def]
    """The tracking stage fed with these measurements (one row per radar)."""
    det = Detections(
        looked=None, detected=detected, measured_pos_m=z, measurement_cov_m2=R, range_m=None
    )
    return track(params.tracking, TrackingInputs(t_s, params.dt_s, det), tracks)[0]


def _tracks(x: np.ndarray, P: np.ndarray, exists: bool = True, t_s: float = 0.0) -> Tracks:
    n = x.shape[0]
    return Tracks(
        x=jnp.asarray(x, jnp.float64),
        P=jnp.asarray(P, jnp.float64),
        exists=jnp.full((n,), exists),
        hits=jnp.full((n,), 3 if exists else 0, jnp.int32),
        last_update_s=jnp.full((n,), t_s, jnp.float64),
    )


def _random_spd(rng: np.random.Generator, n: int, size: int, scale: float) -> np.ndarray:
    a = rng.normal(size=(n, size, size)) * scale
    return a @ np.swapaxes(a, 1, 2) + np.eye(size) * scale**2


def _cv_matrices(dt: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    eye = np.eye(3)
    F = np.block([[eye, dt * eye], [0 * eye, eye]])
    Q = q * np.block([[dt**3 / 3 * eye, dt**2 / 2 * eye], [dt**2 / 2 * eye, dt * eye]])
    return F, Q


def test_prediction_moves_position_by_velocity_times_dt() -> None:
    x = np.array([[1000.0, -2000.0, 5000.0, 250.0, 100.0, -10.0]])
    out = predict(_tracks(x, np.zeros((1, 6, 6))), 4.0, 0.0)
    np.testing.assert_allclose(
        np.asarray(out.x), [[2000.0, -1600.0, 4960.0, 250.0, 100.0, -10.0]], rtol=1e-15
    )


def test_prediction_of_a_certain_state_has_the_white_noise_acceleration_covariance() -> None:
    dt, q = 2.0, 50.0
    out = predict(_tracks(np.zeros((1, 6)), np.zeros((1, 6, 6))), dt, q)
    P = np.asarray(out.P[0])
    for axis in range(3):
        block = P[np.ix_([axis, axis + 3], [axis, axis + 3])]
        np.testing.assert_allclose(
            block, q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]]), rtol=1e-15
        )
    assert np.count_nonzero(P) == 12  # no coupling between axes


def test_prediction_of_diagonal_covariance_matches_hand_algebra() -> None:
    """Per axis, P = diag(a, b) predicts to [[a + b dt^2 + q dt^3/3, b dt + q dt^2/2],
    [b dt + q dt^2/2, b + q dt]]."""
    a, b, dt, q = 400.0, 90.0, 3.0, 10.0
    out = predict(_tracks(np.zeros((1, 6)), np.diag([a] * 3 + [b] * 3)[None]), dt, q)
    expected = np.array(
        [
            [a + b * dt**2 + q * dt**3 / 3, b * dt + q * dt**2 / 2],
            [b * dt + q * dt**2 / 2, b + q * dt],
        ]
    )
    P = np.asarray(out.P[0])
    np.testing.assert_allclose(P[np.ix_([1, 4], [1, 4])], expected, rtol=1e-15)


def test_update_with_diagonal_covariances_matches_scalar_kalman_gain() -> None:
    """Per axis with P = [[a, c], [c, b]] and R = r: K = [a, c] / (a + r), the position variance
    falls to a r / (a + r) and the velocity variance to b - c^2 / (a + r)."""
    a, b, c, r = 900.0, 400.0, 300.0, 100.0
    P = np.zeros((1, 6, 6))
    for i in range(3):
        P[0, i, i], P[0, i + 3, i + 3], P[0, i, i + 3], P[0, i + 3, i] = a, b, c, c
    x = np.array([[0.0, 0.0, 0.0, 10.0, 10.0, 10.0]])
    z = np.array([[50.0, -20.0, 5.0]])
    out = _update_one_radar(
        _tracks(x, P),
        jnp.asarray(z),
        jnp.asarray(np.eye(3)[None] * r),
        jnp.asarray([True]),
        jnp.asarray(7.0),
        INITIAL_SPEED_SIGMA_M_S,
    )
    gain_p, gain_v = a / (a + r), c / (a + r)
    np.testing.assert_allclose(np.asarray(out.x[0, :3]), gain_p * z[0], rtol=1e-14)
    np.testing.assert_allclose(np.asarray(out.x[0, 3:]), 10.0 + gain_v * z[0], rtol=1e-14)
    Pu = np.asarray(out.P[0])
    np.testing.assert_allclose(np.diag(Pu)[:3], a * r / (a + r), rtol=1e-14)
    np.testing.assert_allclose(np.diag(Pu)[3:], b - c**2 / (a + r), rtol=1e-14)
    np.testing.assert_allclose(np.diag(Pu, 3), c * r / (a + r), rtol=1e-14)
    assert int(out.hits[0]) == 4
    assert float(out.last_update_s[0]) == 7.0


def test_update_with_full_covariances_matches_textbook_formula_in_numpy() -> None:
    rng = np.random.default_rng(1)
    n = 16
    P = _random_spd(rng, n, 6, 30.0)
    R = _random_spd(rng, n, 3, 20.0)
    x = rng.normal(size=(n, 6)) * 1e3
    z = x[:, :3] + rng.normal(size=(n, 3)) * 50.0
    H = np.hstack([np.eye(3), np.zeros((3, 3))])
    out = _update_one_radar(
        _tracks(x, P),
        jnp.asarray(z),
        jnp.asarray(R),
        jnp.ones(n, bool),
        jnp.asarray(1.0),
        INITIAL_SPEED_SIGMA_M_S,
    )
    for j in range(n):
        S = H @ P[j] @ H.T + R[j]
        K = P[j] @ H.T @ np.linalg.inv(S)
        np.testing.assert_allclose(
            np.asarray(out.x[j]), x[j] + K @ (z[j] - H @ x[j]), rtol=1e-10, atol=1e-9
        )
        np.testing.assert_allclose(
            np.asarray(out.P[j]), (np.eye(6) - K @ H) @ P[j], rtol=1e-9, atol=1e-9
        )


def test_a_new_track_starts_at_the_measurement_with_a_wide_velocity_prior() -> None:
    R = np.diag([100.0, 400.0, 900.0])[None]
    out = _update_one_radar(
        _tracks(np.full((1, 6), 7.0), np.eye(6)[None], exists=False),
        jnp.asarray([[1e3, 2e3, 3e3]]),
        jnp.asarray(R),
        jnp.asarray([True]),
        jnp.asarray(12.0),
        INITIAL_SPEED_SIGMA_M_S,
    )
    np.testing.assert_array_equal(np.asarray(out.x[0]), [1e3, 2e3, 3e3, 0.0, 0.0, 0.0])
    expected_P = np.zeros((6, 6))
    expected_P[:3, :3] = R[0]
    expected_P[3:, 3:] = np.eye(3) * INITIAL_SPEED_SIGMA_M_S**2
    np.testing.assert_array_equal(np.asarray(out.P[0]), expected_P)
    assert bool(out.exists[0])
    assert int(out.hits[0]) == 1


def test_a_track_without_a_detection_is_left_alone() -> None:
    tr = _tracks(np.arange(6.0)[None], np.eye(6)[None], t_s=3.0)
    out = _update_one_radar(
        tr,
        jnp.zeros((1, 3)),
        jnp.eye(3)[None],
        jnp.asarray([False]),
        jnp.asarray(9.0),
        INITIAL_SPEED_SIGMA_M_S,
    )
    for a, b in zip(jax.tree.leaves(out), jax.tree.leaves(tr), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def _params(dt: float, q: float, timeout_s: float = 30.0) -> SimpleNamespace:
    """The tracking stage's params and the step."""
    tracking = TrackingParams(
        process_noise_m2_s3=jnp.asarray(q),
        initial_speed_sigma_m_s=jnp.asarray(INITIAL_SPEED_SIGMA_M_S),
        confirm_hits=jnp.asarray(2, jnp.int32),
        timeout_s=jnp.asarray(timeout_s),
        capacity=jnp.asarray(2**30, jnp.int32),
    )
    return SimpleNamespace(tracking=tracking, dt_s=jnp.asarray(dt))


def test_two_radars_in_turn_equal_one_fused_measurement() -> None:
    """Sequential updates with independent z1 (R1) and z2 (R2) equal one update with
    R = (R1^-1 + R2^-1)^-1 and z = R (R1^-1 z1 + R2^-1 z2) (information-form fusion)."""
    rng = np.random.default_rng(2)
    n = 8
    P = _random_spd(rng, n, 6, 40.0)
    x = rng.normal(size=(n, 6)) * 1e3
    R1, R2 = _random_spd(rng, n, 3, 30.0), _random_spd(rng, n, 3, 10.0)
    z1, z2 = rng.normal(size=(n, 3)) * 1e3, rng.normal(size=(n, 3)) * 1e3
    params = _params(1.0, 0.0)
    both = update_tracks(
        params,
        _tracks(x, P),
        jnp.asarray(np.stack([z1, z2])),
        jnp.asarray(np.stack([R1, R2])),
        jnp.ones((2, n), bool),
        jnp.asarray(1.0),
    )
    i1, i2 = np.linalg.inv(R1), np.linalg.inv(R2)
    Rf = np.linalg.inv(i1 + i2)
    zf = np.einsum(
        "jab,jb->ja", Rf, np.einsum("jab,jb->ja", i1, z1) + np.einsum("jab,jb->ja", i2, z2)
    )
    fused = update_tracks(
        params,
        _tracks(x, P),
        jnp.asarray(zf[None]),
        jnp.asarray(Rf[None]),
        jnp.ones((1, n), bool),
        jnp.asarray(1.0),
    )
    np.testing.assert_allclose(np.asarray(both.x), np.asarray(fused.x), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(np.asarray(both.P), np.asarray(fused.P), rtol=1e-8, atol=1e-6)


def test_track_not_updated_for_longer_than_the_timeout_is_dropped() -> None:
    tr = _tracks(np.zeros((2, 6)), np.tile(np.eye(6), (2, 1, 1)))
    tr = Tracks(**{**tr.__dict__, "last_update_s": jnp.asarray([0.0, 5.0])})  # 31 s and 26 s ago
    out = update_tracks(
        _params(1.0, 1.0, timeout_s=30.0),
        tr,
        jnp.zeros((1, 2, 3)),
        jnp.tile(jnp.eye(3), (1, 2, 1, 1)),
        jnp.zeros((1, 2), bool),
        jnp.asarray(31.0),
    )
    np.testing.assert_array_equal(np.asarray(out.exists), [False, True])
    np.testing.assert_array_equal(np.asarray(out.hits), [0, 3])


def _nees_run_average(q_truth: float, q_filter: float, seed: int) -> np.ndarray:
    """Average NEES over 200 Monte-Carlo runs (the J axis), for each of 40 one-second steps.

    Truth: a constant-velocity target at ~300 m/s, plus (if q_truth > 0) the discrete white-noise
    acceleration of the same model the filter uses. Measurements: position with a range/angle
    shaped covariance (60 m along one axis, 400 m across), rotated off the axes.
    """
    rng = np.random.default_rng(seed)
    n_runs, n_steps, dt = 200, 40, 1.0
    F, Q = _cv_matrices(dt, q_truth)
    rot = np.linalg.qr(np.random.default_rng(99).normal(size=(3, 3)))[0]
    R = rot @ np.diag([60.0**2, 400.0**2, 400.0**2]) @ rot.T
    R_chol = np.linalg.cholesky(R)
    Q_chol = np.linalg.cholesky(Q) if q_truth > 0 else np.zeros((6, 6))

    truth = np.tile([150e3, -80e3, 9e3, -250.0, 160.0, 0.0], (n_runs, 1))
    params = _params(dt, q_filter)
    tracks = _tracks(np.zeros((n_runs, 6)), np.tile(np.eye(6), (n_runs, 1, 1)), exists=False)
    R_all = jnp.asarray(np.tile(R, (1, n_runs, 1, 1)))
    hit = jnp.ones((1, n_runs), bool)
    step = jax.jit(lambda *args: update_tracks(params, *args))
    nees = []
    for k in range(n_steps):
        if k > 0:
            truth = truth @ F.T + rng.normal(size=(n_runs, 6)) @ Q_chol.T
        z = truth[:, :3] + rng.normal(size=(n_runs, 3)) @ R_chol.T
        tracks = step(tracks, jnp.asarray(z[None]), R_all, hit, jnp.asarray(k * dt))
        err = truth - np.asarray(tracks.x)
        eps = np.einsum(
            "ja,ja->j", err, np.linalg.solve(np.asarray(tracks.P), err[..., None])[..., 0]
        )
        nees.append(eps.mean())
    return np.asarray(nees)


def _chi2_99_bounds(n_runs: int = 200, dof: int = 6) -> tuple[float, float]:
    lo, hi = stats.chi2.ppf([0.005, 0.995], n_runs * dof)
    return lo / n_runs, hi / n_runs


def test_straight_constant_velocity_track_is_consistent_nees_within_chi_square_99_bounds() -> None:
    """No process noise (filter q = 0 too). After 5 steps to settle (the first measurement
    initiates the track with a 1000 m/s velocity prior) the run-averaged NEES must lie in the
    99% interval [5.39, 6.65] at the last step and on average over the steps. (Without process
    noise each run's NEES barely changes from step to step, so the steps are not separate
    trials; the mean over correlated steps varies no more than one step does.)"""
    nees = _nees_run_average(0.0, 0.0, seed=0)[5:]
    lo, hi = _chi2_99_bounds()
    assert lo < nees[-1] < hi, nees
    assert lo < nees.mean() < hi, nees


def test_manoeuvring_target_track_is_consistent_nees_within_chi_square_99_bounds() -> None:
    """Truth and filter share the white-noise acceleration model, q = 50 m^2/s^3 (the engine's
    default). Bar-Shalom's criterion: about 99% of the steps inside the 99% interval; we ask for
    90% of the 35 settled steps, and the step-average inside too."""
    nees = _nees_run_average(50.0, 50.0, seed=0)[5:]
    lo, hi = _chi2_99_bounds()
    assert np.mean((nees > lo) & (nees < hi)) >= 0.9, nees
    assert lo < nees.mean() < hi, nees


def test_nees_test_detects_a_filter_whose_process_noise_is_wrong() -> None:
    """The consistency check has teeth: against a target with q = 50, a filter with q = 0 is
    overconfident (NEES far above the interval) and one with q = 100 underconfident (below)."""
    lo, hi = _chi2_99_bounds()
    assert np.mean(_nees_run_average(50.0, 0.0, seed=0)[5:] > hi) > 0.5
    assert np.mean(_nees_run_average(50.0, 100.0, seed=0)[5:] < lo) > 0.5
