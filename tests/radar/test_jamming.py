"""Noise jamming: S/J and burn-through range (iads.radar.jamming)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.radar.jamming import burn_through_range_m, signal_to_jamming_db

RADAR = dict(
    peak_power_w=1e6,
    antenna_gain_db=40.0,
    rcs_m2=5.0,
    jammer_gain_db=10.0,
    receiver_bandwidth_hz=1e6,
    jammer_bandwidth_hz=100e6,
)


def test_self_screening_sj_written_out_by_hand():
    # S/J = Pt Gt sigma Bj / (4 pi Pj Gj R^2 Br), all linear.
    pj, r = 100.0, 50e3
    expected = 1e6 * 1e4 * 5.0 * 100e6 / (4 * math.pi * pj * 10.0 * r**2 * 1e6)
    got = signal_to_jamming_db(range_m=r, jammer_power_w=pj, **RADAR)
    assert float(got) == pytest.approx(10 * math.log10(expected), abs=1e-9)


def test_stand_off_sj_written_out_by_hand():
    pj, r, rj, g_sl = 1000.0, 80e3, 150e3, 10 ** (-0.5)  # a -5 dBi sidelobe
    expected = 1e6 * 1e4 * 1e4 * 5.0 * rj**2 * 100e6 / (4 * math.pi * pj * 10.0 * g_sl * r**4 * 1e6)
    got = signal_to_jamming_db(
        range_m=r, jammer_power_w=pj, jammer_range_m=rj, gain_towards_jammer_db=-5.0, **RADAR
    )
    assert float(got) == pytest.approx(10 * math.log10(expected), abs=1e-9)


@pytest.mark.parametrize("stand_off", [False, True])
def test_sj_at_the_burn_through_range_equals_the_required_ratio(stand_off):
    extra = {"jammer_range_m": 120e3, "gain_towards_jammer_db": -3.0} if stand_off else {}
    r_bt = burn_through_range_m(13.0, jammer_power_w=50.0, **RADAR, **extra)
    sj = signal_to_jamming_db(range_m=r_bt, jammer_power_w=50.0, **RADAR, **extra)
    assert float(sj) == pytest.approx(13.0, abs=1e-9)
    inside = signal_to_jamming_db(range_m=0.9 * r_bt, jammer_power_w=50.0, **RADAR, **extra)
    assert float(inside) > 13.0


@settings(max_examples=50, deadline=None)
@given(pj=st.floats(1.0, 1e4), factor=st.floats(1.5, 100.0))
def test_self_screening_burn_through_scales_as_inverse_sqrt_of_jammer_power(pj, factor):
    r1 = burn_through_range_m(10.0, jammer_power_w=pj, **RADAR)
    r2 = burn_through_range_m(10.0, jammer_power_w=pj * factor, **RADAR)
    assert float(r2 / r1) == pytest.approx(factor**-0.5, rel=1e-9)


@settings(max_examples=50, deadline=None)
@given(pj=st.floats(1.0, 1e4), factor=st.floats(1.5, 100.0))
def test_stand_off_burn_through_scales_as_inverse_fourth_root_of_jammer_power(pj, factor):
    extra = {"jammer_range_m": 100e3, "gain_towards_jammer_db": -10.0}
    r1 = burn_through_range_m(10.0, jammer_power_w=pj, **RADAR, **extra)
    r2 = burn_through_range_m(10.0, jammer_power_w=pj * factor, **RADAR, **extra)
    assert float(r2 / r1) == pytest.approx(factor**-0.25, rel=1e-9)


def test_a_jammer_narrower_than_the_receiver_puts_all_its_power_in():
    narrow = dict(RADAR, jammer_bandwidth_hz=0.5e6)
    same = dict(RADAR, jammer_bandwidth_hz=1e6)
    a = signal_to_jamming_db(range_m=1e4, jammer_power_w=10.0, **narrow)
    b = signal_to_jamming_db(range_m=1e4, jammer_power_w=10.0, **same)
    assert float(a) == pytest.approx(float(b))


@pytest.mark.parametrize(
    "name", ["peak_power_w", "rcs_m2", "range_m", "jammer_power_w", "receiver_bandwidth_hz"]
)
@pytest.mark.parametrize("bad", [-1.0, 0.0, float("nan")])
def test_bad_powers_and_ranges_raise_value_error_naming_the_argument(name, bad):
    args = dict(RADAR, range_m=1e4, jammer_power_w=10.0)
    args[name] = bad
    with pytest.raises(ValueError, match=name):
        signal_to_jamming_db(**args)


def test_arrays_broadcast():
    r = np.array([10e3, 20e3, 40e3])
    sj = signal_to_jamming_db(range_m=r, jammer_power_w=10.0, **RADAR)
    assert sj.shape == (3,)
    assert np.allclose(np.diff(sj), -20 * math.log10(2))  # S/J ~ R^-2 for self-screening


@settings(max_examples=30, deadline=None)
@given(
    r=st.floats(1e3, 5e5),
    pj=st.floats(1e-2, 1e4),
    bj=st.floats(1e5, 1e10),
    loss_db=st.floats(0.0, 10.0),
    f=st.floats(1e8, 1e10),
)
def test_engine_jn_and_the_sj_closed_form_are_one_physics(r, pj, bj, loss_db, f):
    """The engine's J/N (jamming_to_noise) and S/J agree: S/J = SNR / (J/N) for one pulse
    of width 1 / B_r, whatever the temperature, frequency and losses."""
    from iads.radar.equation import snr_linear
    from iads.radar.jamming import jamming_to_noise

    b_r, temp = 1e6, 500.0
    snr = snr_linear(1e6, 1.0 / b_r, 1, 40.0, f, 5.0, temp, loss_db, r, xp=np)
    jn = jamming_to_noise(pj * 10.0, bj, 40.0, f, temp, b_r, r, xp=np)
    sj = signal_to_jamming_db(
        **(RADAR | {"jammer_bandwidth_hz": bj}),
        range_m=r,
        jammer_power_w=pj,
        radar_losses_db=loss_db,
    )
    assert 10 * math.log10(snr / jn) == pytest.approx(float(sj), abs=1e-9)
