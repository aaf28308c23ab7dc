"""Radars by role: sector search on a time budget, cueing by the surveillance picture, masts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iads.catalog import load_catalog
from iads.engine.run import run_batches
from iads.errors import InputError
from iads.scenario.compile import search_frame_s
from tests.engine.scenarios import (
    base,
    compiled,
    north_of,
    replace_radars,
    replace_threats,
    run,
)


def test_a_sector_radars_search_frame_is_its_time_budget():
    # Known answer worked out by hand from the catalog: the 92N6E's 1.61 deg pencil beam
    # (gain 42 dB: sqrt(4 pi / 10^4.2) = 0.028158 rad) tiles its 90 deg x 86 deg sector in
    # (pi/2)(86 pi/180) / 0.028158^2 = 2,973.6 beams of 21.3 ms: 63.3 s a frame.
    r = load_catalog().radars["92N6E"]
    beams = (math.pi / 2) * math.radians(86.0) / 0.028158**2
    assert search_frame_s(r) == pytest.approx(beams * 0.0213, rel=1e-3)
    assert search_frame_s(r) == pytest.approx(63.3, abs=0.1)
    assert search_frame_s(load_catalog().radars["91N6E"]) == 10.0  # rotating: its period


def _crossing(tmp_path, **battery):  # type: ignore[no-untyped-def]
    """Large drones all round the battery at 40 km, 3 km up (well inside every radar's cover)."""
    raid = [
        {
            "name": f"az{az}",
            "threat": "one_way_attack_drone",
            "count": 1,
            "target": "asset",
            "route": [
                {
                    "lat_deg": 40.0 + 40.0 * math.cos(math.radians(az)) / 111.0,
                    "lon_deg": 33.0 + 40.0 * math.sin(math.radians(az)) / 85.0,
                    "alt_m": 3000.0,
                }
            ],
        }
        for az in range(0, 360, 30)
    ]
    d = base(duration_s=200.0, raid=raid)
    d["batteries"][0].update(battery)
    return compiled(tmp_path, d)


def test_a_sector_radar_never_detects_outside_its_sector(tmp_path):
    _, params, layout = _crossing(tmp_path, threat_axis_deg=90.0)  # facing east
    # Only the 92N6E looks, searching its sector every step; big targets it cannot miss.
    p = replace_radars(
        params,
        search_frame_s=np.array([1e9, 1.0]),
        track_revisit_s=np.array([np.inf, np.inf]),
    )
    p = replace_threats(p, rcs_m2=np.full_like(p.threats.rcs_m2, 1.0e4))
    out = run(p, 4, seed=3, batch_size=4)
    az = np.asarray([int(g[2:]) for g in layout.threat_group])
    inside = np.abs((az - 90.0 + 180.0) % 360.0 - 180.0) <= 45.0
    assert inside.sum() == 3  # 60, 90, 120 deg
    seen = np.isfinite(out.detect_s)
    assert seen[:, inside].all()
    assert not seen[:, ~inside].any()


def _held_times(params) -> np.ndarray:  # type: ignore[no-untyped-def]
    """When the battery's fire-control radar first held the threat, per replication."""
    runs = run_batches(params, 32, seed=4, batch_size=32)
    return np.asarray(runs.state.sensing.fc_first_seen_s)[:, 0, 0]


def test_a_cued_fire_control_radar_holds_a_target_it_alone_would_find_late(tmp_path):
    # One fighter from 150 km north. The 92N6E searches its sector once a minute (its time
    # budget); the 91N6E sees the fighter within a rotation, and its track cues the 92N6E,
    # which then looks every 1.5 s. Alone (no surveillance radar, no cue), the 92N6E holds it
    # only when its slow search comes round.
    raid = [
        {
            "name": "f",
            "threat": "f16_class",
            "count": 1,
            "target": "asset",
            "route": [north_of(150.0, 8000.0)],
        }
    ]
    _, params, _ = compiled(tmp_path, base(duration_s=200.0, raid=raid))
    slow = replace_radars(params, search_frame_s=np.array([10.0, 120.0]))
    cued = _held_times(slow)
    # the 91N6E never looks: nothing cues
    alone = _held_times(replace_radars(slow, search_frame_s=np.array([1e9, 120.0])))
    # cued: a rotation (10 s) to find it, then a cued look within 1.5 s (P_d < 1: some later)
    assert np.median(cued) <= 10.0, cued
    # alone: at the search frame's first pass, uniform over 120 s (mean 60 s, sd 6 s of 32)
    assert alone.mean() > 35.0, alone
    assert alone.mean() > cued.mean() + 25.0, (cued.mean(), alone.mean())


def test_a_mast_raises_the_radar_and_its_horizon(tmp_path):
    d = base()
    d["batteries"][0]["radars"] = ["96L6E"]
    d["batteries"][0]["mast"] = {"type": "40V6M", "radar": "96L6E"}
    scn, params, layout = compiled(tmp_path, d)
    assert layout.radar_names == ("bn/91N6E", "bn/92N6E", "bn/96L6E")
    mast = scn.catalog.masts["40V6M"].height_m.value
    from iads.geo.sphere import altitude_m

    heights = np.asarray(altitude_m(np.asarray(params.sensing.radars.pos_m)))[:3]
    np.testing.assert_allclose(heights, [8.0, 6.0, mast], atol=0.01)


@pytest.mark.parametrize(
    ("battery", "field", "words"),
    [
        ({"threat_axis_deg": None}, "batteries[0].threat_axis_deg", "searches a sector"),
        ({"radars": ["91N6E"]}, "batteries[0].radars[0]", "not an optional radar"),
        ({"mast": {"type": "40V6MD", "radar": "92N6E"}}, "batteries[0].mast.type", "not a mast"),
        ({"mast": {"type": "40V6M", "radar": "91N6E"}}, "batteries[0].mast.radar", "carries"),
    ],
)
def test_battery_radar_errors_name_the_field(tmp_path, battery, field, words):
    d = base()
    d["batteries"][0].update(battery)
    d["batteries"][0] = {k: v for k, v in d["batteries"][0].items() if v is not None}
    with pytest.raises(InputError) as info:
        compiled(tmp_path, d)
    assert field in str(info.value) and words in str(info.value)
