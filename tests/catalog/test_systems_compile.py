"""Every catalog system compiles into engine params as its catalog entry says: a battery of it,
with every launcher type and missile it lists, reaches the engine with its fire-control radar's
channels and each missile's seeker band (a Ka-band PAC-3 seeker as Ka, not X)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from iads.catalog import load_catalog
from iads.catalog.base import BANDS
from iads.scenario.compile import compile_scenario, load_scenario, scenario_missile_types

CAT = load_catalog()


def _scenario(system: str) -> dict[str, Any]:
    """One battery of ``system``: one launcher of each type, each with a missile it carries,
    so that every missile of the system is loaded; one fighter and one ballistic missile."""
    sys_ = CAT.systems[system]
    launchers = []
    for missile in sys_.missiles:
        launcher = next(
            k for k in sys_.launchers if missile in CAT.launchers[k].missiles_per_launcher
        )
        launchers.append({"type": launcher, "count": 1, "missile": missile})
    return {
        "schema_version": 1,
        "name": f"one {system} battery",
        "origin": {"lat_deg": 39.9, "lon_deg": 32.9},
        "duration_s": 60,
        "time_step_s": 1.0,
        "seed": 1,
        "replications": 1,
        "assets": [{"name": "city", "lat_deg": 39.9, "lon_deg": 32.9, "alt_m": 0, "value": 1}],
        "batteries": [
            {
                "name": "b1",
                "system": system,
                "threat_axis_deg": 180,
                "lat_deg": 39.8,
                "lon_deg": 32.9,
                "alt_m": 0,
                "launchers": launchers,
                "doctrine": {"salvo_size": 1, "policy": "shoot-look-shoot"},
            }
        ],
        "raid": [
            {
                "name": "fighters",
                "threat": "su35_class",
                "count": 1,
                "launch_time_s": 0,
                "target": "city",
                "route": [{"lat_deg": 38.9, "lon_deg": 32.9, "alt_m": 6000}],
            },
            {
                "name": "ballistic",
                "threat": "iskander_class",
                "count": 1,
                "launch_time_s": 0,
                "target": "city",
                "route": [{"lat_deg": 37.9, "lon_deg": 33.5, "alt_m": 0}],
            },
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("system", sorted(CAT.systems))
def test_a_battery_of_every_system_reaches_the_engine_with_its_channels_and_seekers(
    system: str, tmp_path: Path
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(_scenario(system), sort_keys=False), encoding="utf-8")
    scn = load_scenario(path, CAT)
    params, _ = compile_scenario(scn)
    radar = CAT.radars[CAT.fire_control_radar(system)]
    assert int(params.c2.units.target_channels[0]) == radar.target_channels.value  # type: ignore[union-attr]
    types = scenario_missile_types(scn.spec, CAT)
    assert set(types) == set(CAT.systems[system].missiles)
    bands = np.asarray(params.flyout.seeker_band)
    for k, key in enumerate(types):
        guidance = CAT.missiles[key].guidance
        if guidance.type == "active":
            assert BANDS[int(bands[k])] == guidance.seeker_band, key
