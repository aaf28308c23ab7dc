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
#: Kill mechanism codes (``KILL_MECHANISMS`` order).
BLAST_FRAGMENTATION, HIT_TO_KILL = 0, 1
KILL_MECHANISMS = ("blast-fragmentation", "hit-to-kill")


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class AssessmentParams:
    """Each missile type's kill mechanism (see ``iads.catalog.base.KillMechanism``)."""

    mechanism: Array  # [K] int32 BLAST_FRAGMENTATION | HIT_TO_KILL
    endgame_range_m: Array  # [K] a flight ends at a closest approach within this
    terminal_miss_m: Array  # [K] end-game error, 1 sigma per axis of the miss plane
    lethal_radius_m: Array  # [K] Carleton radius of a blast-fragmentation warhead
    hit_radius_m: Array  # [K] miss distance within which a hit-to-kill round strikes
    kill_probability: Array  # [K, categories] at zero end-game miss


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
