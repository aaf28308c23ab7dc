"""The engine's skipped stages: skipping one gives exactly what computing it would have."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from iads.c2.assign import _any_held, _assign, assign
from iads.engine import step as es
from iads.engine.run import init_state
from tests.engine.scenarios import base, compiled


def _c2_at(params, state):  # type: ignore[no-untyped-def]
    """The command post's inputs at the start of a step from ``state``."""
    th = es.fly(params.threats, es._threat_inputs(state), state.threats)[1]
    picture = es.TrackPicture(confirmed=state.tracking.exists)
    view = es.fire_control_view(params)
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


def test_the_flyout_by_slot_groups_flies_what_the_flyout_of_all_slots_would(tmp_path) -> None:
    # Missiles do not interact in flight, so the flyout run on each group of slots (an idle
    # group skipped) is the flyout itself. Homing noise is drawn per group, so it is off here.
    scenario = base(duration_s=300.0, replications=1)
    scenario["batteries"][0]["doctrine"]["salvo_size"] = 4
    scenario["raid"][0]["spacing_s"] = 2.0
    _, params, _ = compiled(tmp_path, scenario)
    quiet = dataclasses.replace(
        params.flyout,
        homing_angle_noise_rad=jnp.zeros_like(params.flyout.homing_angle_noise_rad),
        homing_noise_floor_m=jnp.zeros_like(params.flyout.homing_noise_floor_m),
    )
    params = dataclasses.replace(params, flyout=quiet)
    key = jax.random.PRNGKey(0)
    state = init_state(params, key)

    def inputs_at(s):  # type: ignore[no-untyped-def]
        th = es.fly(params.threats, es._threat_inputs(s), s.threats)[1]
        picture = es.TrackPicture(confirmed=s.tracking.exists)
        view = es.fire_control_view(params)
        c2_in = es._c2_inputs(params, s, s.sensing, s.tracking, picture, th, view)
        orders = es.assign(params.c2, c2_in, s.c2)[1]
        fired = es.launch(
            params.launch, es._launch_inputs(params, s, s.tracking, orders, th), s.launch
        )[1]
        holds = es.fc_holds(view, s.sensing.fc_last_seen_s, s.t_s)
        return es._flyout_inputs(params, s.t_s, th, fired, s.tracking, holds, s.threats.evade_s)

    groups = es.slot_groups(state.flyout.alive.shape[1])
    assert len(groups) == 2
    upper = slice(*groups[1])

    def compare(s, _):  # type: ignore[no-untyped-def]
        inputs = inputs_at(s)
        (ma, ea), (mb, eb) = (
            es._fly_slot_groups(params, inputs, s.flyout, key, None),
            es.flyout(params.flyout, inputs, s.flyout, key),
        )
        pairs = zip(jax.tree.leaves(ma), jax.tree.leaves(mb), strict=True)
        diff = [jnp.max(jnp.abs(x.astype(float) - y.astype(float))) for x, y in pairs]
        # how a flight ended, where one did (the rest of the record is not read)
        ended = eb.ended
        diff += [
            jnp.max(jnp.where(ended, jnp.abs(x - y), 0.0))
            for x, y in ((ea.miss_distance_m, eb.miss_distance_m), (ea.end_time_s, eb.end_time_s))
        ]
        diff += [jnp.max(jnp.where(ended[..., None], jnp.abs(ea.end_pos_m - eb.end_pos_m), 0.0))]
        diff += [jnp.any(ea.ended != ended), jnp.any(ea.fuzed != eb.fuzed)]
        busy = jnp.any(s.flyout.alive[:, upper]) | jnp.any(inputs.fired.new[:, upper])
        return es.step(params, s, key)[0], (jnp.max(jnp.stack(diff).astype(float)), busy)

    _, (diff, busy) = jax.jit(lambda s: jax.lax.scan(compare, s, None, length=280))(state)
    assert float(np.max(diff)) < 1e-3  # metres, m/s, kg, s: float32 rounding at most
    assert bool(np.any(busy)) and not bool(np.all(busy))  # both branches of the upper group
