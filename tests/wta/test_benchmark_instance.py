"""Known answers from outside our code: the published optimum of a benchmark instance.

Andersen, Pavlikov & Toffolo (2022) give 1734.302278 for wta_50x100x1 and 123.838458 for
wta_50x100x2 (CPLEX, proven to its 0.01 % gap). The files are GPL and stay in the shared
reference folder beside the repository (../shared/reference/wta), never in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iads.wta import load_instance, solve_problem

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "wta"
PUBLISHED = {"wta_50x100x1.txt": 1734.302278, "wta_50x100x2.txt": 123.838458}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_exact_reproduces_the_published_best_value_and_proves_it(name: str) -> None:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"benchmark instance {path} not present (../shared/reference/wta is absent)")
    res = solve_problem(load_instance(path), "exact", time_limit_s=60.0)
    assert res.optimal
    assert res.expected_survival == pytest.approx(PUBLISHED[name], abs=1e-6)
    assert res.lower_bound >= PUBLISHED[name] * (1 - 1e-6)
