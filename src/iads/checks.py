"""Argument checks for the analysis functions: a ValueError whose message names the argument.

Used by the pure array functions of :mod:`iads.radar` and :mod:`iads.terrain` on concrete
(NumPy or Python) inputs; inside ``jax.jit`` or ``vmap`` values are tracers and are not checked.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import numpy as np
from numpy.typing import NDArray


def is_concrete(*values: Any) -> bool:
    """True when no value is a JAX tracer (inside ``jit``/``vmap`` values cannot be checked)."""
    return not any(isinstance(v, jax.core.Tracer) for v in values)


def _first_bad(arr: NDArray[np.float64], ok: NDArray[np.bool_]) -> float:
    return float(arr[~ok].flat[0])


def check_finite(name: str, value: Any) -> NDArray[np.float64]:
    """``value`` as a float64 array; ValueError naming ``name`` unless every element is finite."""
    arr = np.asarray(value, dtype=np.float64)
    ok = np.isfinite(arr)
    if not ok.all():
        raise ValueError(f"{name} must be finite, got {_first_bad(arr, ok)!r}")
    return arr


def check_positive(name: str, value: Any) -> NDArray[np.float64]:
    """``value`` as a float64 array; ValueError naming ``name`` unless all are finite and > 0."""
    arr = np.asarray(value, dtype=np.float64)
    ok = np.isfinite(arr) & (arr > 0)
    if not ok.all():
        raise ValueError(f"{name} must be positive and finite, got {_first_bad(arr, ok)!r}")
    return arr


def check_nonnegative(name: str, value: Any) -> NDArray[np.float64]:
    """``value`` as a float64 array; ValueError naming ``name`` unless all are finite and >= 0."""
    arr = np.asarray(value, dtype=np.float64)
    ok = np.isfinite(arr) & (arr >= 0)
    if not ok.all():
        raise ValueError(f"{name} must be non-negative and finite, got {_first_bad(arr, ok)!r}")
    return arr


def check_probability(name: str, p: float) -> None:
    """ValueError naming ``name`` unless ``p`` lies strictly between 0 and 1."""
    if not (isinstance(p, int | float | np.floating | np.integer) and math.isfinite(p)):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p!r}")
    if not (0.0 < p < 1.0):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p!r}")
