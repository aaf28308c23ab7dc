"""Synthetic report data near Ankara (notional positions), built by hand for the report tests."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from iads.report import ReportData, Ring, Route, Site
from iads.results import EVENT_SCHEMA

ANKARA = (39.93, 32.86)

SITES = (
    Site(
        "Battery Alpha",
        "battery",
        39.78,
        32.55,
        system="S-400",
        rings=(Ring("48N6E3", 250_000.0), Ring("91N6E radar", 390_000.0)),
    ),
    Site(
        "Battery Bravo",
        "battery",
        40.12,
        33.25,
        system="Patriot PAC-3",
        rings=(Ring("PAC-3 MSE", 60_000.0),),
    ),
    Site("Ankara (notional)", "asset", *ANKARA),
)
ROUTES = (
    Route(
        "Black Sea cruise group",
        "subsonic_cruise_missile",
        "cruise_missile",
        ((42.1, 34.9, 50.0), (41.2, 33.9, 50.0), (40.4, 33.1, 50.0), (*ANKARA, 0.0)),
    ),
    Route(
        "Southern ballistic salvo",
        "srbm",
        "ballistic_missile",
        ((36.6, 36.2, 0.0), (38.3, 34.5, 90_000.0), (*ANKARA, 0.0)),
    ),
)


def _estimate(mean: float, half_width: float) -> dict[str, object]:
    return {"mean": mean, "ci95": [mean - half_width, mean + half_width]}


def synthetic_events(replications: int, threats_per_replication: int) -> pa.Table:
    """Each threat: detect, track, assign, launch, then intercept, or miss and leak."""
    rows: dict[str, list[object]] = {name: [] for name in EVENT_SCHEMA.names}

    def add(rep, t, kind, tid, ttype, unit="", mid=-1, mtype="", lat=0.0, lon=0.0, alt=0.0):
        radar = f"{unit}/radar" if kind == "detect" else ""
        launcher = f"{unit}/launcher" if kind == "launch" else ""
        for name, value in zip(
            EVENT_SCHEMA.names,
            (rep, t, kind, tid, ttype, unit, radar, launcher, mid, mtype, lat, lon, alt),
            strict=True,
        ):
            rows[name].append(value)

    for rep in range(replications):
        for tid in range(threats_per_replication):
            ballistic = tid % 3 == 2
            ttype = "srbm" if ballistic else "subsonic_cruise_missile"
            unit, mtype = (
                ("Battery Bravo", "PAC-3 MSE") if ballistic else ("Battery Alpha", "48N6E3")
            )
            t0 = 30.0 * tid + 5.0 * rep
            frac = (tid + rep) / (threats_per_replication + replications)
            lat = 41.0 - 1.0 * frac + 0.02 * tid
            lon = 33.8 - 0.8 * frac
            add(rep, t0, "detect", tid, ttype, unit, lat=lat + 0.5, lon=lon + 0.5)
            add(rep, t0 + 4, "track", tid, ttype, unit, lat=lat + 0.45, lon=lon + 0.45)
            add(rep, t0 + 8, "assign", tid, ttype, unit, lat=lat + 0.4, lon=lon + 0.4)
            add(rep, t0 + 10, "launch", tid, ttype, unit, 2 * tid, mtype, lat + 0.4, lon + 0.4)
            if (tid + rep) % 4 == 3:
                add(rep, t0 + 60, "miss", tid, ttype, unit, 2 * tid, mtype, lat, lon, 50.0)
                add(rep, t0 + 240, "leak", tid, ttype, lat=ANKARA[0], lon=ANKARA[1])
            else:
                add(rep, t0 + 60, "intercept", tid, ttype, unit, 2 * tid, mtype, lat, lon, 50.0)
    return pa.table(rows, schema=EVENT_SCHEMA)


def synthetic_report_data(
    replications: int = 3, threats_per_replication: int = 4, title: str = "Synthetic raid on Ankara"
) -> ReportData:
    """A small hand-built run: 2 batteries, 1 asset, 2 routes (catalog threat types), a NaN in
    the summary, 0.1 SRBM per replication still in flight at the end."""
    summary = {
        "scenario": "synthetic-ankara",
        "replications": replications,
        "seed": 1234,
        "iads_version": "0.1.0",
        "threats": [
            {
                "type": "subsonic_cruise_missile",
                "count": 3,
                "detected": _estimate(2.9, 0.1),
                "engaged": _estimate(2.7, 0.3),
                "destroyed": _estimate(2.2, 0.5),
                "leaked": _estimate(0.8, 0.5),
                "unresolved": _estimate(0.0, 0.0),
                "first_detection_range_m": _estimate(41_000.0, 3_000.0),
            },
            {
                "type": "srbm",
                "count": 1,
                "detected": _estimate(1.0, 0.0),
                "engaged": _estimate(1.0, 0.0),
                "destroyed": _estimate(0.6, 0.4),
                "leaked": _estimate(0.3, 0.3),
                "unresolved": {"mean": 0.1, "ci95": [0.0, 0.3]},
                "first_detection_range_m": {"mean": math.nan, "ci95": [math.nan, math.nan]},
            },
        ],
        "missiles_fired": {"48N6E3": _estimate(3.0, 0.2), "PAC-3 MSE": _estimate(1.3, 0.6)},
        "assets": [{"name": "Ankara (notional)", "leakers": _estimate(1.0, 0.8)}],
    }
    index = np.arange(replications)
    return ReportData(
        title=title,
        scenario_file="examples/synthetic_ankara.yaml",
        summary=summary,
        sites=SITES,
        routes=ROUTES,
        events=synthetic_events(replications, threats_per_replication),
        leakers_per_replication=(index * 7) % 3,
        missiles_fired_per_replication={
            "48N6E3": 2.0 + (index * 5) % 3,
            "PAC-3 MSE": ((index * 3) % 4).astype(float),
        },
        duration_s=900.0,
        notes=(
            "Synthetic data for tests; positions notional.",
            "Kill probabilities use catalog nominal values <not sampled>.",
        ),
    )
