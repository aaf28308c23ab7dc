"""Run every contender on the scenario's raid with common random numbers."""

from __future__ import annotations

from collections.abc import Callable

from iads.compare.base import Comparison, Contender, EqualBasis, FireUnit
from iads.compare.metrics import Metrics, metric_rows, system_metrics
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
) -> Comparison:
    """Run the scenario's raid against each contender at its batteries; compare with the first.

    Parameters
    ----------
    scn : Scenario
        The scenario (its batteries give the sites, threat axes and doctrine).
    contenders : list of Contender
        The systems, the first being the one the others are compared with.
    equal : {"batteries", "launchers"}
        One catalog fire unit per battery, or the battery's own launcher count (for
        contenders whose ``launchers_per_battery`` is not given).
    replications, seed : int, optional
        Defaults from the scenario file; the same seed for every contender, so replication
        ``i`` of each runs on the same key (common random numbers).
    dtype, batch_size : optional
        As for :func:`iads.simulate.simulate`.
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
    if equal == "launchers":
        total = sum(lg.count for b in scn.spec.batteries for lg in b.launchers)
        notes.append(
            f"--equal launchers: every system has each battery's own launcher count ({total} "
            f"in all at {len(scn.spec.batteries)} batteries), so the totals are equal without "
            "rounding."
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
        )
        seed_used = result.seed
        per_system[c.label] = system_metrics(result)
        names[c.label] = scn.catalog.systems[c.system].name
        units[c.label] = fire_units
        notes += contender_notes
    return Comparison(
        scenario=scn.name,
        scenario_file=str(scn.path),
        seed=seed_used,
        replications=n,
        equal=equal,
        contenders=tuple(c for c, *_ in prepared),
        system_names=names,
        fire_units=units,
        rows=metric_rows(per_system, seed_used),
        notes=tuple(notes),
    )
