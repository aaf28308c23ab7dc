"""Coverage products: the covered radius is the radar equation's range or the 4/3-Earth horizon.

Known answers from outside our code: the radar range equation solved in closed form for the
range, the Swerling 1 single-look required SNR ln(1/P_fa)/ln(1/P_d) - 1, and the horizon
sqrt(2 k R h_r) + sqrt(2 k R h_t), all computed here from the catalog figures.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.radar.coverage import (
    CoverageRequest,
    combine,
    coverage_grid,
    coverage_radars,
    detection_range_m,
    ground_range_grid_m,
    horizontal_coverage,
    required_snr,
    vertical_coverage,
)
from iads.scenario.compile import load_scenario
from tests.engine.scenarios import base, write

K = 4.0 / 3.0
EARTH_RADIUS_M = 6_371_000.0
BOLTZMANN_J_K = 1.380649e-23
SPEED_OF_LIGHT_M_S = 299_792_458.0
CELL_M = 2500.0


def closed_form_detection_range_m(radar, rcs_m2: float, pd: float) -> float:  # type: ignore[no-untyped-def]
    """R = (P tau n G^2 lambda^2 sigma / ((4 pi)^3 k T L SNR))^(1/4), SNR for Swerling 1."""
    snr = math.log(1.0 / radar.false_alarm_probability.value) / math.log(1.0 / pd) - 1.0
    gain = 10.0 ** (radar.antenna_gain_db.value / 10.0)
    loss = 10.0 ** (radar.losses_db.value / 10.0)
    lam = SPEED_OF_LIGHT_M_S / radar.frequency_hz.value
    num = (
        radar.peak_power_w.value
        * radar.pulse_width_s.value
        * radar.pulses_integrated.value
        * gain**2
        * lam**2
        * rcs_m2
    )
    den = (4.0 * math.pi) ** 3 * BOLTZMANN_J_K * radar.system_noise_temperature_k.value * loss
    return (num / (den * snr)) ** 0.25


def four_thirds_horizon_m(radar_height_m: float, target_height_m: float) -> float:
    kr = K * EARTH_RADIUS_M
    return math.sqrt(2.0 * kr * radar_height_m) + math.sqrt(2.0 * kr * target_height_m)


@pytest.fixture(scope="module")
def sea_level(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One S-400 battery at the scenario origin, no terrain; its grid at 2.5 km cells."""
    scn = load_scenario(write(tmp_path_factory.mktemp("cov"), base()))
    radars = coverage_radars(scn)
    grid = coverage_grid(scn, radars, CELL_M)
    return scn, radars, grid


def _covered_radius_check(sea_level, request, expected_m, d=0):  # type: ignore[no-untyped-def]
    _, radars, grid = sea_level
    radar = radars[d]
    cov = horizontal_coverage(grid, d, radar, request)
    dist = ground_range_grid_m(grid, radar.east_m, radar.north_m)
    tol = 2.0 * grid.cell_m
    # Everything well inside the radius is covered (beyond the cone of silence overhead) ...
    inner = (dist > 10_000.0) & (dist < expected_m - tol)
    assert cov.covered[inner].all(), int((~cov.covered[inner]).sum())
    # ... nothing beyond it is, and the edge is within two cells of the expected radius.
    assert not cov.covered[dist > expected_m + tol].any()
    assert abs(dist[cov.covered].max() - expected_m) < tol
    return cov


def test_covered_radius_high_up_is_the_free_space_detection_range(sea_level):
    scn, radars, _ = sea_level
    surveillance = scn.catalog.radars[radars[0].radar]
    expected = closed_form_detection_range_m(surveillance, rcs_m2=0.1, pd=0.5)
    # 190 km, inside the 237 km horizon at 3 km and the 600 km instrumented range
    assert expected < four_thirds_horizon_m(radars[0].antenna_height_m, 3000.0)
    assert detection_range_m(radars[0], 0.1, 0.5, 1) == pytest.approx(expected, rel=1e-9)
    _covered_radius_check(sea_level, CoverageRequest(altitude_m=3000.0, rcs_m2=0.1), expected)


def test_covered_radius_low_down_is_the_four_thirds_earth_horizon(sea_level):
    _, radars, _ = sea_level
    expected = four_thirds_horizon_m(radars[0].antenna_height_m, 100.0)  # 52.9 km
    assert detection_range_m(radars[0], 10.0, 0.5, 1) > 5 * expected
    _covered_radius_check(sea_level, CoverageRequest(altitude_m=100.0, rcs_m2=10.0), expected)


def test_required_snr_for_swerling_1_is_the_closed_form():
    assert required_snr(0.5, 1e-6, 1) == pytest.approx(math.log(1e6) / math.log(2.0) - 1.0)
    assert required_snr(0.9, 1e-4, 1) == pytest.approx(math.log(1e4) / math.log(1 / 0.9) - 1.0)


def _area(sea_level, altitude_m: float, rcs_m2: float) -> int:  # type: ignore[no-untyped-def]
    _, radars, grid = sea_level
    return int(
        horizontal_coverage(grid, 0, radars[0], CoverageRequest(altitude_m, rcs_m2)).covered.sum()
    )


def test_covered_area_grows_with_altitude_while_the_horizon_limits_it(sea_level):
    areas = [_area(sea_level, h, 10.0) for h in (0.0, 50.0, 200.0, 1000.0, 5000.0)]
    assert areas == sorted(areas) and len(set(areas)) == len(areas), areas


def test_covered_area_stops_growing_with_altitude_once_range_limits_it(sea_level):
    _, radars, grid = sea_level
    r_d = detection_range_m(radars[0], 0.1, 0.5, 1)
    disc = math.pi * r_d**2 / grid.cell_m**2
    at_10, at_20 = _area(sea_level, 10_000.0, 0.1), _area(sea_level, 20_000.0, 0.1)
    assert at_20 <= at_10
    assert at_10 == pytest.approx(disc, rel=0.04) and at_20 == pytest.approx(disc, rel=0.04)


@settings(max_examples=25, deadline=None)
@given(
    rcs=st.floats(1e-3, 100.0),
    factor=st.floats(1.0, 100.0),
    altitude=st.floats(0.0, 30_000.0),
)
def test_a_larger_rcs_is_seen_everywhere_a_smaller_one_is(sea_level, rcs, factor, altitude):
    _, radars, grid = sea_level
    small = horizontal_coverage(grid, 0, radars[0], CoverageRequest(altitude, rcs)).covered
    large = horizontal_coverage(grid, 0, radars[0], CoverageRequest(altitude, rcs * factor)).covered
    assert not (small & ~large).any()


def test_lowest_altitude_beyond_the_horizon_is_the_four_thirds_earth_drop(sea_level):
    _, radars, grid = sea_level
    radar = radars[0]
    cov = horizontal_coverage(grid, 0, radar, CoverageRequest(1000.0, 10.0))
    dist = ground_range_grid_m(grid, radar.east_m, radar.north_m)
    kr = K * EARTH_RADIUS_M
    radar_horizon = math.sqrt(2.0 * kr * radar.antenna_height_m)
    for s in (100e3, 200e3, 300e3, 400e3):
        ring = np.abs(dist - s) < 0.5 * grid.cell_m
        expected = (dist[ring] - radar_horizon) ** 2 / (2.0 * kr)
        got = cov.lowest_altitude_m[ring]
        # the line-of-sight grid puts the radar at its cell's centre: up to 0.71 cell off
        slope = (s - radar_horizon) / kr
        np.testing.assert_allclose(got, expected, atol=0.75 * grid.cell_m * slope + 5.0)


def test_lowest_altitude_is_where_coverage_begins(sea_level):
    """covered(H) is exactly "lowest altitude <= H" while H stays below the upper limits."""
    _, radars, grid = sea_level
    radar = radars[0]
    dist = ground_range_grid_m(grid, radar.east_m, radar.north_m)
    lowest = horizontal_coverage(grid, 0, radar, CoverageRequest(0.0, 10.0)).lowest_altitude_m
    away = (dist > 10_000.0) & (dist < 500_000.0)  # clear of the cone of silence and range edge
    for h in (30.0, 300.0, 3000.0):
        covered = horizontal_coverage(grid, 0, radar, CoverageRequest(h, 10.0)).covered
        with np.errstate(invalid="ignore"):
            expected = lowest <= h
        differ = away & (covered != expected)
        assert not differ.any() or np.all(np.abs(lowest[differ] - h) < 0.01 * h)


def test_combined_is_the_union_of_the_radars_and_the_lowest_of_their_altitudes(sea_level):
    _, radars, grid = sea_level
    request = CoverageRequest(2000.0, 0.5)
    per = [horizontal_coverage(grid, d, r, request) for d, r in enumerate(radars)]
    union = combine(per)
    np.testing.assert_array_equal(union.covered, per[0].covered | per[1].covered)
    np.testing.assert_array_equal(
        union.lowest_altitude_m, np.fmin(*[p.lowest_altitude_m for p in per])
    )
    assert union.covered.sum() > max(p.covered.sum() for p in per) - 1


def test_vertical_diagram_contour_is_the_horizon_low_and_the_free_space_range_high(sea_level):
    _, radars, _ = sea_level
    radar = radars[0]
    request = CoverageRequest(100.0, 0.1)
    vert = vertical_coverage(radar, request)
    r_d = closed_form_detection_range_m(_catalog_radar(sea_level, 0), 0.1, 0.5)
    assert vert.detection_range_m == pytest.approx(r_d, rel=1e-9)
    step = vert.ground_range_m[1] - vert.ground_range_m[0]
    re = K * EARTH_RADIUS_M
    ra = re + radar.antenna_height_m
    for target_h in (50.0, 500.0, 5000.0, 20_000.0):
        row = int(np.argmin(np.abs(vert.height_m - target_h)))
        h = float(vert.height_m[row])
        horizon = four_thirds_horizon_m(radar.antenna_height_m, h)
        # slant range r_d at height h: law of cosines in the triangle centre, radar, target
        rb = re + h
        at_range = re * math.acos((ra**2 + rb**2 - r_d**2) / (2.0 * ra * rb))
        expected = min(horizon, at_range)
        seen = vert.ground_range_m[vert.pd[row] >= request.pd]
        assert seen.max() == pytest.approx(expected, abs=2 * step), (target_h, horizon, at_range)
    # above the 60 deg elevation limit nothing is detected, however close
    row = int(np.argmin(np.abs(vert.height_m - 50_000.0)))
    near = vert.ground_range_m < 50_000.0 / math.tan(radar.max_elevation_rad) - 2 * step
    assert near.any() and (vert.pd[row, near] == 0.0).all()


def _catalog_radar(sea_level, d):  # type: ignore[no-untyped-def]
    scn, radars, _ = sea_level
    return scn.catalog.radars[radars[d].radar]


def _signed_degrees(text: str) -> float:
    """ "32°E" -> 32.0, "3.5°W" -> -3.5."""
    return float(text[:-2]) * (-1.0 if text.endswith(("W", "S")) else 1.0)


def test_map_ticks_give_the_latitude_and_longitude_where_the_graticule_meets_the_frame(
    sea_level,
):  # type: ignore[no-untyped-def]
    from pyproj import Transformer

    from iads.radar.coverage import _draw_sites, _map_axes

    scn, radars, grid = sea_level
    fig, ax = _map_axes("title", "subtitle", grid)
    _draw_sites(ax, radars[:1], CoverageRequest(altitude_m=300.0, rcs_m2=1.0))
    fig.canvas.draw()
    origin = scn.spec.origin
    aeqd = f"+proj=aeqd +lat_0={origin.lat_deg} +lon_0={origin.lon_deg} +ellps=WGS84 +units=m"
    to_lonlat = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    west_km, bottom_km = ax.get_xlim()[0], ax.get_ylim()[0]
    x_ticks = list(zip(ax.get_xticks(), ax.get_xticklabels(), strict=True))
    y_ticks = list(zip(ax.get_yticks(), ax.get_yticklabels(), strict=True))
    assert len(x_ticks) >= 3 and len(y_ticks) >= 3
    for east_km, label in x_ticks:  # a meridian meets the bottom edge at this longitude
        assert label.get_text().endswith(("°E", "°W")), label.get_text()
        lon, _ = to_lonlat.transform(east_km * 1e3, bottom_km * 1e3)
        assert _signed_degrees(label.get_text()) == pytest.approx(lon, abs=2e-3)
    for north_km, label in y_ticks:  # a parallel meets the left edge at this latitude
        assert label.get_text().endswith(("°N", "°S")), label.get_text()
        _, lat = to_lonlat.transform(west_km * 1e3, north_km * 1e3)
        assert _signed_degrees(label.get_text()) == pytest.approx(lat, abs=2e-3)
    # Every ring is labelled with its radius: instrumented, detection and horizon.
    instrumented = f"instrumented {radars[0].instrumented_range_m / 1e3:,.0f} km"
    ring_labels = [text.get_text() for text in ax.texts]
    assert instrumented in ring_labels
    assert any(text.startswith("detection ") for text in ring_labels)
    assert any(text.startswith("horizon ") for text in ring_labels)
