"""Single-look detection probability against independent SciPy computations.

Reference model (square-law detector, one look, threshold V_t = ln(1/P_fa) in units of the
noise power, mean SNR S):

- Swerling 0 (steady target): P_d = Q_1(sqrt(2 S), sqrt(2 V_t)), Marcum's Q function, which is
  the survival function of a noncentral chi-square with 2 degrees of freedom and noncentrality
  2 S evaluated at 2 V_t: ``scipy.stats.ncx2.sf(2 V_t, 2, 2 S)``.
- Swerling 1 (one look: also 2): the SNR s is exponential (chi-square, 2 dof) with mean S;
  P_d = integral of Q_1 over p(s) = exp(-s/S)/S.
- Swerling 3 (one look: also 4): s is chi-square with 4 dof and mean S;
  p(s) = 4 s / S^2 exp(-2 s / S).

The integrals are done here with ``scipy.integrate.quad``, with no use of the closed forms in
``iads.radar.equation``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from iads.radar.equation import detection_probability_single_look, snr_linear

PFAS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12)
#: Mean SNRs of the grid, dB: from well below to well above the usual detection thresholds
#: (the top stays under S = 100, 20 dB, where the Swerling 0 series is capped).
SNRS_DB = tuple(np.arange(-10.0, 17.6, 2.5))


def _marcum_pd(snr: float, pfa: float) -> float:
    return float(stats.ncx2.sf(2.0 * math.log(1.0 / pfa), 2, 2.0 * snr))


def _swerling1_pd(snr: float, pfa: float) -> float:
    def integrand(s: float) -> float:
        return _marcum_pd(s, pfa) * math.exp(-s / snr) / snr

    return integrate.quad(integrand, 0.0, np.inf, epsabs=1e-12, epsrel=1e-10, limit=200)[0]


def _swerling3_pd(snr: float, pfa: float) -> float:
    def integrand(s: float) -> float:
        return _marcum_pd(s, pfa) * 4.0 * s / snr**2 * math.exp(-2.0 * s / snr)

    return integrate.quad(integrand, 0.0, np.inf, epsabs=1e-12, epsrel=1e-10, limit=200)[0]


def _grid() -> tuple[np.ndarray, np.ndarray]:
    snr, pfa = np.meshgrid(10.0 ** (np.asarray(SNRS_DB) / 10.0), np.asarray(PFAS))
    return snr.ravel(), pfa.ravel()


def test_swerling0_pd_equals_marcum_q_from_scipy_ncx2() -> None:
    snr, pfa = _grid()
    expected = np.array([_marcum_pd(s, p) for s, p in zip(snr, pfa, strict=True)])
    got = np.asarray(detection_probability_single_look(snr, pfa, 0, xp=np))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("swerling", "reference"),
    [(1, _swerling1_pd), (3, _swerling3_pd)],
)
def test_fluctuating_pd_equals_marcum_q_averaged_over_chi_square_snr(
    swerling: int, reference
) -> None:
    """Swerling 1 averages over a 2-dof, Swerling 3 over a 4-dof chi-square SNR (one look; cases
    2 and 4 are checked equal to 1 and 3 below)."""
    snr, pfa = _grid()
    # quad over a 66-point grid is the slow part of this file: use every other point.
    snr, pfa = snr[::2], pfa[::2]
    expected = np.array([reference(s, p) for s, p in zip(snr, pfa, strict=True)])
    got = np.asarray(detection_probability_single_look(snr, pfa, swerling, xp=np))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)


@pytest.mark.parametrize("pfa", [1e-10, 1e-12])
@pytest.mark.parametrize("snr_db", [18.0, 20.0, 25.0, 30.0])
def test_swerling0_pd_tends_to_one_above_18_db_for_small_pfa(snr_db: float, pfa: float) -> None:
    snr = 10.0 ** (snr_db / 10.0)
    got = float(detection_probability_single_look(snr, pfa, 0, xp=np))
    assert got == pytest.approx(_marcum_pd(snr, pfa), abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(
    pfa=st.floats(1e-12, 1e-2),
    pd=st.floats(1e-3, 0.999),
)
def test_swerling1_single_pulse_snr_closed_form_inverts_pd(pfa: float, pd: float) -> None:
    """One pulse, Swerling 1: the SNR needed is S = ln(1/P_fa) / ln(1/P_d) - 1 (Meyer and
    Mayer; Richards, Fundamentals of Radar Signal Processing, sec. 6.3), for P_d > P_fa."""
    if pd <= pfa:
        return
    snr = math.log(1.0 / pfa) / math.log(1.0 / pd) - 1.0
    got = float(detection_probability_single_look(snr, pfa, 1, xp=np))
    assert got == pytest.approx(pd, rel=1e-12)


SWERLING = st.sampled_from([0, 1, 2, 3, 4])


@settings(max_examples=100, deadline=None)
@given(
    swerling=SWERLING,
    pfa=st.floats(1e-12, 1e-2),
    snr_db=st.floats(-20.0, 17.5),
    step_db=st.floats(0.1, 10.0),
)
def test_pd_rises_with_snr_and_never_falls_below_pfa(
    swerling: int, pfa: float, snr_db: float, step_db: float
) -> None:
    lo, hi = 10.0 ** (snr_db / 10.0), 10.0 ** ((snr_db + step_db) / 10.0)
    pd_lo, pd_hi = (
        float(detection_probability_single_look(s, pfa, swerling, xp=np)) for s in (lo, hi)
    )
    assert pd_hi >= pd_lo
    if pd_lo < 1.0 - 1e-9:  # strictly, until both round to 1
        assert pd_hi > pd_lo
    assert pd_lo >= pfa * (1.0 - 1e-9)


@settings(max_examples=60, deadline=None)
@given(swerling=SWERLING, pfa=st.floats(1e-12, 1e-1))
def test_pd_tends_to_pfa_as_snr_tends_to_zero(swerling: int, pfa: float) -> None:
    for snr in (0.0, 1e-9):
        got = float(detection_probability_single_look(snr, pfa, swerling, xp=np))
        assert got == pytest.approx(pfa, rel=1e-6)


def test_swerling_2_and_4_equal_1_and_3_for_one_look() -> None:
    snr, pfa = _grid()
    pd = {sw: np.asarray(detection_probability_single_look(snr, pfa, sw, xp=np)) for sw in range(5)}
    np.testing.assert_array_equal(pd[2], pd[1])
    np.testing.assert_array_equal(pd[4], pd[3])
    # ...and fluctuation costs detections at high P_d: 0 > 3 > 1 where P_d(0) > 0.5.
    high = pd[0] > 0.5
    assert np.all(pd[0][high] > pd[3][high])
    assert np.all(pd[3][high] > pd[1][high])


def test_numpy_and_jax_paths_agree_for_every_swerling_case() -> None:
    snr, pfa = _grid()
    swerling = np.resize(np.arange(5), snr.shape)
    got_np = np.asarray(detection_probability_single_look(snr, pfa, swerling, xp=np))
    got_jax = np.asarray(detection_probability_single_look(snr, pfa, swerling))
    np.testing.assert_allclose(got_jax, got_np, rtol=0, atol=1e-12)


RADAR = dict(
    peak_power_w=2e6,
    pulse_width_s=20e-6,
    pulses_integrated=8,
    antenna_gain_db=38.0,
    frequency_hz=3e9,
    system_noise_temperature_k=600.0,
    losses_db=8.0,
)


def _detection_range_m(rcs_m2: float, pd: float, pfa: float, swerling: int) -> float:
    """Range (m) at which the single-look P_d equals ``pd``, solved numerically."""

    def miss(log_r: float) -> float:
        snr = snr_linear(rcs_m2=rcs_m2, range_m=math.exp(log_r), **RADAR, xp=np)
        return float(detection_probability_single_look(snr, pfa, swerling, xp=np)) - pd

    return math.exp(optimize.brentq(miss, math.log(1e2), math.log(1e8), xtol=1e-14))


@settings(max_examples=25, deadline=None)
@given(
    swerling=SWERLING,
    rcs_m2=st.floats(1e-3, 1e2),
    ratio=st.floats(1.5, 1e3),
    pd=st.floats(0.1, 0.95),
)
def test_range_at_fixed_pd_scales_as_fourth_root_of_rcs(
    swerling: int, rcs_m2: float, ratio: float, pd: float
) -> None:
    pfa = 1e-6
    r_small = _detection_range_m(rcs_m2, pd, pfa, swerling)
    r_big = _detection_range_m(rcs_m2 * ratio, pd, pfa, swerling)
    assert r_big / r_small == pytest.approx(ratio**0.25, rel=1e-8)
