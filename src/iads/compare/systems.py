"""Which systems are compared, and each one put at the scenario's batteries.

A system swap replaces a battery's ``system`` and ``launchers``: the battery keeps its name,
site, threat axis, command-post label and doctrine, and gets the system's own radars, command
post, launchers and missiles from the catalog. Its launchers are split over the system's
missiles in catalog order, one launcher at a time (each missile on the first of the system's
launcher types that carries it, with that launcher's catalog load), so a fire unit carries each
of its missiles where it has launchers enough. What another system cannot take is dropped with
a note (optional radars and a mast it lacks, launcher sites); what would change the raid's
outcome unseen blocks the comparison with an error naming the field.

Under ``--equal cost`` a system has as many catalog fire units as the first system's fire
units (one at each battery) cost, spread over the battery sites in scenario order; a site with
several holds copies of its battery (``NAME #2``, ...) and a site with none stands empty.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from iads.catalog import Catalog
from iads.compare.base import (
    COST_FIELD,
    SYSTEM_NAMES,
    Contender,
    EqualBasis,
    FireUnit,
    fire_units_for_budget,
    spread,
)
from iads.errors import InputError
from iads.scenario.compile import Scenario, scenario_from_mapping

#: The option that names the systems, in error messages.
SYSTEMS_OPTION = "--systems"


def known_systems(cat: Catalog) -> list[str]:
    """What ``--systems`` accepts with this catalog: ``short (KEY)`` for each short name whose
    system the catalog holds, then the catalog keys without a short name."""
    short = [f"{name} ({key})" for name, key in SYSTEM_NAMES.items() if key in cat.systems]
    mapped = set(SYSTEM_NAMES.values())
    return short + sorted(key for key in cat.systems if key not in mapped)


def resolve_system(name: str, cat: Catalog, source: str = "iads compare") -> str:
    """The catalog system key of a short name (``s400``) or key (``S-400``, any case).

    Raises
    ------
    InputError
        The catalog has no such system; the message lists the known ones.
    """
    key = SYSTEM_NAMES.get(name.lower())
    if key is None:
        key = next((k for k in cat.systems if k.lower() == name.lower()), None)
    if key is None or key not in cat.systems:
        lacks = " (not in the loaded catalog)" if key is not None else ""
        raise InputError(
            source,
            SYSTEMS_OPTION,
            f"unknown system {name!r}{lacks}; known: {', '.join(known_systems(cat))}",
        )
    return key


def parse_systems(text: str, cat: Catalog, source: str = "iads compare") -> list[Contender]:
    """Contenders from a comma-separated ``--systems`` value, labelled as typed.

    Raises
    ------
    InputError
        An empty list or name, an unknown system, or one system named twice.
    """
    names = [n.strip() for n in text.split(",")]
    if not any(names):
        raise InputError(source, SYSTEMS_OPTION, "no system given (e.g. s400,patriot)")
    if not all(names):
        raise InputError(source, SYSTEMS_OPTION, f"empty name in {text!r}")
    seen: dict[str, str] = {}
    out = []
    for name in names:
        key = resolve_system(name, cat, source)
        if key in seen:
            raise InputError(
                source, SYSTEMS_OPTION, f"{key} is given twice ({seen[key]!r} and {name!r})"
            )
        seen[key] = name
        out.append(Contender(label=name, system=key))
    return out


def fire_unit_cost_usd(contender: Contender, cat: Catalog, source: str) -> float:
    """The catalog's nominal cost of one of ``contender``'s fire units, US$.

    Raises
    ------
    InputError
        The system has no public cost (no ``fire_unit_cost_usd`` in the catalog); the message
        names the system and the field.
    """
    cost = cat.systems[contender.system].fire_unit_cost_usd
    if cost is None:
        with_cost = [k for k, s in cat.systems.items() if s.fire_unit_cost_usd is not None]
        raise InputError(
            source,
            "--equal",
            f"cost: {contender.label} ({contender.system}) has no public fire-unit cost "
            f"(catalog systems.{contender.system}.{COST_FIELD} is absent); systems with one: "
            f"{', '.join(with_cost) or 'none'}",
        )
    return cost.value


def contenders_for(
    contenders: list[Contender], scn: Scenario, equal: EqualBasis
) -> list[Contender]:
    """The contenders with their launchers and fire units per battery set by ``equal`` (counts
    already given are kept): ``batteries``, one fire unit of the system's catalog
    ``launchers_per_fire_unit`` at each battery; ``launchers``, one of each scenario battery's
    own launcher count; ``cost``, catalog fire units, as many as the first contender's fire
    units (one at each battery) cost, spread over the batteries
    (:func:`iads.compare.base.fire_units_for_budget`, :func:`iads.compare.base.spread`).

    Raises
    ------
    InputError
        ``cost`` and a contender's system without a public cost.
    """
    cat, batteries = scn.catalog, scn.spec.batteries
    budget = (
        len(batteries) * fire_unit_cost_usd(contenders[0], cat, str(scn.path))
        if equal == "cost" and contenders
        else 0.0
    )
    out = []
    for c in contenders:
        counts, units = c.launchers_per_battery, c.fire_units_per_battery
        if counts is None:
            if equal == "launchers":
                counts = tuple(sum(lg.count for lg in b.launchers) for b in batteries)
            else:
                per_unit = round(cat.systems[c.system].launchers_per_fire_unit.value)
                counts = (per_unit,) * len(batteries)
        if units is None and equal == "cost":
            cost = fire_unit_cost_usd(c, cat, str(scn.path))
            units = spread(fire_units_for_budget(budget, cost), len(batteries))
        out.append(Contender(c.label, c.system, counts, units))
    return out


def fire_unit_launchers(system: str, count: int, cat: Catalog) -> tuple[tuple[str, int, str], ...]:
    """Launcher groups ``(type, count, missile)`` of ``count`` launchers of ``system``.

    Launchers go to the system's missiles in catalog order, one at a time; each missile rides
    the first of the system's launcher types that carries it (its catalog load).
    """
    sys_entry = cat.systems[system]
    pairs = []
    for missile in sys_entry.missiles:
        carrier = next(
            (t for t in sys_entry.launchers if missile in cat.launchers[t].missiles_per_launcher),
            None,
        )
        if carrier is not None:
            pairs.append((carrier, missile))
    counts = [0] * len(pairs)
    for i in range(count if pairs else 0):
        counts[i % len(pairs)] += 1
    return tuple((t, n, m) for (t, m), n in zip(pairs, counts, strict=True) if n > 0)


def _reloads(scn: Scenario, i: int, b: Any) -> int:
    """The battery's reloads per launcher, which another system's launchers keep."""
    values = {lg.reloads for lg in b.launchers}
    if len(values) > 1:
        k = next(k for k, lg in enumerate(b.launchers) if lg.reloads != b.launchers[0].reloads)
        raise InputError(
            scn.path,
            f"batteries[{i}].launchers[{k}].reloads",
            "launcher groups of one battery differ in reloads; another system's launchers "
            "cannot keep them: give every group of the battery the same reloads",
        )
    return values.pop()


def scenario_for(
    scn: Scenario, contender: Contender
) -> tuple[Scenario, tuple[FireUnit, ...], list[str]]:
    """The scenario with ``contender``'s system at every battery, its fire units and notes.

    Parameters
    ----------
    scn : Scenario
        The scenario as loaded.
    contender : Contender
        The system, with its launcher count per battery set (see :func:`contenders_for`).

    Returns
    -------
    (scenario, fire_units, notes)
        The validated derived scenario (errors name the scenario file and the battery field
        that blocks the swap), what stands at each battery, and what was dropped.

    Raises
    ------
    InputError
        The swap is impossible: too many launchers for the system's fire unit, reloads the
        system's launchers do not allow, no threat axis for its sector radar, ...
    """
    cat, spec = scn.catalog, scn.spec
    assert contender.launchers_per_battery is not None
    system = cat.systems[contender.system]
    most = int(system.launchers_per_fire_unit.sample_bounds()[1])
    raw = spec.model_dump(mode="json", exclude_none=True)
    notes: list[str] = []
    units = []
    per_site = contender.fire_units_per_battery or (1,) * len(spec.batteries)
    for i, (b, count) in enumerate(
        zip(spec.batteries, contender.launchers_per_battery, strict=True)
    ):
        if count > most:
            raise InputError(
                scn.path,
                f"batteries[{i}].launchers",
                f"{contender.label}: {count} launchers at {b.name!r}; a {contender.system} fire "
                f"unit has at most {most} (catalog launchers_per_fire_unit)",
            )
        groups = fire_unit_launchers(contender.system, count, cat)
        reloads = _reloads(scn, i, b)
        out = raw["batteries"][i]
        out["system"] = contender.system
        out["launchers"] = [
            {"type": t, "count": n, "missile": m, **({"reloads": reloads} if reloads else {})}
            for t, n, m in groups
        ]
        if not groups:
            raise InputError(
                scn.path,
                f"batteries[{i}].launchers",
                f"{contender.label}: no launcher of {contender.system} carries one of its missiles "
                "(catalog)",
            )
        units.append(FireUnit(b.name, groups))
        if any(lg.sites is not None or lg.ring_m is not None for lg in b.launchers):
            notes.append(
                f"{contender.label} at {b.name}: the battery's launcher sites are not carried "
                "over; its launchers stand at the battery site."
            )
        kept = [r for r in b.radars if r in system.optional_radars]
        if kept != b.radars:
            dropped = [r for r in b.radars if r not in kept]
            notes.append(
                f"{contender.label} at {b.name}: optional radar {', '.join(dropped)} is not "
                f"one of {contender.system}'s; dropped."
            )
        out["radars"] = kept
        if b.mast is not None and (
            b.mast.type not in system.masts or b.mast.radar not in [*system.radars, *kept]
        ):
            notes.append(
                f"{contender.label} at {b.name}: mast {b.mast.type} with {b.mast.radar} is not "
                f"{contender.system}'s; dropped."
            )
            out.pop("mast", None)
    raw["batteries"] = _fire_units_at_sites(raw["batteries"], per_site, contender, cat, notes)
    units = [
        FireUnit(site["name"], unit.launchers)
        for site, unit in zip(raw["batteries"], _repeat(units, per_site), strict=True)
    ]
    try:
        derived = scenario_from_mapping(scn.path, raw, cat)
    except InputError as exc:
        raise InputError(
            exc.source,
            exc.field,
            f"cannot put {contender.label} ({contender.system}) at the batteries: {exc.problem}",
        ) from None
    return derived, tuple(units), notes


def _repeat(items: list[Any], times: tuple[int, ...]) -> list[Any]:
    """Each item ``times[i]`` times, in order."""
    return [x for x, k in zip(items, times, strict=True) for _ in range(k)]


def _fire_units_at_sites(
    batteries: list[dict[str, Any]],
    per_site: tuple[int, ...],
    contender: Contender,
    cat: Catalog,
    notes: list[str],
) -> list[dict[str, Any]]:
    """The derived scenario's batteries: ``per_site[i]`` fire units at battery ``i``'s site.

    The first keeps the battery's name, the others are copies named ``NAME #2``, ``NAME #3``
    with the same site, threat axis, launchers and doctrine. A copy shares the battery's
    command post while the system's command post can control one more fire unit (catalog
    ``max_fire_units``), else has its own (``NAME #k``). A site with none is left empty.
    """
    command_post = cat.command_posts[cat.systems[contender.system].command_post]
    most = math.inf if command_post.max_fire_units is None else command_post.max_fire_units.value
    under: dict[str, int] = {}
    for b, k in zip(batteries, per_site, strict=True):
        if k:
            label = b.get("command_post", "")
            under[label] = under.get(label, 0) + 1
    out = []
    for b, k in zip(batteries, per_site, strict=True):
        if k == 0:
            notes.append(f"{contender.label}: no fire unit at {b['name']} (the budget buys fewer).")
        for j in range(k):
            unit = copy.deepcopy(b)
            if j:
                unit["name"] = f"{b['name']} #{j + 1}"
                label = b.get("command_post", "")
                if under[label] >= most:
                    label = unit["name"]
                    unit["command_post"] = label
                under[label] = under.get(label, 0) + 1
            out.append(unit)
        if k > 1:
            notes.append(f"{contender.label}: {k} fire units at {b['name']}'s site.")
    return out
