"""Run every contender on the scenario's raid with common random numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iads.compare.base import COST_FIELD, Comparison, Contender, EqualBasis, FireUnit
from iads.compare.metrics import Metrics, cost_row, metric_rows, system_metrics
from iads.compare.systems import contenders_for, scenario_for
from iads.errors import InputError
from iads.scenario.compile import Scenario
from iads.simulate import simulate


def prepare(
    scn: Scenario, contenders: list[Contender], equal: EqualBasis
) -> list[tuple[Contender, Scenario, tuple[FireUnit, ...], list[str]]]:
    """Each contender's derived scenario, fire units and notes, all checked before any run.

    Raises
    ------
    InputError
        No battery to put the systems at, two contenders with one label, or a swap that the
        scenario blocks (see :func:`iads.compare.systems.scenario_for`).
    """
    if not scn.spec.batteries:
        raise InputError(scn.path, "batteries", "no battery: nothing to put the systems at")
    labels = [c.label for c in contenders]
    if not contenders or len(set(labels)) != len(labels):
        raise InputError(scn.path, "--systems", f"need distinct systems, got {labels}")
    out = []
    for c in contenders_for(contenders, scn, equal):
        derived, units, notes = scenario_for(scn, c)
        out.append((c, derived, units, notes))
    return out


def _per_contender(
    progress: Callable[[str, int], None] | None, label: str
) -> Callable[[int], None] | None:
    """``progress`` for one contender's batches."""
    if progress is None:
        return None
    report = progress
    return lambda k: report(label, k)


def compare(
    scn: Scenario,
    contenders: list[Contender],
    *,
    equal: EqualBasis = "batteries",
    replications: int | None = None,
    seed: int | None = None,
    dtype: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    uncertainty: bool = False,
) -> Comparison:
    """Run the scenario's raid against each contender at its batteries; compare with the first.

    Parameters
    ----------
    scn : Scenario
        The scenario (its batteries give the sites, threat axes and doctrine).
    contenders : list of Contender
        The systems, the first being the one the others are compared with.
    equal : {"batteries", "launchers", "cost"}
        One catalog fire unit per battery, one of the battery's own launcher count, or as many
        catalog fire units as the first contender's cost (for contenders whose counts are not
        given; see :func:`iads.compare.systems.contenders_for`).
    replications, seed : int, optional
        Defaults from the scenario file; the same seed for every contender, so replication
        ``i`` of each runs on the same key (common random numbers).
    dtype, batch_size : optional
        As for :func:`iads.simulate.simulate`.
    uncertainty : bool
        Draw each system's catalog figures with low/high per replication
        (:mod:`iads.uncertainty`); a figure two systems share (a threat's) is drawn alike in
        the same replication, so the pairing stays.
    progress : callable, optional
        Called with (label, replications done) as each batch of each contender finishes.

    Returns
    -------
    Comparison
    """
    prepared = prepare(scn, contenders, equal)
    per_system: dict[str, Metrics] = {}
    names: dict[str, str] = {}
    units: dict[str, tuple[FireUnit, ...]] = {}
    notes: list[str] = []
    spread: dict[str, dict[str, Any]] = {}
    if equal == "launchers":
        total = sum(lg.count for b in scn.spec.batteries for lg in b.launchers)
        notes.append(
            f"--equal launchers: every system has each battery's own launcher count ({total} "
            f"in all at {len(scn.spec.batteries)} batteries), so the totals are equal without "
            "rounding."
        )
    if uncertainty:
        notes.append(
            "--uncertainty: each system's catalog figures with low/high are drawn in every "
            "replication (triangular on low, nominal, high); a figure the systems share (a "
            "threat's speed or radar cross-section) takes the same value for all of them in "
            "the same replication, so the differences stay paired. The intervals include the "
            "disagreement between sources; what drives each system's spread is listed below."
        )
    seed_used = scn.spec.seed if seed is None else seed
    n = scn.spec.replications if replications is None else replications
    for c, derived, fire_units, contender_notes in prepared:
        result = simulate(
            derived,
            replications=n,
            seed=seed,
            dtype=dtype,
            batch_size=batch_size,
            progress=_per_contender(progress, c.label),
            uncertainty=uncertainty,
        )
        block = result.uncertainty_summary()
        if block is not None:
            spread[c.label] = block
        seed_used = result.seed
        per_system[c.label] = system_metrics(result)
        names[c.label] = scn.catalog.systems[c.system].name
        units[c.label] = fire_units
        notes += contender_notes
    costs = fire_units_cost_usd(scn, [c for c, *_ in prepared], units)
    notes += cost_notes(scn, [c for c, *_ in prepared], units, costs, equal)
    rows = metric_rows(per_system, seed_used)
    cost = cost_row(per_system, costs, seed_used)
    return Comparison(
        scenario=scn.name,
        scenario_file=str(scn.path),
        seed=seed_used,
        replications=n,
        equal=equal,
        contenders=tuple(c for c, *_ in prepared),
        system_names=names,
        fire_units=units,
        rows=rows if cost is None else (*rows, cost),
        notes=tuple(notes),
        costs_usd=costs,
        uncertainty=spread,
    )


def fire_units_cost_usd(
    scn: Scenario, contenders: list[Contender], units: dict[str, tuple[FireUnit, ...]]
) -> dict[str, float | None]:
    """Each contender's fire units' cost: their count times the catalog's nominal
    ``fire_unit_cost_usd`` (whatever their launcher count), None without one."""
    out: dict[str, float | None] = {}
    for c in contenders:
        cost = scn.catalog.systems[c.system].fire_unit_cost_usd
        out[c.label] = None if cost is None else len(units[c.label]) * cost.value
    return out


def _musd(x: float) -> str:
    return f"US${x / 1e6:,.0f} m"


def cost_notes(
    scn: Scenario,
    contenders: list[Contender],
    units: dict[str, tuple[FireUnit, ...]],
    costs: dict[str, float | None],
    equal: EqualBasis,
) -> list[str]:
    """What the costs are: the budget under ``--equal cost``, each system's fire units and
    their cost, the systems without a public cost, and what the ratio means."""
    first = contenders[0]
    notes = []
    if equal == "cost":
        budget = costs[first.label]
        notes.append(
            f"--equal cost: the budget is {first.label}'s {len(scn.spec.batteries)} fire "
            f"unit(s), one at each battery, at its catalog {COST_FIELD} ({_musd(budget or 0)}); "
            "each other system has the whole number of its catalog fire units that the budget "
            "buys (nearest, halves up, at least one), spread over the battery sites in scenario "
            "order."
        )
    priced = [
        f"{c.label} {len(units[c.label])} x {_musd(cost / len(units[c.label]))} = {_musd(cost)}"
        for c in contenders
        if (cost := costs[c.label]) is not None
    ]
    if priced:
        notes.append(
            "Fire units' cost (catalog fire_unit_cost_usd, nominal): "
            + "; ".join(priced)
            + ". These are contract or notified prices of different scopes (missiles, training, "
            "offsets: each catalog source says), then-year dollars, not production costs. Cost "
            "per threat destroyed: that acquisition cost over the mean threats destroyed in one "
            "raid, a crude ratio (the fire units outlive the raid; missiles fired are not "
            "costed); its interval is the cost over the ends of the destroyed interval; no "
            "paired test."
        )
    unpriced = [f"{c.label} ({c.system})" for c in contenders if costs[c.label] is None]
    if unpriced:
        notes.append(
            f"No public fire-unit cost (catalog {COST_FIELD}) for {', '.join(unpriced)}: "
            "no cost per threat destroyed ('—')."
        )
    return notes
