"""The engine's event record: one fixed-size record type for every kind of event.

Each step returns its events (:class:`StepEvents`); the run keeps them in an
:class:`EventLog` whose rows are laid out by purpose, so that recording is a masked write, not
a search: threat rows (first detection, first confirmed track, leak) by threat slot, salvo
rows by salvo id, missile rows (launch, end of flight) by missile id.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
from jax import Array

#: Event kinds, by code (0: no event in this row).
EVENT_KINDS = ("none", "detect", "track", "assign", "launch", "intercept", "miss", "leak")
NONE, DETECT, TRACK, ASSIGN, LAUNCH, INTERCEPT, MISS, LEAK = range(len(EVENT_KINDS))


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Events:
    """Events [N]: each row one event, or ``kind == NONE``. Indices are -1 where not relevant."""

    kind: Array  # [N] int32 code into EVENT_KINDS
    time_s: Array  # [N]
    threat: Array  # [N] int32
    unit: Array  # [N] int32 fire unit
    radar: Array  # [N] int32 the radar that saw the threat (detect), that it hit (leak)
    launcher: Array  # [N] int32
    missile: Array  # [N] int32 missile id (order fired)
    missile_type: Array  # [N] int32
    pos_m: Array  # [N, 3] where: the threat; a launch: the launcher; an end: the missile


def events(
    n: int | tuple[int, ...],
    dtype: Any,
    *,
    kind: Array | int = NONE,
    time_s: Array | float = jnp.nan,
    threat: Array | int = -1,
    unit: Array | int = -1,
    radar: Array | int = -1,
    launcher: Array | int = -1,
    missile: Array | int = -1,
    missile_type: Array | int = -1,
    pos_m: Array | float = jnp.nan,
) -> Events:
    """Events of shape ``n`` with the given fields broadcast (defaults: no event)."""
    shape = (n,) if isinstance(n, int) else n
    i32 = lambda x: jnp.broadcast_to(jnp.asarray(x, jnp.int32), shape)  # noqa: E731
    return Events(
        kind=i32(kind),
        time_s=jnp.broadcast_to(jnp.asarray(time_s, dtype), shape),
        threat=i32(threat),
        unit=i32(unit),
        radar=i32(radar),
        launcher=i32(launcher),
        missile=i32(missile),
        missile_type=i32(missile_type),
        pos_m=jnp.broadcast_to(jnp.asarray(pos_m, dtype), (*shape, 3)),
    )


def flat(ev: Events) -> Events:
    """Events of any shape as one row axis."""
    n = ev.kind.size
    return jax.tree_util.tree_map(lambda a: a.reshape((n, *a.shape[ev.kind.ndim :])), ev)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class StepEvents:
    """One step's events, by purpose; ``*_row`` says which log row each one goes to."""

    detect: Events  # [J] threats detected this step
    track: Events  # [J] tracks confirmed
    leak: Events  # [J] threats that reached their asset
    assign: Events  # [U] new salvos
    assign_row: Array  # [U] salvo id (out of range: none)
    launch: Events  # [N] rounds fired, by launcher
    launch_row: Array  # [N] missile id
    end: Events  # [U * M] flights ended (intercept or miss)
    end_row: Array  # [U * M]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class EventLog:
    """A whole run's events, rows by purpose (see the module docstring)."""

    detect: Events  # [J] first detection of each threat
    track: Events  # [J] first confirmed track of each threat
    leak: Events  # [J]
    assign: Events  # [G] by salvo id
    launch: Events  # [L] by missile id
    end: Events  # [L] by missile id

    def segments(self) -> tuple[Events, ...]:
        """The log's parts in a fixed order."""
        return (self.detect, self.track, self.leak, self.assign, self.launch, self.end)


def empty_log(n_threats: int, n_salvos: int, n_missiles: int, dtype: Any) -> EventLog:
    """A log with no events."""
    return EventLog(
        detect=events(n_threats, dtype),
        track=events(n_threats, dtype),
        leak=events(n_threats, dtype),
        assign=events(n_salvos, dtype),
        launch=events(n_missiles, dtype),
        end=events(n_missiles, dtype),
    )


def _first(log: Events, new: Events) -> Events:
    """Threat rows: keep each row's first event."""
    take = (new.kind != NONE) & (log.kind == NONE)
    return jax.tree_util.tree_map(
        lambda a, b: jnp.where(take.reshape(take.shape + (1,) * (a.ndim - 1)), b, a), log, new
    )


#: Every field of an event.
_FIELDS = tuple(f.name for f in dataclasses.fields(Events))
#: Fields of an end-of-flight row that differ from its missile's launch row.
_END_FIELDS = ("kind", "time_s", "pos_m")


def _unsigned_zero(value: Array) -> Array:
    """``value`` with -0.0 written as +0.0, as the one-hot write stored it (its sum over two
    or more new entries adds +0.0 to each value; over one entry it kept the sign)."""
    if jnp.issubdtype(value.dtype, jnp.floating) and value.shape[0] > 1:
        return jnp.where(value == 0, jnp.zeros((), value.dtype), value)
    return value


def _at_rows(log: Events, new: Events, row: Array, fields: tuple[str, ...] = _FIELDS) -> Events:
    """Rows ``row`` of the log set to the new events' ``fields`` (rows out of range, and new
    rows without an event, are dropped; rows with an event are unique).

    One scatter per field, ``[N]`` entries into ``[R]`` rows: its cost grows with the new
    events ``N``, not with ``N * R`` as a one-hot write does (``R`` grows with the fire units).
    """
    n_rows = log.kind.shape[0]
    keep = (new.kind != NONE) & (row >= 0) & (row < n_rows)
    row = jnp.where(keep, row, n_rows)
    return dataclasses.replace(
        log,
        **{
            f: getattr(log, f).at[row].set(_unsigned_zero(getattr(new, f)), mode="drop")
            for f in fields
        },
    )


def complete(log: EventLog) -> EventLog:
    """The log at the end of a run: end rows take their missile's launch-row fields (during
    the run only ``_END_FIELDS`` are written to them)."""
    ended = log.end.kind != NONE
    rest = {
        f: jnp.where(ended, getattr(log.launch, f), getattr(log.end, f))
        for f in _FIELDS
        if f not in _END_FIELDS
    }
    return dataclasses.replace(log, end=dataclasses.replace(log.end, **rest))


def record(log: EventLog, ev: StepEvents) -> EventLog:
    """The log with one step's events written into their rows."""
    return EventLog(
        detect=_first(log.detect, ev.detect),
        track=_first(log.track, ev.track),
        leak=_first(log.leak, ev.leak),
        assign=_at_rows(log.assign, ev.assign, ev.assign_row),
        launch=_at_rows(log.launch, ev.launch, ev.launch_row),
        end=_at_rows(log.end, ev.end, ev.end_row, _END_FIELDS),
    )
