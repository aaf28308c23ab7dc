"""The comparison's contract: who is compared, what is measured and how differences are judged.

``iads compare`` puts each system at the scenario's battery sites and runs the same raid with
the same seed, so replication ``i`` of every system draws from the same key
``fold_in(root, i)`` (common random numbers). A metric is then one value per replication and
system; systems are compared with the first one by a paired test on the per-replication
differences, which the common keys make valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from iads.report.summary import Estimate

#: Short names accepted by ``--systems``, each mapped to a catalog system key (the one table).
#: Catalog keys themselves are accepted too (any case).
SYSTEM_NAMES: dict[str, str] = {
    "s400": "S-400",
    "patriot": "Patriot",
    "samp-t": "SAMP-T",
    "hq9": "HQ-9",
    "s300vm": "S-300VM",
}

#: How many fire units and launchers each system gets: ``batteries`` one catalog fire unit
#: (``launchers_per_fire_unit``) at each scenario battery, ``launchers`` one fire unit of the
#: scenario battery's own launcher count at each, ``cost`` the whole number of catalog fire
#: units that the first system's fire units cost (see :func:`fire_units_for_budget`).
EqualBasis = Literal["batteries", "launchers", "cost"]
EQUAL_BASES: tuple[EqualBasis, ...] = ("batteries", "launchers", "cost")
#: The catalog figure ``--equal cost`` and the cost per threat destroyed read.
COST_FIELD = "fire_unit_cost_usd"

#: The paired test of each system against the first one.
PAIRED_TEST = "Wilcoxon signed-rank test"
#: Its two-sided significance level (each comparison alone, no multiple-comparison correction).
SIGNIFICANCE_LEVEL = 0.05

#: Metric families, in table order: (key, heading, unit of a value).
MetricFamily = Literal[
    "destroyed",
    "leaked",
    "missiles_fired",
    "first_detection_range_m",
    "first_intercept_range_m",
    "cost_per_destroyed_usd",
]
FAMILIES: dict[MetricFamily, str] = {
    "destroyed": "destroyed",
    "leaked": "leaked",
    "missiles_fired": "missiles fired",
    "first_detection_range_m": "first detection range",
    "first_intercept_range_m": "first intercept range",
    "cost_per_destroyed_usd": "cost per threat destroyed",
}
#: Families that are counts per replication (the others are ranges in metres, and the cost).
COUNT_FAMILIES: frozenset[MetricFamily] = frozenset({"destroyed", "leaked", "missiles_fired"})
#: Families in US dollars.
COST_FAMILIES: frozenset[MetricFamily] = frozenset({"cost_per_destroyed_usd"})


def fire_units_for_budget(budget_usd: float, fire_unit_cost_usd: float) -> int:
    """The whole number of fire units that ``budget_usd`` buys at ``fire_unit_cost_usd`` each:
    the nearest whole number (halves up), at least one."""
    return max(1, math.floor(budget_usd / fire_unit_cost_usd + 0.5))


def spread(fire_units: int, batteries: int) -> tuple[int, ...]:
    """``fire_units`` over ``batteries`` sites in order, one at a time (round-robin): the first
    ``fire_units % batteries`` sites hold one more; with fewer units than sites, the last
    sites hold none."""
    return tuple(fire_units // batteries + (i < fire_units % batteries) for i in range(batteries))


@dataclass(frozen=True)
class Contender:
    """One system to put at the scenario's batteries.

    Parameters
    ----------
    label : str
        Its name in the outputs (what the user typed, e.g. ``s400``); unique in a comparison.
    system : str
        Catalog system key (``S-400``).
    launchers_per_battery : tuple of int, optional
        Launchers of each fire unit at each scenario battery, in scenario order; None: a
        catalog fire unit's (``launchers_per_fire_unit``).
    fire_units_per_battery : tuple of int, optional
        Fire units at each scenario battery (0: the site stands empty), in scenario order;
        None: one at each.
    """

    label: str
    system: str
    launchers_per_battery: tuple[int, ...] | None = None
    fire_units_per_battery: tuple[int, ...] | None = None


@dataclass(frozen=True)
class FireUnit:
    """What a contender puts at one scenario battery: launcher groups (type, count, missile)."""

    battery: str
    launchers: tuple[tuple[str, int, str], ...]

    @property
    def launcher_count(self) -> int:
        """Launchers at the battery."""
        return sum(count for _, count, _ in self.launchers)


@dataclass(frozen=True)
class PairedDifference:
    """A system's per-replication difference from the first system's, and the paired test.

    ``mean``/``lo``/``hi``: mean difference (this system minus the first) and its 95 %
    interval; ``pairs``: replications where both values exist, ``nonzero`` those of them that
    differ; ``p_value``: the paired test's two-sided p-value (1 when every difference is zero,
    NaN without pairs).
    """

    mean: float
    lo: float
    hi: float
    pairs: int
    nonzero: int
    p_value: float

    @property
    def identical(self) -> bool:
        """True when both systems gave the same value in every replication with both."""
        return self.pairs > 0 and self.nonzero == 0

    @property
    def comparable(self) -> bool:
        """True when the test could be made (some replication has both values)."""
        return self.pairs > 0 and math.isfinite(self.p_value)

    @property
    def significant(self) -> bool:
        """True when the difference is significant at ``SIGNIFICANCE_LEVEL``."""
        return self.comparable and self.p_value < SIGNIFICANCE_LEVEL


@dataclass(frozen=True)
class MetricRow:
    """One metric (a family and a threat or missile type) for every contender.

    ``estimates`` maps contender label to its mean and 95 % interval; ``differences`` maps
    every contender but the first to its :class:`PairedDifference` from the first.
    """

    family: MetricFamily
    item: str  # threat type, missile type or "all"
    estimates: dict[str, Estimate]
    differences: dict[str, PairedDifference]

    @property
    def key(self) -> str:
        """``family/item``, e.g. ``destroyed/f16_class``."""
        return f"{self.family}/{self.item}"

    @property
    def unit(self) -> str:
        """Unit of a value: ``count`` per replication, ``m`` or ``USD``."""
        if self.family in COST_FAMILIES:
            return "USD"
        return "count" if self.family in COUNT_FAMILIES else "m"


@dataclass(frozen=True)
class Comparison:
    """The result of a comparison: the metric table and what each contender was."""

    scenario: str
    scenario_file: str
    seed: int
    replications: int
    equal: EqualBasis
    contenders: tuple[Contender, ...]
    system_names: dict[str, str]  # label -> the system's full catalog name
    fire_units: dict[str, tuple[FireUnit, ...]]  # label -> its fire units, in scenario order
    rows: tuple[MetricRow, ...]
    #: label -> its fire units' cost (count x catalog fire_unit_cost_usd), None without one
    costs_usd: dict[str, float | None] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: label -> summary.json's ``uncertainty`` block, for a comparison under uncertainty
    uncertainty: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def first(self) -> str:
        """Label of the system the others are compared with."""
        return self.contenders[0].label

    def not_significant(self) -> list[tuple[MetricRow, str]]:
        """(row, label) of every comparable difference from the first system that is not
        significant."""
        return [
            (row, label)
            for row in self.rows
            for label, diff in row.differences.items()
            if diff.comparable and not diff.significant
        ]
