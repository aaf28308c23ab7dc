"""What a reader sees: readable names, fixed colours, unresolved threats, the plain reading."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import iads.report.html as report_html
from iads.report import ReportData, write_report
from iads.report.figures import missile_colors, outcomes_svg, timeline_svg
from iads.report.names import category_color, missile_color, plural, readable, threat_name
from iads.report.reading import no_leaker_phrase, reading
from iads.report.summary import estimate_from_samples, missile_estimates, threat_rows

from .synthetic import synthetic_report_data


def _write(tmp_path: Path, data: ReportData, name: str = "report.html") -> str:
    path = tmp_path / name
    write_report(path, data)
    return path.read_text(encoding="utf-8")


class _VisibleText(HTMLParser):
    """The text a reader sees (no scripts, no styles, no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible(text: str) -> str:
    parser = _VisibleText()
    parser.feed(text)
    return " ".join(parser.parts)


def _map_payload(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="iads-map-data">(.*?)</script>', text)
    assert match is not None
    payload = json.loads(match.group(1))
    assert isinstance(payload, dict)
    return payload


def _swatch(text: str, missile: str) -> str:
    match = re.search(
        rf'<i class="swatch" style="background:(#[0-9a-f]{{6}})"></i>{missile}<', text
    )
    assert match is not None, missile
    return match.group(1)


# --- Names -----------------------------------------------------------------------------------


def test_catalog_threats_are_shown_by_their_display_name() -> None:
    assert threat_name("subsonic_cruise_missile") == "Subsonic cruise missile"
    assert threat_name("srbm") == "Short-range ballistic missile"
    # Not in the catalog: made readable from the key, abbreviations kept.
    assert threat_name("glide_vehicle") == "Glide vehicle"
    assert readable("generic SRBM") == "Generic SRBM"
    assert readable("48N6E3") == "48N6E3"
    assert plural("Subsonic cruise missile") == "subsonic cruise missiles"
    assert plural("F-16-class fighter") == "F-16-class fighters"
    assert plural("SRBM") == "SRBMs"


def test_report_shows_readable_names_and_no_snake_case_threat_keys(
    tmp_path: Path, report_data: ReportData
) -> None:
    text = _write(tmp_path, report_data)
    visible = _visible(text)
    assert "Subsonic cruise missile" in visible
    assert "Short-range ballistic missile" in visible
    assert "Cruise missile" in text and "Ballistic missile" in text  # map legend (JSON)
    svgs = "".join(re.findall(r"<svg.*?</svg>", text, flags=re.S))
    assert "Subsonic cruise" in svgs  # axes, wrapped between words only
    for raw in ("subsonic_cruise_missile", "cruise_missile", "ballistic_missile"):
        assert raw not in visible
        assert raw not in svgs
    if report_html.find_map_assets() is not None:
        payload = _map_payload(text)
        assert set(payload["categories"]) == {"Cruise missile", "Ballistic missile"}
        assert {r["threat_type"] for r in payload["routes"]} == {
            "Subsonic cruise missile",
            "Short-range ballistic missile",
        }
        assert "subsonic_cruise_missile" not in payload["strings"]


def test_a_long_threat_name_is_never_broken_inside_a_word() -> None:
    rows = threat_rows(synthetic_report_data().summary)
    svg = outcomes_svg(rows)
    labels = re.findall(r">([^<>]*)</text>", svg)
    assert "missile" in " ".join(labels)
    assert not any(label.endswith("missil") or label == "e" for label in labels)


# --- Colours ---------------------------------------------------------------------------------


def test_a_missile_type_has_the_same_colour_in_reports_with_different_missiles(
    tmp_path: Path, report_data: ReportData
) -> None:
    one = dataclasses.replace(
        report_data,
        summary={**report_data.summary, "missiles_fired": {"48N6E3": {"mean": 3.0}}},
        missiles_fired_per_replication={},
    )
    three = dataclasses.replace(
        report_data,
        summary={
            **report_data.summary,
            "missiles_fired": {"9M96E2": {"mean": 5.0}, "40N6E": {"mean": 1.0}, "48N6E3": {}},
        },
        missiles_fired_per_replication={},
    )
    first = _swatch(_write(tmp_path, one, "one.html"), "48N6E3")
    second = _swatch(_write(tmp_path, three, "three.html"), "48N6E3")
    assert first == second == missile_color("48N6E3")
    assert missile_colors(["48N6E3"]) == {"48N6E3": first}
    assert missile_colors(["40N6E", "48N6E3", "9M96E2"])["48N6E3"] == first
    # The catalog's interceptors get distinct colours.
    assert len({missile_color(m) for m in ("40N6E", "48N6E3", "9M96E2")}) == 3
    # A name outside the catalog has a colour too, the same every time.
    assert missile_color("PAC-3 MSE") == missile_color("PAC-3 MSE")


def test_a_missile_type_has_the_same_colour_in_every_timeline() -> None:
    data = synthetic_report_data()
    only_alpha = data.events.filter(
        np.asarray(data.events["missile_type"].to_pylist(), dtype=object) != "PAC-3 MSE"
    )
    full = timeline_svg(data.events, 0, data.duration_s)
    partial = timeline_svg(only_alpha, 0, data.duration_s)
    assert full is not None and partial is not None
    color = missile_color("48N6E3")
    assert color in full.svg and color in partial.svg


def test_route_colours_are_fixed_per_category_and_aircraft_differ_from_ballistic(
    tmp_path: Path, report_data: ReportData
) -> None:
    assert category_color("aircraft") != category_color("ballistic_missile")
    assert category_color("cruise") == category_color("cruise_missile")
    if report_html.find_map_assets() is None:
        pytest.skip("offline map assets not installed (npm ci --prefix web)")
    only_cruise = dataclasses.replace(report_data, routes=report_data.routes[:1])
    both = _map_payload(_write(tmp_path, report_data, "both.html"))
    one = _map_payload(_write(tmp_path, only_cruise, "one.html"))
    assert one["categories"]["Cruise missile"] == both["categories"]["Cruise missile"]
    assert both["categories"]["Cruise missile"] != both["categories"]["Ballistic missile"]


# --- Unresolved threats ----------------------------------------------------------------------


def test_threats_still_in_flight_at_the_end_are_in_the_table_and_the_chart(
    tmp_path: Path, report_data: ReportData
) -> None:
    text = _write(tmp_path, report_data)
    assert "<th" in text and "Unresolved</th>" in text
    row = re.search(r'<tr><td title="srbm">Short-range ballistic missile</td>.*?</tr>', text)
    assert row is not None
    cells = re.findall(r"<td>([^<]*)", row.group(0))
    # in raid, detected, engaged, destroyed, leaked, unresolved (0.1 [0.0, 0.3])
    assert [c.strip() for c in cells[:6]] == ["1", "1.0", "1.0", "0.6", "0.3", "0.1"]
    assert "[0.0, 0.3]" in row.group(0)
    assert "unresolved (in flight at the end)" in outcomes_svg(threat_rows(report_data.summary))
    assert "0.1 threats were still in flight" in _visible(text)


# --- Numbers ---------------------------------------------------------------------------------


def test_table_counts_have_one_decimal_and_ranges_whole_kilometres(
    tmp_path: Path, report_data: ReportData
) -> None:
    text = _write(tmp_path, report_data)
    table = text[text.index("<h3>Threat outcomes") : text.index("<h3>Interceptors")]
    row = re.search(r'<tr><td title="subsonic_cruise_missile">.*?</tr>', table)
    assert row is not None
    numbers = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", row.group(0).split("</td>", 1)[1])
    in_raid, *counts, km, km_lo, km_hi = numbers
    assert in_raid == "3"
    assert len(counts) == 5 * 3  # five outcomes, each mean [lo, hi]
    assert all(re.fullmatch(r"\d+\.\d", c) for c in counts), counts
    assert (km, km_lo, km_hi) == ("41", "38", "44")


def test_estimate_from_samples_never_goes_below_zero_for_a_rare_count() -> None:
    samples = np.array([0.0] * 19 + [1.0])  # normal approximation: 0.05 ± 0.10
    estimate = estimate_from_samples(samples)
    assert estimate.mean == pytest.approx(0.05)
    assert 0.0 <= estimate.lo <= estimate.mean <= estimate.hi <= 1.0
    assert estimate_from_samples(np.array([])).is_known is False


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leakers", "phrase"),
    [
        ([1, 2, 1, 3], "every replication had at least one leaker"),
        ([0, 0, 0], "no replication had a leaker"),
        ([0] * 37 + [1] * 163, "no leaker in 37 of 200 replications (19%)"),
        ([0] + [2] * 199, "no leaker in 1 of 200 replications (under 1%)"),
    ],
)
def test_replications_without_a_leaker_are_counted_in_words(leakers: list, phrase: str) -> None:
    assert no_leaker_phrase(np.array(leakers, dtype=float)) == phrase


def test_the_reading_gives_the_summary_numbers_in_words(report_data: ReportData) -> None:
    estimates = missile_estimates(report_data.summary, {})
    text = reading(report_data.summary, np.array([0.0, 1.0, 2.0]), estimates)
    # 48N6E3 3.0 + PAC-3 MSE 1.3; destroyed 2.2 + 0.6 of 3 + 1 threats.
    assert text.startswith(
        "On average the defence fired 4.3 interceptors (48N6E3 3.0, PAC-3 MSE 1.3) and "
        "destroyed 2.8 of the 4 threats in the raid."
    )
    assert "On average 1.0 threats reached Ankara (notional) (95% CI 0.2–1.8)." in text
    assert "Most of the leakers were subsonic cruise missiles (0.8 of 1.1 per replication)." in text
    assert "No leaker in 1 of 3 replications (33%)." in text
    assert "On average 0.1 threats were still in flight when the run ended" in text
    assert "short-range ballistic missiles 0.1" in text


def test_the_reading_says_when_nothing_leaked(report_data: ReportData) -> None:
    summary = json.loads(json.dumps(report_data.summary))
    for row in summary["threats"]:
        row["leaked"] = {"mean": 0.0, "ci95": [0.0, 0.0]}
    text = reading(summary, np.zeros(40), missile_estimates(summary, {}))
    assert "No threat reached a defended asset in any of the 40 replications." in text
    assert "leakers were" not in text


def test_the_reading_is_at_the_top_of_the_report(tmp_path: Path, report_data: ReportData) -> None:
    text = _write(tmp_path, report_data)
    start = text.index('<p class="reading"')
    assert start < text.index('<dl class="meta">') < text.index('id="map-section"')
    assert "threats reached Ankara (notional)" in text[start : text.index("</p>", start)]


def test_a_broken_summary_gives_a_reading_without_crashing() -> None:
    summary = {"threats": [{"type": "x", "leaked": {"mean": None}}, "junk"], "assets": [{}]}
    assert isinstance(reading(summary, np.array([]), {}), str)
    assert reading({}, np.array([]), {}) == ""


# --- Map view --------------------------------------------------------------------------------


def test_the_map_opens_on_the_batteries_assets_and_leaks_not_the_whole_raid(
    report_data: ReportData,
) -> None:
    points = report_html.map_points(report_data.events)
    payload = report_html.map_data(report_data, points)
    (south, west), (north, east) = payload["view"]
    for site in report_data.sites:
        assert south <= site.lat_deg <= north and west <= site.lon_deg <= east
    for p in points:
        if p.kind == "leak":
            assert south <= p.lat_deg <= north and west <= p.lon_deg <= east
    (b_south, b_west), (b_north, b_east) = payload["bounds"]
    # The whole picture (the 390 km radar ring, the ballistic launch point) is far wider.
    assert (north - south) < 0.5 * (b_north - b_south)
    assert (east - west) < 0.5 * (b_east - b_west)
