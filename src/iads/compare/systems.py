"""Which systems are compared, and each one put at the scenario's batteries.

A system swap replaces a battery's ``system`` and ``launchers``: the battery keeps its name,
site, threat axis, command-post label and doctrine, and gets the system's own radars, command
post, launchers and missiles from the catalog. Its launchers are split over the system's
missiles in catalog order, one launcher at a time (each missile on the first of the system's
launcher types that carries it, with that launcher's catalog load), so a fire unit carries each
of its missiles where it has launchers enough. What another system cannot take is dropped with
a note (optional radars and a mast it lacks, launcher sites); what would change the raid's
outcome unseen blocks the comparison with an error naming the field.
"""

from __future__ import annotations

from typing import Any

from iads.catalog import Catalog
from iads.compare.base import SYSTEM_NAMES, Contender, EqualBasis, FireUnit
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


def contenders_for(
    contenders: list[Contender], scn: Scenario, equal: EqualBasis
) -> list[Contender]:
    """The contenders with their launcher counts per battery set by ``equal`` (a count
    already given is kept): ``batteries``, the system's catalog ``launchers_per_fire_unit``;
    ``launchers``, each scenario battery's own count."""
    cat = scn.catalog
    out = []
    for c in contenders:
        if c.launchers_per_battery is None:
            if equal == "launchers":
                counts = tuple(sum(lg.count for lg in b.launchers) for b in scn.spec.batteries)
            else:
                per_unit = round(cat.systems[c.system].launchers_per_fire_unit.value)
                counts = (per_unit,) * len(scn.spec.batteries)
            c = Contender(c.label, c.system, counts)
        out.append(c)
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
    try:
        derived = scenario_from_mapping(scn.path, raw, cat)
    except InputError as exc:
        raise InputError(
            exc.source,
            exc.field,
            f"cannot put {contender.label} ({contender.system}) at the batteries: {exc.problem}",
        ) from None
    return derived, tuple(units), notes
