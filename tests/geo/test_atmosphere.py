"""The ISA against the published tables of the U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF,
NOAA-S/T 76-1562, Table I, geometric altitude; identical to ISO 2533 below 86 km)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.geo.atmosphere import isa

# geometric altitude m: temperature K, pressure Pa, density kg/m^3, speed of sound m/s
TABLE = [
    (0.0, 288.150, 1.01325e5, 1.2250, 340.29),
    (1_000.0, 281.651, 8.9876e4, 1.1117, 336.43),
    (5_000.0, 255.676, 5.4048e4, 7.3643e-1, 320.55),
    (11_000.0, 216.774, 2.2700e4, 3.6480e-1, 295.15),
    (20_000.0, 216.650, 5.5293e3, 8.8910e-2, 295.07),
    (30_000.0, 226.509, 1.1970e3, 1.8410e-2, 301.71),
    (40_000.0, 250.350, 2.8714e2, 3.9957e-3, 317.19),
    (50_000.0, 270.650, 7.9779e1, 1.0269e-3, 329.80),
    (70_000.0, 219.585, 5.2209, 8.2829e-5, 297.06),
]


@pytest.fixture(autouse=True)
def _float64():
    with jax.enable_x64(True):
        yield


@pytest.mark.parametrize(("h", "t", "p", "rho", "a"), TABLE)
def test_isa_matches_the_1976_standard_table(h, t, p, rho, a) -> None:
    got = [float(x) for x in isa(np.float64(h))]
    assert got[0] == pytest.approx(t, abs=0.01)
    assert got[1] == pytest.approx(p, rel=2e-4)
    assert got[2] == pytest.approx(rho, rel=2e-4)
    assert got[3] == pytest.approx(a, abs=0.02)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 85_000.0), st.floats(1.0, 5_000.0))
def test_pressure_and_density_fall_with_height(h, dh) -> None:
    low, high = isa(np.array([h, h + dh]))[1:3]
    assert low[1] < low[0] and high[1] < high[0]


def test_hydrostatic_balance() -> None:
    # dp/dh = -rho g(h), g = g0 (r0 / (r0 + h))^2: the layers are the integral of this.
    h = np.linspace(100.0, 80_000.0, 400)
    dh = 1.0
    p_up, p_down = isa(h + dh)[1], isa(h - dh)[1]
    rho = isa(h)[2]
    g = 9.80665 * (6_356_766.0 / (6_356_766.0 + h)) ** 2
    assert np.allclose((p_up - p_down) / (2 * dh), -rho * g, rtol=1e-5)
