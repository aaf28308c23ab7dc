"""Salvos still undecided at each threat, counted per unit: the count over the whole salvo
table (one row per salvo, active when a missile of it flies or its unit still fires it)."""

from __future__ import annotations

import types

import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.arrays import scatter_add, scatter_any
from iads.c2.assign import undecided_salvos


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_each_active_salvo_row_is_counted_once_at_its_threat(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_units, n_slots, n_threats = (int(n) for n in rng.integers(1, 5, 3))
    n_rows = int(rng.integers(n_units, 4 * n_units + 2))
    # a salvo row belongs to one unit (row % U here); -1 and rows past the table: no salvo
    owned = [[r for r in range(n_rows + 3) if r % n_units == u] + [-1] for u in range(n_units)]
    missile_salvo = np.stack([rng.choice(owned[u], n_slots) for u in range(n_units)])
    salvo_row = np.array([rng.choice(owned[u]) for u in range(n_units)])
    missile_alive = rng.random((n_units, n_slots)) < 0.6
    salvo_left = jnp.asarray(rng.integers(0, 3, n_units), jnp.int32)
    salvo_target = jnp.asarray(rng.integers(-1, n_threats, n_rows), jnp.int32)
    inputs = types.SimpleNamespace(
        missile_salvo=jnp.asarray(missile_salvo, jnp.int32),
        salvo_row=jnp.asarray(salvo_row, jnp.int32),
        missile_alive=jnp.asarray(missile_alive),
    )
    active = scatter_any(inputs.missile_salvo, inputs.missile_alive, n_rows) | scatter_any(
        inputs.salvo_row, salvo_left > 0, n_rows
    )
    want = scatter_add(salvo_target, active.astype(jnp.int32), n_threats)
    got = undecided_salvos(salvo_target, inputs, salvo_left, n_threats)  # type: ignore[arg-type]
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
