"""What the HTML report needs: a plain description of the run, independent of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class Ring:
    """A range ring around a site: a missile's or radar's maximum range."""

    label: str
    radius_m: float


@dataclass(frozen=True)
class Site:
    """A battery (fire unit), a defended asset or a stand-off jammer on the map."""

    name: str
    kind: str  # "battery", "asset" or "jammer" (stand-off)
    lat_deg: float
    lon_deg: float
    system: str = ""
    rings: tuple[Ring, ...] = ()


@dataclass(frozen=True)
class Route:
    """A raid group's planned route, launch point first, target last."""

    name: str
    threat_type: str
    category: str
    points: tuple[tuple[float, float, float], ...]  # (lat_deg, lon_deg, alt_m)


@dataclass(frozen=True)
class ReplayView:
    """The report's pointer to the replay: the command that starts it and a still of it."""

    command: str  # e.g. "iads serve results/"
    snapshot_svg: str  # inline <svg> of one moment of one replication
    caption: str


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows.

    ``summary`` is the ``summary.json`` dict (see README). ``events`` has the events.parquet
    columns: replication, time_s, kind, threat_id, threat_type, unit, missile_id, missile_type,
    lat_deg, lon_deg, alt_m. ``leakers_per_replication`` is shape [R] (all assets together);
    ``missiles_fired_per_replication`` maps missile type to shape [R].
    """

    title: str
    scenario_file: str
    summary: dict[str, Any]
    sites: tuple[Site, ...]
    routes: tuple[Route, ...]
    events: pa.Table
    leakers_per_replication: np.ndarray
    missiles_fired_per_replication: dict[str, np.ndarray]
    duration_s: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    replay: ReplayView | None = None  # the replay section (iads serve), when there is one
