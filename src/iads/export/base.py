"""What every export shares: the run's epoch, its layers and their colours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.report import figures
from iads.report.geometry import ring_outline_deg
from iads.report.names import category_color, missile_color
from iads.viewer.run import RunData, threat_track

#: Scenario time 0 as a date: runs count seconds from their start, viewers want dates. Notional.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: Points on a range ring's outline (closed).
RING_POINTS = 121

SITE_COLORS = {
    "battery": figures.BATTERY_COLOR,
    "asset": figures.ASSET_COLOR,
    "jammer": figures.JAMMER_COLOR,
}
POINT_COLORS = {
    "intercept": figures.EVENT_COLORS["intercept"],
    "leak": figures.EVENT_COLORS["leak"],
}


def when(t_s: float) -> dt.datetime:
    """Scenario time (s from the start) as a date from :data:`EPOCH`."""
    return EPOCH + dt.timedelta(seconds=float(t_s))


def rgba(hex_color: str, alpha: int = 255) -> list[int]:
    """``#rrggbb`` as [r, g, b, a], 0-255."""
    h = hex_color.lstrip("#")
    return [int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha]


@dataclass(frozen=True)
class ThreatPath:
    """One threat of one replication: where it flew and how it ended."""

    id: int
    name: str
    threat_type: str
    color: str
    fate: str
    time_s: np.ndarray  # [K]
    lat_deg: np.ndarray  # [K]
    lon_deg: np.ndarray  # [K]
    alt_m: np.ndarray  # [K]


@dataclass(frozen=True)
class Layers:
    """A run's layers for one replication (``replication`` None: points of all of them)."""

    run: RunData
    replication: int | None
    threats: tuple[ThreatPath, ...]
    missiles: tuple[dict[str, Any], ...]
    points: tuple[dict[str, Any], ...]  # intercepts and leaks, each with "kind"

    @property
    def duration_s(self) -> float:
        """The run's simulated time, s."""
        return self.run.duration_s

    @property
    def sites(self) -> list[dict[str, Any]]:
        """The scene's sites (batteries, assets, stand-off jammers) with their rings."""
        return list(self.run.scene["sites"])

    @property
    def routes(self) -> list[dict[str, Any]]:
        """The raid groups' planned routes."""
        return list(self.run.scene["routes"])


def layers(run: RunData, replication: int | None) -> Layers:
    """Threat paths and missiles of ``replication`` and its intercept and leak points.

    With ``replication`` None there are no threat paths or missiles, and the points are those
    of every replication (each tagged with its replication).
    """
    reps = range(run.replications) if replication is None else [replication]
    points = []
    for i in reps:
        rep = run.replication(i)
        for kind, rows in (("intercept", rep["intercepts"]), ("leak", rep["leaks"])):
            points += [{**p, "kind": kind, "replication": i} for p in rows]
    if replication is None:
        return Layers(run, None, (), (), tuple(points))
    rep = run.replication(replication)
    scene = run.scene
    paths = []
    for t, fate in zip(scene["threats"], rep["threats"], strict=True):
        time_s, lat, lon, alt = threat_track(t, scene["track_times_s"], fate["end_s"])
        if time_s.size == 0:
            continue
        paths.append(
            ThreatPath(
                id=int(t["id"]),
                name=f"{t['group']} #{t['id']} ({t['type']})",
                threat_type=t["type"],
                color=category_color(t.get("category") or ""),
                fate=fate["fate"],
                time_s=time_s,
                lat_deg=lat,
                lon_deg=lon,
                alt_m=alt,
            )
        )
    missiles = tuple(
        {**m, "color": missile_color(m["type"] or "")}
        for m in rep["missiles"]
        if m["from"][0] is not None and m["to"] is not None and m["to"][0] is not None
    )
    return Layers(run, replication, tuple(paths), missiles, tuple(points))


def ring_outline(site: dict[str, Any], radius_m: float) -> list[tuple[float, float]]:
    """A range ring as (lon_deg, lat_deg) pairs, closed."""
    lat, lon = ring_outline_deg(site["lat_deg"], site["lon_deg"], radius_m, RING_POINTS)
    points = [(round(float(o), 5), round(float(a), 5)) for a, o in zip(lat, lon, strict=True)]
    return [*points[:-1], points[0]]
