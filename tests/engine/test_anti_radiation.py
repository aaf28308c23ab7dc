"""The anti-radiation missile: it flies at a radar's antenna and, arriving, puts that radar out
of action for the rest of the run; destroyed on the way, it leaves the radar working."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from iads.engine import events as ev
from iads.engine.base import Params
from iads.engine.run import run_batches
from iads.results.outcomes import per_replication
from iads.scenario.compile import Layout
from tests.engine.scenarios import (
    base,
    compiled,
    north_of,
    replace_radars,
    replace_threats,
    view,
    with_kill_probability,
    write,
)
from tests.test_cli import invoke

ARM, FIGHTER = 0, 1  # threat slots
FIRE_CONTROL = 1  # the 92N6E, after the 91N6E (base: one S-400 battalion at the origin)


def _raid(arm_km_north: float) -> list[dict[str, Any]]:
    """An ARM at the battalion's 92N6E from ``arm_km_north`` km north (negative: south) at 9 km,
    arriving after about 157 s, then a fighter from 130 km north at 160 s."""
    return [
        {
            "name": "arm",
            "threat": "arm_class",
            "count": 1,
            "target_radar": "bn/92N6E",
            "route": [north_of(arm_km_north, 9000.0)],
        },
        {
            "name": "fighter",
            "threat": "f16_class",
            "count": 1,
            "launch_time_s": 160.0,
            "target": "asset",
            "route": [north_of(130.0, 8000.0)],
        },
    ]


def _compiled(tmp_path: Path, arm_km_north: float) -> tuple[Params, Layout]:
    _, params, layout = compiled(tmp_path, base(duration_s=400.0, raid=_raid(arm_km_north)))
    return params, layout


def test_an_arm_flies_to_its_radars_antenna_and_counts_against_that_radar(tmp_path):
    params, layout = _compiled(tmp_path, -100.0)
    radar_pos = np.asarray(params.sensing.radars.pos_m)[FIRE_CONTROL]
    assert np.asarray(params.threats.target_radar)[: layout.n_threats].tolist() == [1, -1]
    assert layout.asset_names == ("asset", "bn/92N6E")
    assert layout.threat_asset.tolist() == [1, 0]
    np.testing.assert_allclose(np.asarray(params.asset_pos_m)[1], radar_pos)
    # the route ends at the antenna, 6 m up (catalog antenna_height_m), not at 9 km
    end = np.asarray(params.threats.waypoints_enu_m)[ARM, -1]
    np.testing.assert_allclose(end, [0.0, 0.0, 6.0], atol=1e-3)


def test_an_arm_that_arrives_blinds_its_radar_and_its_unit_engages_nothing_after(tmp_path):
    # From the south, outside the 92N6E's sector (threat axis north): the battalion never
    # engages the ARM. The 91N6E still sees all round.
    params, layout = _compiled(tmp_path, -100.0)
    runs = run_batches(params, 4, seed=1, batch_size=4)
    out = view(params, runs)
    arrival_s = 100.0e3 / 640.0  # ground range over the catalog speed
    assert np.all(np.abs(out.leaked_s[:, ARM] - arrival_s) <= 1.0)
    leak = runs.events.leak
    radar_pos = np.asarray(params.sensing.radars.pos_m)[FIRE_CONTROL]
    hit = np.linalg.norm(np.asarray(leak.pos_m)[:, ARM] - radar_pos, axis=-1)
    assert np.all(hit < 1.0)
    assert np.all(np.asarray(leak.kind)[:, ARM] == ev.LEAK)
    assert np.all(np.asarray(leak.radar)[:, ARM] == FIRE_CONTROL)
    assert per_replication(params, runs, layout)["leakers_by_asset"]["bn/92N6E"].tolist() == [1] * 4
    # The fighter, launched after, is seen by the 91N6E but never by the 92N6E: the battalion
    # never holds it, never engages it and fires nothing.
    held = np.asarray(runs.state.sensing.fc_first_seen_s)[:, 0, FIGHTER]
    assert np.all(np.isfinite(out.detect_s[:, FIGHTER]))
    assert np.all(np.isinf(held))
    assert not np.asarray(runs.state.c2.engaged)[:, FIGHTER].any()
    assert np.all(out.n_fired == 0)

    # The same run with the ARM aimed at no radar: the 92N6E holds and engages the fighter.
    aimless = replace_threats(params, target_radar=np.full_like(params.threats.target_radar, -1))
    control = run_batches(aimless, 4, seed=1, batch_size=4)
    assert np.all(np.isfinite(np.asarray(control.state.sensing.fc_first_seen_s)[:, 0, FIGHTER]))
    assert np.asarray(control.state.c2.engaged)[:, FIGHTER].all()


def test_the_radar_alone_detects_nothing_once_an_arm_has_reached_it(tmp_path):
    params, _ = _compiled(tmp_path, -100.0)
    # only the 92N6E looks: the 91N6E never searches
    frame = np.asarray(params.sensing.radars.search_frame_s).copy()
    frame[0] = 1e9
    blind = replace_radars(params, search_frame_s=frame)
    out = view(blind, run_batches(blind, 4, seed=1, batch_size=4))
    assert np.all(np.isfinite(out.leaked_s[:, ARM]))
    assert np.all(np.isinf(out.detect_s))
    aimless = replace_threats(blind, target_radar=np.full_like(blind.threats.target_radar, -1))
    seen = view(aimless, run_batches(aimless, 4, seed=1, batch_size=4))
    assert np.all(np.isfinite(seen.detect_s[:, FIGHTER]))


def test_an_arm_destroyed_on_the_way_leaves_its_radar_working(tmp_path):
    # From the north, into the 92N6E's sector; every end game kills.
    params, _ = _compiled(tmp_path, 100.0)
    runs = run_batches(with_kill_probability(params, 1.0), 4, seed=1, batch_size=4)
    out = view(params, runs)
    assert np.all(np.isfinite(out.killed_s[:, ARM])) and np.all(np.isinf(out.leaked_s[:, ARM]))
    held = np.asarray(runs.state.sensing.fc_first_seen_s)[:, 0, FIGHTER]
    assert np.all(held > out.killed_s[:, ARM])  # the 92N6E still detects after the ARM's end
    assert np.asarray(runs.state.c2.engaged)[:, FIGHTER].all()


def test_a_runs_summary_counts_the_arm_against_its_radar_and_the_report_says_so(tmp_path):
    scn = write(tmp_path, base(duration_s=200.0, raid=_raid(-100.0)[:1]))
    out = tmp_path / "out"
    res = invoke("run", str(scn), "--out", str(out), "--replications", "2")
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    leakers = {a["name"]: a["leakers"]["mean"] for a in summary["assets"]}
    assert leakers == {"asset": 0.0, "bn/92N6E": 1.0}
    assert "Anti-radiation missiles fly at bn/92N6E" in (out / "report.html").read_text()


def _arm_group(**over: Any) -> dict[str, Any]:
    group = {
        "name": "arm",
        "threat": "arm_class",
        "count": 1,
        "target_radar": "bn/92N6E",
        "route": [north_of(100.0, 9000.0)],
    }
    group.update(over)
    return group


def _scenario(group: dict[str, Any], **over: Any) -> dict[str, Any]:
    """``base`` with one raid group (a ``target_radar`` of None left out)."""
    group = {k: v for k, v in group.items() if v is not None}
    return base(raid=[group], **over)


CLASH = [{"name": "bn/92N6E", "lat_deg": 40.0, "lon_deg": 33.0}]

BAD = [
    (_scenario(_arm_group(target_radar="bx/92N6E")), "target_radar", "unknown battery 'bx'"),
    (_scenario(_arm_group(target_radar="bn/96L6E")), "target_radar", "radars: 91N6E, 92N6E"),
    (_scenario(_arm_group(target_radar="92N6E")), "target_radar", '"battery/radar"'),
    (
        _scenario(_arm_group(threat="subsonic_cruise_missile")),
        "target_radar",
        "does not home on radars",
    ),
    (_scenario(_arm_group(target="asset", target_radar=None)), "target", "homes on a radar"),
    (_scenario(_arm_group(target="asset")), "", "give either target"),
    (_scenario(_arm_group(route=[north_of(160.0, 9000.0)])), "route[0]", "reaches 150 km"),
    (_scenario(_arm_group(), assets=CLASH), "target_radar", "also an asset's name"),
]


@pytest.mark.parametrize(("scenario", "field", "problem"), BAD, ids=[b[2] for b in BAD])
def test_an_arm_aimed_at_no_radar_of_the_scenario_is_one_line_error_and_exit_2(
    tmp_path, scenario, field, problem
):
    scn = write(tmp_path, scenario, name="bad.yaml")
    where = f"raid[0].{field}:" if field else "raid[0]:"
    for cmd in (["validate", str(scn)], ["run", str(scn), "--out", str(tmp_path / "out")]):
        res = invoke(*cmd)
        assert res.exit_code == 2, res.output
        err = res.stderr.strip() if res.stderr else res.output.strip()
        assert len(err.splitlines()) == 1, err
        assert "bad.yaml" in err and where in err and problem in err, err
    assert not (tmp_path / "out").exists()
