"""Radar range equation, single-look detection probability and the 4/3-Earth horizon.

Pure array functions: they take NumPy or JAX arrays (``xp`` selects the namespace), SI units.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from iads.checks import check_finite, check_positive, is_concrete
from iads.geo.sphere import EARTH_RADIUS_M
from iads.units import BOLTZMANN_J_K, SPEED_OF_LIGHT_M_S

#: A ray passing this close (m) above or below the effective surface counts as clear.
GRAZING_TOLERANCE_M = 1e-3
#: Standard effective-Earth-radius factor for radio propagation (4/3 Earth).
K_FACTOR_STANDARD = 4.0 / 3.0


def snr_linear(
    peak_power_w: Any,
    pulse_width_s: Any,
    pulses_integrated: Any,
    antenna_gain_db: Any,
    frequency_hz: Any,
    rcs_m2: Any,
    system_noise_temperature_k: Any,
    losses_db: Any,
    range_m: Any,
    xp: Any = jnp,
) -> Any:
    """Monostatic radar range equation (coherent integration of ``pulses_integrated`` pulses).

        SNR = P_t tau n G^2 lambda^2 sigma / ((4 pi)^3 R^4 k T_s L)

    with P_t peak power (W), tau pulse width (s), n pulses integrated, G antenna gain (linear,
    same on transmit and receive), lambda = c / f wavelength (m), sigma RCS (m^2), R range (m),
    k Boltzmann's constant (J/K), T_s system noise temperature (K), L total losses (linear).
    """
    gain = 10.0 ** (xp.asarray(antenna_gain_db) / 10.0)
    loss = 10.0 ** (xp.asarray(losses_db) / 10.0)
    lam = SPEED_OF_LIGHT_M_S / xp.asarray(frequency_hz)
    num = peak_power_w * pulse_width_s * pulses_integrated * gain**2 * lam**2 * rcs_m2
    den = (4.0 * math.pi) ** 3 * xp.asarray(range_m) ** 4 * BOLTZMANN_J_K
    return num / (den * system_noise_temperature_k * loss)


def snr_db(
    peak_power_w: Any,
    pulse_width_s: Any,
    transmit_gain_db: Any,
    rcs_m2: Any,
    system_noise_temperature_k: Any,
    *,
    range_m: Any = None,
    transmitter_range_m: Any = None,
    receiver_range_m: Any = None,
    frequency_hz: Any = None,
    wavelength_m: Any = None,
    receive_gain_db: Any = None,
    pulses_integrated: Any = 1,
    losses_db: Any = 0.0,
    xp: Any = jnp,
) -> Any:
    """Signal-to-noise ratio (dB) from the radar range equation, monostatic or bistatic.

        SNR = P_t tau n G_t G_r lambda^2 sigma / ((4 pi)^3 R_t^2 R_r^2 k T_s L)

    with P_t peak power (W), tau pulse width (s), n pulses integrated coherently, G_t and G_r
    transmit and receive gains (linear), lambda wavelength (m), sigma RCS (m^2), R_t and R_r the
    transmitter-to-target and target-to-receiver ranges (m; R_t = R_r = R for a monostatic
    radar), k Boltzmann's constant (J/K), T_s system noise temperature (K) and L total losses
    (linear). ``tau n`` is the coherent integration time: pass a dwell time as ``pulse_width_s``
    with ``pulses_integrated=1`` (and the average power as ``peak_power_w``) for the
    energy-on-target form.

    It evaluates :func:`snr_linear` (one implementation of the equation): G_t G_r = G^2 with
    G the geometric mean of the two gains, and R_t^2 R_r^2 = R^4 with R = sqrt(R_t R_r).

    Parameters
    ----------
    peak_power_w : array_like
        Peak transmit power P_t, W, > 0.
    pulse_width_s : array_like
        Pulse width tau (or dwell time), s, > 0.
    transmit_gain_db : array_like
        Transmit antenna gain G_t, dB (finite).
    rcs_m2 : array_like
        Target radar cross-section sigma, m^2, > 0.
    system_noise_temperature_k : array_like
        System noise temperature T_s, K, > 0 (a noise figure F at reference temperature T_0
        enters as T_s = T_0 F).
    range_m : array_like, optional
        Monostatic range R, m, > 0. Give either this or both bistatic ranges.
    transmitter_range_m, receiver_range_m : array_like, optional
        Bistatic ranges R_t (transmitter to target) and R_r (target to receiver), m, > 0.
    frequency_hz, wavelength_m : array_like, optional
        Carrier frequency f (Hz, lambda = c / f) or wavelength lambda (m); exactly one, > 0.
    receive_gain_db : array_like, optional
        Receive antenna gain G_r, dB (finite); defaults to ``transmit_gain_db``.
    pulses_integrated : array_like, optional
        Number of pulses n integrated coherently, > 0 (default 1).
    losses_db : array_like, optional
        Total losses L, dB (finite; default 0).
    xp : module, optional
        Array namespace, ``jax.numpy`` (default) or ``numpy``.

    Returns
    -------
    array
        SNR in dB, the broadcast shape of the arguments.

    Raises
    ------
    ValueError
        If both or neither of ``frequency_hz`` and ``wavelength_m`` are given, if the ranges are
        not exactly ``range_m`` or both bistatic ranges, or, for concrete (not traced) inputs, if
        a power, time, count, RCS, temperature, frequency, wavelength or range is zero, negative
        or not finite, or a gain or loss is not finite. The message names the argument. Inside
        ``jax.jit`` the values are not checked.
    """
    if (frequency_hz is None) == (wavelength_m is None):
        raise ValueError("give exactly one of frequency_hz and wavelength_m")
    legs = (transmitter_range_m is not None, receiver_range_m is not None)
    monostatic = range_m is not None and not any(legs)
    bistatic = range_m is None and all(legs)
    if not (monostatic or bistatic):
        raise ValueError(
            "give either range_m (monostatic) or both transmitter_range_m and receiver_range_m"
        )
    positive = {
        "peak_power_w": peak_power_w,
        "pulse_width_s": pulse_width_s,
        "rcs_m2": rcs_m2,
        "system_noise_temperature_k": system_noise_temperature_k,
        "pulses_integrated": pulses_integrated,
        "range_m": range_m,
        "transmitter_range_m": transmitter_range_m,
        "receiver_range_m": receiver_range_m,
        "frequency_hz": frequency_hz,
        "wavelength_m": wavelength_m,
    }
    finite = {
        "transmit_gain_db": transmit_gain_db,
        "receive_gain_db": receive_gain_db,
        "losses_db": losses_db,
    }
    if is_concrete(*positive.values(), *finite.values()):
        for name, value in positive.items():
            if value is not None:
                check_positive(name, value)
        for name, value in finite.items():
            if value is not None:
                check_finite(name, value)

    if receive_gain_db is None:
        gain_db = xp.asarray(transmit_gain_db)
    else:
        gain_db = 0.5 * (xp.asarray(transmit_gain_db) + xp.asarray(receive_gain_db))
    if bistatic:
        range_m = xp.sqrt(xp.asarray(transmitter_range_m) * xp.asarray(receiver_range_m))
    if frequency_hz is None:
        frequency_hz = SPEED_OF_LIGHT_M_S / xp.asarray(wavelength_m)
    snr = snr_linear(
        peak_power_w,
        pulse_width_s,
        pulses_integrated,
        gain_db,
        frequency_hz,
        rcs_m2,
        system_noise_temperature_k,
        losses_db,
        range_m,
        xp=xp,
    )
    return 10.0 * xp.log10(snr)


def detection_probability_single_look(
    snr: Any, false_alarm_probability: Any, swerling: Any, xp: Any = jnp
) -> Any:
    """Probability of detection for one look (one integrated sample), square-law detector.

    ``snr`` is linear, ``swerling`` an integer 0..4 (for one look, cases 2 and 4 equal 1 and 3).
    With V_t = ln(1/P_fa) and S the mean SNR (closed forms, e.g. Richards, *Fundamentals of
    Radar Signal Processing*, 2nd ed., sec. 6.3):

    - Swerling 1, 2: P_d = P_fa ** (1 / (1 + S))
    - Swerling 3, 4: P_d = exp(-V_t / (1 + S/2)) (1 + (S/2) V_t / (1 + S/2)^2)
    - Swerling 0:   P_d = Q_1(sqrt(2 S), sqrt(2 V_t)), evaluated as the Poisson mixture of
      regularised upper incomplete gamma functions (noncentral chi-square, 2 degrees of freedom),
      truncated at 220 terms with S capped at 100 (20 dB, above which P_d = 1 to 1e-11 for
      P_fa >= 1e-12).
    """
    snr = xp.maximum(xp.asarray(snr), 0.0)
    vt = -xp.log(false_alarm_probability)
    pd_sw1 = xp.exp(-vt / (1.0 + snr))
    half = snr / 2.0
    pd_sw3 = xp.exp(-vt / (1.0 + half)) * (1.0 + half * vt / (1.0 + half) ** 2)
    pd_sw0 = _marcum_q1_chi2(snr, vt, xp)
    sw = xp.asarray(swerling)
    return xp.where(sw == 0, pd_sw0, xp.where((sw == 1) | (sw == 2), pd_sw1, pd_sw3))


#: SNR grid of the engine's detection-probability tables: -20 dB to +40 dB in 0.02 dB steps.
PD_TABLE_SNR_DB_MIN = -20.0
PD_TABLE_STEP_DB = 0.02
PD_TABLE_SIZE = 3001


@lru_cache(maxsize=64)
def detection_probability_table(false_alarm_probability: float) -> Any:
    """Single-look P_d for Swerling 0..4 on the SNR grid above: a read-only NumPy array [5, G].

    The engine interpolates in this table (made with :func:`detection_probability_single_look`
    itself) instead of evaluating the Swerling-0 series at every look. Computed once per false
    alarm probability in a process (a scenario is compiled again for every uncertainty draw).
    """

    snr_db = PD_TABLE_SNR_DB_MIN + PD_TABLE_STEP_DB * np.arange(PD_TABLE_SIZE)
    snr = 10.0 ** (snr_db / 10.0)
    table = np.stack(
        [
            detection_probability_single_look(snr, false_alarm_probability, case, xp=np)
            for case in range(5)
        ]
    )
    table.flags.writeable = False
    return table


def lookup_detection_probability(
    tables: Any, radar: Any, swerling: Any, snr: Any, xp: Any = jnp
) -> Any:
    """P_d from per-radar tables [D, 5, G] at ``tables[radar, swerling]`` and linear ``snr``.

    ``radar``, ``swerling`` and ``snr`` broadcast together; only two table entries per element
    are read.
    """
    i0, w = _table_position(snr, xp)
    lo = tables[radar, swerling, i0]
    hi = tables[radar, swerling, i0 + 1]
    return lo + w * (hi - lo)


def _table_position(snr: Any, xp: Any) -> tuple[Any, Any]:
    snr_db = 10.0 * xp.log10(xp.maximum(snr, 1e-30))
    pos = xp.clip((snr_db - PD_TABLE_SNR_DB_MIN) / PD_TABLE_STEP_DB, 0.0, PD_TABLE_SIZE - 1.001)
    i0 = xp.floor(pos).astype(xp.int32)
    return i0, pos - i0


def _marcum_q1_chi2(snr: Any, vt: Any, xp: Any) -> Any:
    lam = xp.minimum(snr, 100.0)[..., None]
    k = xp.arange(220, dtype=lam.dtype)
    log_pois = -lam + k * xp.log(xp.maximum(lam, 1e-30)) - _lgamma(k + 1.0, xp)
    log_pois = xp.where((lam == 0) & (k > 0), -xp.inf, xp.where(lam == 0, 0.0, log_pois))
    tail = _gammaincc(k + 1.0, xp.asarray(vt)[..., None] + 0.0 * lam, xp)
    return xp.clip(xp.sum(xp.exp(log_pois) * tail, axis=-1), 0.0, 1.0)


def _lgamma(x: Any, xp: Any) -> Any:
    if xp is jnp:
        return jsp.gammaln(x)
    from scipy.special import gammaln

    return gammaln(x)


def _gammaincc(a: Any, x: Any, xp: Any) -> Any:
    if xp is jnp:
        return jsp.gammaincc(a, x)
    from scipy.special import gammaincc

    return gammaincc(a, x)


def effective_earth_radius_m(k_factor: float = K_FACTOR_STANDARD) -> float:
    """Effective Earth radius k R (m) used for refraction (k = 4/3 by default)."""
    return k_factor * EARTH_RADIUS_M


def horizon_range_m(
    radar_height_m: Any,
    target_height_m: Any,
    k_factor: float = K_FACTOR_STANDARD,
    xp: Any = jnp,
) -> Any:
    """Radar horizon: the longest line-of-sight range (m) between two heights above the surface.

        R_h = sqrt((kR + h_r)^2 - (kR)^2) + sqrt((kR + h_t)^2 - (kR)^2)
            ~= sqrt(2 kR h_r) + sqrt(2 kR h_t)

    (each term is the tangent distance from a height to the effective Earth's surface).
    """
    re = effective_earth_radius_m(k_factor)
    hr = xp.maximum(xp.asarray(radar_height_m), 0.0)
    ht = xp.maximum(xp.asarray(target_height_m), 0.0)
    return xp.sqrt(hr * (2.0 * re + hr)) + xp.sqrt(ht * (2.0 * re + ht))


def effective_earth_geometry(
    radar_height_m: Any,
    target_height_m: Any,
    ground_range_m: Any,
    k_factor: Any = K_FACTOR_STANDARD,
    xp: Any = jnp,
) -> tuple[Any, Any, Any]:
    """Slant range, elevation and line of sight on the effective (k R) Earth.

    Radar and target sit at ``kR + h`` from the effective Earth's centre, ``ground_range_m / R``
    apart in angle scaled to the effective Earth (``phi = s / (kR)``). Returns ``(slant_range_m,
    elevation_rad, clear)``, where ``clear`` is True when the straight ray between them does not
    pass below the effective surface (the target is above the radar horizon).
    """
    re = effective_earth_radius_m(k_factor)
    h_r = xp.asarray(radar_height_m)
    h_t = xp.asarray(target_height_m)
    ra = re + h_r
    rb = re + h_t
    phi = xp.asarray(ground_range_m) / re
    # Radar at (0, ra); target at (rb sin phi, rb cos phi). The vertical offset is written
    # without subtracting two Earth radii, so it keeps its precision in float32:
    # rb cos(phi) - ra = h_t - h_r - 2 rb sin^2(phi / 2).
    dx = rb * xp.sin(phi)
    dy = h_t - h_r - 2.0 * rb * xp.sin(0.5 * phi) ** 2
    slant = xp.hypot(dx, dy)
    elevation = xp.arctan2(dy, dx)
    # The ray's closest approach to the centre lies t* = -ra dy / slant along it; where that is
    # between the ends, the ray clears the surface iff ra^2 - t*^2 >= re^2, i.e.
    # t*^2 <= h_r (2 re + h_r) (again no difference of two Earth radii).
    t_star = -ra * dy / xp.maximum(slant, 1e-9)
    inside = (t_star > 0.0) & (t_star < slant)
    # A ray that grazes the surface within GRAZING_TOLERANCE_M counts as clear (rounding).
    clear = ~inside | (t_star**2 <= h_r * (2.0 * re + h_r) + 2.0 * re * GRAZING_TOLERANCE_M)
    return slant, elevation, clear
