"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

#: Memory maps a process may hold (Linux's default vm.max_map_count is 65,530). Every compiled
#: XLA executable holds some; the suite compiles thousands (Hypothesis tests jit a function per
#: drawn shape), and past the limit LLVM's next mapping fails and the process dies in a
#: segmentation fault inside a compilation. Clearing JAX's caches frees them.
_MAPS_BEFORE_CLEARING = 30_000
_MAPS = Path("/proc/self/maps")


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_code() -> Iterator[None]:
    """After each test module, drop JAX's compiled executables if the process holds many memory
    maps (a module's own compilations are kept while it runs, and most modules keep theirs)."""
    yield
    if _MAPS.exists():
        with _MAPS.open() as maps:
            held = sum(1 for _ in maps)
        if held > _MAPS_BEFORE_CLEARING:
            import jax

            jax.clear_caches()
