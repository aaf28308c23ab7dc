"""Catalog listings: every figure in the YAML is listed with its unit, basis, range and source.

The expected figures are read from the YAML files directly (not through the loader), so these
tests check the listing against what the catalog says, not the listing against itself.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from iads.catalog import CATALOG_DIR, load_catalog
from iads.catalog.listing import (
    KINDS,
    entry_lines,
    entry_rows,
    number,
    readable,
    resolve_entry,
    resolve_kind,
    unit_of,
)
from iads.errors import InputError


def raw_sections() -> dict[str, dict[str, Any]]:
    """Every section of every catalog YAML file, merged: section -> designation -> raw entry."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(CATALOG_DIR).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section, table in doc.items():
            if isinstance(table, dict):
                merged.setdefault(section, {}).update(table)
    return merged


def raw_figures(entry: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Dotted path -> raw figure for every sourced mapping (one with ``value`` and ``source``)."""
    out: dict[str, dict[str, Any]] = {}
    for key, item in entry.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict) and "value" in item and "source" in item:
            out[path] = item
        elif isinstance(item, dict):
            out.update(raw_figures(item, path + "."))
    return out


#: Tables of figures keyed by category, band, aspect or missile: their unit is the table's own.
TABLES = ("kill_probability", "rcs_band_factor", "rcs_aspect_factor", "missiles_per_launcher")


def unit_field(path: str) -> str:
    """The field name whose suffix gives a figure's unit: ``calibration.range_m`` -> ``range_m``,
    ``kill_probability.drone`` -> ``kill_probability``."""
    parts = path.split(".")
    return parts[0] if parts[0] in TABLES else parts[-1]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("field", "unit"),
    [
        ("max_range_m", "m"),
        ("max_speed_m_s", "m/s"),
        ("rcs_m2", "m²"),
        ("frequency_hz", "Hz"),
        ("peak_power_w", "W"),
        ("pulse_width_s", "s"),
        ("antenna_gain_db", "dB"),
        ("system_noise_temperature_k", "K"),
        ("max_load_factor_g", "g"),
        ("warhead_kg", "kg"),
        ("min_elevation_deg", "deg"),
        ("false_alarm_probability", ""),
        ("swerling_case", ""),
    ],
)
def test_the_unit_is_the_one_the_field_name_carries(field, unit):
    assert unit_of(field) == unit


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (250000.0, "m", "250 km"),
        (10.0, "m", ""),
        (3e9, "Hz", "3 GHz"),
        (704500.0, "W", "704.5 kW"),
        (2e-5, "s", "20 µs"),
        (10.0, "s", ""),
        (2000.0, "m/s", ""),
    ],
)
def test_friendlier_scale_is_the_same_quantity(value, unit, expected):
    assert readable(value, unit) == expected


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(lambda v: v != 0))
def test_a_listed_value_reads_back_as_the_stored_value(value):
    assert math.isclose(float(number(value)), value, rel_tol=1e-5)


def test_whole_numbers_are_listed_without_a_decimal_point():
    assert number(250000.0) == "250000" and number(0.8) == "0.8" and number(1e-6) == "1e-06"


@pytest.mark.parametrize("kind", KINDS)
def test_every_sourced_figure_of_every_entry_is_listed_with_value_range_and_source(kind):
    cat = load_catalog()
    raw = raw_sections()[kind]
    assert set(raw) == set(getattr(cat, kind)), "every entry of the YAML is in the catalog"
    for key, raw_entry in raw.items():
        rows = {r.field: r for r in entry_rows(getattr(cat, kind)[key])}
        for path, fig in raw_figures(raw_entry).items():
            row = rows[path]
            assert row.source is not None and squash(row.source) == squash(fig["source"])
            if isinstance(fig["value"], str):
                assert row.value == fig["value"]
            else:
                assert float(row.value) == pytest.approx(fig["value"])
                assert row.unit == unit_of(unit_field(path))
            for bound in ("low", "high"):
                got = getattr(row, bound)
                if bound in fig:
                    assert got is not None and float(got) == pytest.approx(fig[bound])
                else:
                    assert got is None
            assert row.basis is not None and row.basis.startswith(fig["basis"])


def test_a_modelling_figure_says_it_is_a_modelling_value():
    raw = raw_sections()["missiles"]["48N6E3"]["flight"]["drag_scale"]
    assert raw["basis"] == "modelling"
    (row,) = [
        r for r in entry_rows(load_catalog().missiles["48N6E3"]) if r.field == "flight.drag_scale"
    ]
    assert row.basis == "modelling value"


def test_a_table_of_figures_takes_its_unit_from_the_table_name():
    rows = {r.field: r for r in entry_rows(load_catalog().radars["91N6E"])}
    assert rows["calibration.range_m"].unit == "m"
    assert rows["calibration.rcs_m2"].unit == "m²"
    kill = {r.field: r for r in entry_rows(load_catalog().missiles["48N6E3"])}
    assert kill["kill_probability.drone"].unit == ""


def test_entry_listing_puts_value_unit_and_source_of_the_max_range_together():
    raw = raw_sections()["missiles"]["48N6E3"]["max_range_m"]
    lines = entry_lines(load_catalog(), "missiles", "48N6E3")
    (i,) = [k for k, line in enumerate(lines) if line.split()[:1] == ["max_range_m"]]
    assert f"{raw['value']} m" in lines[i] and raw["basis"] in lines[i]
    assert lines[i + 1].strip() == "source: " + squash(raw["source"])


@pytest.mark.parametrize(
    ("given_kind", "section"),
    [
        ("missiles", "missiles"),
        ("missile", "missiles"),
        ("Radars", "radars"),
        ("command-posts", "command_posts"),
    ],
)
def test_kind_accepts_plural_singular_and_hyphens(given_kind, section):
    assert resolve_kind(given_kind) == section


def test_unknown_kind_suggests_the_near_one():
    with pytest.raises(InputError, match=r"unknown kind 'missle'.*did you mean 'missiles'\?"):
        resolve_kind("missle")


def test_designation_matches_regardless_of_case():
    assert resolve_entry(load_catalog(), "missiles", "48n6e3")[0] == "48N6E3"


def test_unknown_designation_lists_the_known_ones_and_suggests_a_near_miss():
    with pytest.raises(InputError) as info:
        resolve_entry(load_catalog(), "missiles", "48N6E")
    msg = str(info.value)
    assert msg.startswith("catalog: unknown missile '48N6E'; known: ")
    assert all(key in msg for key in raw_sections()["missiles"])
    assert msg.endswith("did you mean '48N6E3'?")


def test_a_far_miss_gets_no_suggestion():
    with pytest.raises(InputError) as info:
        resolve_entry(load_catalog(), "threats", "zzzz")
    assert "did you mean" not in str(info.value)
