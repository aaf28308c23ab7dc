"""``snr_db``: the radar range equation in dB, monostatic and bistatic, with checked arguments.

Known answer: MathWorks Radar Toolbox, ``radareqsnr`` "Compute SNR for Bistatic Radar",
https://uk.mathworks.com/help/radar/ref/radareqsnr.html: a target of 1 m^2 at 50 km from the
transmitter and 75 km from the receiver, 10 GHz (``lambda = physconst('LightSpeed') / fc``),
1 MW peak power, 1 us pulse, transmit gain 40 dB, receive gain 20 dB, default system temperature
290 K and no loss: printed SNR = 9.0547 dB. (The page's two monostatic examples are checked
against ``snr_linear`` in test_radar_equation.py; here ``snr_db`` is shown to be the same code
path.) The toolbox computes SNR = Pt tau Gt Gr lambda^2 sigma / ((4 pi)^3 k Ts L Rt^2 Rr^2),
our equation with one pulse.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.radar.equation import snr_db, snr_linear
from iads.units import SPEED_OF_LIGHT_M_S

RADAR = dict(
    peak_power_w=1e6,
    pulse_width_s=1e-6,
    transmit_gain_db=35.0,
    rcs_m2=1.0,
    system_noise_temperature_k=500.0,
    frequency_hz=3e9,
    losses_db=4.0,
)
RANGE = st.floats(1e3, 1e6)


def test_bistatic_snr_reproduces_matlab_radareqsnr_example() -> None:
    snr = snr_db(
        1e6,
        1e-6,
        40.0,
        1.0,
        290.0,
        transmitter_range_m=50e3,
        receiver_range_m=75e3,
        receive_gain_db=20.0,
        wavelength_m=SPEED_OF_LIGHT_M_S / 10e9,
        xp=np,
    )
    assert float(snr) == pytest.approx(9.0547, abs=5e-5)


@settings(max_examples=100, deadline=None)
@given(
    range_m=RANGE,
    gain_db=st.floats(0.0, 45.0),
    rcs_m2=st.floats(1e-3, 1e3),
    pulses=st.integers(1, 64),
    losses_db=st.floats(0.0, 20.0),
)
def test_monostatic_snr_db_is_ten_log10_of_snr_linear(
    range_m: float, gain_db: float, rcs_m2: float, pulses: int, losses_db: float
) -> None:
    linear = snr_linear(1e6, 1e-6, pulses, gain_db, 3e9, rcs_m2, 500.0, losses_db, range_m, xp=np)
    got = snr_db(
        1e6,
        1e-6,
        gain_db,
        rcs_m2,
        500.0,
        range_m=range_m,
        frequency_hz=3e9,
        pulses_integrated=pulses,
        losses_db=losses_db,
        xp=np,
    )
    assert float(got) == pytest.approx(10.0 * math.log10(float(linear)), abs=1e-10)


@settings(max_examples=100, deadline=None)
@given(range_m=RANGE, factor=st.floats(0.1, 10.0))
def test_monostatic_snr_falls_as_range_to_the_fourth(range_m: float, factor: float) -> None:
    near = snr_db(**RADAR, range_m=range_m, xp=np)
    far = snr_db(**RADAR, range_m=factor * range_m, xp=np)
    assert float(near - far) == pytest.approx(40.0 * math.log10(factor), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(tx_range=RANGE, rx_range=RANGE, factor=st.floats(0.1, 10.0))
def test_bistatic_snr_falls_as_each_leg_squared(
    tx_range: float, rx_range: float, factor: float
) -> None:
    base = snr_db(**RADAR, transmitter_range_m=tx_range, receiver_range_m=rx_range, xp=np)
    tx_far = snr_db(
        **RADAR, transmitter_range_m=factor * tx_range, receiver_range_m=rx_range, xp=np
    )
    rx_far = snr_db(
        **RADAR, transmitter_range_m=tx_range, receiver_range_m=factor * rx_range, xp=np
    )
    assert float(base - tx_far) == pytest.approx(20.0 * math.log10(factor), abs=1e-9)
    assert float(base - rx_far) == pytest.approx(20.0 * math.log10(factor), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(range_m=RANGE, gain_db=st.floats(0.0, 45.0))
def test_bistatic_with_equal_legs_and_gains_is_monostatic(range_m: float, gain_db: float) -> None:
    radar = {**RADAR, "transmit_gain_db": gain_db}
    mono = snr_db(**radar, range_m=range_m, xp=np)
    bi = snr_db(
        **radar,
        receive_gain_db=gain_db,
        transmitter_range_m=range_m,
        receiver_range_m=range_m,
        xp=np,
    )
    assert float(bi) == pytest.approx(float(mono), abs=1e-10)


@settings(max_examples=100, deadline=None)
@given(range_m=RANGE, tx_db=st.floats(-10.0, 45.0), rx_db=st.floats(-10.0, 45.0))
def test_snr_rises_by_each_gain_in_db_and_receive_gain_defaults_to_transmit(
    range_m: float, tx_db: float, rx_db: float
) -> None:
    radar = {k: v for k, v in RADAR.items() if k != "transmit_gain_db"}
    both = snr_db(**radar, transmit_gain_db=tx_db, receive_gain_db=rx_db, range_m=range_m, xp=np)
    unit = snr_db(**radar, transmit_gain_db=0.0, receive_gain_db=0.0, range_m=range_m, xp=np)
    assert float(both - unit) == pytest.approx(tx_db + rx_db, abs=1e-9)
    default = snr_db(**radar, transmit_gain_db=tx_db, range_m=range_m, xp=np)
    assert float(default - unit) == pytest.approx(2.0 * tx_db, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(rcs_m2=st.floats(1e-3, 1e2), factor=st.floats(0.01, 100.0), threshold_db=st.floats(0, 20))
def test_detection_range_grows_as_the_fourth_root_of_rcs(
    rcs_m2: float, factor: float, threshold_db: float
) -> None:
    """Range at which SNR reaches a threshold: R = R0 10^((SNR(R0) - threshold) / 40)."""
    radar = {k: v for k, v in RADAR.items() if k != "rcs_m2"}

    def detection_range_m(rcs: float) -> float:
        at_100_km = float(snr_db(**radar, rcs_m2=rcs, range_m=100e3, xp=np))
        return 100e3 * 10.0 ** ((at_100_km - threshold_db) / 40.0)

    ratio = detection_range_m(factor * rcs_m2) / detection_range_m(rcs_m2)
    assert ratio == pytest.approx(factor**0.25, rel=1e-10)


def test_wavelength_and_frequency_give_the_same_snr() -> None:
    radar = {k: v for k, v in RADAR.items() if k != "frequency_hz"}
    by_f = snr_db(**radar, frequency_hz=3e9, range_m=80e3, xp=np)
    by_lambda = snr_db(**radar, wavelength_m=SPEED_OF_LIGHT_M_S / 3e9, range_m=80e3, xp=np)
    assert float(by_lambda) == pytest.approx(float(by_f), abs=1e-12)


def test_integrating_n_pulses_adds_ten_log10_n() -> None:
    one = snr_db(**RADAR, range_m=150e3, xp=np)
    many = snr_db(**RADAR, range_m=150e3, pulses_integrated=16, xp=np)
    assert float(many - one) == pytest.approx(10.0 * math.log10(16.0), abs=1e-12)


def test_snr_db_runs_under_jit_and_broadcasts_like_numpy() -> None:
    ranges = np.array([[50e3], [100e3]])
    rx = np.array([40e3, 80e3, 120e3])

    @jax.jit
    def jitted(tx_m, rx_m):
        return snr_db(
            **RADAR, receive_gain_db=30.0, transmitter_range_m=tx_m, receiver_range_m=rx_m
        )

    got = jitted(jnp.asarray(ranges), jnp.asarray(rx))
    want = snr_db(
        **RADAR, receive_gain_db=30.0, transmitter_range_m=ranges, receiver_range_m=rx, xp=np
    )
    assert got.shape == (2, 3)
    np.testing.assert_allclose(np.asarray(got), want, atol=1e-10)


# --- Failure cases ----------------------------------------------------------------------------

POSITIVE_ARGUMENTS = [
    "peak_power_w",
    "pulse_width_s",
    "rcs_m2",
    "system_noise_temperature_k",
    "frequency_hz",
    "range_m",
    "pulses_integrated",
]


@pytest.mark.parametrize("name", POSITIVE_ARGUMENTS)
@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_non_positive_or_non_finite_argument_raises_value_error_naming_it(
    name: str, bad: float
) -> None:
    kw = {**RADAR, "range_m": 100e3, name: bad}
    with pytest.raises(ValueError, match=f"{name} must be positive"):
        snr_db(**kw, xp=np)


@pytest.mark.parametrize("name", ["transmitter_range_m", "receiver_range_m"])
def test_bad_bistatic_range_raises_value_error_naming_the_leg(name: str) -> None:
    kw = {"transmitter_range_m": 50e3, "receiver_range_m": 75e3, name: np.array([1e3, -1e3])}
    with pytest.raises(ValueError, match=f"{name} must be positive and finite, got -1000.0"):
        snr_db(**RADAR, **kw, xp=np)


@pytest.mark.parametrize("name", ["transmit_gain_db", "receive_gain_db", "losses_db"])
def test_nan_gain_or_loss_raises_value_error_naming_it(name: str) -> None:
    kw = {**RADAR, "range_m": 100e3, name: math.nan}
    with pytest.raises(ValueError, match=f"{name} must be finite"):
        snr_db(**kw, xp=np)


def test_wavelength_is_checked_and_concrete_jax_arrays_are_checked_too() -> None:
    radar = {k: v for k, v in RADAR.items() if k != "frequency_hz"}
    with pytest.raises(ValueError, match="wavelength_m must be positive"):
        snr_db(**radar, wavelength_m=-0.1, range_m=100e3, xp=np)
    with pytest.raises(ValueError, match="range_m must be positive"):
        snr_db(**RADAR, range_m=jnp.asarray([1e3, jnp.nan]))


@pytest.mark.parametrize(
    "ranges",
    [
        {},
        {"range_m": 1e3, "transmitter_range_m": 1e3, "receiver_range_m": 1e3},
        {"transmitter_range_m": 1e3},
        {"receiver_range_m": 1e3},
    ],
)
def test_range_must_be_monostatic_or_both_bistatic_legs(ranges: dict) -> None:
    with pytest.raises(ValueError, match="range_m"):
        snr_db(**RADAR, **ranges, xp=np)


def test_exactly_one_of_frequency_and_wavelength() -> None:
    with pytest.raises(ValueError, match="frequency_hz and wavelength_m"):
        snr_db(**RADAR, wavelength_m=0.1, range_m=1e3, xp=np)
    radar = {k: v for k, v in RADAR.items() if k != "frequency_hz"}
    with pytest.raises(ValueError, match="frequency_hz and wavelength_m"):
        snr_db(**radar, range_m=1e3, xp=np)
