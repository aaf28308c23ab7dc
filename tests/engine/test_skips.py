"""The engine's skipped stages: skipping one gives exactly what computing it would have."""

from __future__ import annotations

import jax
import numpy as np

from iads.c2.assign import _any_held, _assign, assign
from iads.engine import step as es
from iads.engine.run import init_state
from tests.engine.scenarios import base, compiled


def _c2_at(params, state):  # type: ignore[no-untyped-def]
    """The command post's inputs at the start of a step from ``state``."""
    th = es.fly(params.threats, es._threat_inputs(state), state.threats)[1]
    picture = es.TrackPicture(confirmed=state.tracking.exists)
    n_radars = params.sensing.radars.valid.shape[0]
    out = es.radars_struck(params.threats, state.threats.leaked_s, n_radars)
    view = es.fire_control_view(params, out)
    return es._c2_inputs(params, state, state.sensing, state.tracking, picture, th, view)


def test_an_assignment_skipped_for_want_of_a_held_threat_orders_what_the_full_one_would(
    tmp_path,
) -> None:
    _, params, _ = compiled(tmp_path, base(duration_s=400.0, replications=1))
    seen_idle = seen_busy = False
    key = jax.random.PRNGKey(0)
    state = init_state(params, key)
    step = jax.jit(lambda s: es.step(params, s, key)[0])
    c2_at = jax.jit(lambda s: _c2_at(params, s))
    skip = jax.jit(lambda i, c: assign(params.c2, i, c))
    compute = jax.jit(lambda i, c: _assign(params.c2, i, c, None))
    for _ in range(360):
        state = step(state)
        inputs = c2_at(state)
        held = bool(_any_held(params.c2, inputs))
        seen_idle |= not held
        seen_busy |= bool(held)
        skipped = skip(inputs, state.c2)
        full = compute(inputs, state.c2)
        for a, b in zip(jax.tree.leaves(skipped), jax.tree.leaves(full), strict=True):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert seen_idle and seen_busy  # both branches were compared
