"""Matplotlib figures of the report, each returned as an inline ``<svg>`` string.

Figures are built on ``matplotlib.figure.Figure`` directly (no pyplot, no global state) and
written with text kept as text, so they are small, searchable and use the page's fonts.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from iads.report.base import Route, Site
from iads.report.geometry import ring_north_point_deg, ring_outline_deg
from iads.report.names import (
    category_color,
    category_name,
    missile_color,
    system_color,
    threat_name,
)
from iads.report.summary import THREAT_OUTCOMES, Estimate, ThreatRow

FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "Liberation Sans", sans-serif'
)

OUTCOME_COLORS = {
    "detected": "#4e79a7",
    "engaged": "#f28e2b",
    "destroyed": "#59a14f",
    "leaked": "#e15759",
    "unresolved": "#a0a0a0",
}
#: Legend labels of the outcomes.
OUTCOME_LABELS = {
    "detected": "detected",
    "engaged": "engaged",
    "destroyed": "destroyed",
    "leaked": "leaked",
    "unresolved": "unresolved (in flight at the end)",
}
EVENT_COLORS = {"intercept": "#2e8b3e", "miss": "#6b6b6b", "leak": "#d62728"}
BATTERY_COLOR = "#1f3b73"
ASSET_COLOR = "#f2b701"
#: Stand-off jammers on the map.
JAMMER_COLOR = "#7b3fa0"
_TIMELINE_MAX_ROWS = 150


def category_colors(categories: Iterable[str]) -> dict[str, str]:
    """The fixed colour of each threat category (``names.category_color``), sorted by name."""
    return {category: category_color(category) for category in sorted(set(categories))}


def missile_colors(missile_types: Iterable[str]) -> dict[str, str]:
    """The fixed colour of each interceptor type (``names.missile_color``), sorted by name."""
    return {name: missile_color(name) for name in sorted(set(missile_types))}


def system_colors(systems: Iterable[str]) -> dict[str, str]:
    """The fixed colour of each system (``names.system_color``), sorted by name."""
    return {name: system_color(name) for name in sorted(set(systems))}


@contextmanager
def report_style() -> Iterator[None]:
    """The report's Matplotlib style (text kept as text in SVG, one font, light grid)."""
    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "font.family": ["sans-serif"],
            "font.sans-serif": ["DejaVu Sans"],
            "font.size": 9.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#555555",
            "axes.labelcolor": "#222222",
            "axes.titlesize": 10.0,
            "axes.titleweight": "bold",
            "axes.grid": True,
            "grid.color": "#e3e3e3",
            "grid.linewidth": 0.7,
            "axes.axisbelow": True,
            "xtick.color": "#333333",
            "ytick.color": "#333333",
            "legend.frameon": False,
            "legend.fontsize": 8.5,
        }
    ):
        yield


_ID_ATTR = re.compile(r'\bid="([^"]+)"')


def _to_inline_svg(fig: Figure, name: str) -> str:
    """Serialise a figure as an ``<svg>`` element fit for inlining in HTML.

    Drops the XML prolog, metadata, namespace declarations and the global ``<style>`` (it would
    leak onto the whole page), prefixes every id with ``name`` so several figures can share a
    page, and lets CSS size the figure (width from the page, height from the viewBox).
    """
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": name}):
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'<style type="text/css">.*?</style>\s*', "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" ', 1)
    ids = set(_ID_ATTR.findall(svg))
    svg = _ID_ATTR.sub(lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = re.sub(
        r'(href="#|url\(#)([^")]+)',
        lambda m: m.group(1) + (f"{name}-{m.group(2)}" if m.group(2) in ids else m.group(2)),
        svg,
    )
    svg = svg.replace("'DejaVu Sans', sans-serif", FONT_STACK.replace('"', "'"))
    return svg


def _with_title(svg: str, name: str, title: str) -> str:
    from html import escape

    return re.sub(
        r"(<svg[^>]*>)",
        lambda m: f'{m.group(1)}<title id="{name}-title">{escape(title)}</title>',
        svg,
        count=1,
    )


def render_svg(fig: Figure, name: str, title: str) -> str:
    """Inline SVG of ``fig`` with an accessible ``title``; ids are prefixed with ``name``."""
    return _with_title(_to_inline_svg(fig, name), name, title)


# --- Timeline --------------------------------------------------------------------------------


@dataclass
class _ThreatTrack:
    threat_id: int
    threat_type: str
    first_event_s: float = math.inf
    first_detect_s: float = math.inf
    end_s: float = math.nan
    launches: list[tuple[float, str]] = field(default_factory=list)
    intercepts: list[float] = field(default_factory=list)
    misses: list[float] = field(default_factory=list)
    leaks: list[float] = field(default_factory=list)

    @property
    def in_flight_at_end(self) -> bool:
        """Neither intercepted nor leaked by the end of the run (unresolved)."""
        return not self.intercepts and not self.leaks


@dataclass(frozen=True)
class Timeline:
    """The engagement timeline of one replication."""

    svg: str
    rows_shown: int
    rows_total: int


def _threat_tracks(events: pa.Table, replication: int, duration_s: float) -> list[_ThreatTrack]:
    table = events.filter(pc.equal(events["replication"], replication))
    tracks: dict[int, _ThreatTrack] = {}
    time_s = table["time_s"].to_pylist()
    kinds = table["kind"].to_pylist()
    threat_ids = table["threat_id"].to_pylist()
    threat_types = table["threat_type"].to_pylist()
    missile_types = table["missile_type"].to_pylist()
    for t, kind, threat_id, threat_type, missile_type in zip(
        time_s, kinds, threat_ids, threat_types, missile_types, strict=True
    ):
        if threat_id is None or t is None or not math.isfinite(t) or threat_id < 0:
            continue
        track = tracks.setdefault(threat_id, _ThreatTrack(threat_id, str(threat_type or "?")))
        track.first_event_s = min(track.first_event_s, t)
        if kind == "detect":
            track.first_detect_s = min(track.first_detect_s, t)
        elif kind == "launch":
            track.launches.append((t, str(missile_type or "?")))
        elif kind == "intercept":
            track.intercepts.append(t)
        elif kind == "miss":
            track.misses.append(t)
        elif kind == "leak":
            track.leaks.append(t)
    for track in tracks.values():
        ends = track.intercepts + track.leaks
        track.end_s = min(ends) if ends else duration_s
    return sorted(
        tracks.values(),
        key=lambda tr: (
            tr.first_detect_s if math.isfinite(tr.first_detect_s) else tr.first_event_s,
            tr.threat_id,
        ),
    )


def timeline_svg(
    events: pa.Table, replication: int, duration_s: float, max_rows: int = _TIMELINE_MAX_ROWS
) -> Timeline | None:
    """Engagement timeline of one replication: one row per threat that has any event.

    Each row runs from the threat's first detection to its end (first intercept or leak, else
    ``duration_s``); launches against it are drawn above the line, coloured by missile type;
    intercepts, misses and leaks on the line. Rows are ordered by first detection.

    Parameters
    ----------
    events : pyarrow.Table
        The event log (events.parquet columns).
    replication : int
        Which replication to draw.
    duration_s : float
        Scenario duration, s; the end of rows that neither leak nor die.
    max_rows : int
        At most this many rows are drawn (the earliest detected).

    Returns
    -------
    Timeline or None
        None when the replication has no events.
    """
    tracks = _threat_tracks(events, replication, duration_s)
    if not tracks:
        return None
    shown = tracks[:max_rows]
    n = len(shown)
    launch_colors = missile_colors(mt for tr in shown for _, mt in tr.launches)
    t_max = max(
        [duration_s if math.isfinite(duration_s) else 0.0]
        + [tr.end_s for tr in shown if math.isfinite(tr.end_s)]
        + [tr.first_event_s for tr in shown]
    )
    small = n > 40
    with report_style():
        fig = Figure(figsize=(10.5, 1.5 + (0.17 if small else 0.26) * n), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(n)
        for i in range(1, n, 2):
            ax.axhspan(i - 0.5, i + 0.5, color="#f4f4f4", lw=0, zorder=0)
        starts = np.array([tr.first_detect_s for tr in shown])
        ends = np.array([tr.end_s for tr in shown])
        detected = np.isfinite(starts)
        ax.hlines(y[detected], starts[detected], ends[detected], colors="#4d4d4d", lw=2.0)
        launch_offset = -0.22
        for missile_type, color in launch_colors.items():
            points = [
                (t, i) for i, tr in enumerate(shown) for t, mt in tr.launches if mt == missile_type
            ]
            ax.scatter(
                [p[0] for p in points],
                [p[1] + launch_offset for p in points],
                marker=">",
                s=22 if small else 30,
                color=color,
                edgecolors="white",
                linewidths=0.4,
                zorder=3,
            )
        markers = {
            "miss": dict(marker="o", facecolors="white", edgecolors=EVENT_COLORS["miss"], s=28),
            "intercept": dict(marker="*", color=EVENT_COLORS["intercept"], s=80),
            "leak": dict(marker="X", color=EVENT_COLORS["leak"], s=50),
        }
        for kind, style in markers.items():
            points = [
                (t, i)
                for i, tr in enumerate(shown)
                for t in {"miss": tr.misses, "intercept": tr.intercepts, "leak": tr.leaks}[kind]
            ]
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                zorder=4,
                linewidths=1.0,
                **style,  # type: ignore[arg-type]
            )
        in_flight = [(tr.end_s, i) for i, tr in enumerate(shown) if tr.in_flight_at_end]
        ax.scatter(
            [p[0] for p in in_flight],
            [p[1] for p in in_flight],
            marker=">",
            facecolors="white",
            edgecolors=OUTCOME_COLORS["unresolved"],
            s=34,
            linewidths=1.2,
            zorder=4,
        )
        ax.set_yticks(y, [f"{threat_name(tr.threat_type)} #{tr.threat_id}" for tr in shown])
        ax.tick_params(axis="y", labelsize=6.5 if small else 8, length=0)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0.0, t_max * 1.01 if t_max > 0 else 1.0)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Time since scenario start (s)")
        if n > 30:
            ax.tick_params(axis="x", top=True, labeltop=True)
        handles: list[Line2D] = [
            Line2D([], [], color="#4d4d4d", lw=2, label="first detection → end"),
            *(
                Line2D([], [], ls="", marker=">", color=c, label=f"launch {mt}")
                for mt, c in launch_colors.items()
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="*",
                ms=10,
                color=EVENT_COLORS["intercept"],
                label="intercept",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                mfc="white",
                color=EVENT_COLORS["miss"],
                label="miss",
            ),
            Line2D([], [], ls="", marker="X", color=EVENT_COLORS["leak"], label="leak"),
        ]
        if in_flight:
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=">",
                    mfc="white",
                    color=OUTCOME_COLORS["unresolved"],
                    label="in flight at the end",
                )
            )
        fig.legend(
            handles=handles,
            loc="outside upper center",
            ncol=min(len(handles), 7),
            handletextpad=0.4,
            columnspacing=1.2,
        )
        svg = render_svg(
            fig, "timeline", f"Engagement timeline, replication {replication}, {n} threats"
        )
    return Timeline(svg=svg, rows_shown=n, rows_total=len(tracks))


# --- Statistics ------------------------------------------------------------------------------


def _no_data(ax: Axes, text: str = "no data") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def _wrap(label: str, width: int) -> str:
    """A tick label on lines of about ``width`` characters, broken between words only."""
    return textwrap.fill(label, width, break_long_words=False, break_on_hyphens=False)


def _bars_with_ci(
    ax: Axes, x: np.ndarray, estimates: Sequence[Estimate], width: float, **kwargs: object
) -> None:
    heights = [e.mean if e.is_known else 0.0 for e in estimates]
    errors = np.array([e.error_bar() for e in estimates], dtype=float).T.reshape(2, -1)
    ax.bar(
        x,
        heights,
        width,
        yerr=errors,
        capsize=2.5,
        error_kw={"elinewidth": 0.9, "ecolor": "#222222"},
        **kwargs,  # type: ignore[arg-type]
    )
    for xi, e in zip(x, estimates, strict=True):
        if not e.is_known:
            ax.text(xi, 0, "n/a", ha="center", va="bottom", fontsize=7, color="#777777")


def outcomes_svg(rows: Sequence[ThreatRow]) -> str:
    """Grouped bars: mean threats detected, engaged, destroyed, leaked and unresolved (still
    in flight at the end) per replication.

    One group per threat type (its display name), 95 % CI error bars, and a dashed tick at the
    number of threats of that type in the raid.
    """
    with report_style():
        fig = Figure(figsize=(10.5, 3.9), layout="constrained")
        ax = fig.add_subplot()
        if not rows:
            _no_data(ax, "no threat statistics in summary")
        else:
            x = np.arange(len(rows), dtype=float)
            width = 0.8 / len(THREAT_OUTCOMES)
            middle = 0.5 * (len(THREAT_OUTCOMES) - 1)
            for k, outcome in enumerate(THREAT_OUTCOMES):
                _bars_with_ci(
                    ax,
                    x + (k - middle) * width,
                    [row.outcome(outcome) for row in rows],
                    width,
                    color=OUTCOME_COLORS[outcome],
                    label=OUTCOME_LABELS[outcome],
                )
            ax.hlines(
                [row.count for row in rows],
                x - 0.42,
                x + 0.42,
                colors="#111111",
                linestyles="--",
                lw=1.0,
                label="in raid",
            )
            rotate = len(rows) > 8
            names = [threat_name(row.threat_type) for row in rows]
            ax.set_xticks(
                x,
                [name if rotate else _wrap(name, 20) for name in names],
                rotation=30 if rotate else 0,
                ha="right" if rotate else "center",
                rotation_mode="anchor",
            )
            ax.grid(axis="x", visible=False)
            ax.set_ylabel("Threats per replication")
            ax.set_ylim(bottom=0)
            fig.legend(loc="outside lower center", ncol=6, handletextpad=0.4, columnspacing=1.2)
            ax.set_title("Threat outcomes by type (mean, 95 % CI)", loc="left")
        return render_svg(fig, "outcomes", "Threat outcomes by type")


def leakers_histogram_svg(leakers_per_replication: np.ndarray) -> str:
    """Histogram of the number of leakers (all assets together) per replication."""
    values = np.asarray(leakers_per_replication, dtype=float)
    values = values[np.isfinite(values)]
    with report_style():
        fig = Figure(figsize=(5.2, 3.3), layout="constrained")
        ax = fig.add_subplot()
        if values.size == 0:
            _no_data(ax)
        else:
            top = math.ceil(float(values.max()))
            bins: list[float] | str = list(np.arange(-0.5, top + 1.5, 1.0)) if top <= 60 else "auto"
            ax.hist(values, bins=bins, color=OUTCOME_COLORS["leaked"], edgecolor="white")
            ax.axvline(float(values.mean()), color="#111111", ls="--", lw=1.0)
            ax.set_xlabel("Leakers per replication")
            ax.set_ylabel("Replications")
            if top <= 20:
                ax.set_xticks(np.arange(0, top + 1))
            ax.grid(axis="x", visible=False)
        mean_text = f", mean {values.mean():.1f} (dashed)" if values.size else ""
        ax.set_title(f"Leakers per replication (n = {values.size}{mean_text})", loc="left")
        return render_svg(fig, "leakers", "Histogram of leakers per replication")


def missiles_svg(estimates: dict[str, Estimate], colors: dict[str, str] | None = None) -> str:
    """Bars of mean interceptors fired per replication by missile type, 95 % CI.

    Each bar has its type's fixed colour (``names.missile_color``) unless ``colors`` names one.
    """
    colors = colors or {}
    with report_style():
        fig = Figure(figsize=(5.2, 3.3), layout="constrained")
        ax = fig.add_subplot()
        names = list(estimates)
        if not names:
            _no_data(ax, "no missiles fired")
        else:
            x = np.arange(len(names), dtype=float)
            _bars_with_ci(
                ax,
                x,
                [estimates[n] for n in names],
                0.6,
                color=[colors.get(n) or missile_color(n) for n in names],
            )
            rotate = len(names) > 4
            ax.set_xticks(
                x, names, rotation=25 if rotate else 0, ha="right" if rotate else "center"
            )
            ax.set_ylabel("Missiles per replication")
            ax.set_ylim(bottom=0)
            ax.grid(axis="x", visible=False)
        ax.set_title("Interceptors fired (mean, 95 % CI)", loc="left")
        return render_svg(fig, "missiles", "Interceptors fired per missile type")


# --- Fallback map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    """An intercept or leak location from the event log."""

    kind: str  # "intercept" or "leak"
    lat_deg: float
    lon_deg: float
    replication: int
    time_s: float
    threat_type: str
    threat_id: int
    unit: str
    missile_type: str


def static_map_svg(
    sites: Sequence[Site],
    routes: Sequence[Route],
    points: Sequence[MapPoint],
    route_colors: dict[str, str],
    site_colors: dict[str, str],
) -> str:
    """A plain lon/lat plot of sites, range rings, routes and intercept/leak points.

    The fallback when the offline basemap assets are not installed: no coastlines. The aspect
    ratio is 1 / cos(mid-latitude), so distances look right near the middle of the plot.
    """
    with report_style():
        fig = Figure(figsize=(10.5, 7.0), layout="constrained")
        ax = fig.add_subplot()
        lats: list[float] = []
        for route in routes:
            lat = [p[0] for p in route.points]
            lon = [p[1] for p in route.points]
            ax.plot(lon, lat, color=route_colors.get(route.category, "#444444"), lw=1.8)
            if lon:
                ax.plot(lon[0], lat[0], "o", ms=3.5, color=route_colors.get(route.category))
            lats += lat
        for site in sites:
            lats.append(site.lat_deg)
            color = site_colors.get(site.system or site.name, BATTERY_COLOR)
            for ring in site.rings:
                ring_lat, ring_lon = ring_outline_deg(site.lat_deg, site.lon_deg, ring.radius_m)
                ax.plot(
                    ring_lon,
                    ring_lat,
                    color=color,
                    lw=1.0,
                    ls="--" if "radar" in ring.label.lower() else "-",
                    alpha=0.85,
                )
                label_lat, label_lon = ring_north_point_deg(
                    site.lat_deg, site.lon_deg, ring.radius_m
                )
                ax.annotate(
                    f"{ring.label} {ring.radius_m / 1000:.0f} km",
                    (label_lon, label_lat),
                    fontsize=7,
                    fontweight="bold",
                    color=color,
                    ha="center",
                    va="bottom",
                )
                lats += [float(ring_lat.min()), float(ring_lat.max())]
            marker, size, face = {
                "battery": ("^", 8, color),
                "jammer": ("D", 7, JAMMER_COLOR),
            }.get(site.kind, ("*", 13, ASSET_COLOR))
            ax.plot(
                site.lon_deg,
                site.lat_deg,
                marker=marker,
                ms=size,
                color=face,
                mec="#111111",
                mew=0.6,
                ls="",
                zorder=5,
            )
            ax.annotate(
                site.name,
                (site.lon_deg, site.lat_deg),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=8,
                zorder=6,
            )
        for kind, marker in (("intercept", "o"), ("leak", "X")):
            chosen = [p for p in points if p.kind == kind]
            ax.scatter(
                [p.lon_deg for p in chosen],
                [p.lat_deg for p in chosen],
                s=14 if kind == "intercept" else 30,
                marker=marker,
                color=EVENT_COLORS[kind],
                alpha=0.8,
                lw=0.3,
                edgecolors="white",
                zorder=4,
            )
            lats += [p.lat_deg for p in chosen]
        mid_lat = 0.5 * (min(lats) + max(lats)) if lats else 0.0
        ax.set_aspect(1.0 / max(math.cos(math.radians(mid_lat)), 0.05), adjustable="datalim")
        ax.set_xlabel("Longitude (°E)")
        ax.set_ylabel("Latitude (°N)")
        handles = [
            *(
                Line2D([], [], ls="", marker="^", color=c, mec="#111", label=_wrap(system, 28))
                for system, c in site_colors.items()
            ),
            Line2D([], [], ls="", marker="*", ms=11, color=ASSET_COLOR, mec="#111", label="asset"),
            Line2D([], [], color="#555555", lw=1.0, label="missile range"),
            Line2D([], [], color="#555555", ls="--", lw=1.0, label="radar range"),
            *(
                Line2D([], [], color=c, lw=1.8, label=f"route: {category_name(cat)}")
                for cat, c in route_colors.items()
            ),
            Line2D([], [], ls="", marker="o", color=EVENT_COLORS["intercept"], label="intercept"),
            Line2D([], [], ls="", marker="X", color=EVENT_COLORS["leak"], label="leak"),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return render_svg(fig, "staticmap", "Static map of sites, rings, routes and intercepts")
