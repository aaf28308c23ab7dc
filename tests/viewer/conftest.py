"""Fixtures of the viewer tests: the session's small run directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.viewer.rundir import small_run


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory written by ``iads run`` (see ``tests.viewer.rundir``); do not modify."""
    return small_run(tmp_path_factory)
