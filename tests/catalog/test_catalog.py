"""The bundled catalog: it loads, every figure is sourced, and the modelling values reproduce
the published figures they were calibrated to.

The radar equation, the Swerling-1 detection law and the missile fly-out model are written out
again here, from their textbook form, rather than imported from the engine: these tests check
the catalog's numbers against the physics, not the engine against itself.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from scipy.optimize import brentq

from iads.catalog import CATALOG_DIR, Figure, Radar, load_catalog_dir
from iads.catalog.base import band_of
from iads.errors import InputError

#: The density scale height the missiles' drag lengths were worked out with (catalog header).

SPEED_OF_LIGHT_M_S = 299_792_458.0
BOLTZMANN_J_K = 1.380649e-23


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog_dir(CATALOG_DIR)


# --------------------------------------------------------------------------------------------
# Loading and sources


def _figures(obj: Any, path: str) -> list[tuple[str, Figure]]:
    """Every Figure inside a catalog entry, with its dotted path."""
    if isinstance(obj, Figure):
        return [(path, obj)]
    if isinstance(obj, BaseModel):
        out: list[tuple[str, Figure]] = []
        for name in type(obj).model_fields:
            out += _figures(getattr(obj, name), f"{path}.{name}")
        return out
    if isinstance(obj, dict):
        return [f for k, v in obj.items() for f in _figures(v, f"{path}.{k}")]
    if isinstance(obj, list | tuple):
        return [f for i, v in enumerate(obj) for f in _figures(v, f"{path}[{i}]")]
    return []


def _all_figures(cat) -> list[tuple[str, Figure]]:  # type: ignore[no-untyped-def]
    out: list[tuple[str, Figure]] = []
    for section in ("systems", "command_posts", "radars", "launchers", "missiles", "threats"):
        for key, entry in getattr(cat, section).items():
            out += _figures(entry, f"{section}.{key}")
    return out


def test_bundled_catalog_has_the_s400_and_the_five_threat_types(catalog) -> None:  # type: ignore[no-untyped-def]
    s400 = catalog.system("S-400")
    assert s400.radars == ["91N6E", "92N6E"]
    assert catalog.fire_control_radar("S-400") == "92N6E"
    assert s400.optional_radars == ["96L6E"] and s400.masts == ["40V6M"]
    assert set(s400.missiles) >= {"48N6E3", "40N6E", "9M96E2"}
    expected = {
        "f16_class": "aircraft",
        "f35_class": "aircraft",
        "subsonic_cruise_missile": "cruise_missile",
        "srbm": "ballistic_missile",
        "one_way_attack_drone": "drone",
    }
    assert {k: catalog.threats[k].category for k in expected if k in catalog.threats} == expected
    assert catalog.threat("srbm").apogee_m is not None
    assert catalog.threat("srbm").max_range_m is not None


def test_the_tender_rivals_are_catalogued_as_systems_md_describes_them(catalog) -> None:  # type: ignore[no-untyped-def]
    # systems.md sections 2-5: each rival's engagement radar (scan, band), guidance and kill
    # mechanism as published, in the schema's terms
    fire_control = {
        "Patriot": ("MPQ-65", "sector", "C"),
        "SAMP-T": ("Arabel", "rotating", "X"),
        "HQ-9": ("HT-233", "sector", "C"),
        "S-300VM": ("9S32M", "sector", "X"),
    }
    for system, (radar, scan, band) in fire_control.items():
        assert catalog.fire_control_radar(system) == radar
        assert catalog.radars[radar].scan == scan
        assert band_of(catalog.radars[radar].frequency_hz.value) == band
    m = catalog.missiles
    assert m["GEM-T"].guidance.type == "track-via-missile"
    assert m["GEM-T"].kill_mechanism.type == "blast-fragmentation"
    for pac3 in ("PAC-3-CRI", "PAC-3-MSE"):
        assert m[pac3].guidance.type == "active" and m[pac3].guidance.seeker_band == "Ka"
        assert m[pac3].kill_mechanism.type == "hit-to-kill"
    first, second = m["PAC-3-MSE"].flight.motor  # the two-pulse motor, with a coast between
    assert second.ignition_s.value > first.ignition_s.value + first.burn_time_s.value
    assert m["Aster-30-B1"].guidance.type == "active"
    assert m["Aster-30-B1"].flight.divert_accel_m_s2.value > 0.0  # PIF-PAF lateral thrust
    assert m["FD-2000"].guidance.type == "track-via-missile"
    assert {m[k].guidance.type for k in ("9M82M", "9M83M")} == {"semi-active"}
    # only the 9M82M is given ballistic targets (systems.md 5.2: ~40 km; 9M83M: no figure)
    assert m["9M82M"].ballistic_range_m is not None and m["9M83M"].ballistic_range_m is None
    assert catalog.launchers["M903"].mixed_loads["mse_and_cri"].keys() == {
        "PAC-3-MSE",
        "PAC-3-CRI",
    }
    assert m["GEM-T"].launch_elevation_deg.value < 90.0  # the M903 launches inclined


def test_every_numeric_figure_has_a_non_empty_source(catalog) -> None:  # type: ignore[no-untyped-def]
    figures = _all_figures(catalog)
    assert len(figures) > 100  # the walk really reaches the figures
    unsourced = [path for path, fig in figures if not fig.source.strip()]
    assert unsourced == []


def test_every_kill_probability_is_a_wide_modelling_value(catalog) -> None:  # type: ignore[no-untyped-def]
    # systems.md: no credible public SSPK exists, so none may claim to be published.
    for key, missile in catalog.missiles.items():
        for category, fig in missile.kill_probability.items():
            low, high = fig.sample_bounds()
            assert fig.basis == "modelling", f"{key}.{category}"
            assert high - low >= 0.3, f"{key}.{category}: sweep range too narrow"


# --------------------------------------------------------------------------------------------
# Radar calibration: monostatic radar equation + Swerling 1, single look


def _snr(radar: Radar, range_m: float, rcs_m2: float, peak_power_w: float | None = None) -> float:
    """SNR = P tau n G^2 lambda^2 sigma / ((4 pi)^3 R^4 k T L)."""
    power = radar.peak_power_w.value if peak_power_w is None else peak_power_w
    wavelength_m = SPEED_OF_LIGHT_M_S / radar.frequency_hz.value
    gain = 10.0 ** (radar.antenna_gain_db.value / 10.0)
    losses = 10.0 ** (radar.losses_db.value / 10.0)
    signal = (
        power
        * radar.pulse_width_s.value
        * radar.pulses_integrated.value
        * gain**2
        * wavelength_m**2
        * rcs_m2
    )
    noise = (
        (4.0 * math.pi) ** 3
        * range_m**4
        * BOLTZMANN_J_K
        * radar.system_noise_temperature_k.value
        * losses
    )
    return signal / noise


def _pd_swerling1(snr: float, pfa: float) -> float:
    """Swerling 1, one look: Pd = Pfa^(1 / (1 + SNR))."""
    return pfa ** (1.0 / (1.0 + snr))


def _range_at_pd(
    radar: Radar, rcs_m2: float, pd: float, peak_power_w: float | None = None
) -> float:
    pfa = radar.false_alarm_probability.value
    return brentq(
        lambda r: _pd_swerling1(_snr(radar, r, rcs_m2, peak_power_w), pfa) - pd,
        1.0,
        1.0e8,
        xtol=1.0,
    )


def _keys(section: str) -> list[str]:
    """Keys of one catalog section, for parametrize; a broken catalog still collects."""
    try:
        return sorted(getattr(load_catalog_dir(CATALOG_DIR), section))
    except InputError:
        return ["<catalog does not load>"]


@pytest.mark.parametrize("radar_key", _keys("radars"))
def test_radar_detects_calibration_target_at_published_range_with_stated_probability(
    catalog,  # type: ignore[no-untyped-def]
    radar_key: str,
) -> None:
    radar = catalog.radars[radar_key]
    cal = radar.calibration
    pfa = radar.false_alarm_probability.value
    pd = _pd_swerling1(_snr(radar, cal.range_m.value, cal.rcs_m2.value), pfa)
    assert pd == pytest.approx(cal.detection_probability, abs=0.01)
    r_pd = _range_at_pd(radar, cal.rcs_m2.value, cal.detection_probability)
    assert r_pd == pytest.approx(cal.range_m.value, rel=0.01)


@pytest.mark.parametrize("radar_key", _keys("radars"))
def test_radar_peak_power_bounds_reproduce_calibration_range_bounds(
    catalog,  # type: ignore[no-untyped-def]
    radar_key: str,
) -> None:
    # Convention of the catalog: peak_power_w.low/high solve the calibration at
    # calibration.range_m.low/high, so sampling the power samples the published range spread.
    radar = catalog.radars[radar_key]
    cal = radar.calibration
    p_low, p_high = radar.peak_power_w.sample_bounds()
    r_low, r_high = cal.range_m.sample_bounds()
    pd = cal.detection_probability
    assert _range_at_pd(radar, cal.rcs_m2.value, pd, p_low) == pytest.approx(r_low, rel=0.01)
    assert _range_at_pd(radar, cal.rcs_m2.value, pd, p_high) == pytest.approx(r_high, rel=0.01)


def test_swerling1_closed_form_matches_known_answer() -> None:
    # Pd = 0.5 at Pfa = 1e-6 needs SNR = ln(1e-6)/ln(0.5) - 1 = 18.93 (12.77 dB).
    snr = math.log(1e-6) / math.log(0.5) - 1.0
    assert 10.0 * math.log10(snr) == pytest.approx(12.77, abs=0.01)
    assert _pd_swerling1(snr, 1e-6) == pytest.approx(0.5)
    assert _pd_swerling1(0.0, 1e-6) == pytest.approx(1e-6)


# --------------------------------------------------------------------------------------------
# Bad input: InputError naming the file and the field


def _fig(value: float, **extra: Any) -> dict[str, Any]:
    return {"value": value, "basis": "modelling", "source": "test value", **extra}


def _threat(**override: Any) -> dict[str, Any]:
    threat = {
        "name": "test threat",
        "category": "aircraft",
        "examples": "none",
        "speed_m_s": _fig(250.0),
        "cruise_altitude_m": _fig(5000.0),
        "rcs_m2": _fig(1.0),
        "swerling_case": 1,
    }
    threat.update(override)
    return threat


def _missile(**override: Any) -> dict[str, Any]:
    missile: dict[str, Any] = {
        "name": "test missile",
        "guidance": {
            "type": "command",
            "description": {"value": "command", "basis": "modelling", "source": "test value"},
            "homing_angle_noise_rad": _fig(1e-3),
            "homing_noise_floor_m": _fig(1.0),
        },
        "max_range_m": _fig(100_000.0),
        "min_range_m": _fig(1000.0),
        "max_target_altitude_m": _fig(20_000.0),
        "min_target_altitude_m": _fig(10.0),
        "max_speed_m_s": _fig(1000.0),
        "max_load_factor_g": _fig(20.0),
        "max_flight_time_s": _fig(200.0),
        "min_speed_m_s": _fig(250.0),
        "navigation_constant": _fig(4.0),
        "launch_speed_m_s": _fig(30.0),
        "launch_elevation_deg": _fig(60.0),
        "planning_altitude_m": _fig(15_000.0),
        "planning_range_fraction": _fig(0.5),
        "kill_mechanism": {
            "type": "blast-fragmentation",
            "description": {"value": "blast-frag", "basis": "modelling", "source": "test value"},
            "endgame_range_m": _fig(20.0),
            "terminal_miss_m": _fig(3.0),
            "lethal_radius_m": _fig(10.0),
        },
        "kill_probability": {
            c: _fig(0.5) for c in ("aircraft", "cruise_missile", "ballistic_missile", "drone")
        },
        "flight": _flight(),
    }
    missile.update(override)
    return missile


def _write(path: Path, doc: dict[str, Any]) -> None:
    """Write one catalog file (and, beside it, an environment file if there is none yet)."""
    path.write_text(yaml.safe_dump({"schema_version": 1, **doc}, sort_keys=False), "utf-8")
    env = path.parent / "environment.yaml"
    if not env.exists() and "environment" not in doc:
        environment = {
            "k_factor": _fig(4.0 / 3.0),
            "zero_lift_drag": {
                "mach": [0.0, 2.0],
                "cd0": [0.3, 0.3],
                "basis": "modelling",
                "source": "test",
            },
            "envelope_pass_factor": _fig(20.0),
        }
        _write(env, {"environment": environment})


def _load_error(directory: Path) -> str:
    with pytest.raises(InputError) as info:
        load_catalog_dir(directory)
    return str(info.value)


def test_minimal_valid_catalog_loads(tmp_path: Path) -> None:
    # The control for the tests below: each breaks exactly one thing in this catalog.
    _write(tmp_path / "ok.yaml", {"threats": {"t": _threat()}, "missiles": {"m": _missile()}})
    cat = load_catalog_dir(tmp_path)
    assert set(cat.threats) == {"t"}
    assert set(cat.missiles) == {"m"}


def test_figure_with_low_above_high_names_file_and_field(tmp_path: Path) -> None:
    _write(
        tmp_path / "bad_range.yaml",
        {"threats": {"t": _threat(rcs_m2=_fig(1.0, low=2.0, high=0.5))}},
    )
    msg = _load_error(tmp_path)
    assert "bad_range.yaml" in msg
    assert "threats.t.rcs_m2" in msg
    assert "low <= value <= high" in msg


def test_nan_value_names_file_and_field(tmp_path: Path) -> None:
    _write(tmp_path / "bad_nan.yaml", {"threats": {"t": _threat(speed_m_s=_fig(float("nan")))}})
    assert ".nan" in (tmp_path / "bad_nan.yaml").read_text()
    msg = _load_error(tmp_path)
    assert "bad_nan.yaml" in msg
    assert "threats.t.speed_m_s.value" in msg
    assert "finite" in msg


def test_kill_probability_above_one_names_file_and_field(tmp_path: Path) -> None:
    missile = _missile()
    missile["kill_probability"]["drone"] = _fig(1.2)
    _write(tmp_path / "bad_pk.yaml", {"missiles": {"m": missile}})
    msg = _load_error(tmp_path)
    assert "bad_pk.yaml" in msg
    assert "missiles.m.kill_probability" in msg
    assert "drone" in msg


@pytest.mark.parametrize(
    ("mechanism", "problem"),
    [
        ({"type": "blast-fragmentation", "lethal_radius_m": None}, "needs lethal_radius_m"),
        ({"type": "hit-to-kill"}, "needs hit_radius_m"),
        ({"type": "hit-to-kill", "hit_radius_m": _fig(1.0)}, "has no lethal_radius_m"),
        ({"hit_radius_m": _fig(1.0)}, "has no hit_radius_m"),
        ({"endgame_range_m": _fig(0.0)}, "endgame_range_m must be positive"),
        ({"terminal_miss_m": _fig(-1.0)}, "terminal_miss_m must not be negative"),
        ({"type": "proximity"}, "kill_mechanism.type"),
    ],
)
def test_kill_mechanism_with_the_wrong_figures_names_file_and_problem(
    tmp_path: Path, mechanism: dict[str, Any], problem: str
) -> None:
    missile = _missile()
    km = {**missile["kill_mechanism"], **mechanism}
    missile["kill_mechanism"] = {k: v for k, v in km.items() if v is not None}
    _write(tmp_path / "bad_kill.yaml", {"missiles": {"m": missile}})
    msg = _load_error(tmp_path)
    assert "bad_kill.yaml" in msg
    assert "missiles.m.kill_mechanism" in msg
    assert problem in msg


def test_launcher_with_unknown_missile_names_file_and_field(tmp_path: Path) -> None:
    launcher = {
        "name": "test launcher",
        "mobility": {"value": "towed", "basis": "modelling", "source": "test value"},
        "launch_height_m": _fig(10.0),
        "launch_interval_s": _fig(3.0),
        "missiles_per_launcher": {"m": _fig(4), "no_such_missile": _fig(4)},
    }
    _write(tmp_path / "bad_ref.yaml", {"missiles": {"m": _missile()}, "launchers": {"L": launcher}})
    msg = _load_error(tmp_path)
    assert "bad_ref.yaml" in msg
    assert "launchers.L.missiles_per_launcher" in msg
    assert "no_such_missile" in msg


def test_key_defined_in_two_files_names_both_files_and_the_key(tmp_path: Path) -> None:
    _write(tmp_path / "a_first.yaml", {"threats": {"t": _threat()}})
    _write(tmp_path / "b_second.yaml", {"threats": {"t": _threat()}})
    msg = _load_error(tmp_path)
    assert "b_second.yaml" in msg
    assert "threats.t" in msg
    assert "a_first.yaml" in msg


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "schema_version: 1\nthreats:\n  t: {name: [unclosed\n", "utf-8"
    )
    msg = _load_error(tmp_path)
    assert "broken.yaml" in msg
    assert re.search(r"line \d+, column \d+", msg)
    assert "malformed YAML" in msg


def _flight(**override: Any) -> dict[str, Any]:
    phase = {
        "ignition_s": _fig(0.5),
        "burn_time_s": _fig(10.0),
        "propellant_mass_kg": _fig(300.0),
        "isp_s": _fig(250.0),
    }
    flight: dict[str, Any] = {
        "launch_mass_kg": _fig(500.0),
        "diameter_m": _fig(0.3),
        "motor": [phase],
        "drag_scale": _fig(1.0),
        "cl_max": _fig(5.0),
        "induced_drag_factor": _fig(0.1),
        "turnover_time_s": _fig(1.0),
        "turnover_accel_m_s2": _fig(50.0),
        "divert_accel_m_s2": _fig(0.0),
        "divert_time_to_go_s": _fig(0.0),
        "loft_slope": _fig(0.3),
        "loft_start_m": _fig(20_000.0),
        "loft_ceiling_m": _fig(40_000.0),
        "endgame_min_load_factor_g": _fig(2.0),
        "guidance_time_constant_s": _fig(0.5),
    }
    flight.update(override)
    return flight


def test_a_valid_flight_block_loads(tmp_path: Path) -> None:
    _write(tmp_path / "ok.yaml", {"missiles": {"m": _missile(flight=_flight())}})
    flight = load_catalog_dir(tmp_path).missiles["m"].flight
    assert flight is not None and flight.motor[0].isp_s.value == 250.0


@pytest.mark.parametrize(
    ("flight", "field", "words"),
    [
        (_flight(launch_mass_kg=_fig(250.0)), "missiles.m.flight", "less than the launch mass"),
        (_flight(diameter_m=_fig(0.0)), "missiles.m.flight", "diameter_m must be positive"),
        (_flight(motor=[]), "missiles.m.flight.motor", "at least 1"),
        (
            _flight(motor=[{**_flight()["motor"][0], "burn_time_s": _fig(-1.0)}]),
            "missiles.m.flight.motor[0]",
            "burn_time_s must be positive",
        ),
    ],
)
def test_a_bad_flight_block_names_file_field_and_problem(
    tmp_path: Path, flight: dict[str, Any], field: str, words: str
) -> None:
    _write(tmp_path / "bad_flight.yaml", {"missiles": {"m": _missile(flight=flight)}})
    msg = _load_error(tmp_path)
    assert "bad_flight.yaml" in msg and field in msg and words in msg


def test_a_drag_table_out_of_order_is_refused(tmp_path: Path) -> None:
    table = {
        "mach": [0.0, 2.0, 1.0],
        "cd0": [0.3, 0.3, 0.3],
        "basis": "modelling",
        "source": "test",
    }
    env = {"k_factor": _fig(1.3), "zero_lift_drag": table, "envelope_pass_factor": _fig(20.0)}
    _write(tmp_path / "environment.yaml", {"environment": env})
    msg = _load_error(tmp_path)
    assert "environment.yaml" in msg and "zero_lift_drag" in msg and "ascending" in msg


def _evasion(**override: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "trigger": "warned",
        "load_factor_g": _fig(9.0),
        "period_s": _fig(8.0),
        "periods": _fig(1.0),
        "warning_time_s": _fig(10.0),
    }
    ev.update(override)
    return {k: v for k, v in ev.items() if v is not None}


def _pull_up(load_factor_g: float = 10.0) -> dict[str, Any]:
    return {
        "load_factor_g": _fig(load_factor_g),
        "period_s": _fig(10.0),
        "start_altitude_m": _fig(3e4),
    }


def test_a_warned_evasion_loads(tmp_path: Path) -> None:
    _write(tmp_path / "ok.yaml", {"threats": {"t": _threat(evasion=_evasion())}})
    ev = load_catalog_dir(tmp_path).threats["t"].evasion
    assert ev is not None and ev.load_factor_g.value == 9.0


@pytest.mark.parametrize(
    ("threat", "words"),
    [
        (_threat(evasion=_evasion(warning_time_s=None)), "a warned evasion needs warning_time_s"),
        (_threat(evasion=_evasion(period_s=_fig(0.0))), "period_s must be positive"),
        (
            _threat(evasion=_evasion(start_altitude_m=_fig(1e4))),
            "a warned evasion has no start_altitude_m",
        ),
        (
            _threat(
                evasion=_evasion(
                    trigger="terminal",
                    periods=None,
                    warning_time_s=None,
                    start_altitude_m=_fig(1e4),
                )
            ),
            "only a ballistic_missile has a terminal evasion",
        ),
        (_threat(pull_up=_pull_up()), "only a ballistic_missile has a pull_up"),
        (
            _threat(category="ballistic_missile", apogee_m=_fig(5e4), pull_up=_pull_up(0.0)),
            "load_factor_g must be positive",
        ),
    ],
)
def test_a_bad_evasion_names_the_threat_and_the_problem(
    tmp_path: Path, threat: dict[str, Any], words: str
) -> None:
    _write(tmp_path / "bad.yaml", {"threats": {"t": threat}})
    msg = _load_error(tmp_path)
    assert "bad.yaml" in msg and "threats.t" in msg and words in msg


@pytest.mark.parametrize(
    ("field", "value"), [("homing_angle_noise_rad", -1e-3), ("homing_noise_floor_m", -1.0)]
)
def test_a_negative_homing_noise_names_the_missile_and_the_field(
    tmp_path: Path, field: str, value: float
) -> None:
    missile = _missile()
    missile["guidance"][field] = _fig(value)
    _write(tmp_path / "bad_noise.yaml", {"missiles": {"m": missile}})
    msg = _load_error(tmp_path)
    assert "bad_noise.yaml" in msg and "missiles.m" in msg
    assert f"{field} must not be negative" in msg


def test_a_fire_control_radar_without_a_coast_time_is_refused() -> None:
    from iads.catalog import load_catalog
    from iads.catalog.base import Radar

    r = load_catalog().radars["92N6E"].model_dump()
    r.pop("track_coast_s")
    with pytest.raises(ValueError, match="a multifunction radar needs track_coast_s"):
        Radar.model_validate(r)


def test_a_hit_to_kill_rounds_end_game_error_is_inside_its_hit_radius(catalog) -> None:  # type: ignore[no-untyped-def]
    # A hit-to-kill round kills only when its miss is within the hit radius; its homing noise
    # floor (held for a whole engine step) and the fuze-point error add in quadrature, so with
    # both above the radius body-to-body hits become the exception (PAC-3 at a 1 m floor hit a
    # subsonic cruise missile with about one round in four). Blast-fragmentation rounds are
    # not concerned: a metre of homing noise is small beside their lethal radius.
    errors = {
        key: (
            math.hypot(
                m.guidance.homing_noise_floor_m.value, m.kill_mechanism.terminal_miss_m.value
            ),
            m.kill_mechanism.hit_radius_m.value,
        )
        for key, m in catalog.missiles.items()
        if m.kill_mechanism.type == "hit-to-kill"
    }
    assert errors  # the PAC-3s
    outside = {k: e for k, (e, r) in errors.items() if r is None or e >= r}
    assert not outside, f"end-game error at or beyond the hit radius: {outside}"


#: Sector radars whose search dwell holds ``pulses_integrated`` pulses at the PRF unambiguous to
#: their instrumented range (the 9S19M2's is set to its calibration range, as its source says).
_DWELL_AT_INSTRUMENTED_RANGE = ("92N6E", "MPQ-65", "HT-233", "9S32M")


@pytest.mark.parametrize("radar_key", _DWELL_AT_INSTRUMENTED_RANGE)
def test_a_sector_radars_dwell_holds_its_pulses_at_the_prf_of_its_instrumented_range(
    catalog,  # type: ignore[no-untyped-def]
    radar_key: str,
) -> None:
    radar = catalog.radars[radar_key]
    prf_hz = 3.0e8 / (2.0 * radar.instrumented_range_m.value)
    assert radar.search_dwell_s is not None
    dwell = radar.pulses_integrated.value / prf_hz
    assert radar.search_dwell_s.value == pytest.approx(dwell, rel=0.01)


def test_fire_unit_costs_are_the_public_contract_prices_over_the_fire_units_bought(
    catalog,  # type: ignore[no-untyped-def]
) -> None:
    # systems.md 7 and 2.3: the S-400's US$2.5 bn for four batteries (two if 'two systems' is
    # two fire units); Patriot's DSCA US$3.5 bn for 4 fire units (2018) and US$7.8 bn for 13
    # (2009), CSIS's ~US$1.1 bn a battery; the HQ-9's US$3.44 bn (or 3 bn) for 12 batteries
    cost = {k: s.fire_unit_cost_usd for k, s in catalog.systems.items()}
    s400, patriot, hq9 = cost["S-400"], cost["Patriot"], cost["HQ-9"]
    assert s400 is not None and patriot is not None and hq9 is not None
    assert s400.value == 2.5e9 / 4 and s400.sample_bounds() == (2.5e9 / 4, 2.5e9 / 2)
    assert patriot.value == 3.5e9 / 4
    assert patriot.sample_bounds() == (pytest.approx(7.8e9 / 13), 1.1e9)
    assert hq9.value == pytest.approx(3.44e9 / 12, rel=1e-3) and hq9.low == 3e9 / 12
    for fig in (s400, patriot, hq9):
        assert "not a production cost" in (fig.note or "") or "not production costs" in (
            fig.note or ""
        )
    # no public price in systems.md: left without one
    assert cost["SAMP-T"] is None and cost["S-300VM"] is None


@pytest.mark.parametrize(
    ("cost", "words"),
    [
        ({"value": -1e6}, "fire_unit_cost_usd must be positive"),
        ({"value": 0.0}, "fire_unit_cost_usd must be positive"),
        ({"value": 1e8, "low": 2e8}, "need low <= value <= high"),
    ],
)
def test_a_negative_or_disordered_fire_unit_cost_is_refused(
    catalog,  # type: ignore[no-untyped-def]
    cost: dict[str, float],
    words: str,
) -> None:
    from iads.catalog.base import System

    s = catalog.systems["S-400"].model_dump()
    s["fire_unit_cost_usd"] = _fig(**cost)
    with pytest.raises(ValueError, match=words):
        System.model_validate(s)
