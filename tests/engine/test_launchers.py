"""Launchers at their own sites, with mixed loads and reloads.

One compiled engine serves the behaviour tests: a battalion whose two launchers stand on a
2 km ring, each with a (test-only) mixed load of two 48N6E3 and eight 9M96E2 and one reload,
against fighters from afar and cruise missiles close in.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from iads.catalog import Figure, load_catalog
from iads.catalog.base import Launcher
from iads.errors import InputError
from iads.scenario.compile import compile_scenario, load_scenario
from tests.engine.scenarios import ORIGIN, base, north_of, run, write

RING_M = 2000.0
RELOAD_S = 40.0  # the catalog's 30 min, shortened (a value: no recompilation) to fit the run
MIX = "test 2x48N6E3 + 8x9M96E2"


def _figure(value: float) -> Figure:
    return Figure(value=value, basis="modelling", source="test value, not a published load")


def _catalog(reload: bool = True):  # type: ignore[no-untyped-def]
    """The packaged catalog with a test-only mixed load on the 5P85TE2 (none is published)."""
    cat = load_catalog()
    te2 = cat.launchers["5P85TE2"]
    update: dict[str, Any] = {"mixed_loads": {MIX: {"48N6E3": _figure(2), "9M96E2": _figure(8)}}}
    if not reload:
        update["reload_time_s"] = None
    launchers = {**cat.launchers, "5P85TE2": Launcher.model_validate(te2.model_dump() | update)}
    return dataclasses.replace(cat, launchers=launchers)


def _scenario(**group: Any) -> dict[str, Any]:
    d = base(duration_s=600.0)
    d["batteries"][0]["launchers"] = [
        {"type": "5P85TE2", "count": 2, "load": MIX, "ring_m": RING_M, "reloads": 1, **group}
    ]
    d["raid"] = [
        {
            "name": "fighters",
            "threat": "f16_class",
            "count": 6,
            "spacing_s": 15.0,
            "target": "asset",
            "route": [north_of(160.0, 8000.0)],
        },
        {
            "name": "cruise",
            "threat": "subsonic_cruise_missile",
            "count": 12,
            "spacing_s": 10.0,
            "launch_time_s": 100.0,
            "target": "asset",
            "route": [north_of(60.0, 50.0)],
        },
    ]
    return d


@pytest.fixture(scope="module")
def battalion(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = write(tmp_path_factory.mktemp("launchers"), _scenario())
    scn = load_scenario(path, _catalog())
    params, layout = compile_scenario(scn)
    lp = params.launch
    short = dataclasses.replace(lp, reload_time_s=np.where(lp.valid, RELOAD_S, np.inf))
    params = dataclasses.replace(params, launch=short)
    return params, layout, run(params, 6, seed=3, batch_size=6)


def test_launchers_stand_on_their_ring_and_launch_from_there(battalion) -> None:
    params, layout, out = battalion
    pos = np.asarray(params.launch.pos_m)[np.asarray(params.launch.valid)]
    assert pos.shape[0] == 2
    # Due north and due south of the battery, 2 km out (the frame's origin is the battery).
    assert np.hypot(pos[:, 0], pos[:, 1]) == pytest.approx([RING_M, RING_M], abs=1.0)
    assert pos[0, 1] == pytest.approx(RING_M, abs=1.0)
    assert pos[1, 1] == pytest.approx(-RING_M, abs=1.0)
    m = out.missiles
    assert m.fired.sum() > 0
    height = np.asarray(params.launch.launch_height_m)[m.launcher[m.fired]]
    origin = pos[m.launcher[m.fired]]
    # Every launch row is at its own launcher (raised by the launch height), not the battery.
    dist = np.linalg.norm(m.launch_pos_m[m.fired] - origin, axis=-1)
    assert np.allclose(dist, height, atol=0.5)
    assert set(np.unique(m.launcher[m.fired])) == {0, 1}
    assert layout.launcher_names[:2] == ("bn/5P85TE2 #1", "bn/5P85TE2 #2")


def test_a_mixed_load_fires_both_types_from_one_launcher(battalion) -> None:
    params, layout, out = battalion
    k = {name: i for i, name in enumerate(layout.missile_types)}
    inv = np.asarray(params.launch.inventory)[:2]
    assert inv[:, k["48N6E3"]].tolist() == [2, 2]
    assert inv[:, k["9M96E2"]].tolist() == [8, 8]
    m = out.missiles
    both = [
        len(set(m.kind[r][m.fired[r] & (m.launcher[r] == n)])) == 2
        for r in range(m.fired.shape[0])
        for n in (0, 1)
    ]
    assert any(both), "some launcher fired both its 48N6E3 and its 9M96E2 rounds"


def test_an_empty_launcher_is_reloaded_after_its_reload_time(battalion) -> None:
    params, _, out = battalion
    m = out.missiles
    per_load = int(np.asarray(params.launch.inventory)[0].sum())  # 10 rounds
    reloaded = 0
    for r in range(m.fired.shape[0]):
        for n in (0, 1):
            t = np.sort(m.launch_time_s[r][m.fired[r] & (m.launcher[r] == n)])
            assert len(t) <= 2 * per_load  # the load and one reload, never more
            if len(t) > per_load:
                reloaded += 1
                # The reload starts when the last round of the load leaves: the next round
                # comes at least the reload time later.
                assert t[per_load] - t[per_load - 1] >= RELOAD_S - 1e-3
    assert reloaded > 0, "the raid empties a launcher, which is reloaded and fires again"


def test_without_reloads_a_launcher_fires_its_load_only(battalion) -> None:
    params, _, _ = battalion
    none = dataclasses.replace(params.launch, reloads=np.zeros_like(params.launch.reloads))
    out = run(dataclasses.replace(params, launch=none), 6, seed=3, batch_size=6)
    m = out.missiles
    per_load = int(np.asarray(params.launch.inventory)[0].sum())
    for r in range(m.fired.shape[0]):
        for n in (0, 1):
            assert np.sum(m.fired[r] & (m.launcher[r] == n)) <= per_load


# --- bad input: one line naming file and field ------------------------------------------------


def _error(tmp_path: Path, catalog=None, **group: Any) -> str:  # type: ignore[no-untyped-def]
    path = write(tmp_path, _scenario(**group))
    with pytest.raises(InputError) as info:
        load_scenario(path, catalog or _catalog())
    msg = str(info.value)
    assert str(path) in msg and "\n" not in msg
    return msg


def test_a_launcher_beyond_the_systems_distance_names_its_site(tmp_path: Path) -> None:
    far = {"lat_deg": 40.2, "lon_deg": 33.0}  # ~22 km north
    msg = _error(tmp_path, ring_m=None, sites=[dict(ORIGIN), far])
    assert "batteries[0].launchers[0].sites[1]" in msg
    assert "launcher_max_distance_m" in msg


def test_a_ring_beyond_the_systems_distance_is_refused(tmp_path: Path) -> None:
    assert "launchers[0].ring_m" in _error(tmp_path, ring_m=50_000.0)


def test_sites_must_match_the_count(tmp_path: Path) -> None:
    msg = _error(tmp_path, ring_m=None, sites=[dict(ORIGIN)])
    assert "1 sites for 2 launchers" in msg


def test_an_unknown_mixed_load_lists_the_known_ones(tmp_path: Path) -> None:
    msg = _error(tmp_path, load="4x40N6E")
    assert "launchers[0].load" in msg and MIX in msg


def test_a_launcher_type_that_is_not_reloaded_refuses_reloads(tmp_path: Path) -> None:
    msg = _error(tmp_path, catalog=_catalog(reload=False))
    assert "launchers[0].reloads" in msg and "not reloaded" in msg


def test_a_group_needs_exactly_one_of_missile_and_load(tmp_path: Path) -> None:
    assert "either missile or load" in _error(tmp_path, missile="48N6E3")
