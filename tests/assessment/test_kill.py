"""The kill mechanisms against closed forms: Carleton blast-fragmentation and hit-to-kill,
each with a Rice-distributed end-game miss (closest approach plus a circular Gaussian error).

Known answers (x ~ N(m, s^2) per axis of the miss plane, d = |x|):
  E[exp(-d^2/R^2)] = exp(-mu^2 / (R^2 + 2 s^2)) / (1 + 2 s^2 / R^2)   (Gaussian integral)
  P(d <= r)        = Rice(nu = mu, sigma = s) CDF at r                  (scipy.stats.rice)
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from iads.assessment.base import (
    BLAST_FRAGMENTATION,
    HIT_TO_KILL,
    OUTCOME_KILL,
    OUTCOME_MISS,
    AssessmentInputs,
    AssessmentParams,
    AssessmentState,
)
from iads.assessment.kill import assess, damage, expected_kill_probability
from iads.flyout.base import FlightEnds

N = 40_000  # end games per Monte Carlo case: binomial 1-sigma of a rate p is ~0.0025


def _params(
    mechanism: int, pk: float, sigma: float, lethal: float = 0.0, hit: float = 0.0
) -> AssessmentParams:
    one = lambda x: jnp.asarray([x], jnp.float32)  # noqa: E731
    return AssessmentParams(
        mechanism=jnp.asarray([mechanism], jnp.int32),
        endgame_range_m=one(100.0),
        terminal_miss_m=one(sigma),
        lethal_radius_m=one(lethal),
        hit_radius_m=one(hit),
        kill_probability=jnp.full((1, 4), pk, jnp.float32),
    )


def _kill_rate(params: AssessmentParams, closest_m: float, seed: int = 0) -> tuple[int, int]:
    """Kills among N independent end games at closest approach ``closest_m`` (N replications
    of one missile at one threat), and the replications whose threat is recorded killed."""
    shape = (1, 1)
    ends = FlightEnds(
        ended=jnp.ones(shape, bool),
        fuzed=jnp.ones(shape, bool),
        miss_distance_m=jnp.full(shape, closest_m, jnp.float32),
        end_time_s=jnp.full(shape, 7.0, jnp.float32),
        end_pos_m=jnp.zeros((*shape, 3), jnp.float32),
    )
    inputs = AssessmentInputs(
        ends=ends,
        target=jnp.zeros(shape, jnp.int32),
        kind=jnp.zeros(shape, jnp.int32),
        threat_alive=jnp.ones(1, bool),
        category=jnp.zeros(1, jnp.int32),
    )
    state = AssessmentState(killed_s=jnp.full(1, jnp.inf, jnp.float32))
    keys = jax.random.split(jax.random.key(seed), N)
    new, out = _assess_many(params, inputs, state, keys)
    outcome = np.asarray(out.outcome)[:, 0, 0]
    assert set(np.unique(outcome)) <= {OUTCOME_KILL, OUTCOME_MISS}
    killed = np.asarray(out.killed_now)[:, 0]
    # The threat is killed exactly when the missile's outcome is a kill, at the end-game time.
    assert np.array_equal(killed, outcome == OUTCOME_KILL)
    assert np.array_equal(np.asarray(new.killed_s)[:, 0] == 7.0, killed)
    return int(np.sum(outcome == OUTCOME_KILL)), int(np.sum(killed))


_assess_many = jax.jit(jax.vmap(assess, in_axes=(None, None, None, 0)))


def _carleton_mean(mu: float, sigma: float, radius: float) -> float:
    return float(np.exp(-(mu**2) / (radius**2 + 2 * sigma**2)) / (1 + 2 * sigma**2 / radius**2))


def _consistent(kills: int, p: float) -> None:
    pvalue = stats.binomtest(kills, N, p).pvalue
    assert pvalue > 1e-4, (kills / N, p)


@pytest.mark.parametrize(
    ("pk", "mu", "sigma", "radius"),
    [(0.8, 0.0, 5.0, 25.0), (0.8, 10.0, 5.0, 25.0), (1.0, 20.0, 3.0, 12.0), (0.6, 0.0, 0.0, 12.0)],
)
def test_blast_fragmentation_kills_at_the_carleton_rate(pk, mu, sigma, radius) -> None:
    params = _params(BLAST_FRAGMENTATION, pk, sigma, lethal=radius)
    kills, _ = _kill_rate(params, mu)
    _consistent(kills, pk * _carleton_mean(mu, sigma, radius))


@pytest.mark.parametrize(
    ("pk", "mu", "sigma", "radius"),
    [(0.9, 0.0, 1.0, 1.0), (0.9, 1.5, 1.0, 1.0), (1.0, 0.5, 0.5, 0.8), (1.0, 4.0, 1.0, 1.0)],
)
def test_hit_to_kill_kills_at_the_rice_rate(pk, mu, sigma, radius) -> None:
    params = _params(HIT_TO_KILL, pk, sigma, hit=radius)
    kills, _ = _kill_rate(params, mu)
    _consistent(kills, pk * float(stats.rice.cdf(radius / sigma, mu / sigma)))


@pytest.mark.parametrize(
    "params",
    [
        _params(BLAST_FRAGMENTATION, 0.8, 5.0, lethal=25.0),
        _params(BLAST_FRAGMENTATION, 0.7, 3.0, lethal=12.0),
        _params(HIT_TO_KILL, 0.9, 0.7, hit=1.0),
    ],
    ids=["blast-25m", "blast-12m", "hit-to-kill"],
)
def test_the_planning_kill_probability_is_the_zero_miss_average(params) -> None:
    kills, _ = _kill_rate(params, 0.0, seed=3)
    _consistent(kills, float(expected_kill_probability(params)[0, 0]))


@pytest.mark.parametrize(
    ("mechanism", "terminal", "floor", "radius"),
    [(BLAST_FRAGMENTATION, 3.0, 4.0, 12.0), (HIT_TO_KILL, 0.5, 0.3, 1.0)],
)
def test_the_plan_adds_the_homing_noise_floor_to_the_fuze_error_in_quadrature(
    mechanism, terminal, floor, radius
) -> None:
    # independent circular Gaussian errors: a round with both kills at the rate of one with
    # sigma = sqrt(terminal^2 + floor^2)
    kw = {"lethal": radius} if mechanism == BLAST_FRAGMENTATION else {"hit": radius}
    both = _params(mechanism, 0.9, float(np.hypot(terminal, floor)), **kw)
    kills, _ = _kill_rate(both, 0.0, seed=5)
    fuze_only = _params(mechanism, 0.9, terminal, **kw)
    planned = expected_kill_probability(fuze_only, floor)
    _consistent(kills, float(planned[0, 0]))
    assert float(planned[0, 0]) < float(expected_kill_probability(fuze_only)[0, 0])


def test_the_two_mechanisms_differ_with_miss_distance() -> None:
    # Alike at a near-zero miss, a 5 m miss leaves the fragments lethal and the body clear.
    blast = _params(BLAST_FRAGMENTATION, 1.0, 0.3, lethal=12.0)
    hit = _params(HIT_TO_KILL, 1.0, 0.3, hit=1.0)
    near_b, _ = _kill_rate(blast, 0.0)
    near_h, _ = _kill_rate(hit, 0.0)
    assert near_b / N > 0.99 and near_h / N > 0.99
    far_b, _ = _kill_rate(blast, 5.0)
    far_h, _ = _kill_rate(hit, 5.0)
    assert far_b / N > 0.8
    assert far_h == 0


@settings(max_examples=60, deadline=None)
@given(
    mechanism=st.sampled_from([BLAST_FRAGMENTATION, HIT_TO_KILL]),
    radius=st.floats(0.5, 40.0),
    d1=st.floats(0.0, 200.0),
    d2=st.floats(0.0, 200.0),
)
@example(mechanism=HIT_TO_KILL, radius=1.0, d1=1.0, d2=1.0)
def test_damage_never_rises_with_miss_distance(mechanism, radius, d1, d2) -> None:
    params = _params(mechanism, 1.0, 0.0, lethal=radius, hit=radius)
    near, far = sorted((d1, d2))
    k = jnp.zeros(2, jnp.int32)
    dmg = np.asarray(damage(params, k, jnp.asarray([near, far], jnp.float32)))
    assert 0.0 <= dmg[1] <= dmg[0] <= 1.0
    # A direct hit kills whenever the kill probability says so.
    assert float(damage(params, k[:1], jnp.zeros(1, jnp.float32))[0]) == 1.0


def test_kills_rise_as_the_terminal_error_shrinks() -> None:
    rates = [
        _kill_rate(_params(BLAST_FRAGMENTATION, 1.0, s, lethal=12.0), 0.0)[0] for s in (12, 6, 2)
    ]
    assert rates[0] < rates[1] < rates[2]
