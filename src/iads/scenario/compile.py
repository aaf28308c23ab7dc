"""Load a scenario file, check it against the catalog, and compile it to engine arrays."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np
from pydantic import ValidationError

from iads.arrays import bucket, precision
from iads.assessment.base import KILL_MECHANISMS, AssessmentParams
from iads.c2.base import C2Params, EnvelopeParams, UnitParams
from iads.catalog import Catalog, load_catalog
from iads.catalog.base import (
    BANDS,
    FIRE_CONTROL_ROLES,
    THREAT_CATEGORIES,
    Evasion,
    Missile,
    PullUp,
    Radar,
    band_of,
)
from iads.engine.base import Params
from iads.errors import InputError, from_validation_error
from iads.flyout.base import FlyoutParams
from iads.flyout.envelope import engagement_tables, flight_models
from iads.geo.frame import LocalFrame
from iads.launch.base import LaunchParams
from iads.radar.equation import detection_probability_table, snr_linear
from iads.scenario.base import Jammer, LauncherGroup, ScenarioFile
from iads.scenario.terrain import RadarSite, check_dem_covers, masking_grid, scenario_dem
from iads.sensing.base import JammerParams, RadarParams, SensingParams
from iads.threats.base import ThreatParams
from iads.tracking.base import TrackingParams
from iads.units import STANDARD_GRAVITY_M_S2, db_to_linear, deg_to_rad
from iads.yamlio import load_yaml

#: A capacity no public figure limits.
_UNLIMITED = 2**30

#: Largest substep (s) of the missile flyout: a numerical setting of the integration (like the
#: scenario's time_step_s), not a model figure.
MAX_SUBSTEP_S = 0.2


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
    radar_names: tuple[str, ...]  # [D] "battery/radar"
    launcher_names: tuple[str, ...]  # [N] "battery/type #i"
    missile_types: tuple[str, ...]  # [K]
    asset_names: tuple[str, ...]  # [A] the defended assets, then the radars aimed at
    threat_asset: np.ndarray  # [J] index into asset_names
    arrival_s: np.ndarray  # [J] when each threat reaches its asset if nothing stops it

    @property
    def n_threats(self) -> int:
        """Threats in the scenario (the engine's arrays have padded slots beyond them)."""
        return len(self.threat_type)


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file; raise :class:`InputError` naming file and field."""
    p = Path(path)
    return scenario_from_mapping(p, load_yaml(p), catalog)


def scenario_from_mapping(path: Path, raw: Any, catalog: Catalog | None = None) -> Scenario:
    """Validate a scenario already read into Python objects (``path`` names it in errors and
    anchors its relative paths); raise :class:`InputError` naming file and field."""
    p = path
    if not isinstance(raw, dict):
        raise InputError(p, None, "a scenario must be a YAML mapping")
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(p, exc, ScenarioFile) from None
    cat = catalog or load_catalog()
    _check_against_catalog(p, spec, cat)
    _check_command_posts(p, spec, cat)
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
    for i, b in enumerate(spec.batteries):
        if b.system not in cat.systems:
            raise InputError(
                p,
                f"batteries[{i}].system",
                f"unknown system {b.system!r}; known: {', '.join(sorted(cat.systems))}",
            )
        system = cat.systems[b.system]
        _check_battery_radars(p, i, b, cat)
        n_launchers = sum(lg.count for lg in b.launchers)
        most = system.launchers_per_fire_unit.sample_bounds()[1]
        if n_launchers > most:
            raise InputError(
                p,
                f"batteries[{i}].launchers",
                f"{n_launchers} launchers; a {b.system} fire unit has at most {most:g} (catalog)",
            )
        for k, lg in enumerate(b.launchers):
            where = f"batteries[{i}].launchers[{k}]"
            if lg.type not in system.launchers:
                raise InputError(
                    p,
                    f"{where}.type",
                    f"{lg.type!r} is not a launcher of "
                    f"{b.system}; known: {', '.join(system.launchers)}",
                )
            _check_launcher_group(p, f"{where}", b, lg, cat)
    _check_raid_targets(p, spec, cat)


def _check_raid_targets(p: Path, spec: ScenarioFile, cat: Catalog) -> None:
    """Each raid group's target: an asset, or a radar for an anti-radiation missile (catalog
    ``homes_on: emitter``) and only for one; its route within the threat type's range."""
    assets = {a.name for a in spec.assets}
    radars = [sr.site.name for sr in scenario_radars(spec, cat)]
    for i, g in enumerate(spec.raid):
        th = cat.threats[g.threat]
        if g.target_radar is not None:
            where = f"raid[{i}].target_radar"
            if th.homes_on != "emitter":
                raise InputError(
                    p,
                    where,
                    f"{g.threat} does not home on radars (only a threat whose catalog "
                    "homes_on is emitter does): aim it at an asset with target",
                )
            if g.target_radar not in radars:
                raise InputError(p, where, _unknown_radar(g.target_radar, spec, radars))
            if g.target_radar in assets:
                raise InputError(
                    p, where, f"{g.target_radar!r} is also an asset's name: rename the asset"
                )
        elif th.homes_on == "emitter":
            raise InputError(
                p,
                f"raid[{i}].target",
                f"{g.threat} homes on a radar's emissions (catalog homes_on: emitter): give "
                'target_radar: "battery/radar" instead of an asset',
            )
        elif g.target not in assets:
            raise InputError(
                p,
                f"raid[{i}].target",
                f"unknown asset {g.target!r}; assets: {', '.join(sorted(assets))}",
            )
        if th.category == "ballistic_missile" and len(g.route) != 1:
            raise InputError(
                p, f"raid[{i}].route", "a ballistic missile's route is its launch point only"
            )
    aims, aim_of = aim_points(spec, cat)
    for i, g in enumerate(spec.raid):
        th = cat.threats[g.threat]
        aim = aims[aim_of[i]]
        dist = route_length_m(g, aim)
        if th.max_range_m is not None and dist > th.max_range_m.value:
            where = "route[0]" if len(g.route) == 1 else "route"
            raise InputError(
                p,
                f"raid[{i}].{where}",
                f"{'launch point' if len(g.route) == 1 else 'route'} {dist / 1e3:,.0f} km from "
                f"{aim.name!r}; {g.threat} reaches {th.max_range_m.value / 1e3:,.0f} km (catalog)",
            )


def _unknown_radar(name: str, spec: ScenarioFile, radars: list[str]) -> str:
    """Why ``name`` names no radar of the scenario (battery or radar unknown)."""
    battery, slash, key = name.rpartition("/")
    batteries = [b.name for b in spec.batteries]
    if not slash:
        return f'{name!r} is not "battery/radar"; radars: {", ".join(radars) or "none"}'
    if battery not in batteries:
        return f"unknown battery {battery!r}; batteries: {', '.join(batteries) or 'none'}"
    own = [r.removeprefix(f"{battery}/") for r in radars if r.rpartition("/")[0] == battery]
    return f"battery {battery!r} has no radar {key!r}; its radars: {', '.join(own)}"


def _check_launcher_group(p: Path, where: str, b: Any, lg: LauncherGroup, cat: Catalog) -> None:
    """A launcher group's load, placement and reloads against its system and launcher type."""
    system, launcher = cat.systems[b.system], cat.launchers[lg.type]
    if lg.load is not None:
        if lg.load not in launcher.mixed_loads:
            known = ", ".join(launcher.mixed_loads) or "none is published"
            raise InputError(
                p, f"{where}.load", f"{lg.type} has no mixed load {lg.load!r}; known: {known}"
            )
        foreign = [m for m in launcher.mixed_loads[lg.load] if m not in system.missiles]
        if foreign:
            raise InputError(
                p, f"{where}.load", f"{', '.join(foreign)} is not a missile of {b.system}"
            )
    else:
        if lg.missile not in system.missiles:
            raise InputError(
                p,
                f"{where}.missile",
                f"{lg.missile!r} is not a missile of "
                f"{b.system}; known: {', '.join(system.missiles)}",
            )
        load = launcher.missiles_per_launcher.get(lg.missile)  # type: ignore[arg-type]
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
    farthest = system.launcher_max_distance_m.sample_bounds()[1]
    placed = [(f"{where}.ring_m", lg.ring_m)] if lg.ring_m is not None else []
    for n, site in enumerate(lg.sites or []):
        dist = _great_circle_m(b.lat_deg, b.lon_deg, site.lat_deg, site.lon_deg)
        placed.append((f"{where}.sites[{n}]", dist))
    for field, dist in placed:
        if dist > farthest:
            raise InputError(
                p,
                field,
                f"{dist / 1e3:,.1f} km from the battery; a {b.system} launcher stands within "
                f"{farthest / 1e3:,.1f} km of its fire unit (catalog launcher_max_distance_m)",
            )
    if lg.reloads > 0 and launcher.reload_time_s is None:
        raise InputError(p, f"{where}.reloads", f"{lg.type} is not reloaded in the field (catalog)")


def launcher_load(lg: LauncherGroup, cat: Catalog) -> dict[str, int]:
    """Rounds of each missile type one launcher of the group carries."""
    launcher = cat.launchers[lg.type]
    if lg.load is not None:
        return {m: int(f.value) for m, f in launcher.mixed_loads[lg.load].items()}
    assert lg.missile is not None
    per = lg.missiles_per_launcher
    if per is None:
        per = int(launcher.missiles_per_launcher[lg.missile].value)
    return {lg.missile: per}


def launcher_sites(b: Any, lg: LauncherGroup) -> list[tuple[float, float, float]]:
    """(lat, lon, alt above the ground) of each launcher of a battery's group."""
    if lg.sites is not None:
        return [(s.lat_deg, s.lon_deg, s.alt_m) for s in lg.sites]
    if lg.ring_m is None:
        return [(b.lat_deg, b.lon_deg, b.alt_m)] * lg.count
    from pyproj import Geod

    bearings = [360.0 * i / max(lg.count, 1) for i in range(lg.count)]
    lons, lats, _ = Geod(ellps="WGS84").fwd(
        [b.lon_deg] * lg.count, [b.lat_deg] * lg.count, bearings, [lg.ring_m] * lg.count
    )
    return [(float(la), float(lo), b.alt_m) for la, lo in zip(lats, lons, strict=True)]


def scenario_missile_types(spec: ScenarioFile, cat: Catalog) -> list[str]:
    """The missile types the scenario's launchers carry, in order of first appearance."""
    return list(
        dict.fromkeys(
            m for b in spec.batteries for lg in b.launchers for m in launcher_load(lg, cat)
        )
    )


def _great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from pyproj import Geod

    return float(Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2])


def command_posts(spec: ScenarioFile) -> tuple[list[tuple[str, str]], list[int]]:
    """The scenario's command posts, (system, label) in order of their first battery, and the
    command post of each battery."""
    keys = [(b.system, b.command_post or "") for b in spec.batteries]
    posts = list(dict.fromkeys(keys))
    return posts, [posts.index(k) for k in keys]


def _check_command_posts(p: Path, spec: ScenarioFile, cat: Catalog) -> None:
    """No command post controls more fire units than its system's command post can."""
    posts, of_battery = command_posts(spec)
    for c, (system, _) in enumerate(posts):
        members = [i for i, k in enumerate(of_battery) if k == c]
        cp = cat.command_posts[cat.systems[system].command_post]
        if cp.max_fire_units is not None and len(members) > cp.max_fire_units.value:
            raise InputError(
                p,
                f"batteries[{members[-1]}].command_post",
                f"{len(members)} {system} batteries under one {cat.systems[system].command_post}; "
                f"it controls at most {cp.max_fire_units.value:g} (label batteries with "
                "command_post to split them)",
            )


def _check_battery_radars(p: Path, i: int, b: Any, cat: Catalog) -> None:
    """A battery's optional radars, mast and threat axis against its system."""
    system = cat.systems[b.system]
    where = f"batteries[{i}]"
    for k, r in enumerate(b.radars):
        if r not in system.optional_radars:
            known = ", ".join(system.optional_radars) or "none"
            raise InputError(
                p,
                f"{where}.radars[{k}]",
                f"{r!r} is not an optional radar of {b.system}; known: {known}",
            )
    if b.mast is not None:
        if b.mast.type not in system.masts:
            known = ", ".join(system.masts) or "none"
            raise InputError(
                p,
                f"{where}.mast.type",
                f"{b.mast.type!r} is not a mast of {b.system}; known: {known}",
            )
        carries = [r for r in cat.masts[b.mast.type].carries if r in system.radars + b.radars]
        if b.mast.radar not in carries:
            raise InputError(
                p,
                f"{where}.mast.radar",
                f"{b.mast.type} carries none of the battery's radars named {b.mast.radar!r}; "
                f"it can carry: {', '.join(carries) or 'none here'}",
            )
    sectored = [r for r in system.radars + b.radars if cat.radars[r].scan == "sector"]
    if sectored and b.threat_axis_deg is None:
        raise InputError(
            p,
            f"{where}.threat_axis_deg",
            f"{', '.join(sectored)} searches a sector: give the battery's threat axis "
            "(degrees clockwise from north)",
        )


@dataclass(frozen=True)
class AimPoint:
    """Where a raid group's route ends: a defended asset, or the antenna of a radar that
    anti-radiation missiles fly at."""

    name: str  # the asset's name, or the radar's "battery/radar"
    lat_deg: float
    lon_deg: float
    alt_m: float  # above the ground: the asset's height, or the radar's antenna
    value: float  # what the command post weighs a threat at it by
    radar: int  # the radar's engine slot; -1 for an asset


def aim_points(spec: ScenarioFile, cat: Catalog) -> tuple[list[AimPoint], list[int]]:
    """The points the raid flies at, the defended assets then each radar a raid group aims at
    (in order of first aim), and the point of each raid group (an index into them).

    Leakers are counted against these points, a radar's under its name ``"battery/radar"``. A
    radar is valued as the most valuable defended asset: the defence loses with it what it
    defends.
    """
    points = [AimPoint(a.name, a.lat_deg, a.lon_deg, a.alt_m, a.value, -1) for a in spec.assets]
    asset_index = {a.name: i for i, a in enumerate(spec.assets)}
    sites = {sr.site.name: (d, sr.site) for d, sr in enumerate(scenario_radars(spec, cat))}
    top = max(a.value for a in spec.assets)
    radar_index: dict[str, int] = {}
    of_group = []
    for g in spec.raid:
        if g.target_radar is None:
            of_group.append(asset_index[g.target])  # type: ignore[index]
            continue
        if g.target_radar not in radar_index:
            d, site = sites[g.target_radar]
            radar_index[g.target_radar] = len(points)
            points.append(
                AimPoint(site.name, site.lat_deg, site.lon_deg, site.antenna_height_m, top, d)
            )
        of_group.append(radar_index[g.target_radar])
    return points, of_group


def route_length_m(group: Any, aim: AimPoint) -> float:
    """Length (m) on the WGS84 ellipsoid of a raid group's route: from its launch point through
    its route points to its aim point (a ballistic missile's: launch point to impact)."""
    from pyproj import Geod

    lons = [w.lon_deg for w in group.route] + [aim.lon_deg]
    lats = [w.lat_deg for w in group.route] + [aim.lat_deg]
    return float(Geod(ellps="WGS84").line_length(lons, lats))


def route_end_alt_m(threat: Any, route_alts: list[float], aim: AimPoint) -> float:
    """Height (m, above the ground) at which a threat reaches its aim point: a ballistic
    missile's impact and an anti-radiation missile's dive (catalog ``homes_on: emitter``) end at
    the aim point's own height; every other threat arrives at its route's last height."""
    if threat.category == "ballistic_missile" or threat.homes_on == "emitter":
        return aim.alt_m
    return route_alts[-1]


def ballistic_ground_speed(range_m: float, apogee_m: float, speed_m_s: float) -> float:
    """Ground speed (m/s) on the arc h(s) = 4 H s (D - s) / D^2 at which the speed at launch
    and impact is ``speed_m_s`` V: there dh/ds = 4 H / D, so V^2 = v^2 (1 + (4 H / D)^2)."""
    return speed_m_s / math.sqrt(1.0 + (4.0 * apogee_m / range_m) ** 2)


def terminal_start_s(
    range_m: float, apogee_m: float, ground_speed_m_s: float, h0: float, h1: float, below: float
) -> float:
    """Time after launch at which the arc from height h0 to h1 descends through ``below``:
    the larger root s of h0 + (h1 - h0) s / D + 4 H s (D - s) / D^2 = below, over the ground
    speed (0 when the arc never rises above it, inf-free)."""
    D, H = range_m, apogee_m
    a, b, c = -4.0 * H / D**2, 4.0 * H / D + (h1 - h0) / D, h0 - below
    disc = b * b - 4.0 * a * c
    if H <= 0.0 or disc < 0.0:
        return 0.0
    s = (-b - math.sqrt(disc)) / (2.0 * a)  # a < 0: the larger root
    return min(max(s, 0.0), D) / ground_speed_m_s


@dataclass(frozen=True)
class ScenarioRadar:
    """One radar of one battery: its catalog entry and its antenna's site."""

    unit: int  # battery index
    key: str  # catalog designation
    radar: Radar
    site: RadarSite  # name "battery/radar"; antenna height above the ground
    boresight_deg: float  # the battery's threat axis (sector radars)

    @property
    def fire_control(self) -> bool:
        """The fire unit's fire-control (multifunction) radar."""
        return self.radar.role in FIRE_CONTROL_ROLES


def battery_radars(b: Any, cat: Catalog) -> list[str]:
    """A battery's radars: its system's, then the optional ones it adds."""
    return [*cat.systems[b.system].radars, *b.radars]


def scenario_radars(spec: ScenarioFile, cat: Catalog) -> list[ScenarioRadar]:
    """Every battery's radars, in engine order; a mast sets its radar's antenna height."""
    out = []
    for u, b in enumerate(spec.batteries):
        for name in battery_radars(b, cat):
            r = cat.radars[name]
            height = r.antenna_height_m.value
            if b.mast is not None and b.mast.radar == name:
                height = cat.masts[b.mast.type].height_m.value
            site = RadarSite(
                f"{b.name}/{name}",
                b.lat_deg,
                b.lon_deg,
                b.alt_m + height,
                r.instrumented_range_m.value,
            )
            out.append(ScenarioRadar(u, name, r, site, b.threat_axis_deg or 0.0))
    return out


def beamwidth_rad(r: Radar) -> float:
    """Half-power beamwidth (rad) of a pencil beam of the radar's gain: sqrt(4 pi / G)."""
    return math.sqrt(4.0 * math.pi / float(db_to_linear(r.antenna_gain_db.value)))


def search_frame_s(r: Radar) -> float:
    """Time (s) the radar takes to search its coverage once.

    A rotating radar: its rotation period. A sector radar: its time budget, beams x dwell,
    the beams being the sector's solid angle (width x elevation extent) over the beam's
    (beamwidth squared).
    """
    if r.scan == "rotating":
        assert r.scan_period_s is not None
        return r.scan_period_s.value
    assert r.sector_width_deg is not None and r.search_dwell_s is not None
    extent = math.radians(r.max_elevation_deg.value - r.min_elevation_deg.value)
    beams = math.radians(r.sector_width_deg.value) * extent / beamwidth_rad(r) ** 2
    return beams * r.search_dwell_s.value


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


def compile_scenario(
    scn: Scenario, dtype: str | None = None, tables_from: Catalog | None = None
) -> tuple[Params, Layout]:
    """Turn a scenario into engine ``Params`` (SI arrays) and the ``Layout`` to read results.

    Entity counts are padded to size buckets (:func:`iads.arrays.bucket`), so scenarios of
    similar size share one compilation. The command post's engagement tables are flown with
    the figures of ``tables_from`` (default: the scenario's catalog): an uncertainty draw
    keeps the nominal catalog's firing tables while its rounds fly with the drawn figures.
    """
    f = np.dtype(dtype or scn.spec.dtype)
    with precision(f):
        return _compile(scn, f, scn.catalog if tables_from is None else tables_from)


class _Arrays:
    """Converts lists to engine arrays of the run's float type, padded to a slot count."""

    def __init__(self, dtype: np.dtype) -> None:  # type: ignore[type-arg]
        self.dtype = dtype

    def __call__(self, x: Any, dt: Any = None, n: int | None = None, fill: Any = 0) -> Any:
        a = np.asarray(x, dtype=dt or self.dtype)
        if n is not None and a.shape[0] < n:
            pad = np.full((n - a.shape[0], *a.shape[1:]), fill, dtype=a.dtype)
            a = np.concatenate([a, pad], axis=0)
        return jnp.asarray(a)


def _compile(scn: Scenario, f: np.dtype, tables_from: Catalog) -> tuple[Params, Layout]:  # type: ignore[type-arg]
    spec, cat = scn.spec, scn.catalog
    arr = _Arrays(f)
    frame = LocalFrame(spec.origin.lat_deg, spec.origin.lon_deg)
    aims, aim_of_group = aim_points(spec, cat)
    asset_pos = frame.to_xyz(
        [a.lat_deg for a in aims], [a.lon_deg for a in aims], [a.alt_m for a in aims]
    ).reshape(-1, 3)

    missile_types = scenario_missile_types(spec, cat)
    n_k = bucket(len(missile_types))
    n_u = bucket(len(spec.batteries))

    cps, of_battery = command_posts(spec)
    cp_entries = [cat.command_posts[cat.systems[system].command_post] for system, _ in cps]
    cp = cp_entries[0] if cp_entries else next(iter(cat.command_posts.values()))
    n_p = bucket(len(cps))
    unit_cp = arr(of_battery, np.int32, n=n_u)

    def capacity(fig: Any) -> int:
        return _UNLIMITED if fig is None else int(fig.value)

    guided = arr(
        [capacity(c.missiles_guided) for c in cp_entries], np.int32, n=n_p, fill=_UNLIMITED
    )
    launchers = _launch_params(scn, frame, missile_types, n_u, n_k, arr, unit_cp, guided)
    radar_params, radar_names = _radar_params(scn, frame, n_u, arr)
    threat_params, layout_threats = _threat_params(spec, cat, frame, aims, aim_of_group, arr)
    missiles = [cat.missiles[m] for m in missile_types]
    k_factor = scenario_k_factor(scn)
    tables = engagement_tables(tables_from, list(missile_types))

    def per_type(get: Any, fill: float = 0.0) -> Any:
        return arr([get(m) for m in missiles], n=n_k, fill=fill)

    units = spec.batteries
    systems = [cat.systems[b.system] for b in units]
    engagement = [cat.radars[cat.fire_control_radar(b.system)] for b in units]
    wta_units = arr([b.doctrine.assignment == "wta" for b in units], bool, n=n_u, fill=False)
    c2 = C2Params(
        units=UnitParams(
            valid=arr([True] * len(units), bool, n=n_u, fill=False),
            pos_m=arr(
                [frame.to_xyz(b.lat_deg, b.lon_deg, b.alt_m) for b in units] or np.zeros((0, 3)),
                n=n_u,
            ),
            target_channels=arr(
                [int(r.target_channels.value) for r in engagement],  # type: ignore[union-attr]
                np.int32,
                n=n_u,
            ),
            salvo_size=arr([b.doctrine.salvo_size for b in units], np.int32, n=n_u, fill=1),
            shoot_shoot=arr(
                [b.doctrine.policy == "shoot-shoot" for b in units], bool, n=n_u, fill=False
            ),
            range_fraction=arr(
                [b.doctrine.engagement_range_fraction for b in units], n=n_u, fill=1.0
            ),
            reaction_time_s=arr([s.reaction_time_s.value for s in systems], n=n_u),
            max_target_speed_m_s=arr(
                [
                    math.inf if s.max_target_speed_m_s is None else s.max_target_speed_m_s.value
                    for s in systems
                ],
                n=n_u,
            ),
            wta=wta_units,
        ),
        envelope=EnvelopeParams(
            max_range_m=per_type(lambda m: m.max_range_m.value),
            ballistic_range_m=per_type(
                lambda m: 0.0 if m.ballistic_range_m is None else m.ballistic_range_m.value
            ),
            min_range_m=per_type(lambda m: m.min_range_m.value),
            max_target_altitude_m=per_type(lambda m: m.max_target_altitude_m.value),
            min_target_altitude_m=per_type(lambda m: m.min_target_altitude_m.value),
            mean_speed_m_s=arr(
                [
                    t.mean_speed_m_s(
                        m.planning_range_fraction.value * m.max_range_m.value,
                        m.planning_altitude_m.value,
                    )
                    for t, m in zip(tables, missiles, strict=True)
                ],
                n=n_k,
                fill=1.0,
            ),
            table_inside=arr([t.inside for t in tables] or np.zeros((0, 1, 1)), n=n_k),
            table_time_s=arr([t.time_s for t in tables] or np.zeros((0, 1, 1)), n=n_k),
            table_range_step_m=arr([t.range_step_m for t in tables], n=n_k, fill=1.0),
            table_altitude_step_m=arr([t.altitude_step_m for t in tables], n=n_k, fill=1.0),
        ),
        unit_command_post=unit_cp,
        targets_engaged=arr(
            [capacity(c.targets_engaged) for c in cp_entries], np.int32, n=n_p, fill=_UNLIMITED
        ),
        priority_offset_s=arr(cp.priority_offset_s.value),
        wta_round_slots=wta_round_slots(launchers, wta_units),
    )
    tracking = TrackingParams(
        process_noise_m2_s3=arr(cp.tracking.process_noise_m2_s3.value),
        initial_speed_sigma_m_s=arr(cp.tracking.initial_speed_sigma_m_s.value),
        confirm_hits=arr(int(cp.tracking.confirm_hits.value), np.int32),
        timeout_s=arr(cp.tracking.timeout_s.value),
        capacity=arr(capacity(cp.targets_tracked), np.int32),
    )
    flyout = FlyoutParams(
        model=flight_models(cat, list(missile_types), n_k, f),
        seeker_band=per_type(
            lambda m: BANDS.index(m.guidance.seeker_band) if m.guidance.seeker_band else 0
        ).astype(np.int32),
        seeker_acquisition_range_m=per_type(_acquisition_range_m),
        seeker_reference_rcs_m2=per_type(_reference_rcs_m2, 1.0),
        homing_angle_noise_rad=per_type(lambda m: m.guidance.homing_angle_noise_rad.value),
        homing_noise_floor_m=per_type(lambda m: m.guidance.homing_noise_floor_m.value),
        n_substeps=max(1, math.ceil(spec.time_step_s / MAX_SUBSTEP_S)),
    )

    def mechanism_figure(field: str) -> Callable[[Missile], float]:
        def value(m: Missile) -> float:
            fig = getattr(m.kill_mechanism, field)
            return 0.0 if fig is None else float(fig.value)

        return value

    assessment = AssessmentParams(
        mechanism=per_type(lambda m: KILL_MECHANISMS.index(m.kill_mechanism.type)).astype(np.int32),
        endgame_range_m=per_type(mechanism_figure("endgame_range_m")),
        terminal_miss_m=per_type(mechanism_figure("terminal_miss_m")),
        lethal_radius_m=per_type(mechanism_figure("lethal_radius_m")),
        hit_radius_m=per_type(mechanism_figure("hit_radius_m")),
        kill_probability=arr(
            [[m.kill_probability[c].value for c in THREAT_CATEGORIES] for m in missiles]
            or np.zeros((0, len(THREAT_CATEGORIES))),
            n=n_k,
        ),
    )
    jammers = _stand_off_jammers(spec, frame, arr)
    sensing = SensingParams(radars=radar_params, jammers=jammers, k_factor=arr(k_factor))
    rounds = np.asarray(launchers.inventory).sum(axis=1) * (1 + np.asarray(launchers.reloads))
    n_missiles = bucket(max(int(rounds.sum()), 1))
    params = Params(
        threats=threat_params,
        sensing=sensing,
        tracking=tracking,
        c2=c2,
        launch=launchers,
        flyout=flyout,
        assessment=assessment,
        asset_pos_m=arr(asset_pos, n=bucket(len(aims))),
        time_step_s=arr(float(spec.time_step_s)),
        n_steps=math.ceil(spec.duration_s / spec.time_step_s),
        salvo_capacity=bucket(2 * n_missiles + 16),
        missile_capacity=n_missiles,
    )
    types, groups, asset_idx, route_length, speed, launch_time = layout_threats
    layout = Layout(
        frame=frame,
        threat_type=tuple(types),
        threat_group=tuple(groups),
        threat_types=tuple(dict.fromkeys(g.threat for g in spec.raid)),
        unit_names=tuple(b.name for b in spec.batteries),
        radar_names=tuple(radar_names),
        launcher_names=tuple(
            f"{b.name}/{lg.type} #{i + 1}"
            for b in spec.batteries
            for lg in b.launchers
            for i in range(lg.count)
        ),
        missile_types=tuple(missile_types),
        asset_names=tuple(a.name for a in aims),
        threat_asset=np.asarray(asset_idx, np.int32),
        arrival_s=np.asarray(launch_time, float)
        + np.asarray(route_length, float) / np.asarray(speed, float),
    )
    return params, layout


def _acquisition_range_m(m: Missile) -> float:
    """An active seeker's acquisition range; 0 (never locks on) for the other guidance types,
    which hold their fire-control channel for the whole flight."""
    fig = m.guidance.seeker_acquisition_range_m
    return fig.value if m.guidance.type == "active" and fig is not None else 0.0


def _reference_rcs_m2(m: Missile) -> float:
    fig = m.guidance.seeker_reference_rcs_m2
    return 1.0 if fig is None else fig.value


def _half_width_rad(r: Radar) -> float:
    """Half the radar's search sector (pi for a radar that looks all round)."""
    return math.pi if r.sector_width_deg is None else math.radians(0.5 * r.sector_width_deg.value)


def _radar_params(scn: Scenario, frame: LocalFrame, n_units: int, arr: _Arrays):  # type: ignore[no-untyped-def]
    """Every battery's radars, padded to a bucket of radar slots."""
    spec = scn.spec
    radars = scenario_radars(spec, scn.catalog)
    n_d = bucket(len(radars))
    sites = [sr.site for sr in radars]
    rs = [sr.radar for sr in radars]

    def col(get: Any, dt: Any = None, fill: Any = 0.0) -> Any:
        return arr([get(r) for r in rs], dt, n=n_d, fill=fill)

    pos = [frame.to_xyz(s.lat_deg, s.lon_deg, s.antenna_height_m) for s in sites]
    lowest, grid = _terrain(scn, frame, sites, n_d)
    pd_tables = [detection_probability_table(r.false_alarm_probability.value) for r in rs]
    pd_fill = detection_probability_table(1e-6)
    params = RadarParams(
        valid=arr([True] * len(rs), bool, n=n_d, fill=False),
        pos_m=arr(pos or np.zeros((0, 3)), n=n_d),
        unit=arr([sr.unit for sr in radars], np.int32, n=n_d, fill=n_units),
        fire_control=arr([sr.fire_control for sr in radars], bool, n=n_d, fill=False),
        band=col(lambda r: BANDS.index(band_of(r.frequency_hz.value)), np.int32, 0),
        snr_coeff=col(radar_snr_coeff),
        pd_table=arr(pd_tables or np.zeros((0, *pd_fill.shape)), n=n_d),
        search_frame_s=col(search_frame_s, fill=1.0),
        boresight_rad=arr([math.radians(sr.boresight_deg) for sr in radars], n=n_d),
        sector_half_width_rad=col(_half_width_rad),
        track_revisit_s=col(
            lambda r: math.inf if r.track_revisit_s is None else r.track_revisit_s.value,
            fill=math.inf,
        ),
        track_capacity=col(
            lambda r: 0 if r.targets_tracked is None else int(r.targets_tracked.value), np.int32
        ),
        track_coast_s=col(lambda r: 0.0 if r.track_coast_s is None else r.track_coast_s.value),
        max_range_m=col(lambda r: r.instrumented_range_m.value),
        min_elevation_rad=col(lambda r: float(deg_to_rad(r.min_elevation_deg.value))),
        max_elevation_rad=col(lambda r: float(deg_to_rad(r.max_elevation_deg.value))),
        range_noise_m=col(lambda r: r.range_noise_m.value, fill=1.0),
        angle_noise_rad=col(lambda r: float(deg_to_rad(r.angle_noise_deg.value)), fill=1e-3),
        gain_db=col(lambda r: r.antenna_gain_db.value),
        sidelobe_level_db=col(lambda r: r.sidelobe_level_db.value),
        frequency_hz=col(lambda r: r.frequency_hz.value, fill=1e9),
        noise_temperature_k=col(lambda r: r.system_noise_temperature_k.value, fill=290.0),
        receiver_bandwidth_hz=col(lambda r: 1.0 / r.pulse_width_s.value, fill=1e6),
        beamwidth_rad=col(beamwidth_rad, fill=1.0),
        terrain_lowest_m=arr(lowest, n=n_d, fill=np.inf),
        terrain_grid_m=arr(grid),
    )
    return params, [s.name for s in sites]


def wta_round_slots(launchers: Any, wta_units: Any) -> int:
    """Round slots of the assignment plan: the most rounds its units hold at once (every
    launcher full), in a size bucket; 0 when no unit plans."""
    held = np.asarray(launchers.inventory).sum(axis=1)
    unit = np.asarray(launchers.unit)
    wta = np.asarray(wta_units)
    planned = wta[np.clip(unit, 0, wta.size - 1)] & np.asarray(launchers.valid)
    total = int(held[planned].sum())
    return bucket(total) if total > 0 else 0


def _launch_params(  # type: ignore[no-untyped-def]
    scn: Scenario,
    frame: LocalFrame,
    missile_types: list[str],
    n_u: int,
    n_k: int,
    arr: _Arrays,
    unit_command_post: Any,
    missiles_guided: Any,
) -> LaunchParams:
    """Every battery's launchers, one slot each, padded to a bucket of launcher slots."""
    spec, cat = scn.spec, scn.catalog
    pos, unit, interval, height, loads, reload_time, reloads = [], [], [], [], [], [], []
    channels = []
    for u, b in enumerate(spec.batteries):
        fire_control = cat.radars[cat.fire_control_radar(b.system)]
        channels.append(int(fire_control.missile_channels.value))  # type: ignore[union-attr]
        for lg in b.launchers:
            launcher = cat.launchers[lg.type]
            load = np.zeros(n_k, np.int32)
            for m, n in launcher_load(lg, cat).items():
                load[missile_types.index(m)] = n
            for lat, lon, alt in launcher_sites(b, lg):
                pos.append(frame.to_xyz(lat, lon, alt))
                unit.append(u)
                interval.append(launcher.launch_interval_s.value)
                height.append(launcher.launch_height_m.value)
                loads.append(load)
                rt = launcher.reload_time_s
                reload_time.append(math.inf if rt is None else rt.value)
                reloads.append(lg.reloads)
    n_n = bucket(len(pos))
    # rounds in the air: 1.5 times the channels (not bucketed: it is fixed by the system)
    n_m = max((3 * c + 1) // 2 for c in channels) if channels else 1
    slot_valid = np.zeros((n_u, n_m), bool)
    for u, mc in enumerate(channels):
        slot_valid[u, : (3 * mc + 1) // 2] = True
    missiles = [cat.missiles[m] for m in missile_types]
    return LaunchParams(
        valid=arr([True] * len(pos), bool, n=n_n, fill=False),
        pos_m=arr(pos or np.zeros((0, 3)), n=n_n),
        unit=arr(unit, np.int32, n=n_n, fill=n_u),
        launch_interval_s=arr(interval, n=n_n, fill=1.0),
        launch_height_m=arr(height, n=n_n),
        inventory=arr(loads or np.zeros((0, n_k)), np.int32, n=n_n),
        reload_time_s=arr(reload_time, n=n_n, fill=math.inf),
        reloads=arr(reloads, np.int32, n=n_n),
        slot_valid=arr(slot_valid, bool),
        missile_channels=arr(channels, np.int32, n=n_u),
        unit_command_post=unit_command_post,
        missiles_guided=missiles_guided,
        launch_speed_m_s=arr([m.launch_speed_m_s.value for m in missiles], n=n_k, fill=1.0),
        launch_elevation_rad=arr(
            [float(deg_to_rad(m.launch_elevation_deg.value)) for m in missiles], n=n_k
        ),
    )


def _threat_params(
    spec: ScenarioFile,
    cat: Catalog,
    frame: LocalFrame,
    aims: list[AimPoint],
    aim_of_group: list[int],
    arr,
):  # type: ignore[no-untyped-def]
    routes, dists, lengths, speeds, launch, ballistic, apogee = [], [], [], [], [], [], []
    weave: list[tuple[float, float, float, float, float]] = []
    pull: list[tuple[float, float, float]] = []
    rcs, swerling, category, asset, value, types, groups = [], [], [], [], [], [], []
    ssj_erp, ssj_bw, target_radar = [], [], []
    ssj = {j.raid_group: j for j in spec.jammers if j.kind == "self-screening"}
    for g, aim_index in zip(spec.raid, aim_of_group, strict=True):
        jam = ssj.get(g.name)
        th = cat.threats[g.threat]
        a = aims[aim_index]
        is_bal = th.category == "ballistic_missile"
        lats = [w.lat_deg for w in g.route] + [a.lat_deg]
        lons = [w.lon_deg for w in g.route] + [a.lon_deg]
        route_alts = route_altitudes_m(g, th)
        alts = [*route_alts, route_end_alt_m(th, route_alts, a)]
        e, n = frame.ground(lats, lons)
        enu = np.stack([e, n, np.asarray(alts, float)], axis=-1)
        seg = np.hypot(np.diff(e), np.diff(n))
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        length = float(cum[-1])
        speed = g.speed_m_s or th.speed_m_s.value
        apo = 0.0
        if is_bal:
            assert th.apogee_m is not None
            apo = th.apogee_m.value
            speed = ballistic_ground_speed(max(length, 1.0), apo, speed)
        weave_of = _weave(th.evasion if g.react else None, max(length, 1.0), apo, speed, alts)
        pull_of = _pull_up(th.pull_up if g.react else None, max(length, 1.0), apo, speed, alts)
        for i in range(g.count):
            routes.append(enu)
            dists.append(cum)
            lengths.append(length)
            speeds.append(speed)
            launch.append(g.launch_time_s + i * g.spacing_s)
            ballistic.append(is_bal)
            apogee.append(apo)
            weave.append((*weave_of[:4], launch[-1] + weave_of[4]))
            pull.append((*pull_of[:2], launch[-1] + pull_of[2]))
            rcs.append(th.rcs_table_m2())
            swerling.append(th.swerling_case)
            category.append(THREAT_CATEGORIES.index(th.category))
            asset.append(aim_index)
            value.append(a.value)
            target_radar.append(a.radar)
            types.append(g.threat)
            groups.append(g.name)
            ssj_erp.append(0.0 if jam is None else _erp_w(jam))
            ssj_bw.append(1.0 if jam is None else jam.bandwidth_hz)
    n_j = bucket(len(routes))
    n_w = bucket(max(len(r) for r in routes))
    wp = np.zeros((len(routes), n_w, 3))
    wd = np.zeros((len(routes), n_w))
    for j, (r, d) in enumerate(zip(routes, dists, strict=True)):
        wp[j, : len(r)] = r
        wp[j, len(r) :] = r[-1]
        wd[j, : len(d)] = d
        wd[j, len(d) :] = d[-1]
    tp = ThreatParams(
        waypoints_enu_m=arr(wp, n=n_j),
        waypoint_dist_m=arr(wd, n=n_j),
        route_length_m=arr(lengths, n=n_j, fill=1.0),
        ground_speed_m_s=arr(speeds, n=n_j, fill=1.0),
        launch_time_s=arr(launch, n=n_j, fill=np.inf),
        ballistic=arr(ballistic, bool, n=n_j, fill=False),
        apogee_m=arr(apogee, n=n_j),
        rcs_m2=arr(rcs, n=n_j),
        swerling=arr(swerling, np.int32, n=n_j),
        category=arr(category, np.int32, n=n_j),
        asset=arr(asset, np.int32, n=n_j),
        asset_value=arr(value, n=n_j),
        target_radar=arr(target_radar, np.int32, n=n_j, fill=-1),
        valid=arr(np.ones(len(routes), bool), bool, n=n_j, fill=False),
        ssj_erp_w=arr(ssj_erp, n=n_j),
        ssj_bandwidth_hz=arr(ssj_bw, n=n_j, fill=1.0),
        weave_accel_m_s2=arr([w[0] for w in weave], n=n_j),
        weave_omega_rad_s=arr([w[1] for w in weave], n=n_j, fill=1.0),
        weave_duration_s=arr([w[2] for w in weave], n=n_j),
        warning_time_s=arr([w[3] for w in weave], n=n_j),
        terminal_start_s=arr([w[4] for w in weave], n=n_j, fill=np.inf),
        pull_up_accel_m_s2=arr([u[0] for u in pull], n=n_j),
        pull_up_omega_rad_s=arr([u[1] for u in pull], n=n_j, fill=1.0),
        pull_up_start_s=arr([u[2] for u in pull], n=n_j, fill=np.inf),
    )
    return tp, (types, groups, asset, lengths, speeds, launch)


def _weave(
    ev: Evasion | None, length: float, apogee: float, speed: float, alts: list[float]
) -> tuple[float, float, float, float, float]:
    """A threat's weave (iads.threats.flight): lateral acceleration, angular frequency,
    duration, warning time and the start of a terminal weave after launch (inf: none)."""
    if ev is None:
        return 0.0, 1.0, math.inf, 0.0, math.inf
    accel = ev.load_factor_g.value * STANDARD_GRAVITY_M_S2
    omega = 2.0 * math.pi / ev.period_s.value
    if ev.trigger == "warned":
        assert ev.periods is not None and ev.warning_time_s is not None
        return accel, omega, ev.periods.value * ev.period_s.value, ev.warning_time_s.value, math.inf
    assert ev.start_altitude_m is not None
    below = ev.start_altitude_m.value
    return (
        accel,
        omega,
        math.inf,
        0.0,
        terminal_start_s(length, apogee, speed, alts[0], alts[-1], below),
    )


def _pull_up(
    pu: PullUp | None, length: float, apogee: float, speed: float, alts: list[float]
) -> tuple[float, float, float]:
    """A quasi-ballistic threat's pull-up (iads.threats.flight): vertical acceleration,
    angular frequency and its start after launch (inf: none)."""
    if pu is None:
        return 0.0, 1.0, math.inf
    below = pu.start_altitude_m.value
    return (
        pu.load_factor_g.value * STANDARD_GRAVITY_M_S2,
        2.0 * math.pi / pu.period_s.value,
        terminal_start_s(length, apogee, speed, alts[0], alts[-1], below),
    )


def route_altitudes_m(group: Any, threat: Any) -> list[float]:
    """Heights (m) of a raid group's route points: as given, else the threat type's cruise
    altitude (a ballistic missile's launch point: the ground)."""
    default = 0.0 if threat.category == "ballistic_missile" else threat.cruise_altitude_m.value
    return [default if w.alt_m is None else w.alt_m for w in group.route]


def _erp_w(jam: Jammer) -> float:
    """A jammer's effective radiated power towards the radars, P G / L (W)."""
    return jam.power_w * float(db_to_linear(jam.antenna_gain_db - jam.losses_db))


def _stand_off_jammers(spec: ScenarioFile, frame: LocalFrame, arr: _Arrays) -> JammerParams:
    """Stand-off jammers, padded with jammers of zero power (at least one slot)."""
    soj = [j for j in spec.jammers if j.kind == "stand-off"]
    pos = [frame.to_xyz(j.site.lat_deg, j.site.lon_deg, j.site.alt_m) for j in soj if j.site]
    n_s = bucket(len(soj))
    return JammerParams(
        pos_m=arr(np.stack(pos).reshape(-1, 3) if pos else np.zeros((0, 3)), n=n_s),
        erp_w=arr([_erp_w(j) for j in soj], n=n_s),
        bandwidth_hz=arr([j.bandwidth_hz for j in soj], n=n_s, fill=1.0),
    )


#: Masking-grid placement that no position falls inside (a scenario without terrain).
_NO_GRID = (1e30, -1e30, 1.0)


def scenario_k_factor(scn: Scenario) -> float:
    """The run's effective-Earth factor: the scenario's, else the catalog environment's."""
    k = scn.spec.k_factor
    return scn.catalog.environment.k_factor.value if k is None else k


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
        grid = masking_grid(dem, frame, sites, spec.terrain.cell_m, scenario_k_factor(scn))
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
    spec, out = scn.spec, []
    aims, aim_of_group = aim_points(spec, scn.catalog)
    for i, g in enumerate(spec.raid):
        a = aims[aim_of_group[i]]
        dist_m = route_length_m(g, a)
        th = scn.catalog.threats[g.threat]
        speed = g.speed_m_s or th.speed_m_s.value
        step_m = speed * spec.time_step_s
        if dist_m <= step_m:
            out.append(
                f"{scn.path}: raid[{i}].route: group {g.name!r} flies {dist_m:,.0f} m to its "
                f"target {a.name!r}, within one time step's flight ({step_m:,.0f} m): it leaks "
                "at once, before any radar looks"
            )
    return out


def replication_bytes(params: Params) -> int:
    """Bytes of one replication's final state and event log (what a run keeps of it)."""
    import jax

    from iads.engine.run import init_log, init_state

    with precision(params.threats.launch_time_s.dtype):
        shapes = jax.eval_shape(
            lambda p, k: (init_state(p, k), init_log(p)), params, jax.random.PRNGKey(0)
        )
    return int(
        sum(
            np.prod(s.shape) * np.dtype(s.dtype).itemsize for s in jax.tree_util.tree_leaves(shapes)
        )
    )


def device_free_bytes() -> int | None:
    """Free memory of JAX's default device when it reports it (a GPU), else None (a CPU)."""
    import jax

    stats = jax.devices()[0].memory_stats() or {}
    if "bytes_limit" not in stats:
        return None
    return int(stats["bytes_limit"]) - int(stats.get("bytes_in_use", 0))


#: Share of the host's available memory a run may take (:func:`memory_check`).
HOST_MEMORY_SHARE = 0.8


def host_bytes(per_rep: int, replications: int, batch_size: int) -> int:
    """Host memory a run needs: its results, a batch's working set, copies of both."""
    return per_rep * (replications + 4 * batch_size) * 3


def memory_check(source: str | Path, params: Params, replications: int, batch_size: int) -> None:
    """Refuse a run whose results would not fit in memory (InputError on ``replications``)."""
    need = host_bytes(replication_bytes(params), replications, batch_size)
    avail = available_memory_bytes()
    if need > HOST_MEMORY_SHARE * avail:
        raise InputError(
            source,
            "replications",
            f"{replications} replications need about {need / 2**30:.1f} GiB; "
            f"{avail / 2**30:.1f} GiB is available (run fewer, or split the run)",
        )
