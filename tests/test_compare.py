"""``iads compare``: systems at a scenario's batteries on the same raid, paired by replication.

One small raid (six drones, one battery) is compared once per module for three contenders:
the S-400's catalog fire unit under two labels, and an S-400 battery of one launcher. All
tests share that run (two engine compilations: the two fire-unit shapes).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from iads.catalog import Catalog, load_catalog
from iads.catalog.base import Figure
from iads.cli import app
from iads.compare import Comparison, Contender, compare, parse_systems, prepare
from iads.compare.base import PAIRED_TEST, SYSTEM_NAMES, fire_units_for_budget, spread
from iads.compare.metrics import (
    Metrics,
    cost_per_destroyed,
    cost_row,
    destroyed_per_replication,
    paired_difference,
)
from iads.compare.output import (
    OUTPUT_FILES,
    not_significant_lines,
    reading,
    write_comparison,
)
from iads.errors import InputError
from iads.scenario.compile import load_scenario
from tests.engine.scenarios import base, raid_group, write
from tests.test_cli import invoke

runner = CliRunner()

#: Replications of every run here (one batch shape, so the runs share compilations).
REPLICATIONS = 8


def raid_scenario(**over: Any) -> dict[str, Any]:
    """One S-400 battery of one launcher (four 48N6E3) against six drones from the north."""
    d = base(duration_s=400.0, replications=REPLICATIONS)
    d["batteries"][0]["launchers"] = [{"type": "5P85TE2", "count": 1, "missile": "48N6E3"}]
    d["raid"] = [raid_group("drones", "one_way_attack_drone", 6, 5.0, 15.0, 1000.0)]
    d.update(over)
    return d


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("compare"), raid_scenario())


@pytest.fixture(scope="module")
def comparison(scenario_file: Path) -> Comparison:
    scn = load_scenario(scenario_file)
    return compare(
        scn,
        [
            Contender("s400 a", "S-400"),
            Contender("s400 b", "S-400"),
            Contender("one launcher", "S-400", (1,)),
        ],
        replications=REPLICATIONS,
    )


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_identical_systems_differ_by_exactly_zero_in_every_replication(
    comparison: Comparison,
) -> None:
    for row in comparison.rows:
        diff = row.differences["s400 b"]
        assert row.estimates["s400 a"] == row.estimates["s400 b"] or not math.isfinite(
            row.estimates["s400 a"].mean
        )
        if diff.pairs:
            assert diff.mean == 0.0 and diff.p_value == 1.0 and not diff.significant
    flagged = {(row.key, lab) for row, lab in comparison.not_significant()}
    comparable = {r.key for r in comparison.rows if r.differences["s400 b"].comparable}
    assert comparable and {k for k, lab in flagged if lab == "s400 b"} == comparable
    line = not_significant_lines(comparison)[0]
    assert line.startswith("s400 b vs s400 a: the same in every replication: ")
    assert "not significant:" not in line
    assert "s400 b differs significantly from s400 a in 0 of" in reading(comparison)


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_fewer_launchers_fire_fewer_rounds_and_destroy_no_more(comparison: Comparison) -> None:
    rows = {r.key: r for r in comparison.rows}
    fired, destroyed = rows["missiles_fired/all"], rows["destroyed/one_way_attack_drone"]
    assert fired.estimates["one launcher"].mean <= 4.0  # one launcher holds four rounds
    assert fired.estimates["one launcher"].mean < fired.estimates["s400 a"].mean
    assert destroyed.estimates["one launcher"].mean <= destroyed.estimates["s400 a"].mean
    units = comparison.fire_units
    assert units["one launcher"][0].launcher_count == 1
    assert units["s400 a"][0].launcher_count == 8  # the catalog's launchers_per_fire_unit


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_paired_test_detects_a_battery_that_always_does_worse(comparison: Comparison) -> None:
    destroyed = next(r for r in comparison.rows if r.key == "destroyed/one_way_attack_drone")
    diff = destroyed.differences["one launcher"]
    # four rounds against six drones: at least two leak in every replication
    assert destroyed.estimates["one launcher"].hi <= 4.0
    assert destroyed.estimates["s400 a"].lo > 4.0
    assert diff.pairs == REPLICATIONS and diff.mean < 0 and diff.significant
    assert diff.p_value < 0.05


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_every_interval_contains_its_mean(comparison: Comparison) -> None:
    for row in comparison.rows:
        for e in row.estimates.values():
            if math.isfinite(e.lo):
                assert e.lo <= e.mean <= e.hi, row.key
        for d in row.differences.values():
            if math.isfinite(d.lo):
                assert d.lo <= d.mean <= d.hi, row.key


def test_signed_rank_test_on_known_differences() -> None:
    # eight differences of one sign: the exact two-sided p is 2 / 2**8 (all signs equally
    # likely under the null); with ties scipy's normal approximation is used, still < 0.05
    first = np.zeros(8)
    assert paired_difference("destroyed", first, first, 0).p_value == 1.0
    worse = paired_difference("destroyed", first, -np.arange(1.0, 9.0), 0)
    assert worse.p_value == pytest.approx(2 / 2**8)
    mixed = paired_difference("destroyed", first, np.array([1.0, -1.0] * 4), 0)
    assert not mixed.significant and mixed.mean == 0.0 and not mixed.identical
    none = paired_difference("missiles_fired", first, np.full(8, np.nan), 0)
    assert none.pairs == 0 and not none.comparable


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_written_table_matches_the_comparison(comparison: Comparison, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    write_comparison(comparison, out)
    assert {p.name for p in out.iterdir()} <= OUTPUT_FILES
    assert {"comparison.csv", "comparison.json", "report.html", "destroyed.png"} <= {
        p.name for p in out.iterdir()
    }
    data = json.loads((out / "comparison.json").read_text())
    assert data["test"]["name"] == PAIRED_TEST and data["test"]["against"] == "s400 a"
    rows = list(csv.DictReader((out / "comparison.csv").open()))
    assert len(rows) == len(comparison.rows) * 3
    for r in rows:
        if r["ci95_lo"]:
            assert float(r["ci95_lo"]) <= float(r["mean"]) <= float(r["ci95_hi"])
    by_key = {(m["metric"], m["item"]): m for m in data["metrics"]}
    for row in comparison.rows:
        got = by_key[row.family, row.item]["values"]["one launcher"]["mean"]
        want = row.estimates["one launcher"].mean
        assert (got is None and not math.isfinite(want)) or got == pytest.approx(want)
    html = (out / "report.html").read_text()
    assert PAIRED_TEST in html and "<svg" in html and "one launcher" in html
    # the cost row: one S-400 fire unit's catalog cost over the mean destroyed
    cost = next(
        r for r in rows if r["metric"] == "cost_per_destroyed_usd" and r["label"] == "s400 a"
    )
    assert cost["unit"] == "USD" and cost["p_value"] == "" and cost["significant"] == ""
    assert [s["fire_units_cost_usd"] for s in data["systems"]] == [625e6] * 3
    assert "cost per threat destroyed" in html and "crude ratio" in html


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_cost_per_threat_destroyed_is_the_fire_units_cost_over_the_mean_destroyed(
    comparison: Comparison,
) -> None:
    rows = {r.key: r for r in comparison.rows}
    cost = rows["cost_per_destroyed_usd/all"]
    for label in ("s400 a", "one launcher"):  # one fire unit each, whatever its launchers
        destroyed = rows["destroyed/one_way_attack_drone"].estimates[label]  # the one type
        assert comparison.costs_usd[label] == 2.5e9 / 4
        e = cost.estimates[label]
        assert e.mean == pytest.approx(2.5e9 / 4 / destroyed.mean)
        assert e.lo == pytest.approx(2.5e9 / 4 / destroyed.hi)
    assert any("crude ratio" in n for n in comparison.notes)


@pytest.mark.slow  # shares one comparison: two engine compilations
def test_cli_compare_prints_the_table_and_writes_its_files(
    scenario_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cli"
    res = runner.invoke(
        app,
        [
            "compare",
            str(scenario_file),
            "--systems",
            "s400",
            "--equal",
            "launchers",
            "--replications",
            str(REPLICATIONS),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "destroyed" in res.output and PAIRED_TEST in res.output
    data = json.loads((out / "comparison.json").read_text())
    assert data["equal"] == "launchers" and data["replications"] == REPLICATIONS
    assert "--equal launchers: every system has each battery's own launcher count (1 " in (
        res.output
    )
    assert data["systems"][0]["fire_units"][0]["launchers"] == [
        {"type": "5P85TE2", "count": 1, "missile": "48N6E3"}
    ]


@pytest.mark.parametrize(
    ("systems", "extra", "problem"),
    [
        ("s400,thaad", [], "unknown system 'thaad'; known: s400 (S-400)"),
        ("", [], "no system given"),
        ("s400,S-400", [], "S-400 is given twice"),
        ("s400", ["--replications", "-3"], "--replications: must be >= 1"),
        (
            "s400,samp-t",
            ["--equal", "cost"],
            "--equal: cost: samp-t (SAMP-T) has no public fire-unit cost (catalog "
            "systems.SAMP-T.fire_unit_cost_usd is absent)",
        ),
        ("s300vm,s400", ["--equal", "cost"], "s300vm (S-300VM) has no public fire-unit cost"),
        ("s400", ["--equal", "money"], "--equal"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    scenario_file: Path, tmp_path: Path, systems: str, extra: list[str], problem: str
) -> None:
    out = tmp_path / "never"
    args = ["compare", str(scenario_file), "--systems", systems, "--out", str(out), *extra]
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert problem in res.output and len(res.output.strip().splitlines()) == 1, res.output
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.slow  # compiles the HQ-9's two fire units
def test_cli_equal_cost_buys_two_hq9_batteries_for_one_s400_battalion(
    scenario_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cost"
    res = invoke(
        "compare",
        str(scenario_file),
        "--systems",
        "s400,hq9",
        "--equal",
        "cost",
        "--replications",
        str(REPLICATIONS),
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    data = json.loads((out / "comparison.json").read_text())
    s400, hq9 = data["systems"]
    # US$2.5 bn / 4 = 625 m buys 625 / (3.44 bn / 12 = 286.7 m) = 2.18 -> 2 HQ-9 batteries
    assert len(s400["fire_units"]) == 1 and len(hq9["fire_units"]) == 2
    assert hq9["fire_units_cost_usd"] == pytest.approx(2 * 286.7e6)
    assert data["equal"] == "cost" and "cost per threat destroyed" in res.output
    assert "--equal cost: the budget is s400's 1 fire unit(s)" in res.output


def test_missing_scenario_is_one_line_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["compare", str(tmp_path / "nope.yaml"), "--systems", "s400", "--out", "x"]
    )
    assert res.exit_code == 2 and "nope.yaml" in res.output
    assert not (tmp_path / "x").exists()


def test_a_battery_that_cannot_take_the_system_names_the_blocking_field(tmp_path: Path) -> None:
    d = raid_scenario()
    d["batteries"][0]["launchers"] = [
        {"type": "5P85TE2", "count": 1, "missile": "48N6E3", "reloads": 1},
        {"type": "5P85SE2", "count": 1, "missile": "9M96E2"},
    ]
    scn = load_scenario(write(tmp_path, d))
    with pytest.raises(InputError) as err:
        prepare(scn, parse_systems("s400", scn.catalog), "batteries")
    assert err.value.field == "batteries[0].launchers[1].reloads"
    with pytest.raises(InputError) as err:
        prepare(scn, [Contender("big", "S-400", (20,))], "batteries")
    assert err.value.field == "batteries[0].launchers" and "at most 12" in str(err.value)


def _with_stand_in(cat: Catalog, key: str, most_launchers: float) -> Catalog:
    """The catalog's S-400 and a system ``key`` made from the S-400's entry without its
    optional radars and mast, whose fire unit holds at most ``most_launchers`` (a rival's
    stand-in, so that the test does not depend on the rivals' catalog figures)."""
    s400 = cat.systems["S-400"]
    per_unit = s400.launchers_per_fire_unit.model_copy(
        update={"value": most_launchers, "low": most_launchers, "high": most_launchers}
    )
    stand_in = s400.model_copy(
        update={"optional_radars": [], "masts": [], "launchers_per_fire_unit": per_unit}
    )
    return dataclasses.replace(cat, systems={"S-400": s400, key: stand_in})


def test_short_names_map_to_the_rivals_catalog_keys_when_the_catalog_holds_them(
    tmp_path: Path,
) -> None:
    cat = _with_stand_in(load_catalog(), "Patriot", 6)
    scn = load_scenario(write(tmp_path, raid_scenario()), catalog=cat)
    contenders = parse_systems("s400, patriot", cat)
    assert [(c.label, c.system) for c in contenders] == [("s400", "S-400"), ("patriot", "Patriot")]
    with pytest.raises(InputError, match=r"known: s400 \(S-400\), patriot \(Patriot\)"):
        parse_systems("hq9", cat)
    with pytest.raises(InputError, match="Patriot is given twice"):
        parse_systems("patriot,Patriot", cat)
    units = prepare(scn, contenders, "batteries")
    assert [u.launcher_count for _, _, (u,), _ in units] == [8, 6]


def test_radars_and_mast_the_other_system_lacks_are_dropped_with_a_note(tmp_path: Path) -> None:
    cat = _with_stand_in(load_catalog(), "Patriot", 6)
    d = raid_scenario()
    d["batteries"][0]["radars"] = ["96L6E"]
    d["batteries"][0]["mast"] = {"type": "40V6M", "radar": "96L6E"}
    scn = load_scenario(write(tmp_path, d), catalog=cat)
    (s400, patriot) = prepare(scn, parse_systems("s400,patriot", cat), "batteries")
    assert s400[1].spec.batteries[0].radars == ["96L6E"] and not s400[3]
    battery = patriot[1].spec.batteries[0]
    assert battery.radars == [] and battery.mast is None
    assert battery.threat_axis_deg == 0.0 and battery.doctrine.salvo_size == 1
    assert any("96L6E" in n and "dropped" in n for n in patriot[3])
    assert any("40V6M" in n and "dropped" in n for n in patriot[3])


def test_equal_launchers_beyond_the_other_fire_unit_names_the_field(tmp_path: Path) -> None:
    cat = _with_stand_in(load_catalog(), "Patriot", 6)
    d = raid_scenario()
    d["batteries"][0]["launchers"] = [{"type": "5P85TE2", "count": 8, "missile": "48N6E3"}]
    scn = load_scenario(write(tmp_path, d), catalog=cat)
    with pytest.raises(InputError) as err:
        prepare(scn, parse_systems("s400,patriot", cat), "launchers")
    assert err.value.field == "batteries[0].launchers" and "at most 6" in str(err.value)


@pytest.mark.slow  # shares the module's comparison
def test_a_failure_while_writing_leaves_nothing(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr("iads.compare.output.family_figure", broken)
    with pytest.raises(RuntimeError):
        write_comparison(comparison, tmp_path / "out")
    assert not list(tmp_path.iterdir())


def test_every_catalog_system_takes_a_battery_with_its_catalog_fire_unit(tmp_path: Path) -> None:
    scn = load_scenario(write(tmp_path, raid_scenario()))
    cat = scn.catalog
    names = ",".join(SYSTEM_NAMES)
    prepared = prepare(scn, parse_systems(names, cat), "batteries")
    assert [c.system for c, *_ in prepared] == list(SYSTEM_NAMES.values())
    for c, derived, (unit,), _ in prepared:
        system = cat.systems[c.system]
        assert derived.spec.batteries[0].system == c.system
        assert unit.launcher_count == round(system.launchers_per_fire_unit.value)
        carried = {m for _, _, m in unit.launchers}
        assert carried <= set(system.missiles)
        # launchers enough for one of each: every missile a launcher type carries is there
        if unit.launcher_count >= len(system.missiles):
            assert carried == {
                m
                for m in system.missiles
                if any(m in cat.launchers[t].missiles_per_launcher for t in system.launchers)
            }


def test_a_budget_buys_the_nearest_whole_number_of_fire_units_and_at_least_one() -> None:
    assert fire_units_for_budget(2e9, 1e9) == 2  # half the price: exactly two
    assert fire_units_for_budget(1e9, 1e9) == 1
    assert fire_units_for_budget(2.4e9, 1e9) == 2
    assert fire_units_for_budget(2.5e9, 1e9) == 3  # halves round up
    assert fire_units_for_budget(1e9, 2e9) == 1  # half a fire unit: up to one
    assert fire_units_for_budget(1e9, 3e9) == 1  # a third: still one
    # Turkey's prices: the S-400's US$625 m buys 2 HQ-9 batteries (US$287 m) and 1 Patriot
    assert fire_units_for_budget(2.5e9 / 4, 3.44e9 / 12) == 2
    assert fire_units_for_budget(2.5e9 / 4, 3.5e9 / 4) == 1
    assert spread(3, 2) == (2, 1) and spread(4, 2) == (2, 2) and spread(1, 3) == (1, 0, 0)


def _priced(cat: Catalog, key: str, s400_usd: float, other_usd: float, cp_units: float) -> Catalog:
    """The stand-in catalog with a cost on each system, the stand-in's command post
    controlling at most ``cp_units`` fire units."""
    cat = _with_stand_in(cat, key, 8)
    fig = {"basis": "modelling", "source": "test value"}
    cost = {k: {"value": v, **fig} for k, v in (("S-400", s400_usd), (key, other_usd))}
    post = cat.command_posts["55K6E"]
    own_post = post.model_copy(
        update={"max_fire_units": Figure(value=cp_units, basis="modelling", source="test")}
    )
    systems = {
        k: s.model_copy(
            update={
                "fire_unit_cost_usd": Figure.model_validate(cost[k]),
                **({"command_post": "stand-in CP"} if k == key else {}),
            }
        )
        for k, s in cat.systems.items()
    }
    return dataclasses.replace(
        cat, systems=systems, command_posts={**cat.command_posts, "stand-in CP": own_post}
    )


@pytest.mark.parametrize(("cp_units", "shared"), [(6.0, True), (1.0, False)])
def test_equal_cost_gives_a_system_at_half_the_price_two_fire_units_at_the_site(
    tmp_path: Path, cp_units: float, shared: bool
) -> None:
    cat = _priced(load_catalog(), "Patriot", 600e6, 300e6, cp_units)
    scn = load_scenario(write(tmp_path, raid_scenario()), catalog=cat)
    (s400, patriot) = prepare(scn, parse_systems("s400,patriot", cat), "cost")
    assert s400[0].fire_units_per_battery == (1,) and [u.battery for u in s400[2]] == ["bn"]
    assert patriot[0].fire_units_per_battery == (2,)
    assert [u.battery for u in patriot[2]] == ["bn", "bn #2"]
    assert all(u.launcher_count == 8 for u in patriot[2])  # each a catalog fire unit
    batteries = patriot[1].spec.batteries
    assert [(b.lat_deg, b.lon_deg) for b in batteries] == [(40.0, 33.0)] * 2
    # a command post that controls one fire unit: the second has its own
    posts = [b.command_post for b in batteries]
    assert posts == ([None, None] if shared else [None, "bn #2"])
    assert any("2 fire units at bn's site" in n for n in patriot[3])


def test_equal_cost_leaves_a_site_empty_when_the_budget_buys_fewer_units(tmp_path: Path) -> None:
    cat = _priced(load_catalog(), "Patriot", 300e6, 900e6, 6.0)
    d = raid_scenario()
    second = {**d["batteries"][0], "name": "bn2", "lat_deg": 40.1}
    d["batteries"].append(second)
    scn = load_scenario(write(tmp_path, d), catalog=cat)
    (_, patriot) = prepare(scn, parse_systems("s400,patriot", cat), "cost")
    # budget 2 x 300 = 600 buys 600 / 900 = 0.67 -> one fire unit, at the first site
    assert patriot[0].fire_units_per_battery == (1, 0)
    assert [b.name for b in patriot[1].spec.batteries] == ["bn"]
    assert any("no fire unit at bn2" in n for n in patriot[3])


def test_cost_per_threat_destroyed_is_the_cost_over_the_mean_destroyed() -> None:
    steady: Metrics = {
        ("destroyed", "a"): np.array([2.0, 2.0, 2.0, 2.0]),
        ("destroyed", "b"): np.array([1.0, 1.0, 1.0, 1.0]),
        ("leaked", "a"): np.array([5.0, 5.0, 5.0, 5.0]),
    }
    assert list(destroyed_per_replication(steady)) == [3.0] * 4
    e = cost_per_destroyed(300e6, destroyed_per_replication(steady), 0)
    assert (e.mean, e.lo, e.hi) == (100e6, 100e6, 100e6)  # US$300 m / 3 threats
    varying = np.array([1.0, 3.0, 1.0, 3.0, 2.0, 2.0])  # mean 2
    e = cost_per_destroyed(300e6, varying, 0)
    assert e.mean == pytest.approx(150e6) and e.lo < e.mean < e.hi
    assert cost_per_destroyed(300e6, np.array([2.0, 0.0, 0.0, 0.0]), 0).hi == math.inf
    for none in (cost_per_destroyed(None, varying, 0), cost_per_destroyed(1e6, np.zeros(4), 0)):
        assert math.isnan(none.mean)  # no cost, or nothing destroyed: "—"
    row = cost_row({"x": steady, "y": steady}, {"x": 300e6, "y": None}, 0)
    assert row is not None and row.unit == "USD" and row.key == "cost_per_destroyed_usd/all"
    assert row.estimates["x"].mean == 100e6 and math.isnan(row.estimates["y"].mean)
    assert not row.differences["y"].comparable  # no paired test on a ratio
    assert cost_row({"x": steady}, {"x": None}, 0) is None
