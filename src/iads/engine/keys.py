"""Every random key of a run, split by named purpose here and nowhere else.

Replication i of a run with root key ``PRNGKey(seed)`` uses ``fold_in(root, i)``; its initial
state uses ``fold_in(that, INIT)`` and step n ``fold_in(that, n)``, split into one key per
purpose. So replication i gives the same result alone or in any batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax import Array

from iads.sensing.base import SensingKeys

#: ``fold_in`` data of the initial state's key (no step has this number).
INIT = 2**31 - 1


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class StepKeys:
    """One step's keys."""

    sensing: SensingKeys
    homing: Array  # flyout's homing noise
    kill: Array  # assessment's kill draws


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class InitKeys:
    """The initial state's keys."""

    scan_phase: Array  # each radar's scan starts at a random phase


def replication_key(root: Array, index: Array) -> Array:
    """Key of replication ``index``."""
    return jax.random.fold_in(root, index)


def init_keys(key: Array) -> InitKeys:
    """Keys of the initial state of the replication with key ``key``."""
    return InitKeys(scan_phase=jax.random.fold_in(key, INIT))


def step_keys(key: Array, n: Array) -> StepKeys:
    """Keys of step ``n`` of the replication with key ``key``."""
    detection, noise, homing, kill = jax.random.split(jax.random.fold_in(key, n), 4)
    return StepKeys(sensing=SensingKeys(detection=detection, noise=noise), homing=homing, kill=kill)
