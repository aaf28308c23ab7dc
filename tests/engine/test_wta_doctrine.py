"""The ``wta`` assignment doctrine end to end: the engine runs the plan inside its step."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine.scenarios import base, compiled, run


@pytest.mark.slow
def test_with_rounds_to_spare_the_plan_destroys_what_greedy_destroys(tmp_path, fighters):  # type: ignore[no-untyped-def]
    d = base()
    d["batteries"][0]["doctrine"]["assignment"] = "wta"
    _, params, _ = compiled(tmp_path, d)
    assert params.c2.wta_round_slots >= 20  # 4 x 4 48N6E3 + 4 9M96E2
    planned = run(params, 4, 11, 4)
    greedy = run(fighters[1], 4, 11, 4)
    # Four fighters, twenty rounds: both rules kill every fighter before it reaches the asset.
    assert np.all(np.isfinite(greedy.killed_s)) and np.all(np.isfinite(planned.killed_s))
    assert np.all(np.isnan(planned.leaked_s) | np.isinf(planned.leaked_s))
    # never more rounds than the launchers hold, each at a live threat
    fired = planned.missiles.fired
    assert np.all(fired.sum(axis=1) <= 20)
    assert np.all(planned.missiles.target[fired] >= 0)
