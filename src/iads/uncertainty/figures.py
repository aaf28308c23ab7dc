"""The catalog figures a scenario uses that have a published (or modelling) low/high, and the
catalog with chosen values set for them."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from iads.catalog import Catalog
from iads.catalog.base import Capacity, Figure
from iads.scenario.compile import Scenario, battery_radars, scenario_missile_types

#: One step of a figure's path inside its catalog entry: a field name, a dict key or a list
#: index.
Part = str | int


@dataclass(frozen=True)
class UncertainFigure:
    """A catalog figure with low < high: where it is, its three values and its basis."""

    section: str  # catalog section: "missiles", "radars", ...
    key: str  # the entry's key: "48N6E3"
    parts: tuple[Part, ...]  # path inside the entry: ("flight", "drag_scale")
    value: float
    low: float
    high: float
    basis: str  # published, attributed or modelling
    integer: bool = False  # a count: drawn as a whole number

    @property
    def path(self) -> str:
        """``missiles.48N6E3.flight.drag_scale`` (list items as ``motor[0]``)."""
        out = f"{self.section}.{self.key}" if self.key else self.section
        for p in self.parts:
            out += f"[{p}]" if isinstance(p, int) else f".{p}"
        return out

    @property
    def stream(self) -> int:
        """The figure's random stream: a 31-bit hash of its path, so a figure two scenarios
        (or two compared systems) share gets the same draw in the same replication."""
        return zlib.crc32(self.path.encode()) & 0x7FFFFFFF


def used_entries(scn: Scenario) -> list[tuple[str, str]]:
    """(section, key) of every catalog entry the scenario uses, in a stable order."""
    spec, cat = scn.spec, scn.catalog
    out: list[tuple[str, str]] = []
    for b in spec.batteries:
        system = cat.systems[b.system]
        out.append(("systems", b.system))
        out.append(("command_posts", system.command_post))
        out += [("radars", r) for r in battery_radars(b, cat)]
        if b.mast is not None:
            out.append(("masts", b.mast.type))
        out += [("launchers", lg.type) for lg in b.launchers]
    out += [("missiles", m) for m in scenario_missile_types(spec, cat)]
    out += [("threats", g.threat) for g in spec.raid]
    return list(dict.fromkeys(out))


def _walk(node: Any, parts: tuple[Part, ...]) -> Iterator[tuple[tuple[Part, ...], Figure]]:
    if isinstance(node, Figure):
        yield parts, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), (*parts, name))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*parts, str(k)))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _walk(v, (*parts, i))


def candidate_figures(scn: Scenario) -> list[UncertainFigure]:
    """Every figure with low < high in the entries the scenario uses, the environment's
    included. Capacities (targets tracked, missiles guided: they size the engine's arrays)
    are left out."""
    cat = scn.catalog
    entries: list[tuple[str, str, BaseModel]] = [
        (section, key, getattr(cat, section)[key]) for section, key in used_entries(scn)
    ]
    entries.append(("environment", "", cat.environment))
    out = []
    for section, key, entry in entries:
        for parts, fig in _walk(entry, ()):
            low, high = fig.sample_bounds()
            if isinstance(fig, Capacity) or not low < high:
                continue
            out.append(UncertainFigure(section, key, parts, fig.value, low, high, fig.basis))
    return out


def _replace(node: Any, parts: tuple[Part, ...], value: float) -> Any:
    """``node`` with the figure at ``parts`` given ``value`` (copies along the path only)."""
    if not parts:
        assert isinstance(node, Figure)
        return node.model_copy(update={"value": value})
    head, rest = parts[0], parts[1:]
    if isinstance(node, BaseModel):
        assert isinstance(head, str)
        return node.model_copy(update={head: _replace(getattr(node, head), rest, value)})
    if isinstance(node, dict):
        return {**node, head: _replace(node[head], rest, value)}
    assert isinstance(head, int)
    items = list(node)
    items[head] = _replace(items[head], rest, value)
    return type(node)(items)


def with_values(
    cat: Catalog, figures: Sequence[UncertainFigure], values: Sequence[float]
) -> Catalog:
    """The catalog with each of ``figures`` set to its value in ``values``."""
    sections: dict[str, dict[str, Any]] = {}
    environment = cat.environment
    for fig, v in zip(figures, values, strict=True):
        if fig.section == "environment":
            environment = _replace(environment, fig.parts, float(v))
            continue
        table = sections.setdefault(fig.section, dict(getattr(cat, fig.section)))
        table[fig.key] = _replace(table[fig.key], fig.parts, float(v))
    return dataclasses.replace(cat, environment=environment, **sections)
