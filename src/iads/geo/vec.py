"""3-vector helpers on arrays of shape ``[..., 3]`` (NumPy or JAX).

Written with explicit components: XLA on the CPU vectorises these far better than a reduction
over a trailing axis of length 3 (``jnp.linalg.norm(x, axis=-1)`` is several times slower).
"""

from __future__ import annotations

from typing import Any


def dot(a: Any, b: Any) -> Any:
    """Dot product over the last axis: shape ``[...]``."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def norm(a: Any, xp: Any = None) -> Any:
    """Euclidean length over the last axis: shape ``[...]``."""
    sq = dot(a, a)
    return sq**0.5


def cross(a: Any, b: Any, xp: Any) -> Any:
    """Cross product: shape ``[..., 3]``."""
    return xp.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        axis=-1,
    )


def dot_first(a: Any, b: Any) -> Any:
    """Dot product of component-major vectors (shape ``[3, ...]``): shape ``[...]``."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def norm_first(a: Any) -> Any:
    """Euclidean length of component-major vectors (shape ``[3, ...]``): shape ``[...]``."""
    return dot_first(a, a) ** 0.5


def across_first(a: Any, unit: Any) -> Any:
    """The part of component-major ``a`` across the unit vectors ``unit`` (shape ``[3, ...]``)."""
    return a - dot_first(a, unit) * unit


def cross_first(a: Any, b: Any, xp: Any) -> Any:
    """Cross product of component-major vectors (shape ``[3, ...]``)."""
    return xp.stack(
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    )
