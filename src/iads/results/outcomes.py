"""Per-replication outcomes, statistics with confidence intervals, and the event log.

Everything here reads the engine's final states (NumPy arrays with a leading replication axis)
and the scenario ``Layout``; it runs after the jitted engine, in NumPy and pyarrow.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pyarrow as pa

from iads.engine import events as ev
from iads.engine.base import Params, Run
from iads.scenario.compile import Layout
from iads.stats import mean_count_ci, mean_t_ci

#: Event kinds in events.parquet.
EVENT_KINDS = tuple(k for k in ev.EVENT_KINDS if k != "none")

EVENT_SCHEMA = pa.schema(
    [
        ("replication", pa.int32()),
        ("time_s", pa.float64()),
        ("kind", pa.string()),
        ("threat_id", pa.int32()),
        ("threat_type", pa.string()),
        ("unit", pa.string()),
        ("radar", pa.string()),
        ("launcher", pa.string()),
        ("missile_id", pa.int32()),
        ("missile_type", pa.string()),
        ("lat_deg", pa.float64()),
        ("lon_deg", pa.float64()),
        ("alt_m", pa.float64()),
    ]
)


def _estimate(mean: float, lo: float, hi: float) -> dict[str, Any]:
    """``{"mean", "ci95"}`` with NaN written as None (JSON null)."""

    def num(x: float) -> float | None:
        return x if math.isfinite(x) else None

    return {"mean": num(mean), "ci95": [num(lo), num(hi)]}


def mean_ci95(x: np.ndarray, seed: int = 0) -> dict[str, Any]:
    """Mean of a per-replication count and its bootstrap 95% interval (``iads.stats``).

    NaNs are left out; with fewer than two values the interval is ``[null, null]``. The
    interval stays within the values' range, so a count's never goes below zero.
    """
    return _estimate(*mean_count_ci(x, seed))


def mean_t_ci95(x: np.ndarray) -> dict[str, Any]:
    """Mean and Student-t 95% interval of a continuous per-replication value (a range)."""
    return _estimate(*mean_t_ci(x))


def threat_columns(runs: Run, n_threats: int) -> dict[str, np.ndarray]:
    """Per-replication, per-threat arrays [R, J] of the scenario's first ``n_threats`` threat
    slots (the padding dropped)."""
    n = n_threats
    log, st = runs.events, runs.state
    detected = np.asarray(log.detect.kind)[:, :n] == ev.DETECT
    return {
        "detected": detected,
        "detect_s": np.where(detected, np.asarray(log.detect.time_s)[:, :n], np.inf),
        "detect_radar": np.asarray(log.detect.radar)[:, :n],
        "detect_pos_m": np.asarray(log.detect.pos_m)[:, :n],
        "engaged": np.asarray(st.c2.engaged)[:, :n],
        "killed": np.isfinite(np.asarray(st.assessment.killed_s)[:, :n]),
        "leaked": np.isfinite(np.asarray(st.threats.leaked_s)[:, :n]),
    }


def first_detection_range_m(params: Params, runs: Run, n_threats: int) -> np.ndarray:
    """Range [R, J] from the radar that first detected each threat (NaN: never detected)."""
    cols = threat_columns(runs, n_threats)
    radar_pos = np.asarray(params.sensing.radars.pos_m, float)
    rng = np.linalg.norm(
        cols["detect_pos_m"] - radar_pos[np.maximum(cols["detect_radar"], 0)], axis=-1
    )
    return np.where(cols["detected"], rng, np.nan)


def per_replication(params: Params, runs: Run, layout: Layout) -> dict[str, Any]:
    """Counts per replication: arrays of shape [R] keyed by what they count."""
    types = np.asarray(layout.threat_type)
    out: dict[str, Any] = {"threats": {}, "missiles_fired": {}, "leakers_by_asset": {}}
    cols = threat_columns(runs, layout.n_threats)
    detected, killed, leaked = cols["detected"], cols["killed"], cols["leaked"]
    rng_all = first_detection_range_m(params, runs, layout.n_threats)
    for ttype in layout.threat_types:
        sel = types == ttype
        rng = rng_all[:, sel]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN row: never detected
            first = np.nanmean(rng, axis=1) if rng.size else np.full(len(rng), np.nan)
        out["threats"][ttype] = {
            "count": int(sel.sum()),
            "detected": detected[:, sel].sum(axis=1),
            "engaged": cols["engaged"][:, sel].sum(axis=1),
            "destroyed": killed[:, sel].sum(axis=1),
            "leaked": leaked[:, sel].sum(axis=1),
            "unresolved": (~killed[:, sel] & ~leaked[:, sel]).sum(axis=1),
            "first_detection_range_m": first,
        }
    launch = runs.events.launch
    fired = np.asarray(launch.kind) == ev.LAUNCH
    for k, mtype in enumerate(layout.missile_types):
        out["missiles_fired"][mtype] = (fired & (np.asarray(launch.missile_type) == k)).sum(axis=1)
    for a, name in enumerate(layout.asset_names):
        out["leakers_by_asset"][name] = (leaked & (layout.threat_asset == a)[None, :]).sum(axis=1)
    out["leakers"] = leaked.sum(axis=1)
    return out


def summarise(
    params: Params, runs: Run, layout: Layout, *, scenario: str, seed: int, version: str
) -> dict[str, Any]:
    """The ``summary.json`` dictionary (a stable interface; see README)."""
    reps = per_replication(params, runs, layout)
    n = int(np.asarray(runs.state.t_s).shape[0])
    threats = []
    for ttype, d in reps["threats"].items():
        threats.append(
            {
                "type": ttype,
                "count": d["count"],
                **{
                    k: mean_ci95(d[k], seed)
                    for k in ("detected", "engaged", "destroyed", "leaked", "unresolved")
                },
                "first_detection_range_m": mean_t_ci95(d["first_detection_range_m"]),
            }
        )
    return {
        "scenario": scenario,
        "replications": n,
        "seed": seed,
        "iads_version": version,
        "threats": threats,
        "missiles_fired": {k: mean_ci95(v, seed) for k, v in reps["missiles_fired"].items()},
        "assets": [
            {"name": a, "leakers": mean_ci95(v, seed)} for a, v in reps["leakers_by_asset"].items()
        ],
    }


def event_table(
    params: Params, runs: Run, layout: Layout, max_replications: int | None = None
) -> pa.Table:
    """The event log: one row per event (see ``EVENT_SCHEMA``), sorted by replication, time."""
    n_rep = int(np.asarray(runs.state.t_s).shape[0])
    if max_replications is not None:
        n_rep = min(n_rep, max_replications)
    parts = [
        {k: np.asarray(v)[:n_rep] for k, v in vars(seg).items()} for seg in runs.events.segments()
    ]
    rows = {k: np.concatenate([p[k] for p in parts], axis=1) for k in parts[0]}  # [R, E]
    kind = rows["kind"]
    rep, col = np.nonzero(kind != ev.NONE)
    if rep.size == 0:
        return EVENT_SCHEMA.empty_table()
    pick = {k: v[rep, col] for k, v in rows.items()}

    def names(table: tuple[str, ...], index: np.ndarray) -> np.ndarray:
        lookup = np.asarray([*table, ""], dtype=object)
        return lookup[np.where((index >= 0) & (index < len(table)), index, len(table))]

    lat, lon, alt = layout.frame.to_geodetic(np.asarray(pick["pos_m"], float).reshape(-1, 3))
    data = {
        "replication": rep.astype(np.int32),
        "time_s": pick["time_s"].astype(np.float64),
        "kind": np.asarray(ev.EVENT_KINDS, dtype=object)[pick["kind"]],
        "threat_id": pick["threat"].astype(np.int32),
        "threat_type": names(layout.threat_type, pick["threat"]),
        "unit": names(layout.unit_names, pick["unit"]),
        "radar": names(layout.radar_names, pick["radar"]),
        "launcher": names(layout.launcher_names, pick["launcher"]),
        "missile_id": pick["missile"].astype(np.int32),
        "missile_type": names(layout.missile_types, pick["missile_type"]),
        "lat_deg": np.asarray(lat).reshape(-1),
        "lon_deg": np.asarray(lon).reshape(-1),
        "alt_m": np.asarray(alt).reshape(-1),
    }
    order = np.lexsort((data["time_s"], data["replication"]))
    return pa.table({k: data[k][order] for k in EVENT_SCHEMA.names}, schema=EVENT_SCHEMA)
