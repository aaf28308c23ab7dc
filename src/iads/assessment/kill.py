"""Assessment stage kernel: which end games destroy their threat.

A flight that ended at a closest approach within its type's end-game range (flyout) has an
end-game miss distance d = |mu + e|: mu the closest approach the flyout found, e a circular
Gaussian of ``terminal_miss_m`` per axis in the miss plane, so d is Rice distributed. It
kills with its type's kill probability for the threat's category times the damage function of
its mechanism: exp(-d^2 / R^2) for blast-fragmentation (the Carleton function, R the lethal
radius), 1 within the hit radius for hit-to-kill. When two missiles kill the same threat
within one step, the earlier end game is the kill and the later missile counts as a miss (its
target was already gone); exactly simultaneous ones give the kill to the lower missile slot.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_any, scatter_min
from iads.assessment.base import (
    HIT_TO_KILL,
    OUTCOME_KILL,
    OUTCOME_MISS,
    OUTCOME_NONE,
    AssessmentInputs,
    AssessmentParams,
    AssessmentState,
    Outcomes,
)


def damage(params: AssessmentParams, kind: Array, miss_m: Array) -> Array:
    """Probability that an end game of missile type ``kind`` at miss distance ``miss_m`` kills
    a target it would kill at zero miss (the mechanism's damage function, in [0, 1])."""
    radius = jnp.maximum(params.lethal_radius_m[kind], 1e-6)
    carleton = jnp.exp(-((miss_m / radius) ** 2))
    hit = (miss_m <= params.hit_radius_m[kind]).astype(miss_m.dtype)
    return jnp.where(params.mechanism[kind] == HIT_TO_KILL, hit, carleton)


def expected_kill_probability(
    params: AssessmentParams, homing_noise_floor_m: Array | float = 0.0
) -> Array:
    """Kill probability [K, categories] of one round whose guidance would bring it onto the
    target itself, averaged over its end-game error: the figure the command post plans with.

    The error is the fuze's ``terminal_miss_m`` and the homing noise's floor
    ``homing_noise_floor_m`` [K] (a round that follows its sensor's noise out misses by the last
    draw's offset: a circular Gaussian of that sigma, ``iads.flyout.guidance``), independent,
    so sigma^2 = terminal^2 + floor^2 per axis. With d Rayleigh distributed, E[exp(-d^2/R^2)]
    = 1 / (1 + 2 sigma^2 / R^2) and P(d <= r) = 1 - exp(-r^2 / (2 sigma^2)). The angle noise,
    the guidance lag and the target's manoeuvre are not planned for.
    """
    sigma2 = params.terminal_miss_m**2 + jnp.asarray(homing_noise_floor_m) ** 2
    radius2 = jnp.maximum(params.lethal_radius_m, 1e-6) ** 2
    carleton = 1.0 / (1.0 + 2.0 * sigma2 / radius2)
    hit = 1.0 - jnp.exp(-(params.hit_radius_m**2) / jnp.maximum(2.0 * sigma2, 1e-12))
    factor = jnp.where(params.mechanism == HIT_TO_KILL, hit, carleton)
    return params.kill_probability * factor[:, None]


def endgame_miss_m(params: AssessmentParams, kind: Array, closest_m: Array, key: Array) -> Array:
    """End-game miss distance: the closest approach plus the terminal error (Rice)."""
    e = jax.random.normal(key, (2, *closest_m.shape), dtype=closest_m.dtype)
    sigma = params.terminal_miss_m[kind]
    return jnp.sqrt((closest_m + sigma * e[0]) ** 2 + (sigma * e[1]) ** 2)


def assess(
    params: AssessmentParams, inputs: AssessmentInputs, state: AssessmentState, key: Array
) -> tuple[AssessmentState, Outcomes]:
    """The assessment stage: kill draws for this step's end games."""
    ends, target, kind = inputs.ends, inputs.target, inputs.kind
    miss_key, kill_key = jax.random.split(key)
    miss = endgame_miss_m(params, kind, ends.miss_distance_m, miss_key)
    pk = params.kill_probability[kind, inputs.category[target]] * damage(params, kind, miss)
    draw = jax.random.uniform(kill_key, target.shape, dtype=ends.end_time_s.dtype)
    n_threats = inputs.threat_alive.shape[0]
    end_t = ends.end_time_s
    hit = ends.fuzed & (draw < pk)
    first_kill = scatter_min(target, jnp.where(hit, end_t, jnp.inf), n_threats)  # [J]
    earliest = hit & (end_t <= first_kill[target])
    index = jnp.arange(target.size, dtype=end_t.dtype).reshape(target.shape)
    first_index = scatter_min(target, jnp.where(earliest, index, jnp.inf), n_threats)
    kill = earliest & (index == first_index[target])
    killed_now = scatter_any(target, kill, n_threats) & inputs.threat_alive
    outcome = jnp.where(
        ends.ended, jnp.where(kill, OUTCOME_KILL, OUTCOME_MISS), OUTCOME_NONE
    ).astype(jnp.int32)
    killed_s = jnp.where(killed_now, first_kill, state.killed_s)
    return AssessmentState(killed_s=killed_s), Outcomes(outcome=outcome, killed_now=killed_now)
