"""The engine's line of sight over terrain and its noise jamming."""

from __future__ import annotations

import math

import numpy as np
import pytest
from affine import Affine
from scipy import stats

from iads.errors import InputError
from iads.scenario.compile import compile_scenario, load_scenario
from tests.engine.scenarios import (
    base,
    compiled,
    first_look_scenario,
    north_of,
    replace_radars,
    replace_threats,
    run,
    write,
)
from tests.terrain.helpers import UTM36N, write_geotiff

BOLTZMANN = 1.380649e-23
LIGHT = 299_792_458.0
KM_PER_DEG_LON_40N = 111.0 * math.cos(math.radians(40.0))


def _at(east_km: float, north_km: float, alt_m: float) -> dict[str, float]:
    p = north_of(north_km, alt_m)
    return dict(p, lon_deg=33.0 + east_km / KM_PER_DEG_LON_40N)


def _ridge_dem(tmp_path, height_m: float) -> str:
    """60 km x 60 km around the origin (UTM 36N, 200 m cells), a ridge 20 km north of it."""
    cell = 200.0
    # UTM 36N: the origin (40 N, 33 E) is on the central meridian, northing ~4 428 km.
    transform = Affine(cell, 0.0, 470_000.0, 0.0, -cell, 4_458_000.0)
    z = np.zeros((300, 300))
    ridge_row = int((4_458_000.0 - (4_428_236.0 + 20_000.0)) / cell)
    z[ridge_row : ridge_row + 3, :] = height_m
    write_geotiff(tmp_path / "ridge.tif", z, transform, UTM36N)
    return "ridge.tif"


def _drone_crossing(terrain: dict | None) -> dict:
    """A drone crossing 40 km north, east to west, 100 m above the ground, behind the ridge."""
    d = base(
        duration_s=200.0,
        raid=[
            {
                "name": "low",
                "threat": "one_way_attack_drone",
                "count": 2,
                "spacing_s": 5.0,
                "target": "asset",
                "route": [_at(15.0, 40.0, 100.0), _at(-15.0, 40.0, 100.0)],
            }
        ],
    )
    if terrain is not None:
        d["terrain"] = terrain
    return d


def _detect_times(tmp_path, d: dict) -> np.ndarray:
    _, params, _ = compiled(tmp_path, d)
    huge = replace_threats(params, rcs_m2=np.full_like(params.threats.rcs_m2, 1.0e4))
    return np.asarray(run(huge, 4, seed=1, batch_size=4).detect_s)


def test_a_ridge_hides_a_low_drone_that_the_smooth_earth_shows(tmp_path):
    # Smooth Earth: an 8 m antenna sees a 100 m target to 4.12 (sqrt 8 + sqrt 100) ~ 53 km.
    assert np.all(np.isfinite(_detect_times(tmp_path, _drone_crossing(None))))
    # A 600 m ridge at 20 km casts a shadow some 1,200 m deep at 40 km: hidden throughout.
    dem = _ridge_dem(tmp_path, 600.0)
    assert np.all(np.isinf(_detect_times(tmp_path, _drone_crossing({"dem": dem}))))
    # A 30 m ridge (shadow ~60 m at 40 km) does not hide it.
    low = _ridge_dem(tmp_path, 30.0)
    assert np.all(np.isfinite(_detect_times(tmp_path, _drone_crossing({"dem": low}))))


def test_flying_above_the_ridge_shadow_is_seen(tmp_path):
    d = _drone_crossing({"dem": _ridge_dem(tmp_path, 600.0)})
    for p in d["raid"][0]["route"]:
        p["alt_m"] = 2500.0
    assert np.all(np.isfinite(_detect_times(tmp_path, d)))


def test_global_default_dem_compiles_and_masks(tmp_path):
    """The packaged ETOPO5 grid near Ankara: the masking grid holds real relief."""
    _, params, _ = compiled(tmp_path, base(terrain={"dem": "etopo5", "cell_m": 5000.0}))
    lowest = np.asarray(params.sensing.radars.terrain_lowest_m)
    assert lowest.shape[1] > 100 and lowest.shape[1] == lowest.shape[2]
    finite = lowest[np.isfinite(lowest)]
    assert finite.min() == 0.0 and finite.max() > 1000.0  # seen down to the ground, and shadows


def test_dem_not_covering_the_battery_names_the_file(tmp_path):
    dem = _ridge_dem(tmp_path, 10.0)
    d = base(terrain={"dem": dem})
    d["batteries"][0]["lat_deg"] = 41.0
    scn = load_scenario(write(tmp_path, d))
    with pytest.raises(InputError, match=r"ridge\.tif: dem: does not cover battery 'bn'"):
        compile_scenario(scn)


def test_missing_dem_names_the_file(tmp_path):
    scn = load_scenario(write(tmp_path, base(terrain={"dem": "nowhere.tif"})))
    with pytest.raises(InputError, match=r"nowhere\.tif: dem: file not found"):
        compile_scenario(scn)


# --- jamming ---------------------------------------------------------------------------------


#: Every first-look run (here and in test_engine) uses one batch size, so with or without
#: jammers they share one compiled engine (12 steps: a padded batch costs next to nothing).
_BATCH = 600


def _one_look(tmp_path, jammers: list[dict]):  # type: ignore[no-untyped-def]
    """The first-look scenario of test_engine: Pd ~ 0.5 at the 150 km cut, one radar looking."""
    scn, params, _ = compiled(tmp_path, first_look_scenario(jammers=jammers), dtype="float64")
    p = replace_radars(
        params,
        search_frame_s=np.array([1.0, 1e9]),
        track_revisit_s=np.array([np.inf, np.inf]),
        max_range_m=np.array([150_000.0, 0.0]),
    )
    return scn, p


def _jn_textbook(radar, erp_w: float, bandwidth_hz: float, range_m: float, gain_db: float) -> float:  # type: ignore[no-untyped-def]
    """J/N = ERP G_r lambda^2 / ((4 pi)^2 R^2 k T max(B_j, B_r)), written out independently."""
    lam = LIGHT / radar.frequency_hz.value
    b_r = 1.0 / radar.pulse_width_s.value
    return (
        erp_w
        * 10 ** (gain_db / 10)
        * lam**2
        / ((4 * math.pi) ** 2 * range_m**2 * BOLTZMANN * radar.system_noise_temperature_k.value)
        / max(bandwidth_hz, b_r)
    )


def test_self_screening_jammer_lowers_pd_as_snr_over_one_plus_jn(tmp_path):
    ssj = {
        "name": "pod",
        "kind": "self-screening",
        "power_w": 2.5,
        "antenna_gain_db": 0.0,
        "bandwidth_hz": 1.0e9,
        "raid_group": "f",
    }
    scn, p = _one_look(tmp_path, [ssj])
    radar = scn.catalog.radars["91N6E"]
    pfa = radar.false_alarm_probability.value
    # Choose the RCS so that the unjammed Pd at 150 km is 0.9 (Swerling 1 closed form).
    snr_coeff = float(p.sensing.radars.snr_coeff[0])
    snr90 = math.log(pfa) / math.log(0.9) - 1.0
    rcs = snr90 * 150_000.0**4 / snr_coeff
    p = replace_threats(
        p, rcs_m2=np.full_like(p.threats.rcs_m2, rcs), swerling=np.array([1], np.int32)
    )
    speed = float(p.threats.ground_speed_m_s[0])
    grid = np.linspace(150_000.0 - speed, 150_000.0, 101)
    jn = np.array([_jn_textbook(radar, 2.5, 1.0e9, r, radar.antenna_gain_db.value) for r in grid])
    snr = snr_coeff * rcs / grid**4
    expected = float(np.mean(pfa ** (1.0 / (1.0 + snr / (1.0 + jn)))))
    assert 0.2 < expected < 0.7  # the jammer matters: unjammed it would be 0.9
    n = 600
    rng = np.asarray(run(p, n, seed=5, batch_size=_BATCH).detect_range_m[:, 0])
    first_look = np.isfinite(rng) & (rng >= 150_000.0 - speed - 50.0)
    assert stats.binomtest(int(first_look.sum()), n, expected).pvalue > 1e-3


def _soj(lat_deg: float, lon_deg: float, alt_m: float, power_w: float) -> dict:
    return {
        "name": "escort",
        "kind": "stand-off",
        "power_w": power_w,
        "antenna_gain_db": 10.0,
        "bandwidth_hz": 1.0e8,
        "site": {"lat_deg": lat_deg, "lon_deg": lon_deg, "alt_m": alt_m},
    }


def test_stand_off_jammer_below_the_horizon_changes_nothing(tmp_path):
    _, clean = _one_look(tmp_path, [])
    # 400 km east at 10 m: far below the radar's horizon.
    _, hidden = _one_look(tmp_path, [_soj(40.0, 33.0 + 400 / KM_PER_DEG_LON_40N, 10.0, 1e4)])
    a = np.asarray(run(clean, 64, seed=2, batch_size=_BATCH).detect_range_m)
    b = np.asarray(run(hidden, 64, seed=2, batch_size=_BATCH).detect_range_m)
    np.testing.assert_array_equal(a, b)


def test_main_beam_jammer_hurts_more_than_a_sidelobe_one(tmp_path):
    """Same jammer, same range: behind the target (main beam) vs 90 degrees off (sidelobes)."""

    def detections(site: tuple[float, float]) -> float:
        _, p = _one_look(tmp_path, [_soj(*site, 15_000.0, 50.0)])
        p = replace_radars(p, max_range_m=np.array([400_000.0, 0.0]))
        return float(np.isfinite(run(p, 200, seed=4, batch_size=_BATCH).detect_s).mean())

    # 250 km north at 15 km: within a few hundredths of a degree of the target's direction.
    behind = detections((40.0 + 250 / 111.0, 33.0))
    aside = detections((40.0, 33.0 + 250 / KM_PER_DEG_LON_40N))  # 250 km east
    _, clean = _one_look(tmp_path, [])
    clean = replace_radars(clean, max_range_m=np.array([400_000.0, 0.0]))
    none = float(np.isfinite(run(clean, 200, seed=4, batch_size=_BATCH).detect_s).mean())
    assert behind < aside <= none
    assert behind < 0.5 * none


def test_unknown_raid_group_for_a_self_screening_jammer(tmp_path):
    jam = {
        "name": "pod",
        "kind": "self-screening",
        "power_w": 10.0,
        "antenna_gain_db": 0.0,
        "bandwidth_hz": 1e8,
        "raid_group": "nobody",
    }
    with pytest.raises(InputError, match=r"jammers\[0\]\.raid_group: unknown raid group 'nobody'"):
        load_scenario(write(tmp_path, base(jammers=[jam])))


def test_stand_off_jammer_without_a_site_is_refused(tmp_path):
    jam = {
        "name": "x",
        "kind": "stand-off",
        "power_w": 10.0,
        "antenna_gain_db": 0.0,
        "bandwidth_hz": 1e8,
    }
    with pytest.raises(InputError, match=r"jammers\[0\]: a stand-off jammer needs a site"):
        load_scenario(write(tmp_path, base(jammers=[jam])))


def test_terrain_cell_is_honoured_and_a_too_fine_one_is_refused(tmp_path):
    dem = _ridge_dem(tmp_path, 10.0)
    _, params, _ = compiled(tmp_path, base(terrain={"dem": dem, "cell_m": 2000.0}))
    assert float(params.sensing.radars.terrain_grid_m[2]) == pytest.approx(2000.0, rel=1e-3)
    # The 91N6E reaches 600 km: 10 m cells would need a grid of some 120,000 cells across.
    scn = load_scenario(write(tmp_path, base(terrain={"dem": dem, "cell_m": 10.0})))
    with pytest.raises(InputError, match=r"terrain\.cell_m: 10 m needs a \d+ x \d+ grid"):
        compile_scenario(scn)


def test_stand_off_jammer_beyond_a_radars_range_still_jams_it_over_terrain(tmp_path):
    """A jammer 450 km east, high up: beyond the 92N6E's range but well above the horizon.
    Over a sea-level-flat DEM its J/N must be what it is without terrain, for both radars."""
    import jax.numpy as jnp

    from iads.sensing.base import SensingInputs
    from iads.sensing.detect import jamming_noise_ratio

    soj = _soj(40.0, 33.0 + 450 / KM_PER_DEG_LON_40N, 15_000.0, 50.0)
    d = base(jammers=[soj])
    _, plain, _ = compiled(tmp_path, d)
    _, hilly, _ = compiled(tmp_path, dict(d, terrain={"dem": _ridge_dem(tmp_path, 0.0)}))
    assert np.isinf(
        np.asarray(hilly.sensing.radars.terrain_lowest_m)
    ).any()  # out of some radar's range
    target = jnp.asarray(plain.sensing.radars.pos_m[:1]) + jnp.asarray([[0.0, 100_000.0, 8_000.0]])
    on = jnp.asarray([True])

    def jn(p):  # type: ignore[no-untyped-def]
        tp = p.threats
        inputs = SensingInputs(
            t_s=0.0,
            kin=None,
            alive=on,
            tracked=on,
            rcs_m2=tp.rcs_m2,
            swerling=tp.swerling,
            ssj_erp_w=tp.ssj_erp_w[:1],
            ssj_bandwidth_hz=tp.ssj_bandwidth_hz[:1],
            radar_out=jnp.zeros(p.sensing.radars.valid.shape, bool),
        )
        return np.asarray(jamming_noise_ratio(p.sensing, inputs, target, on))

    a, b = jn(plain), jn(hilly)
    assert np.all(a > 0)
    np.testing.assert_allclose(b, a, rtol=1e-6)
