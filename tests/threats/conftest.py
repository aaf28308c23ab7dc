"""Known-answer tests here compare to 1e-9 and need float64: 64-bit JAX inside each test only."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _float64():
    with jax.enable_x64(True):
        yield
