"""Read a run directory for the replay: summary, scene and the event log, one replication at a time.

A run directory is what ``iads run`` writes (``summary.json``, ``events.parquet``,
``scene.json``, ``report.html``). ``load_run`` checks it once and raises an
:class:`~iads.errors.InputError` with a one-line reason when something the replay needs is
missing or unreadable; :meth:`RunData.replication` then slices the event log (sorted by
replication) without reading the file again.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from iads.errors import InputError
from iads.viewer.scene import SCENE_FILE, SCENE_SCHEMA

SUMMARY_FILE = "summary.json"
EVENTS_FILE = "events.parquet"
#: Event-log columns the replay reads.
EVENT_COLUMNS = (
    "replication",
    "time_s",
    "kind",
    "threat_id",
    "threat_type",
    "unit",
    "launcher",
    "missile_id",
    "missile_type",
    "lat_deg",
    "lon_deg",
    "alt_m",
)
SCENE_KEYS = ("duration_s", "sites", "routes", "track_times_s", "threats")


@dataclass(frozen=True)
class RunData:
    """A checked run directory held in memory.

    ``events`` is the event log sorted by replication then time; rows of replication ``i`` are
    ``offsets[i]:offsets[i + 1]``.
    """

    path: Path
    summary: dict[str, Any]
    scene: dict[str, Any]
    events: pa.Table
    offsets: np.ndarray  # [R + 1] int64

    @property
    def replications(self) -> int:
        """Number of replications of the run."""
        return len(self.offsets) - 1

    @property
    def duration_s(self) -> float:
        """Simulated time of the run, s."""
        return float(self.scene["duration_s"])

    def check_replication(self, i: int, field: str = "--replication") -> int:
        """``i`` if it names a replication of the run, else an InputError."""
        if not 0 <= i < self.replications:
            raise InputError(
                self.path, field, f"must be between 0 and {self.replications - 1}, got {i}"
            )
        return i

    def replication_events(self, i: int) -> pa.Table:
        """Event rows of replication ``i``, in time order."""
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.events.slice(lo, hi - lo)

    def replication(self, i: int) -> dict[str, Any]:
        """What happened in replication ``i``: each threat's fate, the missiles, the points.

        Returns a dict with ``threats`` (``id``, ``fate``: destroyed, leaked or unresolved,
        ``end_s``: when it stopped flying, the run's end if unresolved, ``detect_s`` or None),
        ``missiles`` (``id``, ``type``, ``unit``, ``launcher``, ``threat``, ``launch_s``,
        ``end_s``, ``from`` and ``to`` as [lat_deg, lon_deg, alt_m], ``outcome``: intercept,
        miss or in flight, with ``to`` None and ``end_s`` the run's end), ``intercepts`` and
        ``leaks`` (``time_s``, ``lat_deg``, ``lon_deg``, ``alt_m``, ``threat``, ``threat_type``,
        ``missile``, ``missile_type``, ``unit``).
        """
        cols = self.replication_events(i).to_pydict()
        rows = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
        end = self.duration_s
        fates: dict[int, tuple[str, float]] = {}
        detect: dict[int, float] = {}
        points: dict[str, list[dict[str, Any]]] = {"intercept": [], "leak": []}
        ends: dict[int, list[dict[str, Any]]] = {}
        launches: list[dict[str, Any]] = []
        for r in rows:
            kind, threat = r["kind"], int(r["threat_id"])
            if kind == "detect":
                detect.setdefault(threat, float(r["time_s"]))
            elif kind in ("intercept", "leak"):
                fate = "destroyed" if kind == "intercept" else "leaked"
                fates.setdefault(threat, (fate, float(r["time_s"])))
                points[kind].append(_point(r))
            if kind in ("intercept", "miss"):
                ends.setdefault(int(r["missile_id"]), []).append(r)
            elif kind == "launch":
                launches.append(r)
        missiles = []
        for r in launches:
            t0 = float(r["time_s"])
            done = next((e for e in ends.get(int(r["missile_id"]), []) if e["time_s"] >= t0), None)
            if done is not None:
                ends[int(r["missile_id"])].remove(done)
            missiles.append(
                {
                    "id": int(r["missile_id"]),
                    "type": r["missile_type"],
                    "unit": r["unit"],
                    "launcher": r["launcher"],
                    "threat": int(r["threat_id"]),
                    "launch_s": t0,
                    "end_s": float(done["time_s"]) if done else end,
                    "from": _position(r),
                    "to": _position(done) if done else None,
                    "outcome": done["kind"] if done else "in flight",
                }
            )
        threats = []
        for t in self.scene["threats"]:
            fate, t_end = fates.get(int(t["id"]), ("unresolved", end))
            threats.append(
                {"id": int(t["id"]), "fate": fate, "end_s": t_end, "detect_s": detect.get(t["id"])}
            )
        return {
            "replication": i,
            "duration_s": end,
            "threats": threats,
            "missiles": missiles,
            "intercepts": points["intercept"],
            "leaks": points["leak"],
        }


def _finite(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _position(r: dict[str, Any]) -> list[float | None]:
    return [_finite(r["lat_deg"]), _finite(r["lon_deg"]), _finite(r["alt_m"])]


def _point(r: dict[str, Any]) -> dict[str, Any]:
    lat, lon, alt = _position(r)
    return {
        "time_s": float(r["time_s"]),
        "lat_deg": lat,
        "lon_deg": lon,
        "alt_m": alt,
        "threat": int(r["threat_id"]),
        "threat_type": r["threat_type"],
        "missile": int(r["missile_id"]),
        "missile_type": r["missile_type"],
        "unit": r["unit"],
    }


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, None, f"cannot read {what}: {exc}") from None
    if not isinstance(value, dict):
        raise InputError(path, None, f"{what} is not a JSON object")
    return value


def load_run(path: str | Path, derive: bool = False) -> RunData:
    """Check and read a run directory (see the module docstring).

    Parameters
    ----------
    path : path
        The run directory.
    derive : bool
        Without scene.json (a run written by an earlier iads), derive a scene from the event log
        (``iads.viewer.legacy``; its ``derived`` key says so) instead of refusing the run.

    Raises
    ------
    InputError
        One line naming the directory or file and what is wrong: not a directory, a file
        missing (a run written by an earlier iads has no scene.json), unreadable or of the wrong
        layout.
    """
    run_dir = Path(path)
    if not run_dir.is_dir():
        raise InputError(run_dir, None, "not a run directory (it does not exist or is a file)")
    for name in (SUMMARY_FILE, EVENTS_FILE):
        if not (run_dir / name).is_file():
            raise InputError(run_dir, None, f"no {name}: not an iads run directory")
    has_scene = (run_dir / SCENE_FILE).is_file()
    if not has_scene and not derive:
        raise InputError(
            run_dir,
            None,
            f"no {SCENE_FILE} (sites, routes and threat tracks; runs written by an earlier iads "
            "lack it): run the scenario again with iads run to replay or export it",
        )
    summary = _read_json(run_dir / SUMMARY_FILE, "the run summary")
    events = _read_events(run_dir / EVENTS_FILE)
    if has_scene:
        scene = _read_json(run_dir / SCENE_FILE, "the scene")
        if scene.get("schema") != SCENE_SCHEMA or not all(k in scene for k in SCENE_KEYS):
            raise InputError(
                run_dir / SCENE_FILE,
                None,
                f"not a scene of schema {SCENE_SCHEMA} (written by another iads version); run "
                "the scenario again",
            )
    else:
        from iads.viewer.legacy import derived_scene

        scene = derived_scene(summary, events)
    return run_data(run_dir, summary, scene, events)


def _read_events(path: Path) -> pa.Table:
    """The event log's columns the replay reads; InputError naming any that is missing."""
    try:
        names = set(pq.read_schema(path).names)
        missing = [c for c in EVENT_COLUMNS if c not in names]
        if missing:
            raise InputError(
                path,
                None,
                f"the event log has no column {', '.join(missing)} (written by an earlier iads): "
                "run the scenario again",
            )
        return pq.read_table(path, columns=list(EVENT_COLUMNS))
    except (OSError, pa.ArrowException) as exc:
        raise InputError(path, None, f"cannot read the event log: {exc}") from None


def run_data(
    run_dir: Path, summary: dict[str, Any], scene: dict[str, Any], events: pa.Table
) -> RunData:
    """A :class:`RunData` from what a run directory holds (already read), with the event log
    sorted by replication; InputError if the summary's replications do not cover the log's."""
    reps = np.asarray(events["replication"].to_numpy(), np.int64)
    if reps.size and np.any(np.diff(reps) < 0):
        events = events.sort_by([("replication", "ascending"), ("time_s", "ascending")])
        reps = np.asarray(events["replication"].to_numpy(), np.int64)
    n = int(summary.get("replications") or 0)
    if n < 1 or (reps.size and (reps[0] < 0 or reps[-1] >= n)):
        raise InputError(
            run_dir / SUMMARY_FILE, "replications", "does not match the event log's replications"
        )
    offsets = np.searchsorted(reps, np.arange(n + 1), side="left").astype(np.int64)
    return RunData(path=run_dir, summary=summary, scene=scene, events=events, offsets=offsets)


def threat_track(
    threat: dict[str, Any], times_s: list[float] | np.ndarray, end_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A threat's positions from its launch to ``end_s`` (destroyed, leaked or the run's end).

    Parameters
    ----------
    threat : dict
        One entry of the scene's ``threats`` (``launch_s``, ``arrival_s``, ``lat_deg``,
        ``lon_deg``, ``alt_m`` sampled at ``times_s``).
    times_s : array, shape [T]
        The scene's ``track_times_s``.
    end_s : float
        When the threat stopped flying in this replication, s.

    Returns
    -------
    (time_s, lat_deg, lon_deg, alt_m) : arrays of shape [K]
        The samples strictly inside (launch, end), with the launch and the end themselves
        (linearly interpolated) first and last; empty when the threat never flew.
    """
    t = np.asarray(times_s, np.float64)
    start = float(threat["launch_s"])
    arrival = threat.get("arrival_s")
    stop = min(end_s, float(arrival)) if arrival is not None else end_s
    stop = min(stop, float(t[-1]))
    if not stop >= start:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    inside = (t > start) & (t < stop)
    when = np.concatenate([[start], t[inside], [stop]]) if stop > start else np.array([start])
    values = [
        np.interp(when, t, np.asarray(threat[k], np.float64))
        for k in ("lat_deg", "lon_deg", "alt_m")
    ]
    return when, values[0], values[1], values[2]
