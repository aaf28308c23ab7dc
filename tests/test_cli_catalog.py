"""``iads catalog``: lists what the catalog holds; one-line errors with exit 2; no JAX.

Expected entries and figures are read from the catalog YAML files themselves.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from iads.cli import app
from tests.catalog.test_listing import raw_sections

runner = CliRunner()
KINDS = ("systems", "radars", "missiles", "threats", "launchers", "command_posts")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["catalog", *args])


def squash(text: str) -> str:
    return " ".join(text.split())


def one_error_line(res) -> str:  # type: ignore[no-untyped-def]
    assert res.exit_code == 2, res.output
    err = res.stderr.strip() if res.stderr else res.output.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("iads: error: catalog: "), err
    return err


def test_overview_lists_every_entry_of_every_kind():
    res = invoke()
    assert res.exit_code == 0, res.output
    raw = raw_sections()
    for kind in KINDS:
        assert f"{kind} ({len(raw[kind])})" in res.output
        for key, entry in raw[kind].items():
            (line,) = [ln for ln in res.output.splitlines() if ln.split()[:1] == [key]]
            assert entry["name"] in line


def test_overview_gives_each_missile_its_max_range_in_km():
    res = invoke()
    for key, entry in raw_sections()["missiles"].items():
        (line,) = [ln for ln in res.output.splitlines() if ln.split()[:1] == [key]]
        assert f"{entry['max_range_m']['value'] / 1000:g} km" in line


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_table_lists_every_entry(kind):
    res = invoke(kind)
    assert res.exit_code == 0, res.output
    for key in raw_sections()[kind]:
        assert f" {key} " in res.output, key


def test_missile_table_shows_the_published_max_range():
    res = invoke("missiles")
    entry = raw_sections()["missiles"]["48N6E3"]
    (row,) = [ln for ln in res.output.splitlines() if " 48N6E3 " in ln]
    assert f"{entry['max_range_m']['value'] / 1000:g} km" in row


def test_missile_detail_shows_max_range_in_si_with_unit_basis_and_source():
    fig = raw_sections()["missiles"]["48N6E3"]["max_range_m"]
    res = invoke("missiles", "48N6E3")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    (i,) = [k for k, ln in enumerate(lines) if ln.split()[:1] == ["max_range_m"]]
    assert f"{fig['value']} m" in lines[i]
    assert f"{fig['value'] / 1000:g} km" in lines[i]
    assert fig["basis"] in lines[i]
    assert squash(fig["source"]) in squash(lines[i + 1])


def test_missile_detail_shows_low_and_high_where_the_catalog_gives_them():
    fig = raw_sections()["missiles"]["48N6E3"]["min_range_m"]
    assert "low" in fig and "high" in fig
    res = invoke("missiles", "48N6E3")
    (line,) = [ln for ln in res.output.splitlines() if ln.split()[:1] == ["min_range_m"]]
    assert f"low {fig['low']} m" in line and f"high {fig['high']} m" in line


def test_missile_detail_lists_every_sourced_figure():
    entry = raw_sections()["missiles"]["48N6E3"]
    res = invoke("missiles", "48N6E3")
    fields = {ln.split()[0] for ln in res.output.splitlines() if ln.startswith("  ") and ln.split()}
    for key, item in entry.items():
        if isinstance(item, dict) and "source" in item:
            assert key in fields, key
    for category in entry["kill_probability"]:
        assert f"kill_probability.{category}" in fields


def test_a_modelling_figure_is_labelled_a_modelling_value():
    assert raw_sections()["missiles"]["48N6E3"]["flight"]["drag_scale"]["basis"] == "modelling"
    res = invoke("missiles", "48N6E3")
    (line,) = [ln for ln in res.output.splitlines() if ln.split()[:1] == ["flight.drag_scale"]]
    assert "modelling value" in line


def test_unknown_kind_exits_2_with_one_line_and_a_suggestion():
    err = one_error_line(invoke("missle"))
    assert "unknown kind 'missle'" in err and "did you mean 'missiles'?" in err
    assert all(kind in err for kind in KINDS)


def test_unknown_kind_with_a_name_is_refused_the_same_way():
    err = one_error_line(invoke("rockets", "48N6E3"))
    assert "unknown kind 'rockets'" in err


def test_unknown_missile_exits_2_with_one_line_listing_the_known_ones():
    err = one_error_line(invoke("missiles", "X"))
    assert "unknown missile 'X'; known: " in err
    assert all(key in err for key in raw_sections()["missiles"])
    assert "did you mean" not in err


def test_near_miss_name_gets_a_did_you_mean():
    err = one_error_line(invoke("missiles", "48N6E"))
    assert err.endswith("did you mean '48N6E3'?")
    err = one_error_line(invoke("threats", "f16-class"))
    assert err.endswith("did you mean 'f16_class'?")


def test_catalog_command_never_imports_jax():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from iads.cli import app\n"
        "for args in ([], ['missiles'], ['missiles', '48N6E3'], ['missiles', 'X']):\n"
        "    CliRunner().invoke(app, ['catalog', *args])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
