"""Draws of uncertain figures, one per replication: triangular on low / nominal / high.

The draw of figure f in replication i depends only on (seed, i, f's path): it is the same
whatever the batch, the number of replications or the other figures, and two scenarios (two
compared systems) that share a figure draw it alike in the same replication.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from iads.uncertainty.figures import UncertainFigure

#: Folded into the root key so the figures' draws are a stream of their own, apart from the
#: engine's per-replication keys ("UNC").
_UNCERTAINTY_TAG = 0x554E43


@jax.jit
def _uniforms(seed: Array, streams: Array, replications: Array) -> Array:
    root = jax.random.fold_in(jax.random.PRNGKey(seed), _UNCERTAINTY_TAG)

    def one(i: Array) -> Array:
        key = jax.random.fold_in(root, i)
        # float32 bits whatever the run's precision (x64 on or off), so a draw is the same
        # in a float32 and a float64 run
        return jax.vmap(
            lambda s: jax.random.uniform(jax.random.fold_in(key, s), dtype=jnp.float32)
        )(streams)

    return jax.vmap(one)(replications)


def uniforms(
    seed: int, figures: Sequence[UncertainFigure], replications: Sequence[int] | np.ndarray
) -> Any:
    """U(0, 1) draws [len(replications), len(figures)] (NumPy, float64)."""
    if not figures or len(replications) == 0:
        return np.zeros((len(replications), len(figures)))
    streams = jnp.asarray([f.stream for f in figures], jnp.uint32)
    reps = jnp.asarray(np.asarray(replications), jnp.uint32)
    return np.asarray(_uniforms(jnp.uint32(seed), streams, reps), np.float64)


def triangular(u: Any, low: Any, mode: Any, high: Any) -> Any:
    """The triangular distribution's quantile function at ``u`` (arrays broadcast).

    With a = low, c = mode, b = high and F_c = (c - a) / (b - a): x = a + sqrt(u (b - a) (c - a))
    for u < F_c, else b - sqrt((1 - u) (b - a) (b - c)). A zero-width range gives the mode.
    """
    u, a, c, b = (np.asarray(x, np.float64) for x in (u, low, mode, high))
    width = b - a
    split = np.divide(c - a, width, out=np.ones_like(width), where=width > 0)
    lower = a + np.sqrt(u * width * (c - a))
    upper = b - np.sqrt((1.0 - u) * width * (b - c))
    return np.where(width > 0, np.where(u < split, lower, upper), c)


def draw(
    seed: int, figures: Sequence[UncertainFigure], replications: Sequence[int] | np.ndarray
) -> Any:
    """Each figure's value in each of ``replications``: [R, F] NumPy float64, triangular on
    (low, nominal, high); a count (``integer``) is rounded to the nearest whole number."""
    u = uniforms(seed, figures, replications)
    low = np.array([f.low for f in figures])
    mode = np.array([f.value for f in figures])
    high = np.array([f.high for f in figures])
    x = triangular(u, low, mode, high)
    counts = np.array([f.integer for f in figures], bool)
    return np.where(counts, np.clip(np.floor(x + 0.5), low, high), x)
