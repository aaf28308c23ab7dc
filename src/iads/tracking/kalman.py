"""Tracking stage kernel: a constant-velocity Kalman filter per threat, fed by every radar.

The engine's track picture has one slot per threat (association is assumed perfect; the
measurement-level tracker with clutter and association is a separate module). Each step every
track is predicted to the current time; then each radar's detections update it in turn.

Symbols (one track): x = [p, v] (m, m/s), P its covariance; F = [[I, dt I], [0, I]];
Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]] with q the white-acceleration spectral density
(m^2/s^3); z a position measurement with covariance R; H = [I 0];
S = H P H^T + R; K = P H^T S^-1; x <- x + K (z - H x); P <- (I - K H) P.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from iads.tracking.base import TrackingInputs, TrackingParams, TrackPicture, Tracks


def predict(tracks: Tracks, dt_s: Array | float, q: Array | float) -> Tracks:
    """Constant-velocity prediction of every track over ``dt_s``."""
    # F P F^T + Q written on the 3x3 blocks of P = [[A, B], [B^T, C]] (elementwise: faster than
    # a batched 6x6 matrix product on the CPU).
    P = tracks.P
    A, B, C = P[..., :3, :3], P[..., :3, 3:], P[..., 3:, 3:]
    Bt = jnp.swapaxes(B, -1, -2)
    dtype = P.dtype
    eye = jnp.eye(3, dtype=dtype)
    A2 = A + dt_s * (B + Bt) + dt_s**2 * C + q * dt_s**3 / 3.0 * eye
    B2 = B + dt_s * C + q * dt_s**2 / 2.0 * eye
    C2 = C + q * dt_s * eye
    P = jnp.concatenate(
        [
            jnp.concatenate([A2, B2], axis=-1),
            jnp.concatenate([jnp.swapaxes(B2, -1, -2), C2], axis=-1),
        ],
        axis=-2,
    )
    x = jnp.concatenate([tracks.x[..., :3] + dt_s * tracks.x[..., 3:], tracks.x[..., 3:]], -1)
    return Tracks(
        x=x, P=P, exists=tracks.exists, hits=tracks.hits, last_update_s=tracks.last_update_s
    )


def _matmul_k3(a: Array, b: Array) -> Array:
    """[..., n, 3] x [..., 3, m] as three broadcast multiply-adds (no small batched dot)."""
    return (
        a[..., :, 0:1] * b[..., 0:1, :]
        + a[..., :, 1:2] * b[..., 1:2, :]
        + a[..., :, 2:3] * b[..., 2:3, :]
    )


def inverse_3x3(m: Array) -> Array:
    """Inverse of symmetric positive-definite 3x3 matrices [..., 3, 3] by cofactors.

    Closed form (adjugate / determinant): much faster than a batched LAPACK solve on the CPU.
    """
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    # cofactors c_ij
    c00, c01, c02 = m11 * m22 - m12 * m21, m12 * m20 - m10 * m22, m10 * m21 - m11 * m20
    c10, c11, c12 = m02 * m21 - m01 * m22, m00 * m22 - m02 * m20, m01 * m20 - m00 * m21
    c20, c21, c22 = m01 * m12 - m02 * m11, m02 * m10 - m00 * m12, m00 * m11 - m01 * m10
    det = m00 * c00 + m01 * c01 + m02 * c02
    adj = jnp.stack(  # adjugate: the cofactors transposed
        [
            jnp.stack([c00, c10, c20], -1),
            jnp.stack([c01, c11, c21], -1),
            jnp.stack([c02, c12, c22], -1),
        ],
        -2,
    )
    return adj / det[..., None, None]


def _update_one_radar(
    tracks: Tracks, z: Array, R: Array, hit: Array, t_s: Array, speed_sigma_m_s: Array
) -> Tracks:
    """Update tracks [J] with one radar's measurements z [J, 3], R [J, 3, 3] where ``hit``."""
    dtype = tracks.x.dtype
    S = tracks.P[:, :3, :3] + R
    K = _matmul_k3(tracks.P[:, :, :3], inverse_3x3(S))  # [J, 6, 3] = P H^T S^-1
    innov = z - tracks.x[:, :3]
    x_upd = tracks.x + _matmul_k3(K, innov[..., None])[..., 0]
    P_upd = tracks.P - _matmul_k3(K, tracks.P[:, :3, :])
    P_upd = 0.5 * (P_upd + jnp.swapaxes(P_upd, 1, 2))
    # A new track starts at the measurement with a wide velocity prior.
    x_new = jnp.concatenate([z, jnp.zeros_like(z)], axis=-1)
    P_new = jnp.zeros_like(tracks.P)
    P_new = P_new.at[:, :3, :3].set(R)
    P_new = P_new.at[:, 3:, 3:].set(jnp.eye(3, dtype=dtype) * speed_sigma_m_s**2)
    init = hit & ~tracks.exists
    upd = hit & tracks.exists
    x = jnp.where(init[:, None], x_new, jnp.where(upd[:, None], x_upd, tracks.x))
    P = jnp.where(init[:, None, None], P_new, jnp.where(upd[:, None, None], P_upd, tracks.P))
    return Tracks(
        x=x,
        P=P,
        exists=tracks.exists | hit,
        hits=tracks.hits + hit.astype(jnp.int32),
        last_update_s=jnp.where(hit, t_s, tracks.last_update_s),
    )


def track(
    params: TrackingParams, inputs: TrackingInputs, state: Tracks
) -> tuple[Tracks, TrackPicture]:
    """The tracking stage: predict every track one step, update it with this step's
    detections, drop stale tracks; the picture says which tracks are confirmed.

    Simultaneous detections of one threat by several radars are fused first (information
    form: R_f = (sum R_d^-1)^-1, z_f = R_f sum R_d^-1 z_d), which for a linear Gaussian update
    equals updating with each radar in turn, at the cost of one update.
    """
    det, t_s = inputs.detections, inputs.t_s
    tracks = predict(state, inputs.dt_s, params.process_noise_m2_s3)
    z, R, hit = fuse_measurements(det.measured_pos_m, det.measurement_cov_m2, det.detected)
    # New tracks only while the picture has room (in threat order).
    starting = hit & ~tracks.exists
    room = params.capacity - jnp.sum(tracks.exists, dtype=jnp.int32)
    hit = hit & (tracks.exists | (jnp.cumsum(starting, dtype=jnp.int32) <= room))
    tracks = _update_one_radar(tracks, z, R, hit, t_s, params.initial_speed_sigma_m_s)
    stale = tracks.exists & (t_s - tracks.last_update_s > params.timeout_s)
    tracks = Tracks(
        x=tracks.x,
        P=tracks.P,
        exists=tracks.exists & ~stale,
        hits=jnp.where(stale, 0, tracks.hits),
        last_update_s=tracks.last_update_s,
    )
    return tracks, TrackPicture(confirmed=tracks.exists & (tracks.hits >= params.confirm_hits))


def fuse_measurements(z: Array, R: Array, detected: Array) -> tuple[Array, Array, Array]:
    """Fuse position measurements z [D, J, 3] with covariances R [D, J, 3, 3] over radars.

    Returns ``(z_f [J, 3], R_f [J, 3, 3], any_detected [J])``; where nothing was detected the
    fused values are placeholders (finite) that the update ignores.
    """
    dtype = z.dtype
    eye = jnp.eye(3, dtype=dtype)
    w = jnp.where(detected[..., None, None], inverse_3x3(R), 0.0)  # [D, J, 3, 3]
    info = jnp.sum(w, axis=0)  # [J, 3, 3]
    hit = jnp.any(detected, axis=0)
    R_f = inverse_3x3(jnp.where(hit[:, None, None], info, eye))
    wz = jnp.sum(_matmul_k3(w, z[..., None])[..., 0], axis=0)
    z_f = _matmul_k3(R_f, wz[..., None])[..., 0]
    return z_f, R_f, hit
