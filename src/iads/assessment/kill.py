"""Assessment stage kernel: which detonations destroy their threat.

A missile that detonated (its fuze fired within its type's lethal radius of a live threat)
kills with its type's single-shot kill probability for the threat's category. When two
missiles kill the same threat within one step, the earlier detonation is the kill and the
later missile counts as a miss (its target was already gone); exactly simultaneous
detonations give the kill to the lower missile slot.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.arrays import scatter_any, scatter_min
from iads.assessment.base import (
    OUTCOME_KILL,
    OUTCOME_MISS,
    OUTCOME_NONE,
    AssessmentInputs,
    AssessmentParams,
    AssessmentState,
    Outcomes,
)


def assess(
    params: AssessmentParams, inputs: AssessmentInputs, state: AssessmentState, key: Array
) -> tuple[AssessmentState, Outcomes]:
    """The assessment stage: kill draws for this step's detonations."""
    ends, target = inputs.ends, inputs.target
    pk = params.kill_probability[inputs.kind, inputs.category[target]]
    draw = jax.random.uniform(key, target.shape, dtype=ends.end_time_s.dtype)
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
