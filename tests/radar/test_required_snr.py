"""Required SNR and P_d for n noncoherently integrated pulses, Swerling 0-4 (iads.radar.detection).

Known answers from outside our code: the single-pulse closed forms; the classic table value of
13.2 dB (non-fluctuating) and 21.1 dB (Swerling 1) for P_d = 0.9, P_fa = 1e-6, one pulse
(Skolnik, *Introduction to Radar Systems*, 3rd ed., fig. 2.7 and table 2.4; Richards,
*Fundamentals of Radar Signal Processing*, table 6.2); Albersheim's and Shnidman's published
approximations within their published accuracy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from iads.radar.detection import (
    albersheim_snr_db,
    detection_probability,
    required_snr_db,
    shnidman_snr_db,
)


def test_table_values_for_pd_0_9_pfa_1e_6_single_pulse():
    assert required_snr_db(0.9, 1e-6, 1, 0) == pytest.approx(13.2, abs=0.05)
    assert required_snr_db(0.9, 1e-6, 1, 1) == pytest.approx(21.1, abs=0.1)


@pytest.mark.parametrize("pd", [0.3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("pfa", [1e-4, 1e-8])
def test_swerling1_single_pulse_matches_closed_form(pd, pfa):
    # SNR = ln(1/Pfa) / ln(1/Pd) - 1
    closed = 10 * math.log10(math.log(1 / pfa) / math.log(1 / pd) - 1)
    assert required_snr_db(pd, pfa, 1, 1) == pytest.approx(closed, abs=1e-4)
    assert required_snr_db(pd, pfa, 1, 2) == pytest.approx(closed, abs=1e-4)


@pytest.mark.parametrize("n", [1, 4, 20])
def test_swerling0_is_the_noncentral_chi_square_tail(n):
    pfa = 1e-6
    t = special.gammainccinv(n, pfa)
    for snr_db in (-3.0, 3.0, 9.0):
        s = 10 ** (snr_db / 10)
        expected = stats.ncx2.sf(2 * t, 2 * n, 2 * n * s)
        assert float(detection_probability(snr_db, pfa, n, 0)) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("n", [2, 8])
def test_swerling2_closed_form_equals_the_quadrature_over_its_energy_distribution(n):
    # Swerling 2 has a closed form (sum ~ Gamma(n, 1 + S)); check it against the integral of the
    # noncentral chi-square tail over u ~ Gamma(n, S), which the other cases use.
    from scipy import integrate

    pfa, snr = 1e-5, 10**0.8
    t = special.gammainccinv(n, pfa)
    dist = stats.gamma(n, scale=snr)
    integral, _ = integrate.quad(
        lambda u: stats.ncx2.sf(2 * t, 2 * n, 2 * u) * dist.pdf(u), 0, dist.isf(1e-14), limit=400
    )
    assert float(detection_probability(8.0, pfa, n, 2)) == pytest.approx(integral, rel=1e-6)


@pytest.mark.parametrize("pd", [0.5, 0.7, 0.9])
@pytest.mark.parametrize("pfa", [1e-7, 1e-5, 1e-3])
def test_albersheim_within_published_accuracy_for_one_pulse(pd, pfa):
    # For one pulse the linear and square-law detectors coincide: 0.2 dB (Albersheim 1981).
    # (Below P_d = 0.5 the fit degrades: 0.9 dB at P_d = 0.2, P_fa = 1e-3; see its docstring.)
    assert abs(albersheim_snr_db(pd, pfa, 1) - required_snr_db(pd, pfa, 1, 0)) <= 0.2


@pytest.mark.parametrize("n", [4, 16, 64])
def test_albersheim_close_to_exact_square_law_for_several_pulses(n):
    # Albersheim fitted the linear detector; against the square-law detector it stays within
    # 0.5 dB.
    for pd, pfa in ((0.5, 1e-6), (0.9, 1e-4)):
        assert abs(albersheim_snr_db(pd, pfa, n) - required_snr_db(pd, pfa, n, 0)) <= 0.5


@pytest.mark.parametrize("swerling", [0, 1, 2, 3, 4])
@pytest.mark.parametrize(
    ("pd", "pfa", "n"), [(0.5, 1e-6, 1), (0.9, 1e-6, 10), (0.99, 1e-8, 4), (0.2, 1e-4, 30)]
)
def test_shnidman_within_published_accuracy(swerling, pd, pfa, n):
    assert abs(shnidman_snr_db(pd, pfa, n, swerling) - required_snr_db(pd, pfa, n, swerling)) <= 1.0


@settings(max_examples=15, deadline=None)
@given(pd=st.floats(0.05, 0.99), swerling=st.sampled_from([0, 1, 2, 3, 4]), n=st.integers(1, 12))
def test_required_snr_inverts_detection_probability(pd, swerling, n):
    x = required_snr_db(pd, 1e-6, n, swerling)
    assert float(detection_probability(x, 1e-6, n, swerling)) == pytest.approx(pd, abs=1e-6)


@settings(max_examples=10, deadline=None)
@given(swerling=st.sampled_from([0, 1, 2, 3, 4]), n=st.integers(1, 10))
def test_pd_rises_with_snr_and_with_pulses(swerling, n):
    snr = np.linspace(-5.0, 25.0, 13)
    pd = detection_probability(snr, 1e-6, n, swerling)
    assert np.all(np.diff(pd) >= -1e-12)  # rounding where P_d has saturated at 1
    unsaturated = pd[1:] < 1 - 1e-9
    assert np.all(np.diff(pd)[unsaturated] > 0)
    assert np.all(pd >= 1e-6)
    more = detection_probability(snr, 1e-6, n + 1, swerling)
    assert np.all(more >= pd - 1e-12)


def test_fluctuation_costs_snr_at_high_pd():
    # At P_d = 0.9 a fluctuating target needs more SNR than a steady one (one pulse).
    steady = required_snr_db(0.9, 1e-6, 1, 0)
    assert required_snr_db(0.9, 1e-6, 1, 3) > steady
    assert required_snr_db(0.9, 1e-6, 1, 1) > required_snr_db(0.9, 1e-6, 1, 3)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"pd": 1.0, "pfa": 1e-6}, "pd"),
        ({"pd": 0.5, "pfa": 0.0}, "pfa"),
        ({"pd": 0.5, "pfa": 1e-6, "n_pulses": 0}, "n_pulses"),
        ({"pd": 0.5, "pfa": 1e-6, "swerling": 5}, "swerling"),
        ({"pd": float("nan"), "pfa": 1e-6}, "pd"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        required_snr_db(**kwargs)
