"""Radar coverage products: horizontal maps at one altitude, lowest altitudes, vertical diagrams.

For a target of radar cross-section sigma (``rcs_m2``) flying ``altitude_m`` (H) above the
ground, a cell of the scenario's masking grid (:func:`iads.scenario.terrain.masking_grid`:
the frame's azimuthal-equidistant grid, terrain or sea level) is *covered* by a radar when all of

- the terrain does not hide it: the lowest visible height of the cell (4/3 Earth over the DEM,
  or over the sea-level Earth when the scenario names no terrain) is at most H;
- the single-look detection probability at the slant range is at least ``pd``, i.e. the slant
  range is at most the free-space detection range

      R_d = (C sigma / SNR_req)^(1/4),   C = P_t tau n G^2 lambda^2 / ((4 pi)^3 k T_s L)

  (the engine's radar equation, :func:`iads.radar.equation.snr_linear`, with SNR_req the
  single-look SNR that gives ``pd`` at the radar's P_fa for the Swerling case,
  :func:`iads.radar.detection.required_snr_db`; Swerling 1: SNR_req = ln(1/P_fa)/ln(1/P_d) - 1);
- the slant range is within the instrumented range and the elevation within the radar's limits.

Slant range and elevation are those of :func:`iads.radar.equation.effective_earth_geometry`
(effective Earth k R, k = 4/3) with the radar ``alt_m + antenna_height_m`` and the target H above
the ground, ground range measured on the frame's grid: the engine's conventions. Along a cell's
vertical the detected heights form one interval [lowest, highest] (elevation and slant range
both grow with height); *lowest altitude* is the bottom of that interval (NaN where the radar
never detects the target), so ``covered(H) = lowest <= H <= highest``.

The vertical diagram is a range-height chart over the smooth 4/3 Earth (terrain not drawn):
x ground range, y height above the curved effective surface (so straight rays bend upwards),
shaded with the engine's single-look P_d table, with the ``pd`` contour within the elevation
limits and instrumented range, the radar horizon and the altitude H marked.

Files written by :func:`write_coverage` (``<name>`` is ``<battery>-<radar>`` with characters
other than letters, digits, ``.``, ``_`` and ``-`` replaced by ``-``, and ``combined`` for the
union of all radars):

- ``coverage_<name>.tif``: uint8 GeoTIFF in the frame's azimuthal-equidistant CRS (metres):
  1 covered, 0 not covered, 255 (nodata) beyond the instrumented ground range;
- ``coverage_<name>.geojson``: outline of the covered cells, one MultiPolygon feature, WGS84
  longitude/latitude (RFC 7946, exterior rings counter-clockwise);
- ``coverage_<name>.png``: the map with a latitude/longitude graticule (bottom and left axes in
  degrees, top and right in km east/north of the scenario origin), sites and labelled rings;
- ``lowest_altitude_<name>.tif`` / ``.png``: lowest detected altitude above ground (m, float32,
  NaN nodata); ``combined`` is the minimum over the radars;
- ``vertical_<name>.png``: the range-height diagram (per radar only);
- ``coverage.json``: the request, the grid, and per radar and combined the figures (free-space
  detection range, horizon range at H, covered area, lowest-altitude statistics, files).

The directory is written atomically (:func:`iads.results.output.write_directory`); a directory
holding anything but these products (:func:`is_coverage_output`) is refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from affine import Affine
from numpy.typing import NDArray

from iads.errors import InputError
from iads.geo.frame import LocalFrame
from iads.jsonio import json_safe
from iads.radar.detection import required_snr_db
from iads.radar.equation import (
    K_FACTOR_STANDARD,
    PD_TABLE_SIZE,
    PD_TABLE_SNR_DB_MIN,
    PD_TABLE_STEP_DB,
    detection_probability_table,
    effective_earth_geometry,
    effective_earth_radius_m,
    horizon_range_m,
)
from iads.radar.geometry import height_at_elevation_m, heights_at_slant_range_m
from iads.results.output import check_output_dir, write_directory
from iads.scenario.compile import Scenario, radar_snr_coeff, scenario_radars
from iads.scenario.terrain import (
    MaskingGrid,
    RadarSite,
    check_dem_covers,
    frame_crs,
    masking_grid,
    scenario_dem,
)
from iads.terrain import Dem
from iads.units import db_to_linear, deg_to_rad, linear_to_db

#: Summary file of a coverage run.
COVERAGE_JSON = "coverage.json"
#: Product name of the union of all radars.
COMBINED = "combined"
#: Highest target altitude accepted (m above the ground), as for route waypoints.
MAX_ALTITUDE_M = 200_000.0
#: Largest grid cell accepted (m), as for a scenario's terrain cell.
MAX_CELL_M = 100_000.0
#: Largest target RCS accepted (m^2): far beyond any aircraft (a large ship is ~1e5).
MAX_RCS_M2 = 1e6
#: Samples of the vertical diagram's Pd field: ground ranges x heights.
VERTICAL_SAMPLES = (900, 450)
#: Values of the coverage GeoTIFF.
NOT_COVERED, COVERED, OUTSIDE = 0, 1, 255
#: Height ticks (km) of the vertical diagrams (a square-root scale).
HEIGHT_TICKS_KM = (0, 0.5, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000)
#: Colour bands (m) of the lowest-altitude maps.
LOWEST_ALTITUDE_LEVELS_M = (0, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)

_PRODUCT = re.compile(r"^(coverage|lowest_altitude|vertical)_[A-Za-z0-9._-]+\.(tif|geojson|png)$")


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class CoverageRequest:
    """What to map: a target ``rcs_m2`` at ``altitude_m`` above the ground, seen with ``pd``."""

    altitude_m: float  # target height above the ground, m
    rcs_m2: float  # target radar cross-section, m^2
    pd: float = 0.5  # single-look detection probability that counts as detected
    swerling: int = 1  # target fluctuation case, 0..4
    cell_m: float | None = None  # grid spacing, m (None: the masking grid's default)
    k_factor: float = K_FACTOR_STANDARD  # effective-Earth factor


def coverage_request(
    source: str | Path,
    altitude_m: float,
    rcs_m2: float,
    pd: float = 0.5,
    swerling: int = 1,
    cell_m: float | None = None,
) -> CoverageRequest:
    """A checked :class:`CoverageRequest`; :class:`InputError` naming ``source`` and the option."""

    def bad(option: str, problem: str) -> InputError:
        return InputError(source, option, problem)

    if not (math.isfinite(altitude_m) and 0.0 <= altitude_m <= MAX_ALTITUDE_M):
        raise bad(
            "--altitude-m", f"must be a height in [0, {MAX_ALTITUDE_M:g}] m, got {altitude_m}"
        )
    if not (math.isfinite(rcs_m2) and 0.0 < rcs_m2 <= MAX_RCS_M2):
        raise bad("--rcs-m2", f"must be in (0, {MAX_RCS_M2:g}] m², got {rcs_m2}")
    if not (math.isfinite(pd) and 0.0 < pd < 1.0):
        raise bad("--pd", f"must be a probability strictly between 0 and 1, got {pd}")
    if swerling not in (0, 1, 2, 3, 4):
        raise bad("--swerling", f"must be one of 0, 1, 2, 3, 4, got {swerling}")
    if cell_m is not None and not (math.isfinite(cell_m) and 0.0 < cell_m <= MAX_CELL_M):
        raise bad("--cell-m", f"must be in (0, {MAX_CELL_M:g}] m, got {cell_m}")
    return CoverageRequest(float(altitude_m), float(rcs_m2), float(pd), int(swerling), cell_m)


@dataclass(frozen=True)
class CoverageRadar:
    """One radar of the scenario, with what its coverage needs (SI)."""

    name: str  # "<battery>-<radar>"
    slug: str  # file-name form of ``name``, unique in the scenario
    battery: str
    radar: str
    east_m: float  # site in the scenario frame
    north_m: float
    snr_coeff: float  # SNR at 1 m range for 1 m^2 (the radar equation's C)
    false_alarm_probability: float
    min_elevation_rad: float
    max_elevation_rad: float
    site: RadarSite  # the antenna: position, height above the ground, instrumented range

    @property
    def lat_deg(self) -> float:
        return self.site.lat_deg

    @property
    def lon_deg(self) -> float:
        return self.site.lon_deg

    @property
    def antenna_height_m(self) -> float:
        """Above the ground: battery alt_m + the radar's antenna height."""
        return self.site.antenna_height_m

    @property
    def instrumented_range_m(self) -> float:
        """Slant range, m."""
        return self.site.max_range_m


def coverage_radars(scn: Scenario) -> list[CoverageRadar]:
    """Every radar of every battery (surveillance then engagement), in the engine's order."""
    spec = scn.spec
    if not spec.batteries:
        raise InputError(scn.path, "batteries", "no batteries: there is no radar to map")
    frame = LocalFrame(spec.origin.lat_deg, spec.origin.lon_deg)
    out: list[CoverageRadar] = []
    slugs = {COMBINED}
    for sr in scenario_radars(spec, scn.catalog):
        r, site = sr.radar, sr.site
        battery = spec.batteries[sr.unit].name
        radar_name = site.name.removeprefix(f"{battery}/")
        name = f"{battery}-{radar_name}"
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "radar"
        base, k = slug, 2
        while slug in slugs:
            slug, k = f"{base}-{k}", k + 1
        slugs.add(slug)
        east, north = frame.ground(site.lat_deg, site.lon_deg)
        out.append(
            CoverageRadar(
                name=name,
                slug=slug,
                battery=battery,
                radar=radar_name,
                east_m=float(east),
                north_m=float(north),
                snr_coeff=radar_snr_coeff(r),
                false_alarm_probability=r.false_alarm_probability.value,
                min_elevation_rad=float(deg_to_rad(r.min_elevation_deg.value)),
                max_elevation_rad=float(deg_to_rad(r.max_elevation_deg.value)),
                site=site,
            )
        )
    return out


def check_pd(scn: Scenario, radars: list[CoverageRadar], pd: float) -> None:
    """``pd`` must exceed every radar's false-alarm probability (else no SNR is required)."""
    for r in radars:
        if pd <= r.false_alarm_probability:
            raise InputError(
                scn.path,
                "--pd",
                f"must exceed {r.name}'s false-alarm probability {r.false_alarm_probability:g}",
            )
        try:
            for case in range(5):
                required_snr(pd, r.false_alarm_probability, case)
        except ValueError:
            raise InputError(
                scn.path, "--pd", f"{pd:g} needs an SNR outside -40..80 dB for {r.name}"
            ) from None


# ----------------------------------------------------------------------------- physics


@lru_cache(maxsize=64)
def required_snr(pd: float, false_alarm_probability: float, swerling: int) -> float:
    """Single-look SNR (linear) at which the detection probability equals ``pd``."""
    return float(db_to_linear(required_snr_db(pd, false_alarm_probability, 1, swerling)))


@lru_cache(maxsize=16)
def _pd_table(false_alarm_probability: float) -> NDArray[np.float64]:
    table: NDArray[np.float64] = detection_probability_table(false_alarm_probability)
    table.setflags(write=False)
    return table


def detection_range_m(radar: CoverageRadar, rcs_m2: float, pd: float, swerling: int) -> float:
    """Free-space detection range R_d = (C sigma / SNR_req)^(1/4) (m) for ``pd``."""
    snr_req = required_snr(pd, radar.false_alarm_probability, swerling)
    return float((radar.snr_coeff * rcs_m2 / snr_req) ** 0.25)


def coverage_grid(
    scn: Scenario,
    radars: list[CoverageRadar],
    cell_m: float | None,
    on_radar: Callable[[RadarSite], None] | None = None,
) -> MaskingGrid:
    """The masking grid over every radar: the scenario's terrain, else the sea-level Earth.

    Without terrain the grid is all 0 m, so the smooth 4/3-Earth horizon is the only mask (one
    code path). ``cell_m`` defaults to the scenario's ``terrain.cell_m``, then the grid's own.
    """
    spec = scn.spec
    frame = LocalFrame(spec.origin.lat_deg, spec.origin.lon_deg)
    dem: Dem | None = None
    if spec.terrain is not None:
        dem = scenario_dem(scn.path, spec.terrain.dem)
        check_dem_covers(
            dem,
            scn.path,
            [(f"battery {b.name!r}", b.lat_deg, b.lon_deg) for b in spec.batteries],
        )
        cell_m = cell_m if cell_m is not None else spec.terrain.cell_m
    try:
        return masking_grid(dem, frame, [r.site for r in radars], cell_m, on_radar=on_radar)
    except ValueError as exc:
        problem = str(exc).removeprefix("cell_m: ")
        raise InputError(scn.path, "--cell-m (or terrain.cell_m)", problem) from None


@dataclass(frozen=True)
class HorizontalCoverage:
    """One radar's (or the union's) coverage on the grid at the requested altitude."""

    covered: NDArray[np.bool_]  # [rows, cols] detected at the altitude
    in_range: NDArray[np.bool_]  # [rows, cols] within the instrumented ground range
    lowest_altitude_m: NDArray[np.float32]  # [rows, cols] lowest detected height, NaN: never


def ground_range_grid_m(grid: MaskingGrid, east_m: float, north_m: float) -> NDArray[np.float64]:
    """Ground range (m) on the frame's grid from (east_m, north_m) to each cell centre."""
    rows, cols = grid.lowest_m.shape[1:]
    e = grid.e0_m + grid.cell_m * (np.arange(cols) + 0.5) - east_m
    n = grid.n0_m - grid.cell_m * (np.arange(rows) + 0.5) - north_m
    return np.hypot(e[None, :], n[:, None])


def horizontal_coverage(
    grid: MaskingGrid, index: int, radar: CoverageRadar, request: CoverageRequest
) -> HorizontalCoverage:
    """Radar ``index`` of the grid: covered cells at the altitude, and lowest detected heights."""
    terrain_lowest = grid.lowest_m[index].astype(np.float64)  # NaN beyond the ground range
    in_range = np.isfinite(terrain_lowest)
    s = ground_range_grid_m(grid, radar.east_m, radar.north_m)
    reach = min(
        detection_range_m(radar, request.rcs_m2, request.pd, request.swerling),
        radar.instrumented_range_m,
    )
    h_r, h_t, k = radar.antenna_height_m, request.altitude_m, request.k_factor
    slant, elevation, _ = effective_earth_geometry(h_r, h_t, s, k, xp=np)
    with np.errstate(invalid="ignore"):
        covered = (
            (terrain_lowest <= h_t)
            & (slant <= reach)
            & (elevation >= radar.min_elevation_rad)
            & (elevation <= radar.max_elevation_rad)
        )
        below_reach, above_reach = heights_at_slant_range_m(h_r, reach, s, k, xp=np)
        lowest = np.maximum(
            np.maximum(terrain_lowest, 0.0),
            np.maximum(
                height_at_elevation_m(h_r, radar.min_elevation_rad, s, k, xp=np), below_reach
            ),
        )
        highest = np.minimum(
            height_at_elevation_m(h_r, radar.max_elevation_rad, s, k, xp=np), above_reach
        )
        seen = in_range & (lowest <= highest)
    return HorizontalCoverage(
        covered=covered,
        in_range=in_range,
        lowest_altitude_m=np.where(seen, lowest, np.nan).astype(np.float32),
    )


def combine(coverages: list[HorizontalCoverage]) -> HorizontalCoverage:
    """The union: covered by any radar; lowest altitude the minimum over the radars."""
    lowest = np.stack([c.lowest_altitude_m for c in coverages])
    seen = np.isfinite(lowest).any(axis=0)
    return HorizontalCoverage(
        covered=np.logical_or.reduce([c.covered for c in coverages]),
        in_range=np.logical_or.reduce([c.in_range for c in coverages]),
        lowest_altitude_m=np.where(
            seen, np.min(np.where(np.isfinite(lowest), lowest, np.inf), axis=0), np.nan
        ).astype(np.float32),
    )


@dataclass(frozen=True)
class VerticalCoverage:
    """A radar's range-height diagram over the smooth effective Earth."""

    ground_range_m: NDArray[np.float64]  # [S]
    height_m: NDArray[np.float64]  # [H] above the effective surface
    pd: NDArray[np.float32]  # [H, S] single-look P_d; 0 below the horizon, out of limits
    detection_range_m: float  # free-space, for the request's pd
    horizon_range_m: float  # smooth 4/3 Earth, target at the request's altitude


def vertical_coverage(radar: CoverageRadar, request: CoverageRequest) -> VerticalCoverage:
    """P_d on a ground-range x height grid (single look, the engine's P_d table).

    Zero where the target is below the radar horizon, beyond the instrumented (slant) range or
    outside the elevation limits. The grid reaches about 8% beyond the detection envelope in
    range and height; heights are spaced evenly in their square root (fine near the ground,
    where the horizon is).
    """
    k = request.k_factor
    r_d = detection_range_m(radar, request.rcs_m2, request.pd, request.swerling)
    reach = min(r_d, radar.instrumented_range_m)
    re = effective_earth_radius_m(k)
    top = reach * math.sin(radar.max_elevation_rad) + reach**2 / (2.0 * re)
    height_top = max(1.08 * top, 2.0 * request.altitude_m, 1000.0)
    n_s, n_h = VERTICAL_SAMPLES
    s = np.linspace(0.0, 1.08 * reach, n_s)
    h = height_top * np.linspace(0.0, 1.0, n_h) ** 2
    slant, elevation, clear = effective_earth_geometry(
        radar.antenna_height_m, h[:, None], s[None, :], k, xp=np
    )
    snr = radar.snr_coeff * request.rcs_m2 / np.maximum(slant, 1.0) ** 4
    table = _pd_table(radar.false_alarm_probability)[request.swerling]
    grid_db = PD_TABLE_SNR_DB_MIN + PD_TABLE_STEP_DB * np.arange(PD_TABLE_SIZE)
    pd = np.interp(linear_to_db(np.maximum(snr, 1e-30)), grid_db, table)
    inside = (
        clear
        & (slant <= radar.instrumented_range_m)
        & (elevation >= radar.min_elevation_rad)
        & (elevation <= radar.max_elevation_rad)
    )
    return VerticalCoverage(
        ground_range_m=s,
        height_m=h,
        pd=np.where(inside, pd, 0.0).astype(np.float32),
        detection_range_m=r_d,
        horizon_range_m=float(
            horizon_range_m(radar.antenna_height_m, request.altitude_m, k, xp=np)
        ),
    )


# ----------------------------------------------------------------------------- output


def is_coverage_output(name: str) -> bool:
    """A file ``iads coverage`` writes (an earlier run's directory may be replaced)."""
    return name == COVERAGE_JSON or _PRODUCT.match(name) is not None


def write_coverage(
    scn: Scenario,
    request: CoverageRequest,
    out_dir: str | Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Compute and write every coverage product into ``out_dir`` atomically.

    ``progress(stage, done, total)`` reports the line-of-sight grid (``"line of sight"``, one
    step per radar) and then the products (``"maps"``, one step per radar and one for the
    union). Returns the contents of ``coverage.json``. Raises :class:`InputError` for a
    scenario without batteries, a ``pd`` at or below a radar's P_fa, a bad DEM or ``out_dir``.
    """
    check_output_dir(out_dir, is_coverage_output)
    radars = coverage_radars(scn)
    check_pd(scn, radars, request.pd)
    n = len(radars)

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("line of sight", 0, n)
    seen_sites: list[RadarSite] = []

    def on_radar(site: RadarSite) -> None:
        seen_sites.append(site)
        report("line of sight", len(seen_sites), n)

    grid = coverage_grid(scn, radars, request.cell_m, on_radar)
    frame = LocalFrame(scn.spec.origin.lat_deg, scn.spec.origin.lon_deg)
    cell_km2 = grid.cell_m**2 / 1e6
    summary: dict[str, Any] = {
        "scenario": scn.spec.name,
        "scenario_file": str(scn.path),
        "altitude_m": request.altitude_m,
        "rcs_m2": request.rcs_m2,
        "pd": request.pd,
        "swerling": request.swerling,
        "k_factor": request.k_factor,
        "terrain": grid.dem.source,
        "jamming": "not included: the radars are shown unjammed",
        "grid": {
            "crs": frame_crs(frame).srs,
            "cell_m": grid.cell_m,
            "rows": int(grid.lowest_m.shape[1]),
            "cols": int(grid.lowest_m.shape[2]),
            "west_m": grid.e0_m,
            "north_m": grid.n0_m,
        },
    }

    def write(tmp: Path) -> None:
        entries: list[dict[str, Any]] = []
        coverages: list[HorizontalCoverage] = []
        report("maps", 0, n + 1)
        for d, radar in enumerate(radars):
            cov = horizontal_coverage(grid, d, radar, request)
            vert = vertical_coverage(radar, request)
            coverages.append(cov)
            files = _write_maps(tmp, radar.slug, radar.name, cov, grid, frame, [radar], request)
            files.append(_write_vertical(tmp, radar, vert, request))
            entries.append(_radar_entry(radar, cov, vert, cell_km2, files))
            report("maps", d + 1, n + 1)
        union = combine(coverages)
        files = _write_maps(tmp, COMBINED, "all radars", union, grid, frame, radars, request)
        summary["radars"] = entries
        summary[COMBINED] = {
            "covered_area_km2": float(union.covered.sum() * cell_km2),
            "lowest_altitude_m": _lowest_stats(union, cell_km2),
            "files": files,
        }
        (tmp / COVERAGE_JSON).write_text(
            json.dumps(json_safe(summary), indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        report("maps", n + 1, n + 1)

    write_directory(out_dir, write, is_coverage_output)
    return summary


def _radar_entry(
    radar: CoverageRadar,
    cov: HorizontalCoverage,
    vert: VerticalCoverage,
    cell_km2: float,
    files: list[str],
) -> dict[str, Any]:
    return {
        "name": radar.name,
        "battery": radar.battery,
        "radar": radar.radar,
        "lat_deg": radar.lat_deg,
        "lon_deg": radar.lon_deg,
        "antenna_height_m": radar.antenna_height_m,
        "instrumented_range_m": radar.instrumented_range_m,
        "min_elevation_deg": round(math.degrees(radar.min_elevation_rad), 9),
        "max_elevation_deg": round(math.degrees(radar.max_elevation_rad), 9),
        "false_alarm_probability": radar.false_alarm_probability,
        "detection_range_m": vert.detection_range_m,
        "horizon_range_m": vert.horizon_range_m,
        "covered_area_km2": float(cov.covered.sum() * cell_km2),
        "lowest_altitude_m": _lowest_stats(cov, cell_km2),
        "files": files,
    }


def _lowest_stats(cov: HorizontalCoverage, cell_km2: float) -> dict[str, float | None]:
    """Statistics of the lowest detected altitude over the cells where it is detected at all."""
    vals = cov.lowest_altitude_m[np.isfinite(cov.lowest_altitude_m)].astype(np.float64)
    if vals.size == 0:
        return {"seen_area_km2": 0.0, "min": None, "median": None, "p90": None, "max": None}
    lo, med, p90, hi = np.percentile(vals, [0, 50, 90, 100])
    return {
        "seen_area_km2": float(vals.size * cell_km2),
        "min": float(lo),
        "median": float(med),
        "p90": float(p90),
        "max": float(hi),
    }


def _write_maps(
    tmp: Path,
    slug: str,
    title: str,
    cov: HorizontalCoverage,
    grid: MaskingGrid,
    frame: LocalFrame,
    radars: list[CoverageRadar],
    request: CoverageRequest,
) -> list[str]:
    """The coverage GeoTIFF, GeoJSON and PNG, and the lowest-altitude GeoTIFF and PNG."""
    crs = frame_crs(frame)
    transform = grid.dem.transform
    values = np.where(cov.in_range, cov.covered.astype(np.uint8), np.uint8(OUTSIDE))
    names = [f"coverage_{slug}.tif", f"coverage_{slug}.geojson", f"coverage_{slug}.png"]
    _write_geotiff(tmp / names[0], values.astype(np.uint8), transform, crs.to_wkt(), OUTSIDE)
    area_km2 = float(cov.covered.sum() * grid.cell_m**2 / 1e6)
    _write_outline(tmp / names[1], cov.covered, transform, crs, title, request, area_km2)
    _plot_map(tmp / names[2], title, values, grid, radars, request, area_km2)
    lowest = [f"lowest_altitude_{slug}.tif", f"lowest_altitude_{slug}.png"]
    _write_geotiff(tmp / lowest[0], cov.lowest_altitude_m, transform, crs.to_wkt(), np.nan)
    _plot_lowest(tmp / lowest[1], title, cov, grid, radars, request)
    return names + lowest


def _write_geotiff(
    path: Path, values: NDArray[Any], transform: Affine, crs_wkt: str, nodata: float
) -> None:
    import rasterio

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype=values.dtype.name,
        crs=crs_wkt,
        transform=transform,
        nodata=nodata,
        compress="deflate",
    ) as ds:
        ds.write(values, 1)


def _write_outline(
    path: Path,
    covered: NDArray[np.bool_],
    transform: Affine,
    crs: Any,
    title: str,
    request: CoverageRequest,
    area_km2: float,
) -> None:
    """The covered cells' outline as one GeoJSON MultiPolygon in WGS84 lon/lat."""
    from pyproj import Transformer
    from rasterio.features import shapes

    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    polygons = []
    mask = covered.astype(np.uint8)
    for geom, _ in shapes(mask, mask=covered, connectivity=4, transform=transform):
        rings = []
        for i, ring in enumerate(geom["coordinates"]):
            xy = np.asarray(ring, dtype=np.float64)
            lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1])
            pts = np.round(np.column_stack([lon, lat]), 7)
            # RFC 7946: exterior rings counter-clockwise, holes clockwise.
            if (_signed_area(pts) > 0) != (i == 0):
                pts = pts[::-1]
            rings.append(pts.tolist())
        polygons.append(rings)
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": title,
                    "altitude_m": request.altitude_m,
                    "rcs_m2": request.rcs_m2,
                    "pd": request.pd,
                    "swerling": request.swerling,
                    "covered_area_km2": area_km2,
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        ],
    }
    path.write_text(json.dumps(doc, allow_nan=False) + "\n", encoding="utf-8")


def _signed_area(pts: NDArray[np.float64]) -> float:
    """Shoelace area of a closed ring: positive when counter-clockwise."""
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def _extent_km(grid: MaskingGrid) -> tuple[float, float, float, float]:
    rows, cols = grid.lowest_m.shape[1:]
    e0, n0, c = grid.e0_m, grid.n0_m, grid.cell_m
    return (e0 / 1e3, (e0 + cols * c) / 1e3, (n0 - rows * c) / 1e3, n0 / 1e3)


def _subtitle(request: CoverageRequest) -> str:
    return (
        f"target {request.altitude_m:g} m above ground, RCS {request.rcs_m2:g} m², "
        f"P_d ≥ {request.pd:g} (Swerling {request.swerling})"
    )


#: Graticule spacings tried (degrees), finest first; the map gets about 4 to 8 lines a side.
GRATICULE_STEPS_DEG = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0)


def _ring(
    ax: Any, centre_km: tuple[float, float], radius_m: float, label: str, **style: Any
) -> None:
    """A range ring with its label ("instrumented 400 km") just inside it, due north of the site."""
    from matplotlib import patheffects
    from matplotlib.patches import Circle

    radius_km = radius_m / 1e3
    ax.add_patch(Circle(centre_km, radius_km, fill=False, **style))
    ax.annotate(
        f"{label} {radius_km:,.0f} km",
        (centre_km[0], centre_km[1] + radius_km),
        xytext=(0, -2),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=7.5,
        color=style.get("color", "black"),
        annotation_clip=True,
        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
        zorder=6,
    )


def _draw_sites(ax: Any, radars: list[CoverageRadar], request: CoverageRequest) -> None:
    """Each site, its instrumented range ring and (one radar) its detection and horizon rings,
    every ring labelled with its radius."""
    from matplotlib.lines import Line2D

    handles: list[Any] = [
        Line2D([], [], color="black", marker="^", linestyle="none", label="radar site"),
        Line2D([], [], color="#444444", lw=1.2, label="instrumented range"),
    ]
    for r in radars:
        centre = (r.east_m / 1e3, r.north_m / 1e3)
        ax.plot(*centre, marker="^", color="black", markersize=7, zorder=5)
        label = "instrumented" if len(radars) == 1 else r.name
        _ring(ax, centre, r.instrumented_range_m, label, color="#444444", lw=1.2)
    if len(radars) == 1:
        (r,) = radars
        centre = (r.east_m / 1e3, r.north_m / 1e3)
        r_d = detection_range_m(r, request.rcs_m2, request.pd, request.swerling)
        r_h = float(horizon_range_m(r.antenna_height_m, request.altitude_m, request.k_factor, np))
        _ring(ax, centre, r_d, "detection", color="#c0392b", lw=1.2, ls="--")
        _ring(ax, centre, r_h, "horizon", color="#e67e22", lw=1.2, ls=":")
        handles += [
            Line2D([], [], color="#c0392b", lw=1.2, ls="--", label="free-space detection range"),
            Line2D([], [], color="#e67e22", lw=1.2, ls=":", label="smooth-Earth horizon"),
        ]
    handles.append(Line2D([], [], color="#8a8a8a", lw=0.6, label="latitude / longitude"))
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):g}°{positive if value >= 0 else negative}"


def _graticule(ax: Any, grid: MaskingGrid) -> None:
    """Lines of latitude and longitude over a map in the frame's km, labelled in degrees.

    Meridians and parallels are drawn through the grid's azimuthal-equidistant projection (they
    curve away from the origin); the bottom axis is labelled with the longitude where each
    meridian meets it and the left axis with the latitude where each parallel meets it.
    """
    from pyproj import Transformer

    x0, x1, y0, y1 = _extent_km(grid)
    to_lonlat = Transformer.from_crs(grid.dem.crs, "EPSG:4326", always_xy=True)
    to_frame = Transformer.from_crs("EPSG:4326", grid.dem.crs, always_xy=True)
    edge = np.linspace(0.0, 1.0, 64)
    east_km = np.concatenate([x0 + (x1 - x0) * edge, np.full(64, x1), x1 - (x1 - x0) * edge])
    north_km = np.concatenate([np.full(64, y0), y0 + (y1 - y0) * edge, np.full(64, y1)])
    east_km = np.concatenate([east_km, np.full(64, x0)])
    north_km = np.concatenate([north_km, y1 - (y1 - y0) * edge])
    lon, lat = to_lonlat.transform(east_km * 1e3, north_km * 1e3)
    lon_lo, lon_hi = float(np.min(lon)), float(np.max(lon))
    lat_lo, lat_hi = max(float(np.min(lat)), -89.0), min(float(np.max(lat)), 89.0)
    span = max(lon_hi - lon_lo, lat_hi - lat_lo)
    step = next((s for s in GRATICULE_STEPS_DEG if span / s <= 8), GRATICULE_STEPS_DEG[-1])
    style = {"color": "#8a8a8a", "lw": 0.6, "zorder": 1.5}
    x_ticks: list[tuple[float, str]] = []
    for meridian in np.arange(math.ceil(lon_lo / step) * step, lon_hi, step):
        lats = np.linspace(lat_lo, lat_hi, 200)
        e, n = to_frame.transform(np.full_like(lats, meridian), lats)
        ax.plot(np.asarray(e) / 1e3, np.asarray(n) / 1e3, **style)
        at = float(np.interp(y0, np.asarray(n) / 1e3, np.asarray(e) / 1e3))
        if x0 <= at <= x1 and n[0] / 1e3 <= y0:
            x_ticks.append((at, _degrees(round(float(meridian), 6), "E", "W")))
    y_ticks: list[tuple[float, str]] = []
    for parallel in np.arange(math.ceil(lat_lo / step) * step, lat_hi, step):
        lons = np.linspace(lon_lo, lon_hi, 200)
        e, n = to_frame.transform(lons, np.full_like(lons, parallel))
        ax.plot(np.asarray(e) / 1e3, np.asarray(n) / 1e3, **style)
        at = float(np.interp(x0, np.asarray(e) / 1e3, np.asarray(n) / 1e3))
        if y0 <= at <= y1 and e[0] / 1e3 <= x0:
            y_ticks.append((at, _degrees(round(float(parallel), 6), "N", "S")))
    ax.set_xticks([t for t, _ in x_ticks], [label for _, label in x_ticks])
    ax.set_yticks([t for t, _ in y_ticks], [label for _, label in y_ticks])
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")


def _map_axes(title: str, line2: str, grid: MaskingGrid) -> tuple[Any, Any]:
    """A map in km east/north of the scenario origin (top and right axes) with a latitude /
    longitude graticule labelled in degrees (bottom and left axes)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 7.4), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{title}\n{line2}", fontsize=10)
    ax.set_aspect("equal")
    x0, x1, y0, y1 = _extent_km(grid)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _graticule(ax, grid)
    ax.secondary_xaxis("top").set_xlabel("east of the scenario origin (km)", fontsize=8)
    ax.secondary_yaxis("right").set_ylabel("north of the scenario origin (km)", fontsize=8)
    return fig, ax


def _plot_map(
    path: Path,
    title: str,
    values: NDArray[np.uint8],
    grid: MaskingGrid,
    radars: list[CoverageRadar],
    request: CoverageRequest,
    area_km2: float,
) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    fig, ax = _map_axes(
        f"{title}: horizontal coverage, {area_km2:,.0f} km² covered", _subtitle(request), grid
    )
    shown = np.ma.masked_equal(values, OUTSIDE)
    ax.imshow(
        shown,
        extent=_extent_km(grid),
        cmap=ListedColormap(["#e3e3e3", "#3b82c4"]),
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    _draw_sites(ax, radars, request)
    fig.legend(
        handles=[
            Patch(color="#3b82c4", label="detected"),
            Patch(color="#e3e3e3", label="not detected (in range)"),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
    )
    fig.savefig(path)


def _plot_lowest(
    path: Path,
    title: str,
    cov: HorizontalCoverage,
    grid: MaskingGrid,
    radars: list[CoverageRadar],
    request: CoverageRequest,
) -> None:
    import matplotlib as mpl
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    fig, ax = _map_axes(
        f"{title}: lowest altitude of detection",
        f"RCS {request.rcs_m2:g} m², P_d ≥ {request.pd:g} (Swerling {request.swerling}); "
        "height above ground",
        grid,
    )
    never = cov.in_range & ~np.isfinite(cov.lowest_altitude_m)
    ax.imshow(
        np.ma.masked_where(~never, never.astype(np.uint8)),
        extent=_extent_km(grid),
        cmap=ListedColormap(["#e3e3e3"]),
        interpolation="nearest",
    )
    levels = list(LOWEST_ALTITUDE_LEVELS_M)
    cmap = mpl.colormaps["viridis"].resampled(len(levels))  # the last for "above"
    image = ax.imshow(
        np.ma.masked_invalid(cov.lowest_altitude_m),
        extent=_extent_km(grid),
        cmap=cmap,
        norm=BoundaryNorm(levels, cmap.N, extend="max"),
        interpolation="nearest",
    )
    bar = fig.colorbar(image, ax=ax, shrink=0.8, spacing="uniform", ticks=levels)
    bar.set_label("lowest altitude above ground (m)")
    _draw_sites(ax, radars, request)
    fig.legend(
        handles=[Patch(color="#e3e3e3", label="in range, never detected")],
        loc="outside lower center",
        fontsize=8,
    )
    fig.savefig(path)


def _sqrt(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.sqrt(np.maximum(x, 0.0))


def _write_vertical(
    tmp: Path, radar: CoverageRadar, vert: VerticalCoverage, request: CoverageRequest
) -> str:
    """The range-height diagram PNG; returns its file name."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    name = f"vertical_{radar.slug}.png"
    k = request.k_factor
    s_km = vert.ground_range_m / 1e3
    h_km = vert.height_m / 1e3
    fig = Figure(figsize=(9.0, 5.5), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    mesh = ax.pcolormesh(s_km, h_km, vert.pd, cmap="Blues", vmin=0.0, vmax=1.0, shading="auto")
    fig.colorbar(mesh, ax=ax, shrink=0.9).set_label("single-look P_d")
    ax.contour(s_km, h_km, vert.pd, levels=[request.pd], colors="#b2182b", linewidths=1.8)
    s = vert.ground_range_m
    h_r = radar.antenna_height_m
    grazing = -math.acos(effective_earth_radius_m(k) / (effective_earth_radius_m(k) + h_r))
    horizon = np.maximum(height_at_elevation_m(h_r, grazing, s, k, xp=np), 0.0)
    ax.plot(s_km, horizon / 1e3, color="#e67e22", lw=1.5, ls="--")
    for el in (radar.min_elevation_rad, radar.max_elevation_rad):
        line = height_at_elevation_m(h_r, el, s, k, xp=np)
        ax.plot(s_km, np.where(line >= 0.0, line, np.nan) / 1e3, color="#555555", lw=1.0, ls=":")
    _, instr = heights_at_slant_range_m(h_r, radar.instrumented_range_m, s, k, xp=np)
    ax.plot(s_km, np.where(np.isfinite(instr), instr, np.nan) / 1e3, color="#444444", lw=1.0)
    ax.axhline(request.altitude_m / 1e3, color="#2ca02c", lw=1.0, ls="-.")
    ax.set_xlim(0.0, s_km[-1])
    ax.set_yscale("function", functions=(_sqrt, np.square))
    ax.set_ylim(0.0, h_km[-1])
    ticks: list[float] = []
    for t in HEIGHT_TICKS_KM:  # at least 5% of the axis apart
        if t <= h_km[-1] and (
            not ticks or math.sqrt(t) - math.sqrt(ticks[-1]) >= 0.05 * math.sqrt(h_km[-1])
        ):
            ticks.append(t)
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlabel("ground range (km)")
    ax.set_ylabel("height above the 4/3-Earth surface (km, square-root scale)")
    ax.set_title(
        f"{radar.name}: vertical coverage, RCS {request.rcs_m2:g} m², "
        f"P_d ≥ {request.pd:g} (Swerling {request.swerling})\n"
        f"free-space detection range {vert.detection_range_m / 1e3:,.0f} km; "
        f"instrumented {radar.instrumented_range_m / 1e3:,.0f} km; "
        f"elevation {math.degrees(radar.min_elevation_rad):g}° to "
        f"{math.degrees(radar.max_elevation_rad):g}°; smooth Earth, k = {k:.3g}",
        fontsize=10,
    )
    ax.grid(True, lw=0.3, color="#999999")
    ax.legend(
        handles=[
            Line2D([], [], color="#b2182b", lw=1.8, label=f"P_d = {request.pd:g}"),
            Line2D([], [], color="#e67e22", lw=1.5, ls="--", label="radar horizon"),
            Line2D([], [], color="#555555", lw=1.0, ls=":", label="elevation limits"),
            Line2D([], [], color="#444444", lw=1.0, label="instrumented range"),
            Line2D([], [], color="#2ca02c", lw=1.0, ls="-.", label=f"{request.altitude_m:g} m"),
        ],
        loc="upper right",
        fontsize=8,
        framealpha=0.9,
    )
    fig.savefig(tmp / name)
    return name
