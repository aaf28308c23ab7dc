"""The event log's record: writing a step's events costs what is new, and the log it keeps is
bit for bit the log the one-hot write kept (issue 12)."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.arrays import precision, scatter_set
from iads.engine import events as ev


def _reference_at_rows(
    log: ev.Events, new: ev.Events, row: jax.Array, fields: tuple[str, ...] = ev._FIELDS
) -> ev.Events:
    """The one-hot write ``record`` used before issue 12, kept as the reference."""
    row = jnp.where(new.kind != ev.NONE, row, log.kind.shape[0])
    return dataclasses.replace(
        log, **{f: scatter_set(getattr(log, f), row, getattr(new, f)) for f in fields}
    )


def _reference_record(log: ev.EventLog, new: ev.StepEvents) -> ev.EventLog:
    return ev.EventLog(
        detect=ev._first(log.detect, new.detect),
        track=ev._first(log.track, new.track),
        leak=ev._first(log.leak, new.leak),
        assign=_reference_at_rows(log.assign, new.assign, new.assign_row),
        launch=_reference_at_rows(log.launch, new.launch, new.launch_row),
        end=_reference_at_rows(log.end, new.end, new.end_row, ev._END_FIELDS),
    )


def _random_events(
    rng: np.random.Generator, shape: tuple[int, ...], dtype: type, p_event: float
) -> ev.Events:
    """Events with random fields: some rows no event; floats with -0.0, NaN and infinities."""

    def floats(s: tuple[int, ...]) -> np.ndarray:
        x = rng.normal(scale=1e4, size=s).astype(dtype)
        special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf], dtype)
        pick = rng.random(s) < 0.2
        return np.where(pick, rng.choice(special, size=s), x)

    ints = lambda: rng.integers(-1, 50, size=shape).astype(np.int32)  # noqa: E731
    kind = np.where(
        rng.random(shape) < p_event, rng.integers(1, len(ev.EVENT_KINDS), size=shape), ev.NONE
    ).astype(np.int32)
    return ev.Events(
        kind=jnp.asarray(kind),
        time_s=jnp.asarray(floats(shape)),
        threat=jnp.asarray(ints()),
        unit=jnp.asarray(ints()),
        radar=jnp.asarray(ints()),
        launcher=jnp.asarray(ints()),
        missile=jnp.asarray(ints()),
        missile_type=jnp.asarray(ints()),
        pos_m=jnp.asarray(floats((*shape, 3))),
    )


def _random_rows(
    rng: np.random.Generator, batch: tuple[int, ...], n: int, n_rows: int, kind: np.ndarray
) -> jax.Array:
    """Row per new entry: unique among entries with an event, some of them -1 or past the
    log's ``n_rows`` (to be dropped); entries without an event get any row, repeats too."""
    out = np.empty((*batch, n), np.int32)
    for b in np.ndindex(*batch):
        unique = rng.permutation(n_rows + n)[:n]  # up to n past the capacity
        unique = np.where(rng.random(n) < 0.1, -1, unique)
        anything = rng.integers(-2, n_rows + 2, size=n)
        out[b] = np.where(kind[b] != ev.NONE, unique, anything)
    return jnp.asarray(out)


def _bits(a: jax.Array) -> np.ndarray:
    x = np.asarray(a)
    return x.view(f"u{x.dtype.itemsize}") if x.dtype.kind == "f" else x


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_threats=st.sampled_from([1, 4]),
    n_units=st.sampled_from([1, 3, 8]),
    n_slots=st.sampled_from([1, 4]),
    n_launchers=st.sampled_from([1, 6]),
    n_salvos=st.sampled_from([1, 5, 24]),
    n_missiles=st.sampled_from([1, 7, 40]),
    p_event=st.sampled_from([0.0, 0.5, 1.0]),
    batch=st.sampled_from([(), (3,)]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_record_writes_the_same_log_as_the_one_hot_reference(
    seed: int,
    n_threats: int,
    n_units: int,
    n_slots: int,
    n_launchers: int,
    n_salvos: int,
    n_missiles: int,
    p_event: float,
    batch: tuple[int, ...],
    dtype: type,
) -> None:
    """No new events, all new, rows past the capacity (dropped), -1 rows, padded entries
    without an event that name any row; a log already part full; -0.0, NaN, inf values;
    float32 and float64; one replication and a vmapped batch."""
    rng = np.random.default_rng(seed)
    with precision(dtype):
        n_ends = n_units * n_slots
        log = ev.EventLog(
            detect=_random_events(rng, (*batch, n_threats), dtype, 0.5),
            track=_random_events(rng, (*batch, n_threats), dtype, 0.5),
            leak=_random_events(rng, (*batch, n_threats), dtype, 0.5),
            assign=_random_events(rng, (*batch, n_salvos), dtype, 0.3),
            launch=_random_events(rng, (*batch, n_missiles), dtype, 0.3),
            end=_random_events(rng, (*batch, n_missiles), dtype, 0.3),
        )
        parts = {
            "detect": _random_events(rng, (*batch, n_threats), dtype, p_event),
            "track": _random_events(rng, (*batch, n_threats), dtype, p_event),
            "leak": _random_events(rng, (*batch, n_threats), dtype, p_event),
            "assign": _random_events(rng, (*batch, n_units), dtype, p_event),
            "launch": _random_events(rng, (*batch, n_launchers), dtype, p_event),
            "end": _random_events(rng, (*batch, n_ends), dtype, p_event),
        }
        rows = {
            f"{k}_row": _random_rows(rng, batch, n, cap, np.asarray(parts[k].kind))
            for k, n, cap in (
                ("assign", n_units, n_salvos),
                ("launch", n_launchers, n_missiles),
                ("end", n_ends, n_missiles),
            )
        }
        step = ev.StepEvents(**parts, **rows)
        new, reference = (ev.record, _reference_record)
        if batch:
            new, reference = jax.vmap(new), jax.vmap(reference)
        got, want = jax.jit(new)(log, step), jax.jit(reference)(log, step)
        _assert_same_bits(got, want)
        _assert_same_bits(new(log, step), reference(log, step))


def _assert_same_bits(got: ev.EventLog, want: ev.EventLog) -> None:
    """Every field of every row equal bit for bit (NaN payloads and the sign of zero too)."""
    assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(want)
    got_leaves, want_leaves = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    for g, w in zip(got_leaves, want_leaves, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(_bits(g), _bits(w))
