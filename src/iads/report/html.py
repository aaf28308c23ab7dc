"""The HTML report: one self-contained file, readable with the network off.

Everything is inline: Leaflet, topojson-client and the Natural Earth 1:50m countries
(``world-atlas``) for the map; Matplotlib figures as inline SVG. The offline map assets are
looked up by ``find_map_assets`` (package data first, then the repository's ``web/node_modules``);
when they are missing the report still gets written, with a static Matplotlib map and a note
saying how to install them.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iads.jsonio import json_safe
from iads.report import figures
from iads.report.base import ReportData
from iads.report.figures import MapPoint
from iads.report.geometry import ring_north_point_deg, ring_outline_deg
from iads.report.names import (
    category_name,
    format_count,
    format_km,
    missile_color,
    threat_name,
)
from iads.report.reading import no_leaker_phrase, reading
from iads.report.summary import (
    THREAT_OUTCOMES,
    Estimate,
    asset_estimates,
    missile_estimates,
    threat_rows,
)
from iads.report.templates import MAP_JS, PAGE_CSS
from iads.units import EARTH_MEAN_RADIUS_M

SCOPE_NOTE = "Simulation only; public figures; site positions notional."
MAP_MAX_REPLICATIONS = 20  # intercept/leak points drawn for replications 0..19 only
#: The map opens on the batteries, assets and leak points, and at least this far around them.
MAP_VIEW_MIN_HALF_WIDTH_M = 75_000.0
TIMELINE_REPLICATION = 0
INSTALL_HINT = "npm ci --prefix web"

PACKAGE_ASSET_DIR = Path(__file__).resolve().with_name("assets")


# --- Offline map assets ----------------------------------------------------------------------


@dataclass(frozen=True)
class MapAssets:
    """Files inlined into the page for the interactive map."""

    leaflet_js: Path
    leaflet_css: Path
    topojson_js: Path
    countries_topojson: Path  # Natural Earth 1:50m countries, TopoJSON (world-atlas)
    images_dir: Path  # Leaflet's control images, referenced by leaflet.css


# Package data (``src/iads/report/assets/``) is flat: the four files (and Leaflet's images).
_PACKAGED_LAYOUT = (
    "leaflet.js",
    "leaflet.css",
    "topojson-client.min.js",
    "countries-50m.json",
)
# The repository's ``web/node_modules`` after ``npm ci --prefix web``.
_NODE_MODULES_LAYOUT = (
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "topojson-client/dist/topojson-client.min.js",
    "world-atlas/countries-50m.json",
)


def _assets_in(root: Path, layout: Sequence[str], images_dir: Path) -> MapAssets | None:
    paths = [root / relative for relative in layout]
    if not all(p.is_file() for p in paths):
        return None
    leaflet_js, leaflet_css, topojson_js, countries = paths
    return MapAssets(leaflet_js, leaflet_css, topojson_js, countries, images_dir)


def find_web_root(start: Path) -> Path | None:
    """The nearest parent of ``start`` holding ``web/package.json`` (the repository root)."""
    for parent in start.resolve().parents:
        if (parent / "web" / "package.json").is_file():
            return parent
    return None


def find_map_assets() -> MapAssets | None:
    """Locate the offline map assets, or None when they are not installed.

    Order: (a) package data in ``iads/report/assets/`` (flat: ``leaflet.js``, ``leaflet.css``,
    ``topojson-client.min.js``, ``countries-50m.json``, Leaflet's PNGs); (b) the npm packages in
    ``<repo>/web/node_modules``, where ``<repo>`` is the nearest parent of this file holding
    ``web/package.json``. Module-level so that tests can replace it.
    """
    packaged = _assets_in(PACKAGE_ASSET_DIR, _PACKAGED_LAYOUT, PACKAGE_ASSET_DIR)
    if packaged is not None:
        return packaged
    root = find_web_root(Path(__file__))
    if root is None:
        return None
    node_modules = root / "web" / "node_modules"
    return _assets_in(node_modules, _NODE_MODULES_LAYOUT, node_modules / "leaflet/dist/images")


def _inline_css_images(css: str, images_dir: Path) -> str:
    """Replace ``url(images/x.png)`` in Leaflet's CSS by data URIs (or ``none`` if missing)."""

    def replace(match: re.Match[str]) -> str:
        image = images_dir / match.group(2)
        if not image.is_file():
            return "none"
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"""url\((['"]?)images/([\w.-]+\.png)\1\)""", replace, css)


def _script_safe_js(code: str) -> str:
    """JavaScript that cannot close or confuse its ``<script>`` element."""
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)
    code = code.replace("<!--", "<\\!--")
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", code)


def _script_safe_json(text: str) -> str:
    """JSON text for a ``<script type="application/json">``; ``<`` can only occur in strings."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


# --- Map data --------------------------------------------------------------------------------


def _rounded(value: float, digits: int) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def map_points(events: pa.Table, max_replications: int = MAP_MAX_REPLICATIONS) -> list[MapPoint]:
    """Intercept and leak locations of replications ``0 .. max_replications - 1``.

    Rows without a finite position are skipped.
    """
    mask = pc.and_(
        pc.less(events["replication"], max_replications),
        pc.is_in(events["kind"].cast(pa.string()), value_set=pa.array(["intercept", "leak"])),
    )
    table = events.filter(mask)
    columns = {
        name: table[name].to_pylist()
        for name in (
            "kind",
            "lat_deg",
            "lon_deg",
            "replication",
            "time_s",
            "threat_type",
            "threat_id",
            "unit",
            "missile_type",
        )
    }
    points = []
    for i in range(table.num_rows):
        lat, lon = columns["lat_deg"][i], columns["lon_deg"][i]
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        time_s = columns["time_s"][i]
        points.append(
            MapPoint(
                kind=str(columns["kind"][i]),
                lat_deg=float(lat),
                lon_deg=float(lon),
                replication=int(columns["replication"][i]),
                time_s=float(time_s) if time_s is not None else math.nan,
                threat_type=str(columns["threat_type"][i] or ""),
                threat_id=int(columns["threat_id"][i]),
                unit=str(columns["unit"][i] or ""),
                missile_type=str(columns["missile_type"][i] or ""),
            )
        )
    return points


def _box(lats: Sequence[float], lons: Sequence[float]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the finite points, degrees; None without any."""
    pairs = [(a, o) for a, o in zip(lats, lons, strict=True) if math.isfinite(a + o)]
    if not pairs:
        return None
    south, north = min(a for a, _ in pairs), max(a for a, _ in pairs)
    west, east = min(o for _, o in pairs), max(o for _, o in pairs)
    return [[round(south, 4), round(west, 4)], [round(north, 4), round(east, 4)]]


def _map_bounds(data: ReportData, points: Sequence[MapPoint]) -> list[list[float]] | None:
    """The whole picture: every site with its range rings, every route, every point."""
    lats: list[float] = []
    lons: list[float] = []
    for site in data.sites:
        lats.append(site.lat_deg)
        lons.append(site.lon_deg)
        for ring in site.rings:
            ring_lat, ring_lon = ring_outline_deg(site.lat_deg, site.lon_deg, ring.radius_m, 73)
            lats += [float(ring_lat.min()), float(ring_lat.max())]
            lons += [float(ring_lon.min()), float(ring_lon.max())]
    for route in data.routes:
        lats += [p[0] for p in route.points]
        lons += [p[1] for p in route.points]
    lats += [p.lat_deg for p in points]
    lons += [p.lon_deg for p in points]
    return _box(lats, lons)


def _map_view(data: ReportData, points: Sequence[MapPoint]) -> list[list[float]] | None:
    """The initial view: batteries, defended assets and leak points, at least
    ``MAP_VIEW_MIN_HALF_WIDTH_M`` around their middle, so the defence is legible."""
    centre_sites = [s for s in data.sites if s.kind in ("battery", "asset")]
    lats = [s.lat_deg for s in centre_sites] + [p.lat_deg for p in points if p.kind == "leak"]
    lons = [s.lon_deg for s in centre_sites] + [p.lon_deg for p in points if p.kind == "leak"]
    box = _box(lats, lons)
    if box is None:
        return None
    (south, west), (north, east) = box
    mid_lat, mid_lon = 0.5 * (south + north), 0.5 * (west + east)
    half_lat = math.degrees(MAP_VIEW_MIN_HALF_WIDTH_M / EARTH_MEAN_RADIUS_M)
    half_lon = half_lat / max(math.cos(math.radians(mid_lat)), 0.05)
    return _box(
        [south, north, mid_lat - half_lat, mid_lat + half_lat],
        [west, east, mid_lon - half_lon, mid_lon + half_lon],
    )


def _site_colors(data: ReportData) -> dict[str, str]:
    return figures.system_colors(s.system or s.name for s in data.sites if s.kind == "battery")


def map_data(data: ReportData, points: Sequence[MapPoint]) -> dict[str, Any]:
    """The JSON the map script draws: sites, rings, routes, points, colours and bounds."""
    system_colors = _site_colors(data)
    route_colors = figures.category_colors(r.category for r in data.routes)
    named_categories = {category_name(c): color for c, color in route_colors.items()}
    strings: list[str] = [""]
    index: dict[str, int] = {"": 0}

    def intern(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    sites = []
    for site in data.sites:
        site_color = system_colors.get(site.system or site.name, figures.BATTERY_COLOR)
        rings = []
        for ring in site.rings:
            label_lat, label_lon = ring_north_point_deg(site.lat_deg, site.lon_deg, ring.radius_m)
            rings.append(
                {
                    "label": ring.label,
                    "radius_m": _rounded(ring.radius_m, 1),
                    "label_lat": _rounded(label_lat, 5),
                    "label_lon": _rounded(label_lon, 5),
                    "dashed": "radar" in ring.label.lower(),
                }
            )
        sites.append(
            {
                "name": site.name,
                "kind": site.kind,
                "lat": _rounded(site.lat_deg, 5),
                "lon": _rounded(site.lon_deg, 5),
                "system": site.system,
                "color": site_color,
                "rings": [r for r in rings if r["radius_m"] is not None],
            }
        )
    routes = [
        {
            "name": route.name,
            "threat_type": threat_name(route.threat_type),
            "category": category_name(route.category),
            "color": route_colors[route.category],
            "points": [
                [_rounded(lat, 5), _rounded(lon, 5)]
                for lat, lon, _ in route.points
                if math.isfinite(lat) and math.isfinite(lon)
            ],
        }
        for route in data.routes
    ]
    point_rows: dict[str, list[list[Any]]] = {"intercept": [], "leak": []}
    for p in points:
        point_rows[p.kind].append(
            [
                _rounded(p.lat_deg, 4),
                _rounded(p.lon_deg, 4),
                p.replication,
                _rounded(p.time_s, 1) if math.isfinite(p.time_s) else 0.0,
                intern(threat_name(p.threat_type)),
                p.threat_id,
                intern(p.unit),
                intern(p.missile_type),
            ]
        )
    return {
        "sites": [s for s in sites if s["lat"] is not None and s["lon"] is not None],
        "routes": routes,
        "points": point_rows,
        "strings": strings,
        "categories": named_categories,
        "systems": system_colors,
        "colors": {"intercept": figures.EVENT_COLORS["intercept"], "leak": "#d62728"},
        "label_sites": len(data.sites) <= 15,
        "replications_label": _replications_label(data),
        "bounds": _map_bounds(data, points),
        "view": _map_view(data, points),
    }


def _replications_label(data: ReportData) -> str:
    total = _as_int(data.summary.get("replications"))
    shown = MAP_MAX_REPLICATIONS if total is None else min(total, MAP_MAX_REPLICATIONS)
    if shown <= 1:
        return "replication 0"
    return f"replications 0–{shown - 1}"


# --- Formatting ------------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _estimate_cell(estimate: Estimate, distance: bool = False) -> str:
    """A table cell "mean [lo, hi]": counts with one decimal, distances (m) in whole km."""
    if not estimate.is_known:
        return '<td title="not available">—</td>'
    number = format_km if distance else format_count
    cell = number(estimate.mean)
    if math.isfinite(estimate.lo) and math.isfinite(estimate.hi):
        cell += f' <span class="ci">[{number(estimate.lo)}, {number(estimate.hi)}]</span>'
    return f"<td>{cell}</td>"


def _text(value: Any) -> str:
    return escape("—" if value is None or value == "" else str(value))


# --- Sections --------------------------------------------------------------------------------


def _page_head(data: ReportData, assets: MapAssets | None) -> str:
    leaflet_css = ""
    if assets is not None:
        css = _inline_css_images(assets.leaflet_css.read_text(encoding="utf-8"), assets.images_dir)
        leaflet_css = f"<style>\n{css}\n</style>\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="iads">\n'
        f"<title>{escape(data.title)}</title>\n"
        f"{leaflet_css}<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
    )


def _header(data: ReportData) -> str:
    summary = data.summary
    rows = [
        ("Scenario", summary.get("scenario")),
        ("Scenario file", data.scenario_file),
        ("Replications", summary.get("replications")),
        ("Seed", summary.get("seed")),
        ("Duration", f"{data.duration_s:,.0f} s" if math.isfinite(data.duration_s) else None),
        ("iads version", summary.get("iads_version")),
    ]
    meta = "".join(f"<dt>{escape(k)}</dt><dd>{_text(v)}</dd>" for k, v in rows)
    estimates = missile_estimates(data.summary, data.missiles_fired_per_replication)
    text = reading(data.summary, data.leakers_per_replication, estimates)
    result = f'<p class="reading" id="reading">{escape(text)}</p>\n' if text else ""
    return (
        '<header class="report">\n'
        f"<h1>{escape(data.title)}</h1>\n"
        f"{result}"
        f'<dl class="meta">{meta}</dl>\n'
        f'<p class="scope">{escape(SCOPE_NOTE)}</p>\n'
        '<nav class="toc"><a href="#map-section">Map</a><a href="#timeline">Timeline</a>'
        + ('<a href="#replay">Replay</a>' if data.replay is not None else "")
        + '<a href="#statistics">Statistics</a>'
        + ('<a href="#uncertainty">Spread</a>' if "uncertainty" in data.summary else "")
        + '<a href="#notes">Notes</a></nav>\n'
        "</header>\n"
    )


def _map_section(data: ReportData, assets: MapAssets | None, points: Sequence[MapPoint]) -> str:
    n_intercepts = sum(p.kind == "intercept" for p in points)
    n_leaks = len(points) - n_intercepts
    caption = (
        f'<p class="caption">Batteries with range rings, defended assets, raid routes coloured '
        f"by threat category, and {n_intercepts} intercept and {n_leaks} leak points from "
        f"{escape(_replications_label(data))}. Positions notional.</p>\n"
    )
    if assets is not None:
        return (
            '<section id="map-section">\n<h2>Map</h2>\n'
            '<div id="map" role="region" aria-label="Map of sites, range rings, routes and '
            'intercepts"></div>\n'
            '<noscript><p class="note-warn">The map needs JavaScript.</p></noscript>\n'
            f"{caption}</section>\n"
        )
    route_colors = figures.category_colors(r.category for r in data.routes)
    svg = figures.static_map_svg(data.sites, data.routes, points, route_colors, _site_colors(data))
    return (
        '<section id="map-section">\n<h2>Map</h2>\n'
        '<p class="note-warn"><strong>Basemap assets not installed</strong>: run '
        f"<code>{INSTALL_HINT}</code> in the repository root and write the report again for "
        "the interactive map. Showing a static map without coastlines.</p>\n"
        f"<figure>{svg}</figure>\n{caption}</section>\n"
    )


def _timeline_section(data: ReportData) -> str:
    timeline = figures.timeline_svg(data.events, TIMELINE_REPLICATION, data.duration_s)
    head = (
        '<section id="timeline">\n'
        f"<h2>Engagement timeline — replication {TIMELINE_REPLICATION}</h2>\n"
    )
    if timeline is None:
        return (
            head
            + f'<p class="muted">No events in replication {TIMELINE_REPLICATION}.</p>\n</section>\n'
        )
    shown = (
        f"all {timeline.rows_total} threats with an event"
        if timeline.rows_shown == timeline.rows_total
        else f"the first {timeline.rows_shown} of {timeline.rows_total} threats with an event "
        "(by first detection)"
    )
    return (
        head
        + f'<figure class="wide">{timeline.svg}</figure>\n'
        + f'<p class="caption">One row per threat ({shown}), ordered by first detection. The '
        "line runs from first detection to intercept or leak (or the end of the run); triangles "
        "above it are launches at that threat, coloured by missile type.</p>\n</section>\n"
    )


def _replay_section(data: ReportData) -> str:
    """How to replay the run in the browser (``iads serve``), with a still of the replay."""
    if data.replay is None:
        return ""
    replay = data.replay
    return (
        '<section id="replay">\n<h2>Replay</h2>\n'
        f"<p>Watch this run move — threats, missiles in flight, intercepts and leaks, any "
        f"replication, with a time slider: run <code>{escape(replay.command)}</code> and open "
        '<a href="http://127.0.0.1:8000/">http://127.0.0.1:8000/</a> (local only, no network '
        "needed). <code>iads export</code> writes it for Cesium (CZML), Google Earth (KML) or "
        "GIS (GeoJSON).</p>\n"
        f'<figure>{replay.snapshot_svg}</figure>\n<p class="caption">{escape(replay.caption)}'
        "</p>\n</section>\n"
    )


def _threats_table(data: ReportData) -> str:
    rows = threat_rows(data.summary)
    if not rows:
        return '<p class="muted">No threat statistics in the summary.</p>\n'
    body = "".join(
        f'<tr><td title="{escape(r.threat_type)}">{escape(threat_name(r.threat_type))}</td>'
        f"<td>{r.count}</td>"
        + "".join(_estimate_cell(r.outcome(o)) for o in THREAT_OUTCOMES)
        + _estimate_cell(r.first_detection_range_m, distance=True)
        + "</tr>"
        for r in rows
    )
    return (
        "<h3>Threat outcomes per replication (mean [95 % CI])</h3>\n"
        '<div class="table-wrap"><table class="stacked">\n'
        "<thead><tr><th>Threat type</th><th>In raid</th>"
        "<th>Detected</th><th>Engaged</th><th>Destroyed</th><th>Leaked</th>"
        '<th title="still in flight when the run ended">Unresolved</th>'
        "<th>First detection<br>range (km)</th></tr></thead>\n"
        f"<tbody>{body}</tbody>\n</table></div>\n"
        '<p class="caption">Destroyed, leaked and unresolved add up to the number in the raid; '
        "unresolved threats were still in flight when the run ended "
        f"({_duration_text(data)}).</p>\n"
    )


def _duration_text(data: ReportData) -> str:
    if math.isfinite(data.duration_s):
        return f"after {data.duration_s:,.0f} s"
    return "at the end of the scenario"


def _missiles_table(estimates: dict[str, Estimate]) -> str:
    if not estimates:
        return ""
    body = "".join(
        f'<tr><td><i class="swatch" style="background:{missile_color(name)}"></i>'
        f"{escape(name)}</td>{_estimate_cell(e)}</tr>"
        for name, e in estimates.items()
    )
    return (
        "<h3>Interceptors fired per replication (mean [95 % CI])</h3>\n"
        '<div class="table-wrap"><table class="narrow">\n'
        "<thead><tr><th>Missile type</th><th>Fired</th></tr>"
        f"</thead>\n<tbody>{body}</tbody>\n</table></div>\n"
    )


def _leakers_table(data: ReportData) -> str:
    assets = asset_estimates(data.summary)
    leakers = np.asarray(data.leakers_per_replication, dtype=float)
    leakers = leakers[np.isfinite(leakers)]
    body = "".join(f"<tr><td>{escape(name)}</td>{_estimate_cell(e)}</tr>" for name, e in assets)
    if leakers.size:
        body += (
            f"<tr><td><strong>All assets</strong></td><td>{format_count(float(leakers.mean()))} "
            f'<span class="ci note">median {float(np.median(leakers)):g}, max '
            f"{float(leakers.max()):g}; {escape(no_leaker_phrase(leakers))}</span></td></tr>"
        )
    if not body:
        return ""
    return (
        "<h3>Leakers per replication by defended asset (mean [95 % CI])</h3>\n"
        '<div class="table-wrap"><table class="narrow">\n'
        "<thead><tr><th>Asset</th><th>Leakers</th></tr>"
        f"</thead>\n<tbody>{body}</tbody>\n</table></div>\n"
    )


def _statistics_section(data: ReportData) -> str:
    estimates = missile_estimates(data.summary, data.missiles_fired_per_replication)
    missile_colors = figures.missile_colors(estimates)
    return (
        '<section id="statistics">\n<h2>Statistics</h2>\n'
        f'<figure class="wide">{figures.outcomes_svg(threat_rows(data.summary))}</figure>\n'
        '<div class="fig-row">'
        f"<figure>{figures.leakers_histogram_svg(data.leakers_per_replication)}</figure>"
        f"<figure>{figures.missiles_svg(estimates, missile_colors)}</figure>"
        "</div>\n"
        f"{_threats_table(data)}{_missiles_table(estimates)}{_leakers_table(data)}"
        "</section>\n"
    )


def _uncertainty_section(data: ReportData) -> str:
    unc = data.summary.get("uncertainty")
    if unc is None:
        return ""
    return (
        '<section id="uncertainty">\n<h2>What drives the spread</h2>\n'
        f"{uncertainty_html(unc)}</section>\n"
    )


def uncertainty_html(unc: dict[str, Any], results: Sequence[str] | None = None) -> str:
    """What drives the spread (summary.json's ``uncertainty`` block): per result (all, or
    ``results``), the drawn figures by Spearman's |rho|, as a paragraph and a table."""
    from iads.uncertainty.drivers import LEVEL, bonferroni_significant

    n = len(unc["figures"])
    rows = []
    for result, drivers in unc["drivers"].items():
        if results is not None and result not in results:
            continue
        if not drivers:
            rows.append(
                f'<tr><td>{escape(result)}</td><td colspan="5" class="muted">'
                "no spread over the replications</td></tr>"
            )
            continue
        for k, d in enumerate(drivers):
            shown = bonferroni_significant(d["p_value"], n)
            rows.append(
                "<tr>"
                + (f'<td rowspan="{len(drivers)}">{escape(result)}</td>' if k == 0 else "")
                + f"<td><code>{escape(d['figure'])}</code></td><td>{escape(d['basis'])}</td>"
                + f"<td>{d['low']:g} / {d['nominal']:g} / {d['high']:g}</td>"
                + f"<td>{d['rho']:+.2f}</td>"
                + f"<td>{d['p_value']:.2g}{' *' if shown else ''}</td></tr>"
            )
    return (
        f"<p>{n} catalog figures were drawn in every replication ({escape(unc['distribution'])}). "
        f"For each result, the figures most associated with it: {escape(unc['drivers_method'])}"
        " (rho &gt; 0: more of the figure, more of the result). * : p below "
        f"{LEVEL:g} / "
        f"{n} (Bonferroni over the {n} figures); without *, the association may be chance.</p>\n"
        '<div class="table-wrap"><table>\n<thead><tr><th>result</th><th>figure</th>'
        "<th>basis</th><th>low / nominal / high</th><th>rho</th><th>p</th></tr></thead>\n"
        f"<tbody>{''.join(rows)}</tbody>\n</table></div>\n"
    )


def _notes_section(data: ReportData) -> str:
    if data.notes:
        items = "".join(f"<li>{escape(note)}</li>" for note in data.notes)
        body = f'<ul class="notes">{items}</ul>'
    else:
        body = '<p class="muted">No notes.</p>'
    return f'<section id="notes">\n<h2>Notes</h2>\n{body}\n</section>\n'


def _page_tail(data: ReportData, assets: MapAssets | None, points: Sequence[MapPoint]) -> str:
    version = data.summary.get("iads_version")
    footer = f"<footer>Written by iads {_text(version)}. {escape(SCOPE_NOTE)}" + (
        " Basemap: Natural Earth (public domain). Map: Leaflet (BSD-2-Clause).</footer>\n"
        if assets is not None
        else "</footer>\n"
    )
    tail = footer + "</main>\n"
    if assets is not None:
        payload = json.dumps(
            json_safe(map_data(data, points)), separators=(",", ":"), allow_nan=False
        )
        tail += (
            f"<script>{_script_safe_js(assets.leaflet_js.read_text(encoding='utf-8'))}</script>\n"
            f"<script>{_script_safe_js(assets.topojson_js.read_text(encoding='utf-8'))}</script>\n"
            '<script type="application/json" id="iads-countries">'
            f"{_script_safe_json(assets.countries_topojson.read_text(encoding='utf-8').strip())}"
            "</script>\n"
            f'<script type="application/json" id="iads-map-data">{_script_safe_json(payload)}'
            "</script>\n"
            f"<script>{MAP_JS}</script>\n"
        )
    return tail + "</body>\n</html>\n"


# --- Writing ---------------------------------------------------------------------------------


@contextmanager
def _atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only once complete (temp file + ``os.replace``).

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def write_report(path: Path, data: ReportData) -> None:
    """Write the HTML report of a run to ``path``, atomically.

    Parameters
    ----------
    path : pathlib.Path
        Destination ``.html`` file; its directory must exist. Replaced only once the new report
        is complete.
    data : ReportData
        What to show (see ``iads.report.base``).

    Notes
    -----
    The file is self-contained: no external scripts, styles, fonts or tiles. Intercept and leak
    points on the map are limited to replications 0–19; the timeline shows replication 0. When
    the offline map assets are not found (``find_map_assets``) the map is a static figure and
    the page says to run ``npm ci --prefix web``.
    """
    path = Path(path)
    assets = find_map_assets()
    points = map_points(data.events)
    with _atomic_text_file(path) as out:
        out.write(_page_head(data, assets))
        out.write(_header(data))
        out.write(_map_section(data, assets, points))
        out.write(_timeline_section(data))
        out.write(_replay_section(data))
        out.write(_statistics_section(data))
        out.write(_uncertainty_section(data))
        out.write(_notes_section(data))
        out.write(_page_tail(data, assets, points))
