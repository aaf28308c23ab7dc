"""Band- and aspect-dependent RCS in the sensing stage (iads.sensing.detect)."""

from __future__ import annotations

import numpy as np
import pytest

from iads.catalog import load_catalog
from iads.catalog.base import ASPECTS, BANDS, band_of
from iads.sensing.detect import aspect_index, rcs_seen_m2

RADAR = np.array([[0.0, 0.0, 10.0]])


@pytest.mark.parametrize(
    ("velocity", "aspect"),
    [
        ([-250.0, 0.0, 0.0], "nose"),  # flying straight at the radar
        ([250.0, 0.0, 0.0], "tail"),  # flying straight away
        ([0.0, 250.0, 0.0], "side"),  # crossing
        ([-200.0, 210.0, 0.0], "side"),  # 46 deg off the nose
        ([-210.0, 200.0, 0.0], "nose"),  # 44 deg off the nose
        ([0.0, 0.0, 0.0], "nose"),  # not moving (before launch)
    ],
)
def test_aspect_sector_follows_the_angle_between_heading_and_radar(velocity, aspect):
    threat = np.array([[50e3, 0.0, 10.0]])
    got = np.asarray(aspect_index(threat, np.array([velocity]), RADAR))
    assert ASPECTS[int(got[0, 0])] == aspect


def test_band_of_frequency_uses_ieee_letter_bands():
    freqs = (150e6, 450e6, 1.3e9, 3e9, 5.5e9, 10e9, 15e9, 24e9, 35e9, 94e9)
    assert [band_of(f) for f in freqs] == [
        "VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka", "Ka"
    ]  # fmt: skip
    # band edges belong to the band above (IEEE 521: X is 8-12 GHz)
    assert (band_of(8e9), band_of(12e9), band_of(27e9)) == ("X", "Ku", "Ka")


def test_a_ka_seeker_is_not_x_band_and_uhf_follows_the_vhf_factor():
    f35 = load_catalog().threats["f35_class"]
    factors = dict(zip(BANDS, f35.band_factors(), strict=True))
    assert factors["UHF"] == factors["VHF"] == f35.rcs_band_factor["VHF"].value
    assert factors["Ka"] == factors["Ku"] == factors["X"] == 1.0
    assert BANDS.index(band_of(35e9)) != BANDS.index("X")


def test_low_observable_fighter_is_harder_to_see_for_x_band_than_for_low_bands():
    f35 = load_catalog().threats["f35_class"].rcs_table_m2()
    nose = [row[0] for row in f35][: BANDS.index("X") + 1]  # by band, VHF .. X
    assert nose == sorted(nose, reverse=True)
    assert nose[BANDS.index("L")] / nose[BANDS.index("X")] >= 30
    f16 = load_catalog().threats["f16_class"].rcs_table_m2()
    # A conventional fighter changes little between L and X band.
    assert 0.5 <= f16[BANDS.index("L")][0] / f16[BANDS.index("X")][0] <= 2.0


def test_rcs_seen_gathers_band_and_aspect_per_radar_and_threat():
    table = np.arange(2 * 5 * 3, dtype=float).reshape(2, 5, 3)  # [J, band, aspect], 5 bands
    band = np.array([4, 2])  # X, S radars
    aspect = np.array([[0, 2], [1, 0]])  # [D, J]
    got = np.asarray(rcs_seen_m2(table, band, aspect))
    assert got.tolist() == [[table[0, 4, 0], table[1, 4, 2]], [table[0, 2, 1], table[1, 2, 0]]]
