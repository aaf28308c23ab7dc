"""Small array operations the engine stages share: scatters, size buckets, precision.

Scatters written as one-hot comparisons: the engine's index sets are small (tens of
elements), and on the CPU a masked reduction over ``[M, N]`` is much faster than XLA's batched
scatter under ``vmap``. Indices outside ``[0, N)`` are dropped.
"""

from __future__ import annotations

import contextlib
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array


def bucket(n: int) -> int:
    """Slot count for ``n`` entities: the next power of two up to 8, then multiples of 8.

    Scenarios whose entity counts fall in one bucket (30 and 31 threats) have the same array
    shapes, so they share one compilation; padded slots are masked out.
    """
    if n < 1:
        return 1
    if n <= 8:
        return 1 << (n - 1).bit_length()
    return -(-n // 8) * 8


def precision(dtype: Any) -> contextlib.AbstractContextManager[object]:
    """Context in which JAX may create arrays of ``dtype``: 64-bit mode for float64 only.

    iads never switches JAX's 64-bit mode on for the whole process; float64 runs build and run
    their arrays inside this context.
    """
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)  # type: ignore[no-any-return]
    return contextlib.nullcontext()


def _match(index: Array, n: int) -> Array:
    return index.reshape(-1)[:, None] == jnp.arange(n, dtype=index.dtype)[None, :]  # [M, N]


def scatter_set(dest: Array, index: Array, value: Array) -> Array:
    """``dest`` with ``dest[index[m]] = value[m]`` (indices unique; leading axis scattered)."""
    n = dest.shape[0]
    match = _match(index, n)
    val = jnp.broadcast_to(value, index.shape + dest.shape[1:]).reshape((-1, *dest.shape[1:]))
    extra = (None,) * (dest.ndim - 1)
    picked = jnp.sum(
        jnp.where(match[(..., *extra)], val[:, None], jnp.zeros((), dest.dtype)),
        axis=0,
        dtype=dest.dtype,
    )
    hit = jnp.any(match, axis=0)[(..., *extra)]
    return jnp.where(hit, picked, dest)


def scatter_add(index: Array, value: Array, n: int) -> Array:
    """Array of length ``n`` with ``value[m]`` summed at ``index[m]``."""
    match = _match(index, n)
    v = jnp.broadcast_to(value, index.shape).reshape(-1)
    return jnp.sum(jnp.where(match, v[:, None], jnp.zeros((), v.dtype)), axis=0, dtype=v.dtype)


def scatter_any(index: Array, value: Array, n: int) -> Array:
    """Boolean array of length ``n``: any ``value[m]`` at ``index[m]``."""
    match = _match(index, n)
    return jnp.any(match & jnp.broadcast_to(value, index.shape).reshape(-1)[:, None], axis=0)


def scatter_min(index: Array, value: Array, n: int) -> Array:
    """Array of length ``n``: the least ``value[m]`` at ``index[m]`` (+inf where none)."""
    match = _match(index, n)
    v = jnp.broadcast_to(value, index.shape).reshape(-1)
    return jnp.min(jnp.where(match, v[:, None], jnp.inf), axis=0)
