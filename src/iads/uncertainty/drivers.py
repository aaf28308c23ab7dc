"""Which drawn figures drive the spread of a result: Spearman's rank correlation, over the
replications, between each figure's draws and the result.

Rank correlation measures a monotone association whatever its shape (a kill probability acts
on destroyed linearly, a radar's power through a fourth root on the range). Over R
replications, |rho| below about 2 / sqrt(R) is not told apart from chance; the p-value (the
t approximation of :func:`scipy.stats.spearmanr`) says so for each figure. With many figures
drawn at once, each figure's effect is measured against the noise of all the others and of
the engagement itself: a small |rho| is "not shown to matter", not "does not matter".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.uncertainty.figures import UncertainFigure
from iads.uncertainty.params import Uncertainty

#: The method, as the outputs name it.
METHOD = (
    "Spearman rank correlation between each figure's draws and the result, over the replications"
)


#: The family-wise level of the drivers' mark: p below LEVEL / (number of figures drawn).
LEVEL = 0.05


def bonferroni_significant(p_value: float, n_figures: int) -> bool:
    """Whether a driver's p-value passes the Bonferroni mark over ``n_figures`` figures."""
    return p_value * n_figures < LEVEL


@dataclass(frozen=True)
class Driver:
    """One figure's association with one result."""

    figure: UncertainFigure
    rho: float  # Spearman's rank correlation, in [-1, 1]
    p_value: float  # two-sided, H0: no monotone association

    def as_dict(self) -> dict[str, Any]:
        """For summary.json."""
        return {
            "figure": self.figure.path,
            "basis": self.figure.basis,
            "low": self.figure.low,
            "nominal": self.figure.value,
            "high": self.figure.high,
            "rho": self.rho,
            "p_value": self.p_value,
        }


def rank_drivers(
    figures: Sequence[UncertainFigure],
    values: Any,
    results: Mapping[str, Any],
    top: int = 5,
) -> dict[str, list[Driver]]:
    """For each result (an array [R] of per-replication values), the ``top`` figures by
    |rho|, largest first. A result with no spread (the same in every replication) has no
    drivers (an empty list); so has every result with fewer than 3 replications."""
    from scipy.stats import spearmanr

    x = np.asarray(values, np.float64)
    out: dict[str, list[Driver]] = {}
    for name, result in results.items():
        y = np.asarray(result, np.float64)
        ranked: list[Driver] = []
        if len(y) >= 3 and np.ptp(y) > 0:
            for j, fig in enumerate(figures):
                if np.ptp(x[:, j]) == 0:
                    continue
                rho, p = spearmanr(x[:, j], y)
                if math.isfinite(rho):
                    ranked.append(Driver(fig, float(rho), float(p)))
        ranked.sort(key=lambda d: (-abs(d.rho), d.figure.path))
        out[name] = ranked[:top]
    return out


def headline_results(per_replication: Mapping[str, Any]) -> dict[str, Any]:
    """The results whose drivers a run reports: leakers, threats destroyed and missiles fired
    in all, and leakers of each threat type (from :func:`iads.results.outcomes.per_replication`)."""
    threats = per_replication["threats"]
    leakers = np.asarray(per_replication["leakers"])
    zero = np.zeros_like(leakers)
    out = {
        "leakers": leakers,
        "destroyed": sum((d["destroyed"] for d in threats.values()), zero),
        "missiles fired": sum(per_replication["missiles_fired"].values(), zero),
    }
    out |= {f"leaked {t}": d["leaked"] for t, d in threats.items()}
    return out


def uncertainty_summary(unc: Uncertainty, drivers: Mapping[str, list[Driver]]) -> dict[str, Any]:
    """The ``uncertainty`` block of summary.json: what was drawn, how, and what drives what."""
    return {
        "distribution": unc.distribution,
        "seed": unc.seed,
        "firing_tables": "nominal (the command post plans with the nominal catalog's tables)",
        "figures": [
            {
                "figure": f.path,
                "basis": f.basis,
                "low": f.low,
                "nominal": f.value,
                "high": f.high,
                "count": f.integer,
            }
            for f in unc.figures
        ],
        "held_at_nominal": [{"figure": h.figure.path, "reason": h.reason} for h in unc.held],
        "drivers_method": METHOD,
        "drivers": {name: [d.as_dict() for d in ds] for name, ds in drivers.items()},
    }
