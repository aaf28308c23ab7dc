"""Confidence intervals over replications that respect the support of what they estimate.

A replication's count (threats destroyed, missiles fired) is a non-negative integer, and a
normal-approximation interval of its mean can reach below zero when the count is small and
rare (0.4 [-0.1, 0.9] over 20 replications). Here:

- the mean of a count gets a **percentile bootstrap** interval: the resampled means are means
  of replications' own values, so the interval lies within ``[min, max]`` of the data and
  never leaves the count's support. Resampling a count is drawing the number of replications
  that take each distinct value, a multinomial over the empirical distribution, so the cost
  depends on the number of distinct values, not of replications;
- a proportion (replications in which something happened) gets the **Wilson score** interval
  (Wilson 1927), which stays within [0, 1];
- a continuous quantity away from its bounds (a detection range) keeps the Student-t interval.

The bootstrap's draws come from a generator seeded by the caller (the run's seed), so a
summary is reproducible.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

#: Bootstrap resamples: the Monte Carlo error of a 2.5 % quantile from B resamples is about
#: sqrt(0.025 * 0.975 / B) in probability, 0.0016 for B = 10,000.
BOOTSTRAP_RESAMPLES = 10_000

#: Two-sided confidence level of every interval.
CONFIDENCE = 0.95


def _finite(samples: np.ndarray) -> np.ndarray:
    """The finite values of ``samples``, flattened."""
    values = np.asarray(samples, dtype=float).ravel()
    return values[np.isfinite(values)]


def mean_count_ci(samples: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Mean of per-replication values and its percentile-bootstrap 95 % interval.

    Parameters
    ----------
    samples : array, shape [R]
        One value per replication (non-finite values are left out).
    seed : int
        Seed of the bootstrap's generator.

    Returns
    -------
    (mean, lo, hi) : floats
        NaN for all three without data; ``lo`` and ``hi`` NaN with one value. The interval lies
        within ``[min(samples), max(samples)]``.
    """
    values = _finite(samples)
    mean = float(values.mean()) if values.size else math.nan
    if values.size < 2:
        return mean, math.nan, math.nan
    support, counts = np.unique(values, return_counts=True)
    if support.size == 1:
        return mean, mean, mean
    rng = np.random.default_rng(np.random.SeedSequence([seed, values.size]))
    draws = rng.multinomial(values.size, counts / values.size, size=BOOTSTRAP_RESAMPLES)
    means = draws @ support / values.size
    alpha = 1.0 - CONFIDENCE
    lo, hi = np.quantile(means, [alpha / 2, 1.0 - alpha / 2])
    return mean, float(max(lo, support[0])), float(min(hi, support[-1]))


def proportion_ci(successes: int, trials: int) -> tuple[float, float, float]:
    """Proportion and its Wilson score 95 % interval.

    With ``p = k/n`` and ``z`` the normal quantile, the interval is
    ``(p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)``; it lies within [0, 1].

    Returns
    -------
    (p, lo, hi) : floats; NaN for all three when ``trials`` is 0.
    """
    if trials <= 0:
        return math.nan, math.nan, math.nan
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be in [0, trials], got {successes} of {trials}")
    z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    spread = math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    half = z * spread / (1 + z * z / trials)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def mean_t_ci(samples: np.ndarray) -> tuple[float, float, float]:
    """Mean and Student-t 95 % interval of the mean, for a continuous quantity.

    Returns NaN for all three without data, and NaN bounds with one value.
    """
    values = _finite(samples)
    mean = float(values.mean()) if values.size else math.nan
    if values.size < 2:
        return mean, math.nan, math.nan
    half = float(
        stats.t.ppf(0.5 + CONFIDENCE / 2, values.size - 1)
        * values.std(ddof=1)
        / math.sqrt(values.size)
    )
    return mean, mean - half, mean + half
