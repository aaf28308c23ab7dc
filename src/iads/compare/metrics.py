"""Per-replication metrics of one system's run, their intervals and the paired test.

Every metric is one value per replication (NaN where it does not exist: a range of a threat
type never detected or destroyed in that replication, a missile type the system lacks). Counts
get the percentile-bootstrap interval of ``iads.stats`` and ranges Student's t, as in the run's
summary. A system is compared with the first one by the Wilcoxon signed-rank test on the
per-replication differences (Wilcoxon 1945; zero differences dropped, Wilcoxon's own
treatment), which needs no normality and is valid because replication ``i`` of both systems
ran on the same random key.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

from iads.compare.base import (
    COUNT_FAMILIES,
    FAMILIES,
    MetricFamily,
    MetricRow,
    PairedDifference,
)
from iads.engine import events as ev
from iads.engine.base import Run
from iads.report.summary import Estimate
from iads.simulate import SimulationResult
from iads.stats import mean_count_ci, mean_t_ci

#: Per-replication values of one system: (family, item) -> array [R].
Metrics = dict[tuple[MetricFamily, str], np.ndarray]


def _nanmean_rows(x: np.ndarray) -> np.ndarray:
    """Mean of each row over its finite values; NaN for a row without any."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN row
        return np.nanmean(x, axis=1) if x.shape[1] else np.full(x.shape[0], np.nan)


def first_intercept_range_m(runs: Run, n_threats: int) -> np.ndarray:
    """Range [R, J] from the launcher that fired it to where each threat was destroyed (its
    first ``intercept`` event); NaN where the threat was not destroyed."""
    end, launch = runs.events.end, runs.events.launch
    hit = np.asarray(end.kind) == ev.INTERCEPT  # [R, L]
    time_s = np.where(hit, np.asarray(end.time_s, float), np.inf)
    target = np.asarray(end.threat)
    range_m = np.linalg.norm(
        np.asarray(end.pos_m, float) - np.asarray(launch.pos_m, float), axis=-1
    )
    out = np.full((time_s.shape[0], n_threats), np.nan)
    rows = np.arange(time_s.shape[0])
    for j in range(n_threats):
        t_j = np.where(target == j, time_s, np.inf)
        first = np.argmin(t_j, axis=1) if t_j.shape[1] else np.zeros(len(rows), int)
        found = np.isfinite(t_j[rows, first]) if t_j.shape[1] else np.zeros(len(rows), bool)
        out[found, j] = range_m[rows[found], first[found]]
    return out


def system_metrics(result: SimulationResult) -> Metrics:
    """The comparison's metrics of one run, one array [R] each.

    Per threat type: destroyed, leaked (counts), first detection range (mean over its threats
    detected in the replication, from the radar that saw each first) and first intercept range
    (mean over its threats destroyed, from the launcher that fired the killing round). Per
    missile type and in all: missiles fired.
    """
    reps = result.per_replication()
    layout = result.layout
    out: Metrics = {}
    intercept = first_intercept_range_m(result.runs, layout.n_threats)
    types = np.asarray(layout.threat_type)
    for ttype, d in reps["threats"].items():
        out["destroyed", ttype] = np.asarray(d["destroyed"], float)
        out["leaked", ttype] = np.asarray(d["leaked"], float)
        out["first_detection_range_m", ttype] = np.asarray(d["first_detection_range_m"], float)
        out["first_intercept_range_m", ttype] = _nanmean_rows(intercept[:, types == ttype])
    fired = {k: np.asarray(v, float) for k, v in reps["missiles_fired"].items()}
    out["missiles_fired", "all"] = (
        np.sum(list(fired.values()), axis=0) if fired else np.zeros(result.replications)
    )
    for mtype, v in fired.items():
        out["missiles_fired", mtype] = v
    return out


def estimate(family: MetricFamily, values: np.ndarray, seed: int) -> Estimate:
    """Mean and 95 % interval: bootstrap for counts, Student's t for ranges."""
    if family in COUNT_FAMILIES:
        return Estimate(*mean_count_ci(values, seed))
    return Estimate(*mean_t_ci(values))


def paired_difference(
    family: MetricFamily, first: np.ndarray, other: np.ndarray, seed: int
) -> PairedDifference:
    """``other - first`` over the replications where both exist, and the paired test.

    The p-value is the two-sided Wilcoxon signed-rank test's (``scipy.stats.wilcoxon``, zero
    differences dropped); it is 1 when every difference is zero (nothing to rank) and NaN
    without pairs.
    """
    both = np.isfinite(first) & np.isfinite(other)
    diff = other[both] - first[both]
    spread = estimate(family, diff, seed) if diff.size else Estimate(math.nan, math.nan, math.nan)
    if diff.size == 0:
        p = math.nan
    elif not np.any(diff != 0):
        p = 1.0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # small samples: scipy warns, the p-value stands
            p = float(stats.wilcoxon(diff, zero_method="wilcox").pvalue)
    return PairedDifference(
        mean=spread.mean,
        lo=spread.lo,
        hi=spread.hi,
        pairs=int(diff.size),
        nonzero=int(np.count_nonzero(diff)),
        p_value=p,
    )


def destroyed_per_replication(metrics: Metrics) -> np.ndarray:
    """Threats destroyed in each replication, all types together: [R]."""
    per_type = [v for (family, _), v in metrics.items() if family == "destroyed"]
    return np.sum(per_type, axis=0) if per_type else np.zeros(0)


def cost_per_destroyed(cost_usd: float | None, destroyed: np.ndarray, seed: int) -> Estimate:
    """Cost per threat destroyed: the fire units' cost over the mean threats destroyed per
    replication, C / D, US$.

    C is ``cost_usd`` (what the fire units cost, a contract price: see the catalog's
    ``fire_unit_cost_usd``), D the mean of ``destroyed`` [R] (threats destroyed in each
    replication). Its interval is C over the ends of D's percentile-bootstrap 95 % interval
    (the map is monotone), so it is infinite above where that interval reaches 0. It is a
    ratio of the cost to the mean, not a mean of per-replication ratios (infinite in any
    replication that destroys nothing). NaN without a cost or when nothing is destroyed.
    """
    mean, lo, hi = mean_count_ci(destroyed, seed)
    if cost_usd is None or not mean > 0:
        return Estimate(math.nan, math.nan, math.nan)

    def per(d: float) -> float:
        return math.nan if math.isnan(d) else (cost_usd / d if d > 0 else math.inf)

    return Estimate(per(mean), per(hi), per(lo))


#: A system against the first where no paired test is made.
NO_TEST = PairedDifference(math.nan, math.nan, math.nan, 0, 0, math.nan)


def cost_row(
    per_system: dict[str, Metrics], costs_usd: dict[str, float | None], seed: int
) -> MetricRow | None:
    """The cost per threat destroyed of every system (:func:`cost_per_destroyed`); None when
    no system has a cost. No paired test: it is the cost over the mean destroyed, whose own
    row carries the test."""
    labels = list(per_system)
    if not labels or all(costs_usd.get(lab) is None for lab in labels):
        return None
    return MetricRow(
        family="cost_per_destroyed_usd",
        item="all",
        estimates={
            lab: cost_per_destroyed(
                costs_usd.get(lab), destroyed_per_replication(per_system[lab]), seed
            )
            for lab in labels
        },
        differences={lab: NO_TEST for lab in labels[1:]},
    )


def metric_rows(per_system: dict[str, Metrics], seed: int) -> tuple[MetricRow, ...]:
    """The table: one row per metric any system has, in family order; systems that lack it
    (a missile type they do not carry) have NaN values and no test."""
    labels = list(per_system)
    if not labels:
        return ()
    n = len(next(iter(per_system[labels[0]].values())))
    keys: list[tuple[MetricFamily, str]] = []
    for metrics in per_system.values():
        keys += [k for k in metrics if k not in keys]
    order = {f: i for i, f in enumerate(FAMILIES)}
    keys.sort(key=lambda k: order[k[0]])  # stable: items keep their first-seen order
    rows = []
    missing = np.full(n, np.nan)
    for family, item in keys:
        values = {lab: per_system[lab].get((family, item), missing) for lab in labels}
        first = values[labels[0]]
        rows.append(
            MetricRow(
                family=family,
                item=item,
                estimates={lab: estimate(family, v, seed) for lab, v in values.items()},
                differences={
                    lab: paired_difference(family, first, values[lab], seed) for lab in labels[1:]
                },
            )
        )
    return tuple(rows)
