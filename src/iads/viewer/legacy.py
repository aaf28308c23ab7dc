"""A scene derived from the event log alone, for a run written before scene.json existed.

The event log gives each threat's position at its events (detect, track, assign, the end of a
missile's flight at it, leak) in every replication; threats fly the same route in every
replication, so pooling those points over replications gives a track, known from the threat's
first event on. Batteries stand where their launchers fired from. There are no range rings,
routes or defended assets: the log does not hold them. A threat's category comes from the
bundled catalog (its type's entry), or is its type when the catalog has no such entry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from iads.viewer.scene import SCENE_SCHEMA, track_times_s

#: Event kinds whose position is the threat's (a launch row is at its launcher).
THREAT_POSITION_KINDS = ("detect", "track", "assign", "intercept", "miss", "leak")
NOTE = (
    "derived from the event log (the run has no scene.json): threats from their first event "
    "on, batteries where they fired from, no range rings, routes or assets"
)


def _category(threat_type: str) -> str:
    """The bundled catalog's category of a threat type (the type itself if unknown)."""
    from iads.catalog import load_catalog

    entry = load_catalog().threats.get(threat_type)
    return entry.category if entry is not None else threat_type


def derived_scene(summary: dict[str, Any], events: pa.Table) -> dict[str, Any]:
    """A scene.json-like dict (schema ``SCENE_SCHEMA``, with ``derived``: a note) from the
    event log; the run's duration is taken as its last event, rounded up to the second."""
    cols = {k: events[k].to_numpy(zero_copy_only=False) for k in events.column_names}
    kind = cols["kind"].astype(str)
    times = np.asarray(cols["time_s"], float)
    duration = float(np.ceil(times.max())) if times.size else 1.0
    grid = track_times_s(duration, 1.0)
    at_threat = np.isin(kind, THREAT_POSITION_KINDS) & (cols["threat_id"] >= 0)
    threats = []
    for j in sorted({int(x) for x in cols["threat_id"][at_threat]}):
        sel = at_threat & (cols["threat_id"] == j) & np.isfinite(cols["lat_deg"])
        t, order = np.unique(times[sel], return_index=True)
        lat, lon, alt = (
            np.asarray(cols[k], float)[sel][order] for k in ("lat_deg", "lon_deg", "alt_m")
        )
        leaks = times[(kind == "leak") & (cols["threat_id"] == j)]
        threats.append(
            {
                "id": j,
                "type": str(cols["threat_type"][sel][0]) if sel.any() else "",
                "group": str(cols["threat_type"][sel][0]) if sel.any() else "",
                "category": _category(str(cols["threat_type"][sel][0]) if sel.any() else ""),
                "launch_s": float(t[0]),
                "arrival_s": float(leaks.max()) if leaks.size else None,
                "lat_deg": np.round(np.interp(grid, t, lat), 5).tolist(),
                "lon_deg": np.round(np.interp(grid, t, lon), 5).tolist(),
                "alt_m": np.round(np.interp(grid, t, alt), 0).tolist(),
            }
        )
    launch = kind == "launch"
    sites = []
    for unit in sorted({str(u) for u in cols["unit"][launch] if u}):
        sel = launch & (cols["unit"] == unit)
        sites.append(
            {
                "name": unit,
                "kind": "battery",
                "lat_deg": float(np.mean(np.asarray(cols["lat_deg"], float)[sel])),
                "lon_deg": float(np.mean(np.asarray(cols["lon_deg"], float)[sel])),
                "system": "",
                "rings": [],
            }
        )
    return {
        "schema": SCENE_SCHEMA,
        "title": str(summary.get("scenario", "iads run")),
        "duration_s": duration,
        "time_step_s": 1.0,
        "replications": summary.get("replications"),
        "sites": sites,
        "routes": [],
        "track_times_s": grid.tolist(),
        "threats": threats,
        "derived": NOTE,
    }
