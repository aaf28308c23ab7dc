"""The replay's scene: what a run directory needs for the viewer and the exports.

``scene.json`` (written by ``iads run`` beside ``events.parquet``) holds what the event log
does not: the sites with their range rings, the raid routes, and every threat's planned track
sampled in time: its route flown at its speed, as the engine's
``iads.threats.flight.threat_position`` gives it without evasive manoeuvres (a weave, where a
threat type has one, is not recorded per replication and is left out), so one track per threat
serves every replication; a replication's event log says when each threat ends (destroyed or
leaked).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from iads.jsonio import json_safe
from iads.report.base import ReportData

if TYPE_CHECKING:
    from iads.simulate import SimulationResult

SCENE_FILE = "scene.json"
#: Bumped when the layout of scene.json changes incompatibly.
SCENE_SCHEMA = 1
#: At most this many track samples per threat over the run (at least one per time step).
TRACK_SAMPLES = 600


def track_times_s(
    duration_s: float, time_step_s: float, samples: int = TRACK_SAMPLES
) -> np.ndarray:
    """Sample times of the threat tracks, s: 0 to ``duration_s`` inclusive, evenly spaced.

    The spacing is the engine's time step, or coarser so that there are at most ``samples``.
    """
    step = max(time_step_s, duration_s / max(samples - 1, 1))
    n = math.floor(duration_s / step + 1e-9) + 1
    times = np.arange(n, dtype=np.float64) * step
    if times[-1] < duration_s - 1e-6 * step:
        times = np.append(times, duration_s)
    times[-1] = duration_s  # exactly, whatever the rounding of n x step
    return times


def scene_dict(result: SimulationResult, data: ReportData) -> dict[str, Any]:
    """The scene.json dictionary of a simulation (see the module docstring).

    Parameters
    ----------
    result : SimulationResult
        The run (its params give the threat routes and speeds).
    data : ReportData
        What the report shows (sites with rings, routes); the rings gain the radars'
        instrumented ranges.
    """
    import jax

    from iads.scenario.compile import battery_radars
    from iads.threats.flight import threat_position

    spec, cat, layout = result.scenario.spec, result.scenario.catalog, result.layout
    n = layout.n_threats
    times = track_times_s(spec.duration_s, spec.time_step_s)
    tp = result.params.threats
    dtype = np.asarray(tp.launch_time_s).dtype
    pos = np.asarray(jax.vmap(lambda t: threat_position(tp, t))(times.astype(dtype)))[:, :n]
    lat, lon, alt = layout.frame.to_geodetic(np.asarray(pos, np.float64).reshape(-1, 3))
    lat, lon, alt = (np.asarray(a).reshape(len(times), n) for a in (lat, lon, alt))
    launch_s = np.asarray(tp.launch_time_s, np.float64)[:n]
    category = {g.name: cat.threats[g.threat].category for g in spec.raid}
    threats = [
        {
            "id": j,
            "type": layout.threat_type[j],
            "group": layout.threat_group[j],
            "category": category.get(layout.threat_group[j], ""),
            "launch_s": float(launch_s[j]),
            "arrival_s": float(layout.arrival_s[j]),
            "lat_deg": np.round(lat[:, j], 5).tolist(),
            "lon_deg": np.round(lon[:, j], 5).tolist(),
            "alt_m": np.round(alt[:, j], 0).tolist(),
        }
        for j in range(n)
    ]
    radar_rings: dict[str, list[dict[str, Any]]] = {}
    for b in spec.batteries:
        radar_rings[b.name] = [
            {
                "label": f"{r} instrumented range",
                "radius_m": cat.radars[r].instrumented_range_m.value,
                "kind": "radar",
            }
            for r in battery_radars(b, cat)
        ]
    sites = [
        {
            "name": s.name,
            "kind": s.kind,
            "lat_deg": s.lat_deg,
            "lon_deg": s.lon_deg,
            "system": s.system,
            "rings": [
                *({"label": r.label, "radius_m": r.radius_m, "kind": "missile"} for r in s.rings),
                *(radar_rings.get(s.name, []) if s.kind == "battery" else []),
            ],
        }
        for s in data.sites
    ]
    routes = [
        {
            "name": r.name,
            "threat_type": r.threat_type,
            "category": r.category,
            "points": [list(p) for p in r.points],
        }
        for r in data.routes
    ]
    return {
        "schema": SCENE_SCHEMA,
        "title": data.title,
        "duration_s": spec.duration_s,
        "time_step_s": spec.time_step_s,
        "replications": result.replications,
        "sites": sites,
        "routes": routes,
        "track_times_s": times.tolist(),
        "threats": threats,
    }


def write_scene(path: Path, scene: dict[str, Any]) -> None:
    """Write a scene dictionary as JSON (NaN and infinities as null)."""
    path.write_text(
        json.dumps(json_safe(scene), separators=(",", ":"), allow_nan=False) + "\n",
        encoding="utf-8",
    )
