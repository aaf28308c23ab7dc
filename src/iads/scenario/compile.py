"""Load a scenario file, check it against the catalog, and compile it to engine arrays."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np
from pydantic import ValidationError

from iads.catalog import Catalog, load_catalog
from iads.catalog.base import BANDS, Radar, band_of
from iads.engine.base import (
    CATEGORIES,
    JammerParams,
    MissileParams,
    Params,
    RadarParams,
    ThreatParams,
    UnitParams,
    precision,
)
from iads.errors import InputError, from_validation_error
from iads.geo.frame import LocalFrame
from iads.radar.equation import detection_probability_table, snr_linear
from iads.scenario.base import Jammer, ScenarioFile
from iads.scenario.terrain import RadarSite, check_dem_covers, masking_grid, scenario_dem
from iads.units import STANDARD_GRAVITY_M_S2, db_to_linear, deg_to_rad, g_to_m_s2
from iads.weapons.flyout import MIN_SPEED_M_S, SCALE_HEIGHT_M
from iads.yamlio import load_yaml

#: Largest substep (s) of the missile flyout.
MAX_SUBSTEP_S = 0.2
#: Altitude (m) at which a missile's mean flyout speed is worked out for intercept planning.
PLANNING_ALTITUDE_M = 15_000.0


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with the catalog entries it uses."""

    path: Path
    spec: ScenarioFile
    catalog: Catalog

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.spec.name


@dataclass(frozen=True)
class Layout:
    """Names and indices that turn engine arrays back into readable results."""

    frame: LocalFrame
    threat_type: tuple[str, ...]  # [J]
    threat_group: tuple[str, ...]  # [J]
    threat_types: tuple[str, ...]  # distinct, in scenario order
    unit_names: tuple[str, ...]  # [U]
    missile_types: tuple[str, ...]  # [K]
    asset_names: tuple[str, ...]  # [A]
    threat_asset: np.ndarray  # [J]
    arrival_s: np.ndarray  # [J] when each threat reaches its asset if nothing stops it


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file; raise :class:`InputError` naming file and field."""
    p = Path(path)
    raw = load_yaml(p)
    if not isinstance(raw, dict):
        raise InputError(p, None, "a scenario must be a YAML mapping")
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(p, exc, ScenarioFile) from None
    cat = catalog or load_catalog()
    _check_against_catalog(p, spec, cat)
    return Scenario(path=p, spec=spec, catalog=cat)


def _check_against_catalog(p: Path, spec: ScenarioFile, cat: Catalog) -> None:
    sections: tuple[tuple[str, list[Any]], ...] = (
        ("assets", spec.assets),
        ("batteries", spec.batteries),
        ("raid", spec.raid),
    )
    for section, items in sections:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.name in seen:
                raise InputError(p, f"{section}[{i}].name", f"name {item.name!r} is used twice")
            seen.add(item.name)
    assets = {a.name for a in spec.assets}
    groups = {g.name for g in spec.raid}
    jammer_names: set[str] = set()
    carried: dict[str, str] = {}
    for i, jam in enumerate(spec.jammers):
        if jam.name in jammer_names:
            raise InputError(p, f"jammers[{i}].name", f"name {jam.name!r} is used twice")
        jammer_names.add(jam.name)
        if jam.raid_group is None:
            continue
        if jam.raid_group not in groups:
            raise InputError(
                p,
                f"jammers[{i}].raid_group",
                f"unknown raid group {jam.raid_group!r}; groups: {', '.join(sorted(groups))}",
            )
        if jam.raid_group in carried:
            raise InputError(
                p,
                f"jammers[{i}].raid_group",
                f"raid group {jam.raid_group!r} already carries jammer {carried[jam.raid_group]!r}",
            )
        carried[jam.raid_group] = jam.name
    for i, g in enumerate(spec.raid):
        if g.threat not in cat.threats:
            raise InputError(
                p,
                f"raid[{i}].threat",
                f"unknown threat {g.threat!r}; known: {', '.join(sorted(cat.threats))}",
            )
        if g.target not in assets:
            raise InputError(
                p,
                f"raid[{i}].target",
                f"unknown asset {g.target!r}; assets: {', '.join(sorted(assets))}",
            )
        if cat.threats[g.threat].category == "ballistic_missile" and len(g.route) != 1:
            raise InputError(
                p, f"raid[{i}].route", "a ballistic missile's route is its launch point only"
            )
    for i, b in enumerate(spec.batteries):
        if b.system not in cat.systems:
            raise InputError(
                p,
                f"batteries[{i}].system",
                f"unknown system {b.system!r}; known: {', '.join(sorted(cat.systems))}",
            )
        system = cat.systems[b.system]
        for k, lg in enumerate(b.launchers):
            where = f"batteries[{i}].launchers[{k}]"
            if lg.type not in system.launchers:
                raise InputError(
                    p,
                    f"{where}.type",
                    f"{lg.type!r} is not a launcher of "
                    f"{b.system}; known: {', '.join(system.launchers)}",
                )
            if lg.missile not in system.missiles:
                raise InputError(
                    p,
                    f"{where}.missile",
                    f"{lg.missile!r} is not a missile of "
                    f"{b.system}; known: {', '.join(system.missiles)}",
                )
            load = cat.launchers[lg.type].missiles_per_launcher.get(lg.missile)
            if load is None:
                raise InputError(
                    p, f"{where}.missile", f"launcher {lg.type} does not carry {lg.missile}"
                )
            most = load.sample_bounds()[1]
            if lg.missiles_per_launcher is not None and lg.missiles_per_launcher > most:
                raise InputError(
                    p,
                    f"{where}.missiles_per_launcher",
                    f"{lg.type} carries at most {most:g} {lg.missile} (catalog)",
                )


def mean_flyout_speed_m_s(
    max_speed_m_s: float,
    boost_time_s: float,
    drag_length_m: float,
    range_m: float,
    altitude_m: float = PLANNING_ALTITUDE_M,
) -> float:
    """Mean speed (m/s) over a level flyout to ``range_m`` with the engine's speed model.

    Intercept planning uses it over half the maximum range at ``PLANNING_ALTITUDE_M``.
    """
    rho = math.exp(-altitude_m / SCALE_HEIGHT_M)
    dt = 0.05
    t = s = v = 0.0
    while s < range_m and t < 2000.0:
        if t < boost_time_s:
            v = min(v + max_speed_m_s / boost_time_s * dt, max_speed_m_s)
        else:
            v = v / (1.0 + rho * v * dt / drag_length_m)
            if v < MIN_SPEED_M_S:
                break
        s += v * dt
        t += dt
    return s / max(t, dt)


def _ballistic_ground_speed(range_m: float, apogee_m: float) -> float:
    flight_time = 2.0 * math.sqrt(2.0 * apogee_m / STANDARD_GRAVITY_M_S2)
    return range_m / flight_time


@dataclass(frozen=True)
class ScenarioRadar:
    """One radar of one battery: its catalog entry and its antenna's site."""

    unit: int  # battery index
    engagement: bool  # the fire-control radar (else surveillance)
    radar: Radar
    site: RadarSite  # name "battery/radar"; antenna height above the ground


def scenario_radars(spec: ScenarioFile, cat: Catalog) -> list[ScenarioRadar]:
    """Every battery's surveillance and engagement radars, in engine order."""
    out = []
    for u, b in enumerate(spec.batteries):
        system = cat.systems[b.system]
        for name, is_eng in ((system.surveillance_radar, False), (system.engagement_radar, True)):
            r = cat.radars[name]
            site = RadarSite(
                f"{b.name}/{name}",
                b.lat_deg,
                b.lon_deg,
                b.alt_m + r.antenna_height_m.value,
                r.instrumented_range_m.value,
            )
            out.append(ScenarioRadar(u, is_eng, r, site))
    return out


def radar_snr_coeff(r: Radar) -> float:
    """The radar's SNR for 1 m^2 at 1 m: SNR = coeff * rcs_m2 / range_m**4 (radar equation)."""
    return float(
        snr_linear(
            r.peak_power_w.value,
            r.pulse_width_s.value,
            r.pulses_integrated.value,
            r.antenna_gain_db.value,
            r.frequency_hz.value,
            1.0,
            r.system_noise_temperature_k.value,
            r.losses_db.value,
            1.0,
            xp=np,
        )
    )


def compile_scenario(scn: Scenario, dtype: str | None = None) -> tuple[Params, Layout]:
    """Turn a scenario into engine ``Params`` (SI arrays) and the ``Layout`` to read results."""
    f = np.dtype(dtype or scn.spec.dtype)
    with precision(f):
        return _compile(scn, f)


def _compile(scn: Scenario, f: np.dtype) -> tuple[Params, Layout]:  # type: ignore[type-arg]
    spec, cat = scn.spec, scn.catalog
    frame = LocalFrame(spec.origin.lat_deg, spec.origin.lon_deg)
    asset_by_name = {a.name: i for i, a in enumerate(spec.assets)}
    asset_pos = frame.to_xyz(
        [a.lat_deg for a in spec.assets],
        [a.lon_deg for a in spec.assets],
        [a.alt_m for a in spec.assets],
    ).reshape(-1, 3)

    # missile types in use
    missile_types: list[str] = []
    for b in spec.batteries:
        for lg in b.launchers:
            if lg.missile not in missile_types:
                missile_types.append(lg.missile)
    if not missile_types:
        missile_types = ["(none)"]

    # fire units and radars
    radars: dict[str, list[float]] = {
        k: []
        for k in (
            "unit",
            "engagement",
            "band",
            "snr_coeff",
            "pfa",
            "scan",
            "max_range",
            "min_el",
            "max_el",
            "range_noise",
            "angle_noise",
            "gain_db",
            "freq",
            "temp",
            "bandwidth",
        )
    }
    radar_pos: list[np.ndarray] = []
    radar_sites: list[RadarSite] = []
    units: dict[str, list] = {
        k: []
        for k in (  # type: ignore[type-arg]
            "pos",
            "tc",
            "mc",
            "salvo",
            "ss",
            "frac",
            "interval",
            "reaction",
            "vmax",
            "inventory",
        )
    }
    for sr in scenario_radars(spec, cat):
        r, site = sr.radar, sr.site
        radar_pos.append(frame.to_xyz(site.lat_deg, site.lon_deg, site.antenna_height_m))
        radar_sites.append(site)
        radars["unit"].append(sr.unit)
        radars["engagement"].append(sr.engagement)
        radars["band"].append(BANDS.index(band_of(r.frequency_hz.value)))
        radars["snr_coeff"].append(radar_snr_coeff(r))
        radars["pfa"].append(r.false_alarm_probability.value)
        radars["scan"].append(r.scan_period_s.value)
        radars["max_range"].append(r.instrumented_range_m.value)
        radars["min_el"].append(float(deg_to_rad(r.min_elevation_deg.value)))
        radars["max_el"].append(float(deg_to_rad(r.max_elevation_deg.value)))
        radars["range_noise"].append(r.range_noise_m.value)
        radars["angle_noise"].append(float(deg_to_rad(r.angle_noise_deg.value)))
        radars["gain_db"].append(r.antenna_gain_db.value)
        radars["freq"].append(r.frequency_hz.value)
        radars["temp"].append(r.system_noise_temperature_k.value)
        radars["bandwidth"].append(1.0 / r.pulse_width_s.value)
    for b in spec.batteries:
        system = cat.systems[b.system]
        eng = cat.radars[system.engagement_radar]
        assert eng.target_channels is not None and eng.missile_channels is not None
        units["pos"].append(frame.to_xyz(b.lat_deg, b.lon_deg, b.alt_m))
        units["tc"].append(int(eng.target_channels.value))
        units["mc"].append(int(eng.missile_channels.value))
        units["salvo"].append(b.doctrine.salvo_size)
        units["ss"].append(b.doctrine.policy == "shoot-shoot")
        units["frac"].append(b.doctrine.engagement_range_fraction)
        units["interval"].append(system.launch_interval_s.value)
        units["reaction"].append(system.reaction_time_s.value)
        vmax = system.max_target_speed_m_s
        units["vmax"].append(math.inf if vmax is None else vmax.value)
        inv = np.zeros(len(missile_types), np.int32)
        for lg in b.launchers:
            per = lg.missiles_per_launcher
            if per is None:
                per = int(cat.launchers[lg.type].missiles_per_launcher[lg.missile].value)
            inv[missile_types.index(lg.missile)] += lg.count * per
        units["inventory"].append(inv)
    n_u = len(spec.batteries)
    n_c = max(units["mc"], default=1)
    slot_valid = np.zeros((max(n_u, 1), n_c), bool)
    for u, mc in enumerate(units["mc"]):
        slot_valid[u, :mc] = True
    if n_u == 0:  # a raid with no defence: one dummy unit with nothing to fire
        units = {
            "pos": [asset_pos[0]],
            "tc": [0],
            "mc": [1],
            "salvo": [1],
            "ss": [False],
            "frac": [1.0],
            "interval": [1.0],
            "reaction": [0.0],
            "vmax": [0.0],
            "inventory": [np.zeros(len(missile_types), np.int32)],
        }
        slot_valid[:] = False
        radar_pos = [asset_pos[0]]
        radars = {
            "unit": [0],
            "engagement": [False],
            "band": [0],
            "snr_coeff": [0.0],
            "pfa": [1e-6],
            "scan": [1e9],
            "max_range": [0.0],
            "min_el": [0.0],
            "max_el": [0.0],
            "range_noise": [1.0],
            "angle_noise": [1e-3],
            "gain_db": [0.0],
            "freq": [1e9],
            "temp": [290.0],
            "bandwidth": [1e6],
        }

    def arr(x, dt=f):  # type: ignore[no-untyped-def]
        return jnp.asarray(np.asarray(x), dtype=dt)

    lowest, grid = _terrain(scn, frame, radar_sites, len(radars["unit"]))
    gain = db_to_linear(radars["gain_db"])

    radar_params = RadarParams(
        pos_m=arr(np.stack(radar_pos).reshape(-1, 3)),
        unit=arr(radars["unit"], np.int32),
        engagement=arr(radars["engagement"], bool),
        band=arr(radars["band"], np.int32),
        snr_coeff=arr(radars["snr_coeff"]),
        false_alarm_probability=arr(radars["pfa"]),
        pd_table=arr(np.stack([detection_probability_table(pfa) for pfa in radars["pfa"]])),
        scan_period_s=arr(radars["scan"]),
        max_range_m=arr(radars["max_range"]),
        min_elevation_rad=arr(radars["min_el"]),
        max_elevation_rad=arr(radars["max_el"]),
        range_noise_m=arr(radars["range_noise"]),
        angle_noise_rad=arr(radars["angle_noise"]),
        gain_db=arr(radars["gain_db"]),
        frequency_hz=arr(radars["freq"]),
        noise_temperature_k=arr(radars["temp"]),
        receiver_bandwidth_hz=arr(radars["bandwidth"]),
        beamwidth_rad=arr(np.sqrt(4.0 * math.pi / gain)),
        terrain_lowest_m=arr(lowest),
        terrain_grid_m=arr(grid),
    )
    unit_params = UnitParams(
        pos_m=arr(np.stack(units["pos"]).reshape(-1, 3)),
        target_channels=arr(units["tc"], np.int32),
        slot_valid=arr(slot_valid, bool),
        salvo_size=arr(units["salvo"], np.int32),
        shoot_shoot=arr(units["ss"], bool),
        range_fraction=arr(units["frac"]),
        launch_interval_s=arr(units["interval"]),
        reaction_time_s=arr(units["reaction"]),
        max_target_speed_m_s=arr(units["vmax"]),
        inventory=arr(np.stack(units["inventory"]), np.int32),
    )
    missile_params = _missile_params(cat, missile_types, arr)
    threat_params, layout_threats = _threat_params(spec, cat, frame, asset_by_name, arr)
    total_inventory = int(np.sum(np.stack(units["inventory"])))
    log_capacity = max(total_inventory, 1)
    params = Params(
        threats=threat_params,
        radars=radar_params,
        units=unit_params,
        missiles=missile_params,
        asset_pos_m=arr(asset_pos),
        jammers=_stand_off_jammers(spec, frame, arr),
        time_step_s=float(spec.time_step_s),
        n_steps=math.ceil(spec.duration_s / spec.time_step_s),
        n_substeps=max(1, math.ceil(spec.time_step_s / MAX_SUBSTEP_S)),
        log_capacity=log_capacity,
        assign_capacity=2 * log_capacity + 16,
    )
    types, groups, asset_idx = layout_threats
    layout = Layout(
        frame=frame,
        threat_type=tuple(types),
        threat_group=tuple(groups),
        threat_types=tuple(dict.fromkeys(g.threat for g in spec.raid)),
        unit_names=tuple(b.name for b in spec.batteries),
        missile_types=tuple(missile_types) if spec.batteries else (),
        asset_names=tuple(a.name for a in spec.assets),
        threat_asset=np.asarray(asset_idx, np.int32),
        arrival_s=np.asarray(threat_params.launch_time_s, float)
        + np.asarray(threat_params.route_length_m, float)
        / np.asarray(threat_params.ground_speed_m_s, float),
    )
    return params, layout


def _missile_params(cat: Catalog, names: list[str], arr) -> MissileParams:  # type: ignore[no-untyped-def]
    rows = []
    for name in names:
        m = cat.missiles.get(name)
        if m is None:  # placeholder type for an undefended scenario
            rows.append(
                dict(
                    max_range_m=0.0,
                    ballistic_range_m=0.0,
                    min_range_m=0.0,
                    max_target_altitude_m=0.0,
                    min_target_altitude_m=0.0,
                    max_speed_m_s=1.0,
                    boost_time_s=1.0,
                    drag_length_m=1.0,
                    max_accel_m_s2=0.0,
                    max_flight_time_s=0.0,
                    mean_speed_m_s=1.0,
                    lethal_radius_m=0.0,
                    kill_probability=[0.0] * len(CATEGORIES),
                )
            )
            continue
        bal = m.ballistic_range_m.value if m.ballistic_range_m is not None else 0.0
        rows.append(
            dict(
                max_range_m=m.max_range_m.value,
                ballistic_range_m=bal,
                min_range_m=m.min_range_m.value,
                max_target_altitude_m=m.max_target_altitude_m.value,
                min_target_altitude_m=m.min_target_altitude_m.value,
                max_speed_m_s=m.max_speed_m_s.value,
                boost_time_s=m.boost_time_s.value,
                drag_length_m=m.drag_length_m.value,
                max_accel_m_s2=g_to_m_s2(m.max_load_factor_g.value),
                max_flight_time_s=m.max_flight_time_s.value,
                mean_speed_m_s=mean_flyout_speed_m_s(
                    m.max_speed_m_s.value,
                    m.boost_time_s.value,
                    m.drag_length_m.value,
                    0.5 * m.max_range_m.value,
                ),
                lethal_radius_m=m.lethal_radius_m.value,
                kill_probability=[m.kill_probability[c].value for c in CATEGORIES],
            )
        )
    return MissileParams(**{k: arr([r[k] for r in rows]) for k in rows[0]})


def _threat_params(
    spec: ScenarioFile, cat: Catalog, frame: LocalFrame, asset_by_name: dict[str, int], arr
):  # type: ignore[no-untyped-def]
    routes, dists, lengths, speeds, launch, ballistic, apogee = [], [], [], [], [], [], []
    rcs, swerling, category, asset, value, types, groups = [], [], [], [], [], [], []
    ssj_erp, ssj_bw = [], []
    ssj = {j.raid_group: j for j in spec.jammers if j.kind == "self-screening"}
    for g in spec.raid:
        jam = ssj.get(g.name)
        th = cat.threats[g.threat]
        a = spec.assets[asset_by_name[g.target]]
        is_bal = th.category == "ballistic_missile"
        lats = [w.lat_deg for w in g.route] + [a.lat_deg]
        lons = [w.lon_deg for w in g.route] + [a.lon_deg]
        alts = [w.alt_m for w in g.route] + [a.alt_m if is_bal else g.route[-1].alt_m]
        e, n = frame.ground(lats, lons)
        enu = np.stack([e, n, np.asarray(alts, float)], axis=-1)
        seg = np.hypot(np.diff(e), np.diff(n))
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        length = float(cum[-1])
        if is_bal:
            assert th.apogee_m is not None
            speed = _ballistic_ground_speed(max(length, 1.0), th.apogee_m.value)
            apo = th.apogee_m.value
        else:
            speed = g.speed_m_s or th.speed_m_s.value
            apo = 0.0
        for i in range(g.count):
            routes.append(enu)
            dists.append(cum)
            lengths.append(length)
            speeds.append(speed)
            launch.append(g.launch_time_s + i * g.spacing_s)
            ballistic.append(is_bal)
            apogee.append(apo)
            rcs.append(th.rcs_table_m2())
            swerling.append(th.swerling_case)
            category.append(CATEGORIES.index(th.category))
            asset.append(asset_by_name[g.target])
            value.append(a.value)
            types.append(g.threat)
            groups.append(g.name)
            ssj_erp.append(0.0 if jam is None else _erp_w(jam))
            ssj_bw.append(1.0 if jam is None else jam.bandwidth_hz)
    n_w = max(len(r) for r in routes)
    wp = np.zeros((len(routes), n_w, 3))
    wd = np.zeros((len(routes), n_w))
    for j, (r, d) in enumerate(zip(routes, dists, strict=True)):
        wp[j, : len(r)] = r
        wp[j, len(r) :] = r[-1]
        wd[j, : len(d)] = d
        wd[j, len(d) :] = d[-1]
    tp = ThreatParams(
        waypoints_enu_m=arr(wp),
        waypoint_dist_m=arr(wd),
        route_length_m=arr(lengths),
        ground_speed_m_s=arr(speeds),
        launch_time_s=arr(launch),
        ballistic=arr(ballistic, bool),
        apogee_m=arr(apogee),
        rcs_m2=arr(rcs),
        swerling=arr(swerling, np.int32),
        category=arr(category, np.int32),
        asset=arr(asset, np.int32),
        asset_value=arr(value),
        valid=arr(np.ones(len(routes), bool), bool),
        ssj_erp_w=arr(ssj_erp),
        ssj_bandwidth_hz=arr(ssj_bw),
    )
    return tp, (types, groups, asset)


def _erp_w(jam: Jammer) -> float:
    """A jammer's effective radiated power towards the radars, P G / L (W)."""
    return jam.power_w * float(db_to_linear(jam.antenna_gain_db - jam.losses_db))


def _stand_off_jammers(spec: ScenarioFile, frame: LocalFrame, arr) -> JammerParams:  # type: ignore[no-untyped-def]
    soj = [j for j in spec.jammers if j.kind == "stand-off"]
    pos = [frame.to_xyz(j.site.lat_deg, j.site.lon_deg, j.site.alt_m) for j in soj if j.site]
    if not soj:  # one jammer of zero power keeps the shapes static
        return JammerParams(pos_m=arr(np.zeros((1, 3))), erp_w=arr([0.0]), bandwidth_hz=arr([1.0]))
    return JammerParams(
        pos_m=arr(np.stack(pos).reshape(-1, 3)),
        erp_w=arr([_erp_w(j) for j in soj]),
        bandwidth_hz=arr([j.bandwidth_hz for j in soj]),
    )


#: Masking-grid placement that no position falls inside (a scenario without terrain).
_NO_GRID = (1e30, -1e30, 1.0)


def _terrain(
    scn: Scenario, frame: LocalFrame, sites: list[RadarSite], n_radars: int
) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Each radar's lowest visible height on the masking grid, and the grid's placement."""
    spec = scn.spec
    if spec.terrain is None or not sites:
        return np.zeros((n_radars, 1, 1)), _NO_GRID
    dem = scenario_dem(scn.path, spec.terrain.dem)
    check_dem_covers(
        dem,
        scn.path,
        [(f"battery {b.name!r}", b.lat_deg, b.lon_deg) for b in spec.batteries]
        + [(f"asset {a.name!r}", a.lat_deg, a.lon_deg) for a in spec.assets],
    )
    try:
        grid = masking_grid(dem, frame, sites, spec.terrain.cell_m)
    except ValueError as exc:
        raise InputError(scn.path, "terrain.cell_m", str(exc).removeprefix("cell_m: ")) from None
    return np.nan_to_num(grid.lowest_m, nan=np.inf), (grid.e0_m, grid.n0_m, grid.cell_m)


def available_memory_bytes() -> int:
    """Memory available to a new allocation: MemAvailable (free + reclaimable), else free."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def late_threats_warning(scn: Scenario, layout: Layout) -> str | None:
    """A warning when some threats cannot reach their asset within ``duration_s``."""
    late = layout.arrival_s > scn.spec.duration_s
    if not late.any():
        return None
    groups = sorted({layout.threat_group[j] for j in np.nonzero(late)[0]})
    return (
        f"{scn.path}: duration_s: {int(late.sum())} threat(s) would arrive after "
        f"{scn.spec.duration_s:g} s (latest {layout.arrival_s.max():.0f} s; groups: "
        f"{', '.join(groups)}); those still flying at the end count as unresolved"
    )


def route_warnings(scn: Scenario) -> list[str]:
    """Warnings for raid groups whose route starts within one time step's flight of the target.

    (The route's great-circle length to the target.) Such a group leaks on its first step,
    before any radar has looked: usually a mistyped
    coordinate (the route's first point is the launch point; the target is appended).
    """
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    spec, out = scn.spec, []
    assets = {a.name: a for a in spec.assets}
    for i, g in enumerate(spec.raid):
        a = assets[g.target]
        lons = [w.lon_deg for w in g.route] + [a.lon_deg]
        lats = [w.lat_deg for w in g.route] + [a.lat_deg]
        dist_m = float(geod.line_length(lons, lats))
        th = scn.catalog.threats[g.threat]
        speed = g.speed_m_s or th.speed_m_s.value
        step_m = speed * spec.time_step_s
        if dist_m <= step_m:
            out.append(
                f"{scn.path}: raid[{i}].route: group {g.name!r} flies {dist_m:,.0f} m to its "
                f"target {g.target!r}, within one time step's flight ({step_m:,.0f} m): it leaks "
                "at once, before any radar looks"
            )
    return out


def memory_check(source: str | Path, params: Params, replications: int, batch_size: int) -> None:
    """Refuse a run whose results would not fit in memory (InputError on ``replications``)."""
    import jax

    from iads.engine.run import init_state

    with precision(params.threats.launch_time_s.dtype):
        shapes = jax.eval_shape(init_state, params, jax.random.PRNGKey(0))
    per_rep = sum(
        np.prod(s.shape) * np.dtype(s.dtype).itemsize for s in jax.tree_util.tree_leaves(shapes)
    )
    need = per_rep * (replications + 4 * batch_size) * 3  # results, batch working set, copies
    avail = available_memory_bytes()
    if need > 0.8 * avail:
        raise InputError(
            source,
            "replications",
            f"{replications} replications need about {need / 2**30:.1f} GiB; "
            f"{avail / 2**30:.1f} GiB is available (run fewer, or split the run)",
        )
