"""A study point as a scenario: the base scenario with the point's values set, validated like a
scenario file (errors name the ``--grid`` argument that gave the value)."""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from iads.catalog import Catalog
from iads.errors import InputError, from_validation_error
from iads.scenario.compile import Scenario, scenario_from_mapping
from iads.sweep.base import Point, Scalar, is_catalog_path, path_parts

#: Endings of catalog field names whose values are physical magnitudes (> 0).
_POSITIVE_UNITS = ("_m", "_m2", "_s", "_m_s", "_m_s2", "_w", "_hz", "_kg", "_k", "_n")


class PathError(ValueError):
    """A path that names nothing, or a value its field does not take."""


def _set(tree: Any, parts: tuple[str | int, ...], value: Any, path: str) -> None:
    """Set ``tree[parts[0]][parts[1]]... = value``; the path must exist."""
    node = tree
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = _join(parts[: depth + 1])
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                n = len(node) if isinstance(node, list) else 0
                raise PathError(f"{where}: no such item (it has {n})")
        elif not isinstance(node, dict) or (part not in node and not last):
            raise PathError(f"{where}: no such field")
        if last:
            node[part] = value
        else:
            node = node[part]


def _join(parts: tuple[str | int, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + p
    return out


def _check_number(field: str, value: Scalar) -> None:
    """A catalog figure is a finite number; a magnitude (unit ending) is > 0; a probability
    lies in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PathError(f"{field}: must be a number, got {value!r}")
    if not math.isfinite(value):
        raise PathError(f"{field}: must be finite, got {value!r}")
    if field.endswith(_POSITIVE_UNITS) and value <= 0:
        raise PathError(f"{field}: must be > 0, got {value!r}")
    if "probability" in field and not 0.0 <= value <= 1.0:
        raise PathError(f"{field}: must be in [0, 1], got {value!r}")


def _catalog_entry(cat: Catalog, path: str, value: Scalar) -> tuple[str, str, BaseModel]:
    """The catalog entry that ``path`` (``SECTION.KEY.FIELD...``) changes, with ``value`` set."""
    parts = path_parts(path)
    if len(parts) < 3 or not all(isinstance(p, str) for p in parts[:2]):
        raise PathError(f"{path}: a catalog path is SECTION.KEY.FIELD (threats.f35_class.rcs_m2)")
    section, key = str(parts[0]), str(parts[1])
    table: dict[str, BaseModel] = getattr(cat, section)
    if key not in table:
        raise PathError(f"{section}.{key}: unknown; known: {', '.join(sorted(table))}")
    entry = table[key]
    raw = entry.model_dump()
    node: Any = raw
    for p in parts[2:]:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            known = f"; known here: {', '.join(map(str, node))}" if isinstance(node, dict) else ""
            raise PathError(f"{path}: no such field{known}") from None
    if isinstance(node, dict) and "value" in node and "basis" in node:  # a figure
        _check_number(path, value)
        low = node["low"] if node["low"] is None else min(node["low"], value)
        high = node["high"] if node["high"] is None else max(node["high"], value)
        node = {**node, "value": value, "low": low, "high": high}
    elif isinstance(node, dict | list):
        raise PathError(f"{path}: names a group of fields, not one value")
    else:
        node = value
    _set(raw, parts[2:], node, path)
    try:
        new = type(entry).model_validate(raw)
    except ValidationError as exc:
        err = from_validation_error(path, exc, type(entry))
        raise PathError(f"{section}.{key}.{err.field}: {err.problem}") from None
    return section, key, new


def point_scenario(base: Scenario, raw: dict[str, Any], point: Point) -> Scenario:
    """The scenario of ``point``: ``raw`` (the base scenario file, as read) and the base
    catalog with the point's values set, validated like a scenario file.

    Raises
    ------
    PathError
        Naming the first path that names nothing or a value that does not validate.
    """
    variant = copy.deepcopy(raw)
    cat = base.catalog
    for path, value in point.values:
        if is_catalog_path(path):
            section, key, entry = _catalog_entry(cat, path, value)
            changed: Any = {section: {**getattr(cat, section), key: entry}}
            cat = dataclasses.replace(cat, **changed)
        else:
            _set(variant, path_parts(path), value, path)
    try:
        return scenario_from_mapping(base.path, variant, cat)
    except InputError as exc:
        raise PathError(f"{exc.field}: {exc.problem}" if exc.field else exc.problem) from None


def check_paths(
    base: Scenario, raw: dict[str, Any], point: Point, arguments: dict[str, str], source: str | Path
) -> Scenario:
    """:func:`point_scenario`, its errors as :class:`InputError` naming the argument that gave
    the offending path (``arguments``: path -> ``--grid '...'``)."""
    try:
        return point_scenario(base, raw, point)
    except PathError as exc:
        message = str(exc)
        culprit = next(
            (p for p, _ in point.values if _mentions(message, p)),
            point.values[0][0] if point.values else "",
        )
        value = point.as_dict().get(culprit)
        raise InputError(
            source, arguments.get(culprit, culprit), f"value {value!r}: {message}"
        ) from None


def _mentions(message: str, path: str) -> bool:
    """Whether a message's field is ``path``, inside it or above it (``raid[3]`` for
    ``raid[3].count``)."""
    field = message.split(": ", 1)[0]
    return any(
        a == b or a.startswith(b + ".") or a.startswith(b + "[")
        for a, b in ((field, path), (path, field))
    )
