"""Hypothesis strategies: small random weapon–target assignment problems."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from iads.wta.base import Problem, problem


@st.composite
def problems(
    draw: st.DrawFn, max_types: int = 3, max_targets: int = 4, max_rounds: int = 3
) -> Problem:
    """p in [0, 1] (with exact 0s and 1s), V integer 0..60, r 0..max_rounds, c 0..r or none."""
    m = draw(st.integers(1, max_types))
    n = draw(st.integers(1, max_targets))
    level = st.sampled_from([0.0, 1.0, 0.05, 0.5, 0.95]) | st.floats(0.0, 1.0)
    p = np.array(draw(st.lists(level, min_size=m * n, max_size=m * n))).reshape(m, n)
    v = np.array(draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)), float)
    r = np.array(draw(st.lists(st.integers(0, max_rounds), min_size=m, max_size=m)))
    if draw(st.booleans()):
        c = np.array([draw(st.integers(0, int(k))) for k in r])
        return problem(p, v, r, c)
    return problem(p, v, r)
