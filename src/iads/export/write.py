"""``iads export``: one file per call, written atomically (nothing is left on failure)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from iads import interrupt
from iads.errors import InputError
from iads.export.base import layers
from iads.jsonio import json_safe
from iads.viewer.run import load_run

FORMATS = ("czml", "kml", "geojson")


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise InputError(out, "--out", "is a directory; give a file name")
    if not out.absolute().parent.is_dir():
        raise InputError(
            out, "--out", f"cannot write there: {out.absolute().parent} is not a directory"
        )
    if not os.access(out.absolute().parent, os.W_OK | os.X_OK):
        raise InputError(
            out, "--out", f"cannot write there: {out.absolute().parent} is not writable"
        )


def export_run(
    run_dir: str | Path, fmt: str, out: str | Path, replication: int | None = None
) -> int:
    """Export a run directory to ``out`` and return the number of features or packets written.

    Parameters
    ----------
    run_dir : path
        What ``iads run`` wrote (it needs ``scene.json``, ``events.parquet``, ``summary.json``).
    fmt : {"czml", "kml", "geojson"}
        CZML and KML hold one replication (``replication``, default 0), time-dynamic; a KML
        ``out`` ending in ``.kmz`` is written zipped. GeoJSON holds the static layers and the
        intercept and leak points of ``replication``, or of every replication when it is None.
    out : path
        The file; replaced only once the new one is complete. Its directory must exist.

    Raises
    ------
    InputError
        One line: an unknown format, a run directory the export cannot read, a replication out
        of range, an ``out`` that cannot be written. Nothing is written then.
    """
    if fmt not in FORMATS:
        raise InputError(run_dir, "--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    run = load_run(run_dir)
    if replication is not None:
        run.check_replication(replication)
    _check_out(out)
    rep = replication if replication is not None or fmt == "geojson" else 0
    lay = layers(run, rep)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.absolute().parent))
    try:
        with interrupt.temporary(tmp):
            target = tmp / out.name
            if fmt == "czml":
                from iads.export.czml import czml_document

                doc = czml_document(lay)
                target.write_text(doc.dumps(), encoding="utf-8")
                count = len(doc.packets)
            elif fmt == "kml":
                from iads.export.kml import kml_document

                kml = kml_document(lay)
                if out.suffix.lower() == ".kmz":
                    kml.savekmz(str(target), format=False)
                else:
                    kml.save(str(target), format=False)
                count = sum(len(f.features) for f in kml.document.features)
            else:
                from iads.export.geojson import geojson_document

                gj = geojson_document(lay)
                target.write_text(
                    json.dumps(json_safe(gj), separators=(",", ":"), allow_nan=False) + "\n",
                    encoding="utf-8",
                )
                count = len(gj["features"])
            os.chmod(target, 0o644)
            with interrupt.committing(out):
                os.replace(target, out)
    except OSError as exc:
        raise InputError(out, "--out", f"cannot write there: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return count
