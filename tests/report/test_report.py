"""The HTML report: self-contained, complete, atomic, and honest when map assets are missing."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import iads.report.html as report_html
from iads.report import ReportData, write_report
from iads.report.figures import timeline_svg

from .synthetic import ROUTES, SITES, synthetic_report_data

# An external reference: a src/href of a resource-loading tag, or a CSS url(), that points to
# http(s) or a protocol-relative address.
EXTERNAL_TAG_REF = re.compile(
    r"<(?:script|link|img|iframe|source|audio|video|embed|object|image|use)\b[^>]*?"
    r"\b(?:src|href|xlink:href|data)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)
EXTERNAL_CSS_URL = re.compile(r"url\(\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
EXTERNAL_CSS_IMPORT = re.compile(r"@import\s+[\"']?\s*(?:url\()?\s*[\"']?(?:https?:)?//", re.I)

WEB_NODE_MODULES = Path(__file__).resolve().parents[2] / "web" / "node_modules"
LEAFLET_INSTALLED = (WEB_NODE_MODULES / "leaflet" / "dist" / "leaflet.js").is_file()


class _Outline(HTMLParser):
    """Counts elements and collects script bodies of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        self.ids: set[str] = set()
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts[tag] = self.starts.get(tag, 0) + 1
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "script":
            self._script_id = attributes.get("id") or f"script-{self.starts[tag]}"

    def handle_endtag(self, tag: str) -> None:
        self.ends[tag] = self.ends.get(tag, 0) + 1
        if tag == "script":
            self._script_id = None

    def handle_data(self, data: str) -> None:
        if self._script_id is not None:
            self.scripts[self._script_id] = self.scripts.get(self._script_id, "") + data


def _outline(text: str) -> _Outline:
    parser = _Outline()
    parser.feed(text)
    parser.close()
    return parser


def _no_nan_json(text: str) -> object:
    def reject(constant: str) -> object:
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=reject)


def _write(tmp_path: Path, data: ReportData, name: str = "report.html") -> str:
    path = tmp_path / name
    write_report(path, data)
    assert path.is_file()
    return path.read_text(encoding="utf-8")


def test_report_is_a_complete_html_page_naming_every_site_and_route(
    tmp_path: Path, report_data: ReportData
) -> None:
    text = _write(tmp_path, report_data)
    assert text.startswith("<!DOCTYPE html>")
    assert text.rstrip().endswith("</html>")
    outline = _outline(text)
    for tag in ("html", "head", "body", "main", "section", "table", "figure", "script"):
        assert outline.starts.get(tag, 0) == outline.ends.get(tag, 0), tag
    assert {"map-section", "timeline", "statistics", "notes"} <= outline.ids
    for site in SITES:
        assert site.name in text
    for route in ROUTES:
        assert route.name in text
    assert "Simulation only; public figures; site positions notional." in text
    assert "examples/synthetic_ankara.yaml" in text
    assert "1234" in text  # seed
    # Notes are escaped, not injected as markup.
    assert "&lt;not sampled&gt;" in text
    assert "<not sampled>" not in text


@pytest.mark.parametrize("assets_found", [True, False], ids=["leaflet-map", "static-map"])
def test_report_references_no_external_resources(
    tmp_path: Path, report_data: ReportData, monkeypatch: pytest.MonkeyPatch, assets_found: bool
) -> None:
    if not assets_found:
        monkeypatch.setattr(report_html, "find_map_assets", lambda: None)
    elif report_html.find_map_assets() is None:
        pytest.skip("offline map assets not installed (npm ci --prefix web)")
    text = _write(tmp_path, report_data)
    assert EXTERNAL_TAG_REF.search(text) is None
    assert EXTERNAL_CSS_URL.search(text) is None
    assert EXTERNAL_CSS_IMPORT.search(text) is None
    # No tile layer: the basemap is inline country polygons.
    assert "tileLayer" not in text.split("/* @preserve")[0]
    assert "{z}/{x}/{y}" not in text


def test_external_reference_patterns_catch_what_they_should() -> None:
    assert EXTERNAL_TAG_REF.search('<script src="https://unpkg.com/leaflet.js"></script>')
    assert EXTERNAL_TAG_REF.search("<link rel=stylesheet href='//cdn.example/x.css'>")
    assert EXTERNAL_TAG_REF.search('<img alt="" src="http://a/b.png">')
    assert EXTERNAL_CSS_URL.search(".x{background:url( 'https://a/b.png')}")
    assert EXTERNAL_CSS_IMPORT.search('@import url("https://fonts.example/css");')
    assert EXTERNAL_TAG_REF.search('<a href="https://leafletjs.com">') is None
    assert EXTERNAL_CSS_URL.search("url(data:image/png;base64,AAAA)") is None


def test_leaflet_and_countries_are_inlined_when_web_assets_are_installed(
    tmp_path: Path, report_data: ReportData
) -> None:
    if not LEAFLET_INSTALLED:
        pytest.skip("web/node_modules absent: run npm ci --prefix web")
    assets = report_html.find_map_assets()
    assert assets is not None
    text = _write(tmp_path, report_data)
    outline = _outline(text)
    assert "Leaflet 1.9.4" in text
    assert 'id="map"' in text
    assert "Basemap assets not installed" not in text
    countries = _no_nan_json(outline.scripts["iads-countries"])
    assert isinstance(countries, dict)
    assert countries["type"] == "Topology"
    names = {g["properties"]["name"] for g in countries["objects"]["countries"]["geometries"]}
    assert "Turkey" in names
    # Leaflet's control images are data URIs, not relative files next to the report.
    assert "url(images/" not in text
    assert "data:image/png;base64," in text


def test_map_data_is_strict_json_with_sites_routes_and_bounds_around_the_rings(
    tmp_path: Path, report_data: ReportData
) -> None:
    if report_html.find_map_assets() is None:
        pytest.skip("offline map assets not installed (npm ci --prefix web)")
    text = _write(tmp_path, report_data)
    payload = _no_nan_json(_outline(text).scripts["iads-map-data"])
    assert isinstance(payload, dict)
    assert [s["name"] for s in payload["sites"]] == [s.name for s in SITES]
    assert [r["name"] for r in payload["routes"]] == [r.name for r in ROUTES]
    assert payload["routes"][0]["color"] != payload["routes"][1]["color"]  # by category
    (south, west), (north, east) = payload["bounds"]
    # The 390 km radar ring of Battery Alpha (39.78 N) reaches 39.78 ± 3.5° latitude.
    assert south == pytest.approx(39.78 - 390.0 / 111.2, abs=0.05)
    assert north == pytest.approx(39.78 + 390.0 / 111.2, abs=0.05)
    assert west < 32.55 - 4.0 and east > 36.2  # ring west, ballistic launch point east
    kinds = payload["points"]
    assert len(kinds["intercept"]) + len(kinds["leak"]) == 12  # 3 replications x 4 threats


def test_map_points_are_limited_to_the_first_20_replications() -> None:
    data = synthetic_report_data(replications=25, threats_per_replication=4)
    points = report_html.map_points(data.events)
    assert {p.replication for p in points} == set(range(20))
    assert len(points) == 20 * 4
    assert {p.kind for p in points} == {"intercept", "leak"}


def test_missing_map_assets_give_a_static_map_and_an_install_note(
    tmp_path: Path, report_data: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_html, "find_map_assets", lambda: None)
    text = _write(tmp_path, report_data)
    assert "Basemap assets not installed" in text
    assert "npm ci --prefix web" in text
    assert "Leaflet 1.9.4" not in text
    assert 'id="map"' not in text
    assert 'id="staticmap-title"' in text  # the Matplotlib map
    assert "Longitude" in text and "Latitude" in text
    for site in SITES:
        assert site.name in text
    # The rest of the report is still complete.
    assert 'id="timeline-title"' in text
    assert 'id="outcomes-title"' in text
    assert "<table" in text and "Short-range ballistic missile" in text
    assert text.rstrip().endswith("</html>")


def test_asset_lookup_finds_the_repository_web_folder() -> None:
    root = report_html.find_web_root(Path(report_html.__file__))
    assert root is not None
    assert (root / "web" / "package.json").is_file()
    assert (root / "src" / "iads" / "report" / "html.py").is_file()


def test_packaged_assets_are_preferred_over_node_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("leaflet.js", "leaflet.css", "topojson-client.min.js", "countries-50m.json"):
        (tmp_path / name).write_text("/* packaged */", encoding="utf-8")
    monkeypatch.setattr(report_html, "PACKAGE_ASSET_DIR", tmp_path)
    assets = report_html.find_map_assets()
    assert assets is not None
    assert assets.leaflet_js == tmp_path / "leaflet.js"
    assert assets.countries_topojson == tmp_path / "countries-50m.json"


def test_incomplete_packaged_assets_fall_back_to_node_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "leaflet.js").write_text("/* packaged */", encoding="utf-8")
    monkeypatch.setattr(report_html, "PACKAGE_ASSET_DIR", tmp_path)
    assets = report_html.find_map_assets()
    if not LEAFLET_INSTALLED:
        assert assets is None
    else:
        assert assets is not None
        assert "node_modules" in assets.leaflet_js.parts


def test_failure_mid_write_leaves_no_partial_file(
    tmp_path: Path, report_data: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(data: ReportData) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(report_html, "_statistics_section", explode)
    destination = tmp_path / "report.html"
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_report(destination, report_data)
    assert not destination.exists()
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too


def test_failure_mid_write_keeps_the_previous_report(
    tmp_path: Path, report_data: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    destination = tmp_path / "report.html"
    destination.write_text("previous report", encoding="utf-8")
    opened: list[str] = []
    real_timeline = report_html._timeline_section

    def explode_after_open(data: ReportData) -> str:
        opened.extend(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        real_timeline(data)
        raise OSError("no space left on device")

    monkeypatch.setattr(report_html, "_timeline_section", explode_after_open)
    with pytest.raises(OSError, match="no space left"):
        write_report(destination, report_data)
    assert opened, "the failure should happen while the temporary file is open"
    assert destination.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_nan_statistics_show_as_a_dash_not_nan(tmp_path: Path, report_data: ReportData) -> None:
    text = _write(tmp_path, report_data)
    table_rows = re.findall(
        r'<tr><td title="srbm">Short-range ballistic missile</td>.*?</tr>', text
    )
    assert len(table_rows) == 1
    assert table_rows[0].endswith('<td title="not available">—</td></tr>')
    assert not re.search(r">\s*nan\b", text, re.IGNORECASE)
    assert "NaN" not in text.split("<script")[0]


def test_summary_with_missing_and_null_fields_still_renders(
    tmp_path: Path, report_data: ReportData
) -> None:
    summary = {
        "scenario": "broken",
        "replications": None,
        "threats": [{"type": "x", "detected": None, "leaked": {"mean": None}}, "junk"],
        "missiles_fired": {"48N6E3": {"mean": math.inf, "ci95": None}},
        "assets": [{"name": "A"}],
    }
    data = ReportData(
        **{**report_data.__dict__, "summary": summary, "leakers_per_replication": np.array([])}
    )
    text = _write(tmp_path, data)
    assert "broken" in text
    assert text.rstrip().endswith("</html>")


def test_timeline_has_one_row_per_threat_with_an_event_in_replication_0(
    report_data: ReportData,
) -> None:
    timeline = timeline_svg(report_data.events, 0, report_data.duration_s)
    assert timeline is not None
    assert timeline.rows_total == timeline.rows_shown == 4
    for threat_id in range(4):
        assert f"#{threat_id}<" in timeline.svg  # y tick labels "type #id"
    assert timeline_svg(report_data.events, 99, report_data.duration_s) is None


def test_a_large_run_gives_a_modest_file_with_a_readable_timeline(tmp_path: Path) -> None:
    data = synthetic_report_data(replications=60, threats_per_replication=100)
    text = _write(tmp_path, data)
    size_mb = len(text.encode("utf-8")) / 1e6
    assert size_mb < 3.0
    timeline = timeline_svg(data.events, 0, data.duration_s)
    assert timeline is not None
    assert timeline.rows_shown == 100


def test_stand_off_jammers_get_their_own_map_layer_and_legend(
    tmp_path: Path, report_data: ReportData
) -> None:
    import dataclasses

    from iads.report import Site

    jammer = Site("Escort", "jammer", 39.7, 30.9, system="stand-off noise jammer, 500 W")
    data = dataclasses.replace(report_data, sites=(*report_data.sites, jammer))
    text = _write(tmp_path, data)
    if report_html.find_map_assets() is not None:
        payload = _no_nan_json(_outline(text).scripts["iads-map-data"])
        assert isinstance(payload, dict)
        assert [s["kind"] for s in payload["sites"]][-1] == "jammer"
    assert "Stand-off jammers (" in text and "JAMMER_SVG" in text
