"""A still of the replay for the report: one replication at one moment, as inline SVG.

It shows what the page shows at that moment — sites and missile range rings, planned routes,
each threat's path so far and where it is, missiles in flight, intercepts and leaks so far —
on a plain longitude/latitude plot (no basemap: the report's interactive map has one).
"""

from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from matplotlib.figure import Figure

from iads.report import figures
from iads.report.base import ReplayView
from iads.report.geometry import ring_outline_deg
from iads.report.names import category_color, missile_color
from iads.units import EARTH_MEAN_RADIUS_M
from iads.viewer.run import RunData, run_data, threat_track

#: The replication the still shows.
SNAPSHOT_REPLICATION = 0
#: The still shows at least this far around what is in it, m.
MIN_HALF_WIDTH_M = 20_000.0


def snapshot_time_s(rep: dict[str, Any]) -> float:
    """The moment the still shows: when most of the replication's missiles are in flight (the
    earliest such moment, two thirds into a flight), else its first leak, else half-way."""
    flights = [(m["launch_s"], m["end_s"]) for m in rep["missiles"] if m["to"] is not None]
    if flights:
        moments = [t0 + (t1 - t0) * 2 / 3 for t0, t1 in flights]
        counts = [sum(t0 <= t < t1 for t0, t1 in flights) for t in moments]
        best = max(counts)
        return float(min(t for t, c in zip(moments, counts, strict=True) if c == best))
    if rep["leaks"]:
        return float(min(p["time_s"] for p in rep["leaks"]))
    return 0.5 * float(rep["duration_s"])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def snapshot_svg(run: RunData, replication: int, t_s: float) -> str:
    """The still of ``replication`` at ``t_s`` (s from the start), an inline ``<svg>``."""
    with figures.report_style():
        return _snapshot_svg(run, replication, t_s)


def _snapshot_svg(run: RunData, replication: int, t_s: float) -> str:
    scene, rep = run.scene, run.replication(replication)
    fig = Figure(figsize=(8.0, 6.0), layout="constrained")
    ax = fig.add_subplot()
    lats: list[float] = []
    lons: list[float] = []
    for route in scene["routes"]:
        pts = np.asarray(route["points"], float).reshape(-1, 3)
        ax.plot(pts[:, 1], pts[:, 0], color="#9a9a9a", lw=0.8, ls=":", zorder=1)
    fates = {f["id"]: f for f in rep["threats"]}
    flying = 0
    for th in scene["threats"]:
        end = min(fates[th["id"]]["end_s"], t_s)
        time_s, lat, lon, _ = threat_track(th, scene["track_times_s"], end)
        if time_s.size == 0 or t_s < th["launch_s"]:
            continue
        color = category_color(th.get("category") or "")
        ax.plot(lon, lat, color=color, lw=1.2, alpha=0.8, zorder=2)
        if fates[th["id"]]["end_s"] > t_s:
            ax.plot(lon[-1], lat[-1], "o", ms=5, color=color, mec="#222222", mew=0.6, zorder=4)
            lats.append(float(lat[-1]))
            lons.append(float(lon[-1]))
            flying += 1
    in_flight = 0
    for m in rep["missiles"]:
        if m["to"] is None or not m["launch_s"] <= t_s < m["end_s"]:
            continue
        f = (t_s - m["launch_s"]) / max(m["end_s"] - m["launch_s"], 1e-6)
        lat = m["from"][0] + f * (m["to"][0] - m["from"][0])
        lon = m["from"][1] + f * (m["to"][1] - m["from"][1])
        color = missile_color(m["type"] or "")
        ax.plot([m["from"][1], lon], [m["from"][0], lat], color=color, lw=1.4, zorder=3)
        ax.plot(lon, lat, "o", ms=3.5, color="#ffffff", mec=color, mew=1.0, zorder=4)
        in_flight += 1
    for key, kind, marker in (("intercepts", "intercept", "o"), ("leaks", "leak", "X")):
        shown = [p for p in rep[key] if p["time_s"] <= t_s and p["lat_deg"] is not None]
        ax.scatter(
            [p["lon_deg"] for p in shown],
            [p["lat_deg"] for p in shown],
            s=40,
            marker=marker,
            color=figures.EVENT_COLORS[kind],
            edgecolors="#ffffff",
            linewidths=0.8,
            zorder=5,
        )
        lats += [p["lat_deg"] for p in shown]
        lons += [p["lon_deg"] for p in shown]
    site_style = {
        "battery": ("^", 9, figures.BATTERY_COLOR),
        "jammer": ("D", 7, figures.JAMMER_COLOR),
    }
    for site in scene["sites"]:
        marker, size, color = site_style.get(site["kind"], ("*", 14, figures.ASSET_COLOR))
        for ring in site["rings"]:
            if ring.get("kind") == "radar":
                continue
            ring_lat, ring_lon = ring_outline_deg(
                site["lat_deg"], site["lon_deg"], ring["radius_m"]
            )
            ax.plot(ring_lon, ring_lat, color=color, lw=0.9, alpha=0.7, zorder=1)
        ax.plot(site["lon_deg"], site["lat_deg"], marker=marker, ms=size, color=color,
                mec="#111111", mew=0.6, ls="", zorder=6)  # fmt: skip
        ax.annotate(site["name"], (site["lon_deg"], site["lat_deg"]), xytext=(6, 4),
                    textcoords="offset points", fontsize=8, zorder=7)  # fmt: skip
        if site["kind"] != "jammer":
            lats.append(site["lat_deg"])
            lons.append(site["lon_deg"])
    _frame(ax, lats, lons)
    ax.set_title(
        f"Replication {replication} at t = {t_s:,.0f} s: {_plural(flying, 'threat')} flying, "
        f"{_plural(in_flight, 'missile')} in flight",
    )
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    return figures.render_svg(fig, "replay", f"Replay still: replication {replication}")


def _frame(ax: Any, lats: list[float], lons: list[float]) -> None:
    """Fit the axes around the points, at least ``MIN_HALF_WIDTH_M`` each way, true aspect."""
    lat = [a for a, o in zip(lats, lons, strict=True) if math.isfinite(a + o)]
    lon = [o for a, o in zip(lats, lons, strict=True) if math.isfinite(a + o)]
    if not lat:
        return
    mid_lat, mid_lon = 0.5 * (min(lat) + max(lat)), 0.5 * (min(lon) + max(lon))
    cos_lat = max(math.cos(math.radians(mid_lat)), 0.05)
    half = math.degrees(MIN_HALF_WIDTH_M / EARTH_MEAN_RADIUS_M)
    half_lat = max(half, 0.55 * (max(lat) - min(lat)))
    half_lon = max(half / cos_lat, 0.55 * (max(lon) - min(lon)))
    ax.set_xlim(mid_lon - half_lon, mid_lon + half_lon)
    ax.set_ylim(mid_lat - half_lat, mid_lat + half_lat)
    ax.set_aspect(1.0 / cos_lat)


def replay_view(
    out_dir: str | Path, summary: dict[str, Any], scene: dict[str, Any], events: pa.Table
) -> ReplayView:
    """The report's replay section of a run about to be written to ``out_dir``."""
    run = run_data(Path(out_dir), summary, scene, events)
    rep = run.replication(SNAPSHOT_REPLICATION)
    t_s = snapshot_time_s(rep)
    caption = (
        f"Replication {SNAPSHOT_REPLICATION} at t = {t_s:,.0f} s, when most of its missiles are "
        "in flight: each threat's path so far and where it is, missiles in flight from their "
        "launchers, intercepts (green) and leaks (red) so far, missile range rings. The replay "
        "moves through the whole run, in any replication."
    )
    return ReplayView(
        command=f"iads serve {shlex.quote(str(out_dir))}",
        snapshot_svg=snapshot_svg(run, SNAPSHOT_REPLICATION, t_s),
        caption=caption,
    )
