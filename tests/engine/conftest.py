"""Fixtures shared by the engine tests.

A compiled engine is cached per shape (and batch size), so tests that run the same scenario
shape share one XLA compilation; the scenario itself is compiled once here for them all.
"""

from __future__ import annotations

import pytest

from tests.engine.scenarios import base, compiled


@pytest.fixture(scope="session")
def fighters(tmp_path_factory):  # type: ignore[no-untyped-def]
    """``base()``: four fighters against one battery. Its tests run it in batches of 4 (2 in
    float64), so they share the compiled engine."""
    return compiled(tmp_path_factory.mktemp("fighters"), base())
