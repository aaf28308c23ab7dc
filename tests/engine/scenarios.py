"""Small scenarios for engine tests, built as dicts and written to YAML.

Tests that share a shape (threat count, route points, units, inventory, steps) share one
compiled engine, so most vary values through ``dataclasses.replace`` on the compiled params.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jax
import numpy as np
import yaml

from iads.assessment.base import OUTCOME_KILL, OUTCOME_MISS, OUTCOME_NONE
from iads.engine import events as ev
from iads.engine.base import Params, Run
from iads.engine.run import run_batches
from iads.results.outcomes import first_detection_range_m, threat_columns
from iads.scenario.compile import Layout, Scenario, compile_scenario, load_scenario

ORIGIN = {"lat_deg": 40.0, "lon_deg": 33.0}
KM_PER_DEG_LAT = 111.0


def north_of(km: float, alt_m: float, lon_deg: float = 33.0) -> dict[str, float]:
    """A point ``km`` north of the origin (approximately; exact positions are not needed)."""
    return {"lat_deg": 40.0 + km / KM_PER_DEG_LAT, "lon_deg": lon_deg, "alt_m": alt_m}


def base(**over: Any) -> dict[str, Any]:
    """One S-400 battery at the origin defending one asset there, one raid group from the north."""
    d: dict[str, Any] = {
        "schema_version": 1,
        "name": "engine test",
        "origin": dict(ORIGIN),
        "duration_s": 700.0,
        "time_step_s": 1.0,
        "seed": 7,
        "replications": 4,
        "assets": [{"name": "asset", **ORIGIN, "alt_m": 0.0, "value": 1.0}],
        "batteries": [
            {
                "name": "bn",
                "system": "S-400",
                "threat_axis_deg": 0.0,  # the raids come from the north
                **ORIGIN,
                "alt_m": 0.0,
                "launchers": [
                    {"type": "5P85TE2", "count": 4, "missile": "48N6E3"},
                    {"type": "5P85SE2", "count": 1, "missile": "9M96E2"},
                ],
                "doctrine": {
                    "salvo_size": 1,
                    "policy": "shoot-look-shoot",
                    "engagement_range_fraction": 0.9,
                },
            }
        ],
        "raid": [
            {
                "name": "fighters",
                "threat": "f16_class",
                "count": 4,
                "launch_time_s": 0.0,
                "spacing_s": 20.0,
                "target": "asset",
                "route": [north_of(150.0, 8000.0)],
            }
        ],
    }
    for k, v in over.items():
        d[k] = v
    return d


def raid_group(
    name: str, threat: str, count: int, spacing_s: float, km_north: float, alt_m: float
) -> dict[str, Any]:
    """One raid group at the asset from ``km_north`` km north, at ``alt_m``."""
    return {
        "name": name,
        "threat": threat,
        "count": count,
        "spacing_s": spacing_s,
        "target": "asset",
        "route": [north_of(km_north, alt_m)],
    }


def drone_swarm() -> list[dict[str, Any]]:
    """24 drones from 60 km north in four files, arriving together (saturates a battalion)."""
    return [
        {
            "name": f"d{k}",
            "threat": "one_way_attack_drone",
            "count": 6,
            "spacing_s": 1.0,
            "target": "asset",
            "route": [north_of(60.0, 1500.0, lon_deg=33.0 + 0.2 * k)],
        }
        for k in range(4)
    ]


def first_look_scenario(**over: Any) -> dict[str, Any]:
    """One F-16-class fighter from 151.5 km north, 12 s: the first looks inside 150 km."""
    raid = [
        {
            "name": "f",
            "threat": "f16_class",
            "count": 1,
            "target": "asset",
            "route": [north_of(151.5, 8000.0)],
        }
    ]
    return base(duration_s=12.0, raid=raid, **over)


def write(tmp_path: Path, d: dict[str, Any], name: str = "scenario.yaml") -> Path:
    """Write a scenario dict to YAML and return the path."""
    p = tmp_path / name
    p.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return p


def compiled(
    tmp_path: Path, d: dict[str, Any], dtype: str | None = None
) -> tuple[Scenario, Params, Layout]:
    """Load and compile a scenario dict."""
    scn = load_scenario(write(tmp_path, copy.deepcopy(d)))
    params, layout = compile_scenario(scn, dtype=dtype)
    return scn, params, layout


def with_kill_probability(params: Params, pk: float) -> Params:
    """Params in which every end game kills with probability ``pk``, whatever its miss
    distance within the end-game range: blast-fragmentation with no terminal error and a
    lethal radius far beyond the end-game range, so the damage function is 1."""
    a = params.assessment
    kp, r = np.asarray(a.kill_probability), np.asarray(a.lethal_radius_m)
    a = dataclasses.replace(
        a,
        kill_probability=np.full(kp.shape, pk, kp.dtype),
        mechanism=np.zeros_like(np.asarray(a.mechanism)),
        terminal_miss_m=np.zeros_like(r),
        lethal_radius_m=np.full(r.shape, 1e9, r.dtype),
    )
    return dataclasses.replace(params, assessment=a)


def replace_radars(params: Params, **fields: Any) -> Params:
    """Params with radar fields replaced (arrays of shape [D]: 91N6E, 92N6E in ``base``)."""
    radars = dataclasses.replace(params.sensing.radars, **fields)
    return dataclasses.replace(params, sensing=dataclasses.replace(params.sensing, radars=radars))


def replace_threats(params: Params, **fields: Any) -> Params:
    """Params with threat fields replaced (arrays of shape [J])."""
    return dataclasses.replace(params, threats=dataclasses.replace(params.threats, **fields))


def padded_like(params: Params, like: Params) -> Params:
    """``params`` with its launcher slots, missile rows and salvo rows padded to those of
    ``like``, as compilation pads them to a size bucket (padded launchers are invalid, belong
    to no unit and hold no rounds), so that it runs on ``like``'s compiled engine. Every other
    shape must already match."""
    lp, n = params.launch, like.launch.valid.shape[0]
    n_u = params.c2.units.valid.shape[0]

    def pad(a: Any, fill: Any) -> np.ndarray:
        a = np.asarray(a)
        extra = np.full((n - a.shape[0], *a.shape[1:]), fill, a.dtype)
        return np.concatenate([a, extra])

    assert lp.valid.shape[0] <= n and params.missile_capacity <= like.missile_capacity
    lp = dataclasses.replace(
        lp,
        valid=pad(lp.valid, False),
        pos_m=pad(lp.pos_m, 0.0),
        unit=pad(lp.unit, n_u),
        launch_interval_s=pad(lp.launch_interval_s, 1.0),
        launch_height_m=pad(lp.launch_height_m, 0.0),
        inventory=pad(lp.inventory, 0),
        reload_time_s=pad(lp.reload_time_s, np.inf),
        reloads=pad(lp.reloads, 0),
    )
    out = dataclasses.replace(
        params,
        launch=lp,
        missile_capacity=like.missile_capacity,
        salvo_capacity=like.salvo_capacity,
    )
    shape = lambda p: jax.tree_util.tree_map(lambda a: (np.shape(a), np.asarray(a).dtype), p)  # noqa: E731
    assert shape(out) == shape(like), "only the launcher, missile and salvo counts may differ"
    return out


def view(params: Params, run: Run) -> SimpleNamespace:
    """A run's outcomes as arrays [R, J] over the scenario's threats (padding dropped), and its
    missiles as arrays [R, L] by missile id (``fired`` marks the rows used)."""
    n = int(np.sum(np.asarray(params.threats.valid)))
    cols = threat_columns(run, n)
    log, st = run.events, run.state
    launch, end = log.launch, log.end
    fired = np.asarray(launch.kind) == ev.LAUNCH
    outcome = np.where(
        np.asarray(end.kind) == ev.INTERCEPT,
        OUTCOME_KILL,
        np.where(np.asarray(end.kind) == ev.MISS, OUTCOME_MISS, OUTCOME_NONE),
    )
    missiles = SimpleNamespace(
        fired=fired,
        launch_time_s=np.asarray(launch.time_s),
        launch_pos_m=np.asarray(launch.pos_m),
        launcher=np.asarray(launch.launcher),
        unit=np.where(fired, np.asarray(launch.unit), -1),
        target=np.asarray(launch.threat),
        kind=np.asarray(launch.missile_type),
        outcome=outcome,
        end_time_s=np.where(np.asarray(end.kind) != ev.NONE, np.asarray(end.time_s), np.nan),
        end_pos_m=np.asarray(end.pos_m),
    )
    return SimpleNamespace(
        t_s=np.asarray(st.t_s),
        detect_s=cols["detect_s"],
        detect_range_m=first_detection_range_m(params, run, n),
        killed_s=np.asarray(st.assessment.killed_s)[:, :n],
        leaked_s=np.asarray(st.threats.leaked_s)[:, :n],
        inventory=np.asarray(st.launch.inventory),
        n_fired=np.asarray(st.launch.n_fired),
        missiles=missiles,
    )


def run(
    params: Params, replications: int, seed: int, batch_size: int, **kw: Any
) -> SimpleNamespace:
    """``run_batches`` seen through :func:`view`."""
    return view(params, run_batches(params, replications, seed, batch_size, **kw))


def float_tolerance(path: object) -> dict[str, float]:
    """``assert_allclose`` tolerances for one leaf of a run compared across batch shapes (XLA
    vectorises and reorders reductions differently). A missile's state and where its flight
    ended: proportional navigation (N ZEM / t_go^2) magnifies rounding near the closest
    approach, and midcourse steers on the Kalman track estimate (a 6x6 filter), so 3e-3 and
    0.5 (m, m/s, m/s^2); everything else 1e-4 and 1e-2."""
    text = str(path)
    flight = "flyout" in text or ("'end'" in text and "'pos_m'" in text)
    return {"rtol": 3e-3, "atol": 0.5} if flight else {"rtol": 1e-4, "atol": 1e-2}
