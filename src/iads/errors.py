"""Errors for bad input: one line naming the file, the field path and the problem."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError


class InputError(ValueError):
    """Bad user input (a scenario, catalog or DEM file, or an argument).

    The message is one line: ``FILE: FIELD.PATH: problem``. The CLI prints it and exits 2.
    """

    def __init__(self, source: str | Path, field: str | None, problem: str) -> None:
        self.source = str(source)
        self.field = field
        self.problem = problem
        where = f"{self.source}: {field}: " if field else f"{self.source}: "
        super().__init__(where + " ".join(problem.split()))


#: How pydantic names a validator's step in an error location (``function-after[check(), X]``);
#: a user's key that merely starts with "function-" is not one.
_VALIDATOR_STEP = re.compile(r"^function-(after|before|wrap|plain)\[.*\]$")


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('batteries', 0, 'site', 'lat_deg')`` -> ``batteries[0].site.lat_deg``.

    A key that is empty or holds spaces or unprintable characters is quoted
    (``batteries[0]['a\\nb']``), so the path stays on one line.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not part or not part.isprintable() or any(c.isspace() for c in part):
            out += f"[{part!r}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def from_validation_error(
    source: str | Path, exc: ValidationError, model: type[BaseModel] | None = None
) -> InputError:
    """The first pydantic error as an :class:`InputError` (one line).

    An unknown key is named, with the closest field name when there is one: a typo such as
    ``lon_degs`` gives ``batteries[0].lon_degs: unknown field 'lon_degs'; did you mean
    'lon_deg'?`` rather than only the ``missing`` error for ``lon_deg`` that comes with it (the
    pair counts as one problem). Suggestions come from the fields reported missing beside the
    unknown key, then from ``model`` (the validated model, optional) at that location.
    """
    errors = [(_loc(err), err) for err in exc.errors()]
    missing = {loc for loc, err in errors if err["type"] == "missing"}
    # each unknown key that is a typo of a missing field beside it: missing loc -> unknown loc
    typo_of: dict[tuple[int | str, ...], tuple[int | str, ...]] = {}
    guesses: dict[tuple[int | str, ...], str | None] = {}
    for loc, err in errors:
        if err["type"] != "extra_forbidden" or not loc or not isinstance(loc[-1], str):
            continue
        parent, key = loc[:-1], loc[-1]
        beside = [str(m[-1]) for m in missing if m[:-1] == parent and m not in typo_of]
        guess = _closest(key, beside)
        if guess is not None:
            typo_of[(*parent, guess)] = loc
        else:
            guess = _closest(key, _fields_at(model, parent) if model else [])
        guesses[loc] = guess
    loc, err = errors[0]
    if loc in typo_of:
        loc = typo_of[loc]
        err = next(e for lc, e in errors if lc == loc)
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "missing":
        msg = "missing required field"
    elif err["type"] == "extra_forbidden":
        msg = f"unknown field {str(loc[-1])!r}" if loc else "unknown field"
        if guesses.get(loc):
            msg += f"; did you mean {guesses[loc]!r}?"
    n = len(errors) - len(typo_of)
    more = f" (and {n - 1} more problem{'s' if n > 2 else ''})" if n > 1 else ""
    return InputError(source, field_path(loc), msg + more)


def _loc(err: Any) -> tuple[int | str, ...]:
    """An error's location without pydantic's ``function-...`` validator steps."""
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and _VALIDATOR_STEP.match(p)))


def _closest(key: str, names: list[str]) -> str | None:
    """The name most like ``key`` (difflib's ratio at least 0.6), or None."""
    found = difflib.get_close_matches(key, names, n=1)
    return found[0] if found else None


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` down from ``model`` ([] if none)."""
    tp: Any = model
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return []
    found = _models_in(tp)
    return [name for m in found for name in m.model_fields]


def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models a type annotation may hold at its top (through Optional, unions)."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    if get_origin(tp) in (Union, UnionType):
        return [m for arm in get_args(tp) for m in _models_in(arm)]
    return []


def _step(tp: Any, part: int | str) -> Any:
    """The annotation one location step below ``tp``: a field, list item, dict value or arm."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, UnionType):
        arms = [a for a in args if a is not type(None)]
        named = [a for a in arms if getattr(a, "__name__", None) == part]
        if named:  # pydantic names the union arm it tried in the location
            return named[0]
        steps = [s for s in (_step(a, part) for a in arms) if s is not None]
        return steps[0] if len(steps) == 1 else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part)) if isinstance(part, str) else None
        return field.annotation if field else None
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return args[1]
    return None
