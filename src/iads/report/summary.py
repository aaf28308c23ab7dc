"""Read the ``summary.json`` dict into plain named values, tolerating missing keys and NaN.

The summary is produced elsewhere (``iads.results``); the report must never crash on it: a
statistic may be NaN (written as ``null`` in JSON), absent, or carry no interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.stats import mean_count_ci

#: Per-threat-type outcomes, each a mean count per replication. ``unresolved``: threats still
#: flying when the run ended (neither destroyed nor leaked).
THREAT_OUTCOMES = ("detected", "engaged", "destroyed", "leaked", "unresolved")


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95 % confidence interval; any of the three may be NaN."""

    mean: float
    lo: float
    hi: float

    @property
    def is_known(self) -> bool:
        """True when the mean is a finite number."""
        return math.isfinite(self.mean)

    def error_bar(self) -> tuple[float, float]:
        """Distances (below, above) from the mean to the interval ends; 0 where unknown."""
        if not self.is_known:
            return 0.0, 0.0
        below = self.mean - self.lo if math.isfinite(self.lo) else 0.0
        above = self.hi - self.mean if math.isfinite(self.hi) else 0.0
        return max(below, 0.0), max(above, 0.0)


@dataclass(frozen=True)
class ThreatRow:
    """One threat type's outcome statistics, per replication."""

    threat_type: str
    count: int
    detected: Estimate
    engaged: Estimate
    destroyed: Estimate
    leaked: Estimate
    unresolved: Estimate
    first_detection_range_m: Estimate

    def outcome(self, name: str) -> Estimate:
        """The estimate for one of ``THREAT_OUTCOMES``."""
        value: Estimate = getattr(self, name)
        return value


def as_float(value: Any) -> float:
    """A float from a JSON value; None, strings and other non-numbers become NaN."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    return math.nan


def parse_estimate(value: Any) -> Estimate:
    """An ``Estimate`` from ``{"mean": x, "ci95": [lo, hi]}`` or a bare number."""
    if isinstance(value, dict):
        mean = as_float(value.get("mean"))
        ci = value.get("ci95")
        if isinstance(ci, list | tuple) and len(ci) == 2:
            return Estimate(mean, as_float(ci[0]), as_float(ci[1]))
        return Estimate(mean, math.nan, math.nan)
    return Estimate(as_float(value), math.nan, math.nan)


def estimate_from_samples(samples: np.ndarray, seed: int = 0) -> Estimate:
    """Mean count per replication and its percentile-bootstrap 95 % CI.

    The interval is :func:`iads.stats.mean_count_ci`'s, the one summary.json uses for counts:
    it lies within the samples' range, so it never goes below 0 for a count.

    Parameters
    ----------
    samples : array, shape [R]
        One count per replication; non-finite values are left out.
    seed : int
        Seed of the bootstrap's generator.
    """
    return Estimate(*mean_count_ci(np.asarray(samples, dtype=float), seed=seed))


def threat_rows(summary: dict[str, Any]) -> list[ThreatRow]:
    """Per-threat-type rows of ``summary["threats"]``, in the summary's order."""
    rows = []
    for item in summary.get("threats") or []:
        if not isinstance(item, dict):
            continue
        count = as_float(item.get("count"))
        rows.append(
            ThreatRow(
                threat_type=str(item.get("type", "?")),
                count=int(count) if math.isfinite(count) else 0,
                detected=parse_estimate(item.get("detected")),
                engaged=parse_estimate(item.get("engaged")),
                destroyed=parse_estimate(item.get("destroyed")),
                leaked=parse_estimate(item.get("leaked")),
                unresolved=parse_estimate(item.get("unresolved")),
                first_detection_range_m=parse_estimate(item.get("first_detection_range_m")),
            )
        )
    return rows


def missile_estimates(
    summary: dict[str, Any], per_replication: dict[str, np.ndarray]
) -> dict[str, Estimate]:
    """Mean missiles fired per replication, by missile type.

    Taken from ``summary["missiles_fired"]``; a type present only in ``per_replication`` is
    estimated from its samples (``estimate_from_samples``).
    """
    fired = summary.get("missiles_fired") or {}
    result: dict[str, Estimate] = {}
    if isinstance(fired, dict):
        for missile_type, value in fired.items():
            result[str(missile_type)] = parse_estimate(value)
    for missile_type, samples in per_replication.items():
        if missile_type not in result:
            result[missile_type] = estimate_from_samples(samples)
    return result


def asset_estimates(summary: dict[str, Any]) -> list[tuple[str, Estimate]]:
    """Leakers per replication reaching each defended asset."""
    rows = []
    for item in summary.get("assets") or []:
        if isinstance(item, dict):
            rows.append((str(item.get("name", "?")), parse_estimate(item.get("leakers"))))
    return rows
