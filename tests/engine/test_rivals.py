"""The tender's rivals in the engine: what their catalog entries say decides what they can do.

- The S-300VM's 9M82M has a published ballistic-target range and the 9M83M none, so against
  ballistic missiles only the 9M82M is fired.
- Patriot's AN/MPQ-65 is its only radar and searches a sector: a threat behind it is never
  seen, so never engaged; the same threat ahead of it is.
"""

from __future__ import annotations

import numpy as np

from tests.engine.scenarios import base, compiled, north_of, run


def _battery(system: str, axis_deg: float, launchers: list[dict]) -> dict:  # type: ignore[type-arg]
    return {
        "name": "bty",
        "system": system,
        "threat_axis_deg": axis_deg,
        "lat_deg": 40.0,
        "lon_deg": 33.0,
        "alt_m": 0.0,
        "launchers": launchers,
        "doctrine": {"salvo_size": 2, "policy": "shoot-look-shoot"},
    }


def test_the_s300vm_fires_only_its_9m82m_at_ballistic_missiles(tmp_path) -> None:
    launchers = [
        {"type": "9A82M", "count": 2, "missile": "9M82M"},
        {"type": "9A83M", "count": 2, "missile": "9M83M"},
    ]
    raid = [
        {
            "name": "bm",
            "threat": "srbm",
            "count": 2,
            "spacing_s": 20.0,
            "target": "asset",
            "route": [north_of(250.0, 0.0)],
        }
    ]
    scenario = base(duration_s=260.0, batteries=[_battery("S-300VM", 0.0, launchers)], raid=raid)
    _, params, layout = compiled(tmp_path, scenario)
    kinds = list(layout.missile_types)
    ballistic_range = np.asarray(params.c2.envelope.ballistic_range_m)
    assert ballistic_range[kinds.index("9M83M")] == 0.0
    assert ballistic_range[kinds.index("9M82M")] > 0.0
    out = run(params, 4, seed=3, batch_size=4)
    fired = out.missiles.fired
    assert fired.sum() > 0  # the ballistic missiles are engaged
    assert set(out.missiles.kind[fired].tolist()) == {kinds.index("9M82M")}


def test_patriots_sector_radar_does_not_see_a_fighter_behind_it(tmp_path) -> None:
    launchers = [{"type": "M903", "count": 2, "missile": "GEM-T"}]
    raid = [
        {
            "name": "f",
            "threat": "f16_class",
            "count": 1,
            "target": "asset",
            "route": [north_of(-120.0, 6000.0)],  # from the south
        }
    ]
    seen = {}
    for axis in (0.0, 180.0):
        scenario = base(
            duration_s=500.0, batteries=[_battery("Patriot", axis, launchers)], raid=raid
        )
        _, params, _ = compiled(tmp_path, scenario)
        out = run(params, 2, seed=1, batch_size=2)
        seen[axis] = (np.isfinite(out.detect_s[:, 0]), out.missiles.fired.sum())
    behind, ahead = seen[0.0], seen[180.0]
    assert not behind[0].any() and behind[1] == 0  # facing north: never seen, never engaged
    assert ahead[0].all() and ahead[1] > 0  # facing south: seen and engaged
