"""Brute force for tiny instances: every feasible assignment enumerated."""

from __future__ import annotations

import itertools

import numpy as np

from iads.wta.base import Problem


def brute_force_optimum(prob: Problem) -> float:
    """min over all feasible x of Σ_j V_j Π_i (1 − p_ij)^x_ij (every type's options crossed)."""
    p = prob.kill_probability
    m, n = p.shape
    acc = np.zeros((1, n))  # log survival of each partial combination
    with np.errstate(divide="ignore"):
        log_miss = np.log1p(-p)  # -inf where p = 1
    for i in range(m):
        options = np.array(
            [
                x
                for x in itertools.product(range(int(prob.rounds[i]) + 1), repeat=n)
                if sum(x) <= prob.rounds[i] and sum(1 for v in x if v) <= prob.capacity[i]
            ]
        )
        with np.errstate(invalid="ignore"):
            term = np.where(options > 0, options * log_miss[i][None, :], 0.0)
        acc = (acc[:, None, :] + term[None, :, :]).reshape(-1, n)
    return float((np.exp(acc) @ prob.target_value).min())
