"""Copy the offline map assets from web/node_modules into the Python package, before a build.

    npm ci --prefix web && python scripts/bundle_web_assets.py && pip wheel --no-deps -w dist .

The report (``iads.report.write_report``) and the replay (``iads serve``) look for Leaflet,
topojson-client and the Natural Earth countries (world-atlas) first in the package data,
``src/iads/report/assets/`` (flat: ``leaflet.js``, ``leaflet.css``, ``topojson-client.min.js``,
``countries-50m.json`` and Leaflet's PNGs), then in the repository's ``web/node_modules``. This
script fills the first from the second, so that a wheel built afterwards works offline on its
own (``pyproject.toml`` ships ``report/assets/*``; the folder is git-ignored).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from iads.report.html import _NODE_MODULES_LAYOUT, _PACKAGED_LAYOUT, PACKAGE_ASSET_DIR

ROOT = Path(__file__).resolve().parents[1]


def bundle(node_modules: Path, dest: Path) -> list[Path]:
    """Copy the assets from ``node_modules`` to ``dest`` (flat); return the files written.

    Raises FileNotFoundError naming the first asset missing (run ``npm ci --prefix web``).
    """
    sources = [node_modules / rel for rel in _NODE_MODULES_LAYOUT]
    images = sorted((node_modules / "leaflet" / "dist" / "images").glob("*.png"))
    for src in [*sources, *images]:
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run npm ci --prefix web first")
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for src, name in [*zip(sources, _PACKAGED_LAYOUT, strict=True), *((p, p.name) for p in images)]:
        shutil.copyfile(src, dest / name)
        written.append(dest / name)
    return written


def main() -> None:
    try:
        written = bundle(ROOT / "web" / "node_modules", PACKAGE_ASSET_DIR)
    except FileNotFoundError as exc:
        sys.exit(f"bundle_web_assets: {exc}")
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} files, {total / 1e6:.1f} MB, in {PACKAGE_ASSET_DIR}")


if __name__ == "__main__":
    main()
