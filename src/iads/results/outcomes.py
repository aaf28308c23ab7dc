"""Per-replication outcomes, statistics with confidence intervals, and the event log.

Everything here reads the engine's final states (NumPy arrays with a leading replication axis)
and the scenario ``Layout``; it runs after the jitted engine, in NumPy and pyarrow.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pyarrow as pa

from iads.engine.base import OUTCOME_KILL, OUTCOME_MISS, Params, State, ThreatParams, precision
from iads.scenario.compile import Layout
from iads.stats import mean_count_ci, mean_t_ci
from iads.threats.flight import threat_position

EVENT_KINDS = ("detect", "track", "assign", "launch", "intercept", "miss", "leak")

EVENT_SCHEMA = pa.schema(
    [
        ("replication", pa.int32()),
        ("time_s", pa.float64()),
        ("kind", pa.string()),
        ("threat_id", pa.int32()),
        ("threat_type", pa.string()),
        ("unit", pa.string()),
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


def per_replication(states: State, layout: Layout) -> dict[str, Any]:
    """Counts per replication: arrays of shape [R] keyed by what they count."""
    types = np.asarray(layout.threat_type)
    out: dict[str, Any] = {"threats": {}, "missiles_fired": {}, "leakers_by_asset": {}}
    detected = np.isfinite(states.detect_s)
    killed = np.isfinite(states.killed_s)
    leaked = np.isfinite(states.leaked_s)
    for ttype in layout.threat_types:
        sel = types == ttype
        rng = np.where(detected[:, sel], states.detect_range_m[:, sel], np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN row: never detected
            first = np.nanmean(rng, axis=1) if rng.size else np.full(len(rng), np.nan)
        out["threats"][ttype] = {
            "count": int(sel.sum()),
            "detected": detected[:, sel].sum(axis=1),
            "engaged": np.asarray(states.engaged)[:, sel].sum(axis=1),
            "destroyed": killed[:, sel].sum(axis=1),
            "leaked": leaked[:, sel].sum(axis=1),
            "unresolved": (~killed[:, sel] & ~leaked[:, sel]).sum(axis=1),
            "first_detection_range_m": first,
        }
    log = states.missile_log
    for k, mtype in enumerate(layout.missile_types):
        out["missiles_fired"][mtype] = ((log.unit >= 0) & (log.kind == k)).sum(axis=1)
    for a, name in enumerate(layout.asset_names):
        out["leakers_by_asset"][name] = (leaked & (layout.threat_asset == a)[None, :]).sum(axis=1)
    out["leakers"] = leaked.sum(axis=1)
    return out


def summarise(
    states: State, layout: Layout, *, scenario: str, seed: int, version: str
) -> dict[str, Any]:
    """The ``summary.json`` dictionary (a stable interface; see README)."""
    reps = per_replication(states, layout)
    n = int(np.asarray(states.t_s).shape[0])
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
    params: Params, states: State, layout: Layout, max_replications: int | None = None
) -> pa.Table:
    """The event log: one row per event (see ``EVENT_SCHEMA``), sorted by replication, time."""
    n_rep = int(np.asarray(states.t_s).shape[0])
    if max_replications is not None:
        n_rep = min(n_rep, max_replications)
    cols: dict[str, list[np.ndarray]] = {name: [] for name in EVENT_SCHEMA.names}
    thr_t: list[np.ndarray] = []
    thr_id: list[np.ndarray] = []
    thr_pos: list[np.ndarray] = []

    units = np.asarray([*layout.unit_names, ""], dtype=object)
    mtypes = np.asarray([*layout.missile_types, ""], dtype=object)
    ttypes = np.asarray(layout.threat_type, dtype=object)

    def add(  # host arrays (NumPy) from the engine's final states
        rep: Any,
        t: Any,
        kind: str,
        threat: Any,
        unit: Any,
        missile: Any,
        mtype: Any,
        pos: Any,
    ) -> None:
        cols["replication"].append(rep.astype(np.int32))
        cols["time_s"].append(t.astype(np.float64))
        cols["kind"].append(np.full(len(t), kind, dtype=object))
        cols["threat_id"].append(threat.astype(np.int32))
        cols["threat_type"].append(ttypes[threat])
        cols["unit"].append(units[unit])
        cols["missile_id"].append(missile.astype(np.int32))
        cols["missile_type"].append(mtypes[mtype])
        if pos is None:  # threat events: position from the (deterministic) trajectory
            thr_t.append(t)
            thr_id.append(threat)
            thr_pos.append(np.full((len(t), 3), np.nan))
        else:
            thr_t.append(np.full(len(t), np.nan))
            thr_id.append(threat)
            thr_pos.append(pos)

    none = -1
    for r in range(n_rep):
        j = np.arange(len(ttypes))
        for kind, times, unit in (
            ("detect", states.detect_s[r], states.detect_unit[r]),
            ("track", states.track_s[r], np.full(len(j), none)),
            ("leak", states.leaked_s[r], np.full(len(j), none)),
        ):
            m = np.isfinite(times)
            add(
                np.full(m.sum(), r),
                times[m],
                kind,
                j[m],
                unit[m],
                np.full(m.sum(), none),
                np.full(m.sum(), none),
                None,
            )
        al = states.assign_log
        m = np.asarray(al.unit[r] >= 0)
        add(
            np.full(m.sum(), r),
            al.time_s[r][m],
            "assign",
            al.target[r][m],
            al.unit[r][m],
            np.full(m.sum(), none),
            al.kind[r][m],
            None,
        )
        ml = states.missile_log
        m = np.asarray(ml.unit[r] >= 0)
        ids = np.nonzero(m)[0]
        add(
            np.full(m.sum(), r),
            ml.launch_time_s[r][m],
            "launch",
            ml.target[r][m],
            ml.unit[r][m],
            ids,
            ml.kind[r][m],
            None,
        )
        for code, kind in ((OUTCOME_KILL, "intercept"), (OUTCOME_MISS, "miss")):
            m2 = m & (ml.outcome[r] == code)
            add(
                np.full(m2.sum(), r),
                ml.end_time_s[r][m2],
                kind,
                ml.target[r][m2],
                ml.unit[r][m2],
                np.nonzero(m2)[0],
                ml.kind[r][m2],
                ml.end_pos_m[r][m2],
            )

    if not cols["time_s"]:
        return EVENT_SCHEMA.empty_table()
    t_all = np.concatenate(thr_t)
    id_all = np.concatenate(thr_id)
    pos = np.concatenate(thr_pos)
    need = np.isfinite(t_all)
    if need.any():
        pos[need] = _threat_positions_at(params, id_all[need], t_all[need])
    lat, lon, alt = layout.frame.to_geodetic(pos.reshape(-1, 3))
    data = {
        k: np.concatenate(v) for k, v in cols.items() if k not in ("lat_deg", "lon_deg", "alt_m")
    }
    data.update(lat_deg=lat.reshape(-1), lon_deg=lon.reshape(-1), alt_m=alt.reshape(-1))
    order = np.lexsort((data["time_s"], data["replication"]))
    table = pa.table({k: data[k][order] for k in EVENT_SCHEMA.names}, schema=EVENT_SCHEMA)
    return table


def _threat_positions_at(params: Params, threat: np.ndarray, t_s: np.ndarray) -> np.ndarray:
    """Positions [N, 3] of threat ``threat[i]`` at ``t_s[i]`` (the engine's own trajectory)."""
    dtype = params.threats.launch_time_s.dtype
    with precision(dtype):
        return np.asarray(
            _positions_at(params.threats, jnp.asarray(threat, jnp.int32), jnp.asarray(t_s, dtype)),
            float,
        )


@jax.jit
def _positions_at(tp: ThreatParams, j: jax.Array, t: jax.Array) -> jax.Array:
    def one(jj: jax.Array, tt: jax.Array) -> jax.Array:
        single = jax.tree_util.tree_map(lambda a: a[jj][None], tp)  # threat jj alone
        return threat_position(single, tt[None])[0]

    return jax.vmap(one)(j, t)
