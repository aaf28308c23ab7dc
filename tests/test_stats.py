"""Confidence intervals: published values, support, coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from iads.results.outcomes import mean_ci95
from iads.stats import mean_count_ci, mean_t_ci, proportion_ci


def test_wilson_interval_matches_newcombes_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3: 81/263 -> 0.2553-0.3662
    p, lo, hi = proportion_ci(81, 263)
    assert p == pytest.approx(81 / 263)
    assert lo == pytest.approx(0.2553, abs=5e-5)
    assert hi == pytest.approx(0.3662, abs=5e-5)


def test_wilson_interval_of_no_success_is_the_closed_form() -> None:
    # k = 0: [0, z²/(n + z²)]; for n = 10, 3.8415/13.8415 = 0.2775
    _, lo, hi = proportion_ci(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(1.959964**2 / (10 + 1.959964**2), rel=1e-6)


def test_wilson_refuses_more_successes_than_trials() -> None:
    with pytest.raises(ValueError, match="successes"):
        proportion_ci(11, 10)


def test_rare_count_interval_never_goes_below_zero() -> None:
    # like the 9M96E2 (0.4 [-0.1, 0.9], 20 replications): two salvos of four rounds
    samples = np.array([0] * 18 + [4] * 2)
    mean, lo, hi = mean_count_ci(samples, seed=3)
    assert mean == pytest.approx(0.4)
    assert 0.0 <= lo < mean < hi <= 4.0
    _, t_lo, _ = mean_t_ci(samples)
    assert t_lo < 0.0 <= lo  # the normal interval this replaces went below zero


@given(
    st.lists(st.integers(0, 40), min_size=2, max_size=300),
    st.integers(0, 2**31 - 1),
)
@example([0, 0, 0, 0, 0, 0, 0, 1], 0)
@example([5, 5], 0)
def test_count_interval_lies_within_the_data_and_holds_the_mean(
    values: list[int], seed: int
) -> None:
    mean, lo, hi = mean_count_ci(np.array(values), seed)
    assert min(values) <= lo <= hi <= max(values)
    assert lo <= mean + 1e-12 and mean - 1e-12 <= hi


def test_count_interval_is_reproducible_for_a_seed() -> None:
    x = np.array([0, 1, 1, 2, 3, 0, 1])
    assert mean_count_ci(x, 5) == mean_count_ci(x, 5)


def test_count_interval_covers_the_true_mean_about_95_percent_of_the_time() -> None:
    # 400 independent studies of 60 replications of a Binomial(4, 0.15) count
    rng = np.random.default_rng(20261201)
    true_mean = 4 * 0.15
    hits = 0
    for _ in range(400):
        _, lo, hi = mean_count_ci(rng.binomial(4, 0.15, size=60), seed=1)
        hits += lo <= true_mean <= hi
    assert 0.91 <= hits / 400 <= 0.98


def test_count_interval_agrees_with_student_t_for_a_large_symmetric_sample() -> None:
    x = np.random.default_rng(7).binomial(20, 0.5, size=5000)
    _, lo, hi = mean_count_ci(x, seed=2)
    _, t_lo, t_hi = mean_t_ci(x)
    assert (hi - lo) == pytest.approx(t_hi - t_lo, rel=0.05)


def test_a_constant_count_has_a_zero_width_interval() -> None:
    assert mean_count_ci(np.full(50, 12), 0) == (12.0, 12.0, 12.0)


def test_summary_estimate_keeps_its_shape_and_nulls() -> None:
    assert mean_ci95(np.array([])) == {"mean": None, "ci95": [None, None]}
    assert mean_ci95(np.array([3.0])) == {"mean": 3.0, "ci95": [None, None]}
    est = mean_ci95(np.array([0, 1, 0, 0, 2, np.nan]))
    assert set(est) == {"mean", "ci95"} and est["ci95"][0] >= 0.0
    assert not any(isinstance(v, float) and math.isnan(v) for v in est["ci95"])
