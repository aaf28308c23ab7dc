"""A study on disk: ``DIR/study.json`` and one Parquet file per point, each written atomically.

::

    DIR/study.json                     what was swept, the seed, the iads version, the hashes
    DIR/points/point-00000.parquet     point 0's replications (see iads.sweep.points.point_table)
    DIR/points/point-00001.parquet     ...

A point's file is written into a temporary directory beside it and renamed into place
(``os.replace``), under :mod:`iads.interrupt`, so Ctrl-C, SIGTERM or a crash leaves every
point either complete or absent. Running the same study again skips the points whose files are
there and redoes the rest; a study directory made for another scenario, catalog or design is
refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from iads import interrupt
from iads.errors import InputError
from iads.scenario.compile import Scenario
from iads.sweep.base import Point, StudySpec
from iads.sweep.points import PointJob

STUDY_FILE = "study.json"
POINTS_DIR = "points"
#: Fields of study.json that must match for a study to resume.
IDENTITY = ("scenario_sha256", "catalog_sha256", "study", "dtype")


def point_file(out: Path, index: int) -> Path:
    """Where point ``index``'s results go."""
    return out / POINTS_DIR / f"point-{index:05d}.parquet"


def scenario_sha256(scn: Scenario) -> str:
    """Hash of the validated scenario (its fields, not its file's comments or layout)."""
    return hashlib.sha256(scn.spec.model_dump_json().encode()).hexdigest()


def catalog_sha256(scn: Scenario) -> str:
    """Hash of every catalog figure (a catalog edit changes the results)."""
    h = hashlib.sha256()
    cat = scn.catalog
    for section in ("systems", "command_posts", "radars", "masts", "launchers", "missiles"):
        for key, entry in sorted(getattr(cat, section).items()):
            h.update(f"{section}/{key}".encode())
            h.update(entry.model_dump_json().encode())
    for key, entry in sorted(cat.threats.items()):
        h.update(f"threats/{key}".encode())
        h.update(entry.model_dump_json().encode())
    h.update(cat.environment.model_dump_json().encode())
    return h.hexdigest()


def study_record(
    spec: StudySpec, scn: Scenario, points: tuple[Point, ...], dtype: str
) -> dict[str, Any]:
    """The ``study.json`` dictionary."""
    from iads import __version__

    return {
        "iads_version": __version__,
        "scenario": str(scn.path),
        "scenario_name": scn.name,
        "scenario_sha256": scenario_sha256(scn),
        "catalog_sha256": catalog_sha256(scn),
        "study": spec.to_json(),
        "dtype": dtype,
        "points": [{"point": p.index, "values": p.as_dict()} for p in points],
    }


def read_study(out: Path) -> dict[str, Any]:
    """``DIR/study.json``; :class:`InputError` when it is missing or unreadable."""
    path = out / STUDY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(out, None, f"not a study directory (no {STUDY_FILE})") from None
    except (OSError, ValueError) as exc:
        raise InputError(path, None, f"cannot read it: {exc}") from None
    if not isinstance(data, dict) or "points" not in data:
        raise InputError(path, None, "not a study record")
    return data


def check_study_dir(out: Path, record: dict[str, Any]) -> bool:
    """Whether ``out`` holds this study already (True: resume). Refuse a directory that holds
    something else or a study of another scenario, catalog, design or float type."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out", "exists and is not a directory")
    if not out.exists() or not any(out.iterdir()):
        return False
    if not (out / STUDY_FILE).exists():
        raise InputError(
            out, "--out", "holds other files and no study.json; choose a new or empty directory"
        )
    old = read_study(out)
    changed = [k for k in IDENTITY if old.get(k) != record[k]]
    if changed:
        what = {
            "scenario_sha256": "scenario",
            "catalog_sha256": "catalog",
            "study": "grid or design",
            "dtype": "float type",
        }
        raise InputError(
            out,
            "--out",
            f"holds a study with other {' and '.join(what[k] for k in changed)}"
            f" ({old.get('scenario', '?')}); its points would not be comparable: choose a new "
            "directory, or rerun the original command to resume it",
        )
    return True


def finished(out: Path, point: Point, replications: int) -> bool:
    """Whether point ``point``'s file is there, complete and readable."""
    path = point_file(out, point.index)
    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowInvalid):
        return False
    return meta.num_rows == replications


def remove_stale_temporaries(out: Path) -> None:
    """Remove what an interrupted write left (temporary directories, never a finished file)."""
    for parent in (out, out / POINTS_DIR):
        if parent.is_dir():
            for p in parent.glob(".*.tmp"):
                shutil.rmtree(p, ignore_errors=True)


def write_atomically(dest: Path, write: Callable[[Path], None]) -> None:
    """Write ``dest`` through ``write(tmp_path)`` in a temporary directory beside it, then
    rename it into place; an error leaves ``dest`` as it was and raises a one-line
    :class:`InputError` (a full disk, a permission error)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise InputError(
            dest.parent, "--out", f"cannot write there: {exc.strerror or exc}"
        ) from None
    try:
        with interrupt.temporary(tmp):
            write(tmp / dest.name)
            with interrupt.committing(dest):
                os.replace(tmp / dest.name, dest)
    except OSError as exc:
        raise InputError(dest, "--out", f"cannot write it: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_record(out: Path, record: dict[str, Any]) -> None:
    """Write ``study.json`` atomically."""
    text = json.dumps(record, indent=2, allow_nan=False) + "\n"

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    write_atomically(out / STUDY_FILE, write)


def write_point(out: Path, job: PointJob, table: pa.Table) -> Path:
    """Write one point's table atomically; return its path."""
    dest = point_file(out, job.point.index)
    write_atomically(dest, lambda p: pq.write_table(table, p))
    return dest


@dataclass(frozen=True)
class Plan:
    """The points still to run, and how many were already there."""

    todo: tuple[PointJob, ...]
    done: int
