"""Write a run's outputs (summary.json, events.parquet, report.html, scene.json) atomically.

Everything is written into a temporary directory beside the destination and renamed into
place only when complete; a run that fails leaves the destination as it was.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from iads import interrupt
from iads.errors import InputError
from iads.jsonio import json_safe
from iads.report import ReportData, Ring, Route, Site, write_report
from iads.scenario.compile import aim_points, battery_radars, launcher_load, route_altitudes_m
from iads.simulate import SimulationResult
from iads.stats import BOOTSTRAP_RESAMPLES

SUMMARY_FILE = "summary.json"
EVENTS_FILE = "events.parquet"
REPORT_FILE = "report.html"
SCENE_FILE = "scene.json"  # sites, routes and threat tracks for iads serve / iads export


def uncertainty_note(unc: dict[str, Any]) -> str:
    """The report's note on a run under uncertainty (from summary.json's block)."""
    held = unc["held_at_nominal"]
    return (
        f"Uncertainty: {len(unc['figures'])} catalog figures with low/high drawn in every "
        f"replication ({unc['distribution']}), so the intervals include the disagreement "
        "between sources and the range of modelling values; the command post plans with the "
        "nominal catalog's engagement tables"
        + (f"; {len(held)} held at nominal ({held[0]['reason']}, ...)" if held else "")
        + f". Drivers: {unc['drivers_method']}."
    )


def report_data(result: SimulationResult, summary: dict[str, Any]) -> ReportData:
    """What the report shows, from a simulation result."""
    spec, cat = result.scenario.spec, result.scenario.catalog
    sites: list[Site] = []
    for b in spec.batteries:
        system = cat.systems[b.system]
        rings = []
        missiles = list(dict.fromkeys(m for lg in b.launchers for m in launcher_load(lg, cat)))
        for m in missiles:
            rings.append(Ring(label=f"{m} max range", radius_m=cat.missiles[m].max_range_m.value))
        sites.append(
            Site(
                name=b.name,
                kind="battery",
                lat_deg=b.lat_deg,
                lon_deg=b.lon_deg,
                system=system.name,
                rings=tuple(rings),
            )
        )
    for a in spec.assets:
        sites.append(Site(name=a.name, kind="asset", lat_deg=a.lat_deg, lon_deg=a.lon_deg))
    for j in spec.jammers:
        if j.site is not None:
            sites.append(
                Site(
                    name=j.name,
                    kind="jammer",
                    lat_deg=j.site.lat_deg,
                    lon_deg=j.site.lon_deg,
                    system=f"stand-off noise jammer, {j.power_w:g} W, {j.antenna_gain_db:g} dBi",
                )
            )
    notes = [
        "Kill probabilities and radar power-aperture are modelling values (no public "
        "figures); see the catalog for sources and ranges.",
        "Threat association is perfect in the engine; kill assessment is immediate.",
        "Positions and routes are notional.",
        "Brackets are 95% confidence intervals over replications: for counts a percentile "
        f"bootstrap ({BOOTSTRAP_RESAMPLES:,} resamples), which stays within the counts' range; "
        "for first-detection ranges Student's t.",
    ]
    unc = summary.get("uncertainty")
    if unc is not None:
        notes.append(uncertainty_note(unc))
    for b in spec.batteries:
        for r in battery_radars(b, cat):
            radar = cat.radars[r]
            if radar.scan == "sector" and radar.sector_width_deg is not None:
                notes.append(
                    f"{b.name}'s {r} searches a {radar.sector_width_deg.value:g}° sector around "
                    f"{b.threat_axis_deg:g}° (its threat axis) and does not turn; threats "
                    "outside it are not seen by it."
                )
    notes.append(
        "Guidance steers on the command post's track estimate until the round homes (its "
        "active seeker locked on, or its engagement radar holding the target); a homing round "
        "steers on its sensor's noisy view of the target (angle noise times range plus a glint "
        "floor, modelling values), so its miss grows with that noise, the guidance lag and the "
        "target's manoeuvre; the fuze's burst-point error (a modelling value) is added and the "
        "miss is scaled into a kill by the warhead's damage function; the command post plans "
        "intercepts from the battery site, with the kill probability over the fuze's error and "
        "the homing noise's floor (not the guidance lag or the target's manoeuvre)."
    )
    notes.append(
        "Missiles fly as 3-DoF point masses (thrust, drag in the ISA atmosphere, gravity, a turn "
        "limit from the air, a first-order guidance lag); their drag and lift are modelling "
        "values calibrated to the published maximum range and altitude. Fighters weave when a "
        "missile is seconds away; the quasi-ballistic missile pulls up above its arc and then "
        "weaves in its descent (fixed patterns, modelling values); cruise missiles and drones "
        "fly their routes. The "
        "midcourse loft lifts the aim point above the predicted intercept point by a modelling "
        "slope, fading as the round closes on it, not by an optimised trajectory."
    )
    if spec.terrain is not None:
        notes.append(
            f"Line of sight over the terrain of {spec.terrain.dem} (4/3 Earth); threats hold "
            "their height above the ground."
        )
    if spec.jammers:
        used = {r for b in spec.batteries for r in battery_radars(b, cat)}
        carriers = [j.raid_group for j in spec.jammers if j.raid_group]
        notes.append(
            "Noise jamming: SNR / (1 + J/N)"
            + (f"; self-screening jammers on {', '.join(carriers)}" if carriers else "")
            + "; radar sidelobes at "
            + ", ".join(sorted({f"{cat.radars[r].sidelobe_level_db.value:g} dB" for r in used}))
            + " (modelling values)."
        )
    aims, aim_of_group = aim_points(spec, cat)
    struck = [a.name for a in aims if a.radar >= 0]
    if struck:
        notes.append(
            f"Anti-radiation missiles fly at {', '.join(struck)}: one arriving puts its radar "
            "out of action for the rest of the run (a battery left with no fire-control radar "
            "engages nothing more). The radar never shuts down to defeat them and their "
            "seekers never lose it (not modelled)."
        )
    routes = []
    for g, aim in zip(spec.raid, aim_of_group, strict=True):
        target = aims[aim]
        alts = route_altitudes_m(g, cat.threats[g.threat])
        pts = [(w.lat_deg, w.lon_deg, h) for w, h in zip(g.route, alts, strict=True)]
        pts.append((target.lat_deg, target.lon_deg, target.alt_m))
        routes.append(
            Route(
                name=g.name,
                threat_type=g.threat,
                category=cat.threats[g.threat].category,
                points=tuple(pts),
            )
        )
    reps = result.per_replication()
    return ReportData(
        title=spec.name,
        scenario_file=str(result.scenario.path),
        summary=summary,
        sites=tuple(sites),
        routes=tuple(routes),
        events=result.events,
        leakers_per_replication=np.asarray(reps["leakers"]),
        missiles_fired_per_replication={
            k: np.asarray(v) for k, v in reps["missiles_fired"].items()
        },
        duration_s=spec.duration_s,
        notes=tuple(notes),
    )


def write_outputs(result: SimulationResult, out_dir: str | Path) -> dict[str, Any]:
    """Write summary.json, events.parquet, report.html and scene.json into ``out_dir``
    atomically."""
    summary = json_safe(result.summary())

    def write(tmp: Path) -> None:
        (tmp / SUMMARY_FILE).write_text(
            json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        pq.write_table(result.events, tmp / EVENTS_FILE)
        data = report_data(result, summary)
        from iads.viewer.scene import scene_dict, write_scene
        from iads.viewer.snapshot import replay_view

        scene = scene_dict(result, data)
        replay = replay_view(out_dir, summary, scene, result.events)
        write_report(tmp / REPORT_FILE, dataclasses.replace(data, replay=replay))
        write_scene(tmp / SCENE_FILE, scene)

    write_directory(out_dir, write, is_run_output)
    return summary


def write_directory(
    out_dir: str | Path, write: Callable[[Path], None], ours: Callable[[str], bool]
) -> None:
    """Fill a fresh temporary directory with ``write``, then rename it to ``out_dir``.

    A failure leaves ``out_dir`` as it was. An existing ``out_dir`` is replaced only when every
    file in it is ``ours`` (an earlier output of the same command). The temporary directory is
    registered with :mod:`iads.interrupt`, so Ctrl-C or SIGTERM removes it too.
    """
    out = Path(out_dir)
    parent = out.absolute().parent
    created = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        interrupt.remove_empty(created)
        raise InputError(out, "--out", f"cannot write there: {exc.strerror or exc}") from None
    try:
        with interrupt.temporary(tmp, tuple(created)):
            # mkdtemp makes the directory private (0700); give it the usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)
            write(tmp)
            with interrupt.committing(out):
                _replace_dir(tmp, out, ours)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        interrupt.remove_empty(created)
        raise InputError(out, "--out", f"cannot write there: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        interrupt.remove_empty(created)
        raise


OUTPUT_FILES = frozenset({SUMMARY_FILE, EVENTS_FILE, REPORT_FILE, SCENE_FILE})


def is_run_output(name: str) -> bool:
    """A file ``iads run`` writes."""
    return name in OUTPUT_FILES


def check_output_dir(out_dir: str | Path, ours: Callable[[str], bool] = is_run_output) -> None:
    """Refuse an output directory that would overwrite something that is not an earlier run."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out", "exists and is not a directory")
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(out, "--out", f"cannot create it: {ancestor} is not a writable directory")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if not ours(p.name))
        if others:
            raise InputError(
                out,
                "--out",
                f"holds other files ({', '.join(others[:3])}); choose a new or empty directory",
            )


def _replace_dir(new: Path, dest: Path, ours: Callable[[str], bool]) -> None:
    """Move ``new`` to ``dest``; an earlier run's ``dest`` is swapped out, then removed."""
    if dest.exists() or dest.is_symlink():
        check_output_dir(dest, ours)
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
        os.rmdir(old)
        os.replace(dest, old)
        try:
            os.replace(new, dest)
        except BaseException:
            os.replace(old, dest)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, dest)
