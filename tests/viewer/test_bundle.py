"""scripts/bundle_web_assets.py: the npm map assets, copied flat into the package data, are
what the report and the replay find first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from iads.report import html as report_html

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "web" / "node_modules"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bundle", ROOT / "scripts/bundle_web_assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not (NODE_MODULES / "world-atlas").is_dir(), reason="npm ci --prefix web not run"
)
def test_bundled_assets_are_found_first_and_match_node_modules(tmp_path, monkeypatch):
    written = _script().bundle(NODE_MODULES, tmp_path / "assets")
    monkeypatch.setattr(report_html, "PACKAGE_ASSET_DIR", tmp_path / "assets")
    assets = report_html.find_map_assets()
    assert assets is not None and assets.countries_topojson.parent == tmp_path / "assets"
    assert (tmp_path / "assets" / "layers.png") in written
    assert (
        assets.countries_topojson.read_bytes()
        == (NODE_MODULES / "world-atlas" / "countries-50m.json").read_bytes()
    )


def test_missing_node_modules_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci --prefix web"):
        _script().bundle(tmp_path / "node_modules", tmp_path / "assets")
    assert not (tmp_path / "assets").exists()
