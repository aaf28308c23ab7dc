"""Strict JSON: NumPy scalars as Python numbers, non-finite floats as ``null``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def json_safe(value: Any) -> Any:
    """``value`` with NumPy scalars as Python numbers, dict keys as strings and every
    non-finite float replaced by None (JSON ``null``), so that ``allow_nan=False`` holds."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
