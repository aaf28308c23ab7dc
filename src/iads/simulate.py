"""The Python entry points: ``load_scenario`` and ``simulate``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from iads.engine.base import Params, State
from iads.errors import InputError
from iads.scenario.compile import Layout, Scenario, compile_scenario, load_scenario, memory_check

#: Default number of replications run at once (one compiled batch shape).
DEFAULT_BATCH_SIZE = 256


def _version() -> str:
    from iads import __version__

    return __version__


@dataclass(frozen=True)
class SimulationResult:
    """Final engine states of every replication and what is needed to read them."""

    scenario: Scenario
    params: Params
    layout: Layout
    states: State
    seed: int

    @property
    def replications(self) -> int:
        """Number of replications."""
        return int(self.states.t_s.shape[0])

    def summary(self) -> dict[str, Any]:
        """The ``summary.json`` dictionary: per threat type, missile type and asset."""
        from iads.results.outcomes import summarise

        return summarise(
            self.states,
            self.layout,
            scenario=self.scenario.name,
            seed=self.seed,
            version=_version(),
        )

    @cached_property
    def events(self) -> pa.Table:
        """The event log as a pyarrow Table (columns in ``iads.results.EVENT_SCHEMA``)."""
        from iads.results.outcomes import event_table

        return event_table(self.params, self.states, self.layout)

    def per_replication(self) -> dict[str, Any]:
        """Counts per replication (arrays of shape [replications])."""
        from iads.results.outcomes import per_replication

        return per_replication(self.states, self.layout)


def simulate(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    dtype: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run ``replications`` replications of a scenario (defaults from the scenario file).

    Replication ``i`` depends only on ``(seed, i)``: it is the same run alone or in any batch.
    """
    from iads.engine.run import run_batches

    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n = scn.spec.replications if replications is None else replications
    s = scn.spec.seed if seed is None else seed
    if not isinstance(n, int) or n < 1:
        raise InputError(scn.path, "replications", f"must be a positive integer, got {n!r}")
    if not isinstance(s, int) or not 0 <= s < 2**31:
        raise InputError(scn.path, "seed", f"must be an integer in [0, 2^31), got {s!r}")
    params, layout = compile_scenario(scn, dtype=dtype)
    batch = min(n, batch_size or DEFAULT_BATCH_SIZE)
    memory_check(scn.path, params, n, batch)
    states = run_batches(params, n, s, batch, progress=progress)
    return SimulationResult(scenario=scn, params=params, layout=layout, states=states, seed=s)
