"""A small study shared by the sweep tests: two F-35-class fighters from 300 km north against
one battery, swept over the fighters' RCS (a value-only sweep: one compiled engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.engine.scenarios import base, raid_group, write
from tests.test_cli import invoke

RCS_PATH = "threats.f35_class.rcs_m2"
RCS_VALUES = (0.001, 0.003, 0.01)
GRID = f"{RCS_PATH}={','.join(str(v) for v in RCS_VALUES)}"
REPLICATIONS = 4


def fighter_scenario(**over: Any) -> dict[str, Any]:
    """The study's scenario: 400 s, one 9M96E2 launcher, two fighters at 10 km."""
    d = base(duration_s=400.0, replications=REPLICATIONS, seed=3)
    d["batteries"][0]["launchers"] = [{"type": "5P85SE2", "count": 1, "missile": "9M96E2"}]
    d["raid"] = [raid_group("f35", "f35_class", 2, 5.0, 300.0, 10000.0)]
    d.update(over)
    return d


@pytest.fixture(scope="session")
def scenario_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return write(tmp_path_factory.mktemp("scenario"), fighter_scenario())


@pytest.fixture(scope="session")
def jax_cache(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A persistent compilation cache that the RCS study fills, so that the other processes
    of the reliability tests (a command, Dask workers) load its engine instead of compiling
    it again (``JAX_COMPILATION_CACHE_DIR`` in their environment)."""
    return tmp_path_factory.mktemp("jax-cache")


@contextmanager
def persistent_cache(path: Path) -> Iterator[None]:
    """JAX's persistent compilation cache in ``path`` while inside (every compilation kept)."""
    import jax
    from jax._src import compilation_cache

    names = ("jax_compilation_cache_dir", "jax_persistent_cache_min_compile_time_secs")
    old = [getattr(jax.config, n) for n in names]
    compilation_cache.reset_cache()
    jax.config.update(names[0], str(path))
    jax.config.update(names[1], 0.0)
    try:
        yield
    finally:
        for n, v in zip(names, old, strict=True):
            jax.config.update(n, v)
        compilation_cache.reset_cache()


def cache_environment(path: Path) -> dict[str, str]:
    """Environment variables that make a child process use the cache in ``path``."""
    return {
        "JAX_COMPILATION_CACHE_DIR": str(path),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
    }


@pytest.fixture(scope="session")
def rcs_study(tmp_path_factory, scenario_file, jax_cache) -> tuple[Path, int]:  # type: ignore[no-untyped-def]
    """The RCS study run once; returns its directory and the engine compilations it made."""
    from iads.engine.run import _run_batch

    out = tmp_path_factory.mktemp("study") / "rcs"
    before = _run_batch._cache_size()
    with persistent_cache(jax_cache):
        res = invoke("sweep", str(scenario_file), "--grid", GRID, "--out", str(out))
    assert res.exit_code == 0, res.output
    return out, _run_batch._cache_size() - before
