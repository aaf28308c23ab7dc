"""A small run directory written without the engine, shared by the viewer and export tests.

It has what ``iads run`` writes (summary.json, events.parquet in ``EVENT_SCHEMA``, scene.json,
report.html) for a scene whose answers are known: three drones launched at 0, 10 and 20 s,
12 km north of the asset, flying due south at 50 m/s (arrival 240, 250, 260 s), against one
battery 5 km south-east of the asset; three replications. In every replication threats 0 and 1
are destroyed (``KILLS``) by one missile each, fired 20 s before; threat 2 is destroyed at
100 s except in replication 1, where it leaks at 260 s after a missed missile. Building it
takes milliseconds, so the tests do not wait for the engine (``tests/viewer/test_scene.py``
checks that ``iads run`` writes the same files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from iads.results import EVENT_SCHEMA
from iads.viewer.scene import SCENE_SCHEMA, track_times_s

REPLICATIONS = 3
DURATION_S = 300.0
SPEED_M_S = 50.0
START_KM = 12.0
LAUNCH_S = (0.0, 10.0, 20.0)
ASSET = (40.0, 33.0)
BATTERY = (39.968, 33.042)
M_PER_DEG_LAT = 111_195.0
MISSILE = "9M96E2"
FLIGHT_S = 20.0
#: (replication, threat) -> time destroyed, s; (1, 2) leaks at LEAK_S instead.
KILLS = {(r, j): 60.0 + 5.0 * r + 20.0 * j for r in range(REPLICATIONS) for j in range(3)}
LEAK = (1, 2)
LEAK_S = LAUNCH_S[2] + START_KM * 1000 / SPEED_M_S


def threat_lat(j: int, t_s: float) -> float:
    """Latitude of drone ``j`` at ``t_s`` (flying due south, clamped to launch and arrival)."""
    flown = np.clip(SPEED_M_S * (t_s - LAUNCH_S[j]), 0.0, START_KM * 1000)
    return float(ASSET[0] + (START_KM * 1000 - flown) / M_PER_DEG_LAT)


def scene() -> dict[str, Any]:
    """The scene.json of the run."""
    times = track_times_s(DURATION_S, 1.0)
    return {
        "schema": SCENE_SCHEMA,
        "title": "Replay test",
        "duration_s": DURATION_S,
        "time_step_s": 1.0,
        "replications": REPLICATIONS,
        "sites": [
            {
                "name": "bn",
                "kind": "battery",
                "lat_deg": BATTERY[0],
                "lon_deg": BATTERY[1],
                "system": "S-400",
                "rings": [
                    {"label": f"{MISSILE} max range", "radius_m": 120e3, "kind": "missile"},
                    {"label": "91N6E instrumented range", "radius_m": 600e3, "kind": "radar"},
                ],
            },
            {
                "name": "asset",
                "kind": "asset",
                "lat_deg": ASSET[0],
                "lon_deg": ASSET[1],
                "system": "",
                "rings": [],
            },
        ],
        "routes": [
            {
                "name": "drones",
                "threat_type": "one_way_attack_drone",
                "category": "drone",
                "points": [[threat_lat(0, 0.0), ASSET[1], 1000.0], [ASSET[0], ASSET[1], 0.0]],
            }
        ],
        "track_times_s": times.tolist(),
        "threats": [
            {
                "id": j,
                "type": "one_way_attack_drone",
                "group": "drones",
                "category": "drone",
                "launch_s": LAUNCH_S[j],
                "arrival_s": LAUNCH_S[j] + START_KM * 1000 / SPEED_M_S,
                "lat_deg": [threat_lat(j, t) for t in times],
                "lon_deg": [ASSET[1]] * len(times),
                "alt_m": [1000.0] * len(times),
            }
            for j in range(3)
        ],
    }


def events() -> pa.Table:
    """The event log: detect, launch, intercept / miss, leak rows."""
    rows: list[dict[str, Any]] = []

    def row(rep: int, t: float, kind: str, j: int, missile: int, lat: float, **kw: Any) -> None:
        rows.append(
            {
                "replication": rep,
                "time_s": t,
                "kind": kind,
                "threat_id": j,
                "threat_type": "one_way_attack_drone",
                "unit": "bn" if missile >= 0 else "",
                "radar": kw.get("radar", ""),
                "launcher": "bn/5P85SE2 #1" if missile >= 0 else "",
                "missile_id": missile,
                "missile_type": MISSILE if missile >= 0 else "",
                "lat_deg": lat,
                "lon_deg": kw.get("lon", ASSET[1]),
                "alt_m": kw.get("alt", 1000.0),
            }
        )

    for r in range(REPLICATIONS):
        for j in range(3):
            missile = j
            row(r, LAUNCH_S[j] + 1.0, "detect", j, -1, threat_lat(j, LAUNCH_S[j] + 1.0),
                radar="bn/91N6E")  # fmt: skip
            t_kill = KILLS[(r, j)]
            t_fire = t_kill - FLIGHT_S
            row(r, t_fire, "launch", j, missile, BATTERY[0], lon=BATTERY[1], alt=10.0)
            kind = "miss" if (r, j) == LEAK else "intercept"
            row(r, t_kill, kind, j, missile, threat_lat(j, t_kill))
            if (r, j) == LEAK:
                row(r, LEAK_S, "leak", j, -1, ASSET[0], alt=0.0)
    rows.sort(key=lambda x: (x["replication"], x["time_s"]))
    return pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)


def summary() -> dict[str, Any]:
    """A summary.json of the run's shape (see README)."""

    def est(mean: float) -> dict[str, Any]:
        return {"mean": mean, "ci95": [mean, mean]}

    return {
        "scenario": "Replay test",
        "replications": REPLICATIONS,
        "seed": 5,
        "iads_version": "test",
        "threats": [
            {
                "type": "one_way_attack_drone",
                "count": 3,
                "detected": est(3.0),
                "engaged": est(3.0),
                "destroyed": est(8 / 3),
                "leaked": est(1 / 3),
                "unresolved": est(0.0),
                "first_detection_range_m": est(12e3),
            }
        ],
        "missiles_fired": {MISSILE: est(3.0)},
        "assets": [{"name": "asset", "leakers": est(1 / 3)}],
    }


def write_run(out: Path) -> Path:
    """Write the run directory to ``out`` (created) and return it."""
    out.mkdir(parents=True)
    (out / "summary.json").write_text(json.dumps(summary(), indent=2), encoding="utf-8")
    (out / "scene.json").write_text(json.dumps(scene()), encoding="utf-8")
    pq.write_table(events(), out / "events.parquet")
    (out / "report.html").write_text("<!doctype html><title>report</title>", encoding="utf-8")
    return out


_built: dict[str, Path] = {}


def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's run directory (written on first use)."""
    if "run" not in _built:
        _built["run"] = write_run(tmp_path_factory.mktemp("replay") / "run")
    return _built["run"]
