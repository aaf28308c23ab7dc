"""Assessment stage contract: lethality, which threats are destroyed, the step's outcomes.

Shapes: U fire units, M missile slots per unit, K missile types, J threat slots.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax import Array

from iads.flyout.base import FlightEnds

#: Outcome codes of a missile's flight.
OUTCOME_NONE, OUTCOME_KILL, OUTCOME_MISS = 0, 1, 2


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class AssessmentParams:
    """Each missile type's lethality."""

    lethal_radius_m: Array  # [K] the fuze detonates within this miss distance
    kill_probability: Array  # [K, categories] single-shot, given a detonation


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class AssessmentState:
    """When each threat was destroyed (inf if not)."""

    killed_s: Array  # [J]


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class AssessmentInputs:
    """What the assessment stage needs from outside it."""

    ends: FlightEnds
    target: Array  # [U, M] int32 each missile's threat (flyout)
    kind: Array  # [U, M] int32 its type
    threat_alive: Array  # [J] bool at the start of the step
    category: Array  # [J] int32


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Outcomes:
    """How the flights that ended this step turned out."""

    outcome: Array  # [U, M] int32 OUTCOME_*
    killed_now: Array  # [J] bool
