"""The engine's data, assembled from the stages' own: ``Params``, ``State`` and ``Run``.

Each stage package (threats, sensing, tracking, c2, launch, flyout, assessment) owns its
params, state and result in its ``base.py``; the engine only puts them side by side. Shapes
use these letters: J threat slots, W route points, A assets, D radars, U fire units, N
launchers, M missile slots per unit, K missile types, G salvo rows, L missile rows (the total
inventory), S stand-off jammers. Slot counts are padded to size buckets
(:func:`iads.arrays.bucket`); padded slots carry ``valid=False``.

Only what fixes an array shape is static (the step count, the flyout's substep count, the
capacities); every model number is an array leaf, so a run with other values, or many values
side by side under ``vmap``, reuses one compilation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
from jax import Array

from iads.assessment.base import AssessmentParams, AssessmentState
from iads.c2.base import C2Params, C2State
from iads.engine.events import EventLog
from iads.flyout.base import FlyoutParams, Missiles
from iads.launch.base import LaunchParams, LaunchState
from iads.sensing.base import SensingParams, SensingState
from iads.threats.base import ThreatParams, ThreatState
from iads.tracking.base import TrackingParams, Tracks


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Params:
    """Everything fixed in a run: the stages' params, the assets, the clock."""

    threats: ThreatParams
    sensing: SensingParams
    tracking: TrackingParams
    c2: C2Params
    launch: LaunchParams
    flyout: FlyoutParams
    assessment: AssessmentParams
    asset_pos_m: Array  # [A, 3]
    time_step_s: Array  # []
    n_steps: int = field(default=1, metadata={"static": True})
    salvo_capacity: int = field(default=1, metadata={"static": True})  # G
    missile_capacity: int = field(default=1, metadata={"static": True})  # L


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class State:
    """Run state of one replication (vmap adds a leading replication axis)."""

    t_s: Array  # [] time at the start of the step
    step: Array  # [] int32
    threats: ThreatState
    sensing: SensingState
    tracking: Tracks
    c2: C2State
    launch: LaunchState
    flyout: Missiles
    assessment: AssessmentState


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Run:
    """A finished replication: its final state and its event log."""

    state: State
    events: EventLog
