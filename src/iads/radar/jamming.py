"""Noise jamming: signal-to-jamming ratio and burn-through range (NumPy, SI units).

Both radar and jammer at one wavelength; the jammer spreads power ``jammer_power_w`` over
``jammer_bandwidth_hz`` >= the receiver bandwidth ``receiver_bandwidth_hz``, so the fraction
B_r / B_j enters the receiver. Losses are one dB figure each side (radar: transmit and receive;
jammer: its own). With P_t, G_t the radar's peak power and transmit gain, G_r its receive gain
towards the target, G_rj its receive gain towards the jammer, P_j, G_j the jammer's power and
gain towards the radar, sigma the RCS, R the target range and R_j the jammer range:

    S = P_t G_t G_r lambda^2 sigma / ((4 pi)^3 R^4 L_r)
    J = P_j G_j G_rj lambda^2 B_r / ((4 pi)^2 R_j^2 B_j L_j)

- self-screening (the jammer on the target: R_j = R, G_rj = G_r):
  S/J = P_t G_t sigma B_j L_j / (4 pi P_j G_j R^2 B_r L_r), burn-through where S/J equals the
  required ratio: R_bt = sqrt(P_t G_t sigma B_j L_j / (4 pi P_j G_j B_r L_r (S/J)_req));
- stand-off (the jammer elsewhere, usually in a sidelobe, G_rj = sidelobe gain):
  S/J = P_t G_t G_r sigma R_j^2 B_j L_j / (4 pi P_j G_j G_rj R^4 B_r L_r),
  R_bt = (P_t G_t G_r sigma R_j^2 B_j L_j / (4 pi P_j G_j G_rj B_r L_r (S/J)_req))^(1/4).

(Skolnik, *Radar Handbook*, 3rd ed., ch. 24; Adamy, *EW 101*, ch. 9.) The burn-through range
scales as P_j^(-1/2) for a self-screening jammer and P_j^(-1/4) for a stand-off one.

The engine works with the jamming-to-noise ratio instead (:func:`jamming_to_noise`): noise
jamming adds to the receiver's thermal noise, so the signal-to-interference ratio is
SNR / (1 + J/N) whatever the integration, with

    J/N = ERP_j G_rj lambda^2 / ((4 pi)^2 R_j^2 k T_s max(B_j, B_r)),   ERP_j = P_j G_j / L_j.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.checks import check_finite, check_positive
from iads.units import BOLTZMANN_J_K, SPEED_OF_LIGHT_M_S, db_to_linear


def jamming_to_noise(
    jammer_erp_w: Any,
    jammer_bandwidth_hz: Any,
    receive_gain_db: Any,
    frequency_hz: Any,
    system_noise_temperature_k: Any,
    receiver_bandwidth_hz: Any,
    jammer_range_m: Any,
    xp: Any = jnp,
) -> Any:
    """Jamming-to-noise ratio (linear) in a radar receiver from one noise jammer.

        J/N = ERP_j G_rj lambda^2 / ((4 pi)^2 R_j^2 k T_s max(B_j, B_r))

    ``jammer_erp_w`` is P_j G_j / L_j (W) towards the radar, ``receive_gain_db`` the radar's
    receive gain towards the jammer (the main beam for a self-screening jammer). A jammer
    narrower than the receiver puts all its power in; a wider one only the fraction B_r / B_j.
    Pure array function (NumPy or JAX), no checks: the engine calls it inside ``jit``.
    """
    lam = SPEED_OF_LIGHT_M_S / xp.asarray(frequency_hz)
    g_r = 10.0 ** (xp.asarray(receive_gain_db) / 10.0)
    density = (
        jammer_erp_w
        * g_r
        * lam**2
        / (
            (4.0 * math.pi) ** 2
            * xp.asarray(jammer_range_m) ** 2
            * xp.maximum(jammer_bandwidth_hz, receiver_bandwidth_hz)
        )
    )
    return density / (BOLTZMANN_J_K * system_noise_temperature_k)


def _gain(name: str, value_db: ArrayLike) -> NDArray[np.float64]:
    return db_to_linear(check_finite(name, value_db))


def _bandwidth_ratio(
    receiver_bandwidth_hz: ArrayLike, jammer_bandwidth_hz: ArrayLike
) -> NDArray[np.float64]:
    b_r = check_positive("receiver_bandwidth_hz", receiver_bandwidth_hz)
    b_j = check_positive("jammer_bandwidth_hz", jammer_bandwidth_hz)
    return np.minimum(b_r / b_j, 1.0)  # a jammer narrower than the receiver puts it all in


def signal_to_jamming_db(
    peak_power_w: ArrayLike,
    antenna_gain_db: ArrayLike,
    rcs_m2: ArrayLike,
    range_m: ArrayLike,
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    receiver_bandwidth_hz: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike | None = None,
    gain_towards_jammer_db: ArrayLike | None = None,
    radar_losses_db: ArrayLike = 0.0,
    jammer_losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Signal-to-jamming ratio (dB). Self-screening when ``jammer_range_m`` is None.

    For a stand-off jammer give ``jammer_range_m`` and ``gain_towards_jammer_db`` (the radar's
    receive gain in the jammer's direction, a sidelobe level unless it is in the main beam).
    """
    p_t = check_positive("peak_power_w", peak_power_w)
    g = _gain("antenna_gain_db", antenna_gain_db)
    sigma = check_positive("rcs_m2", rcs_m2)
    r = check_positive("range_m", range_m)
    p_j = check_positive("jammer_power_w", jammer_power_w)
    g_j = _gain("jammer_gain_db", jammer_gain_db)
    ratio = _bandwidth_ratio(receiver_bandwidth_hz, jammer_bandwidth_hz)
    losses = _gain("jammer_losses_db", jammer_losses_db) / _gain("radar_losses_db", radar_losses_db)
    if jammer_range_m is None:
        sj = p_t * g * sigma * losses / (4.0 * math.pi * p_j * g_j * r**2 * ratio)
    else:
        if gain_towards_jammer_db is None:
            raise ValueError("gain_towards_jammer_db is required with jammer_range_m")
        r_j = check_positive("jammer_range_m", jammer_range_m)
        g_rj = _gain("gain_towards_jammer_db", gain_towards_jammer_db)
        sj = (
            p_t
            * g
            * g
            * sigma
            * r_j**2
            * losses
            / (4.0 * math.pi * p_j * g_j * g_rj * r**4 * ratio)
        )
    return np.asarray(10.0 * np.log10(sj), dtype=np.float64)


def burn_through_range_m(
    required_sj_db: ArrayLike,
    peak_power_w: ArrayLike,
    antenna_gain_db: ArrayLike,
    rcs_m2: ArrayLike,
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    receiver_bandwidth_hz: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike | None = None,
    gain_towards_jammer_db: ArrayLike | None = None,
    radar_losses_db: ArrayLike = 0.0,
    jammer_losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Range (m) inside which the signal-to-jamming ratio exceeds ``required_sj_db``.

    Self-screening when ``jammer_range_m`` is None, stand-off otherwise (see the module).
    """
    required = _gain("required_sj_db", required_sj_db)
    # S/J at 1 m, then solve S/J(R) = required with S/J ~ R^-2 (SSJ) or R^-4 (SOJ).
    at_1m = 10.0 ** (
        signal_to_jamming_db(
            peak_power_w,
            antenna_gain_db,
            rcs_m2,
            1.0,
            jammer_power_w,
            jammer_gain_db,
            receiver_bandwidth_hz,
            jammer_bandwidth_hz,
            jammer_range_m,
            gain_towards_jammer_db,
            radar_losses_db,
            jammer_losses_db,
        )
        / 10.0
    )
    power = 2.0 if jammer_range_m is None else 4.0
    return np.asarray((at_1m / required) ** (1.0 / power), dtype=np.float64)
