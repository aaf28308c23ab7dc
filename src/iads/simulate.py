"""The Python entry points: ``load_scenario`` and ``simulate``."""

from __future__ import annotations

import operator
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from iads.engine.base import Params, Run
from iads.errors import InputError
from iads.scenario.compile import (
    HOST_MEMORY_SHARE,
    Layout,
    Scenario,
    available_memory_bytes,
    compile_scenario,
    device_free_bytes,
    host_bytes,
    load_scenario,
    memory_check,
    replication_bytes,
)
from iads.uncertainty.drivers import Driver, headline_results, rank_drivers, uncertainty_summary
from iads.uncertainty.params import Uncertainty, prepare_uncertainty

#: Default number of replications run at once on a CPU (one compiled batch shape).
DEFAULT_BATCH_SIZE = 256

#: A batch's peak working set on the device, in multiples of its replications' final states
#: and event logs (the scan's carry, the step's temporaries, the outputs). XLA's memory
#: analysis of the compiled demo engine on the CPU gives 2.1 (`benchmarks/working_set.py`,
#: docs/performance.md); 8 leaves room for a GPU compiler's own buffer layout. An engineering
#: margin, not a model figure.
DEVICE_WORKING_SET = 8


def default_batch_size(params: Params) -> int:
    """Replications run at once when no batch size is given.

    On a CPU, :data:`DEFAULT_BATCH_SIZE`. On a device that reports its free memory (a GPU), as
    many as fit in half of it, a replication taking :data:`DEVICE_WORKING_SET` times its
    final state and event log (a GPU runs a batch in parallel: the larger, the faster), and
    no more than a fifth of what :func:`iads.scenario.compile.memory_check` lets the host
    hold (each batch's results come back to the host).
    """
    free = device_free_bytes()
    if free is None:
        return DEFAULT_BATCH_SIZE
    per_rep = replication_bytes(params)
    device_fit = int(0.5 * free) // (DEVICE_WORKING_SET * per_rep)
    host_room = HOST_MEMORY_SHARE * available_memory_bytes() / 5
    host_fit = int(host_room // host_bytes(per_rep, 0, 1))
    return max(1, min(device_fit, host_fit))


def _version() -> str:
    from iads import __version__

    return __version__


@dataclass(frozen=True)
class SimulationResult:
    """Final engine states of every replication and what is needed to read them."""

    scenario: Scenario
    params: Params
    layout: Layout
    runs: Run  # final states and event logs, NumPy arrays with a leading replication axis
    seed: int
    uncertainty: Uncertainty | None = None  # what was drawn per replication, if anything

    def draws(self) -> Any:
        """Each drawn figure's value in each replication, [R, F] (none without uncertainty)."""
        if self.uncertainty is None:
            return np.zeros((self.replications, 0))
        return self.uncertainty.values(np.arange(self.replications))

    def drivers(self, top: int = 5) -> dict[str, list[Driver]]:
        """Which drawn figures drive the spread of each headline result (empty without
        uncertainty): :func:`iads.uncertainty.drivers.rank_drivers`."""
        if self.uncertainty is None:
            return {}
        results = headline_results(self.per_replication())
        return rank_drivers(self.uncertainty.figures, self.draws(), results, top)

    @property
    def replications(self) -> int:
        """Number of replications."""
        return int(self.runs.state.t_s.shape[0])

    def summary(self) -> dict[str, Any]:
        """The ``summary.json`` dictionary: per threat type, missile type and asset."""
        from iads.results.outcomes import summarise

        out = summarise(
            self.params,
            self.runs,
            self.layout,
            scenario=self.scenario.name,
            seed=self.seed,
            version=_version(),
        )
        spread = self.uncertainty_summary()
        if spread is not None:
            out["uncertainty"] = spread
        return out

    def uncertainty_summary(self) -> dict[str, Any] | None:
        """The ``uncertainty`` block of summary.json (None without uncertainty)."""
        if self.uncertainty is None:
            return None
        return uncertainty_summary(self.uncertainty, self.drivers())

    @cached_property
    def events(self) -> pa.Table:
        """The event log as a pyarrow Table (columns in ``iads.results.EVENT_SCHEMA``)."""
        from iads.results.outcomes import event_table

        return event_table(self.params, self.runs, self.layout)

    def per_replication(self) -> dict[str, Any]:
        """Counts per replication (arrays of shape [replications])."""
        from iads.results.outcomes import per_replication

        return per_replication(self.params, self.runs, self.layout)


def _integer(scn: Scenario, name: str, value: object, low: int, high: int | None) -> int:
    try:
        v = operator.index(value)  # type: ignore[arg-type]  # int, numpy int; not bool/float
    except TypeError:
        raise InputError(scn.path, name, f"must be an integer, got {value!r}") from None
    if isinstance(value, bool) or v < low or (high is not None and v > high):
        bounds = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise InputError(scn.path, name, f"must be an integer {bounds}, got {value!r}")
    return v


def simulate(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    dtype: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    uncertainty: bool = False,
    uncertainty_progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run ``replications`` replications of a scenario (defaults from the scenario file).

    Replication ``i`` depends only on ``(seed, i)``: it is the same run alone or in any batch.
    With ``uncertainty``, each catalog figure with low/high that reaches the engine is drawn
    per replication (:mod:`iads.uncertainty`); ``uncertainty_progress(done, total)`` follows
    the search for those figures.
    """
    from iads.engine.run import run_batches

    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n = _integer(
        scn,
        "replications",
        scn.spec.replications if replications is None else replications,
        1,
        None,
    )
    s = _integer(scn, "seed", scn.spec.seed if seed is None else seed, 0, 2**31 - 1)
    given = None if batch_size is None else _integer(scn, "batch_size", batch_size, 1, None)
    if dtype not in (None, "float32", "float64"):
        raise InputError(scn.path, "dtype", f"must be float32 or float64, got {dtype!r}")
    params, layout = compile_scenario(scn, dtype=dtype)
    b = default_batch_size(params) if given is None else given
    batch = min(n, b)
    memory_check(scn.path, params, n, batch)
    unc = prepare_uncertainty(scn, s, dtype, progress=uncertainty_progress) if uncertainty else None
    varying = None if unc is None else unc.varying
    runs = run_batches(params, n, s, batch, progress=progress, varying=varying)
    return SimulationResult(
        scenario=scn, params=params, layout=layout, runs=runs, seed=s, uncertainty=unc
    )


class _Module(types.ModuleType):
    """``iads.simulate`` names both this module and its function. Importing the module
    (``from iads.simulate import SimulationResult``) makes the package's attribute the module,
    so the module, called, runs the function: ``iads.simulate(...)`` works in any import
    order."""

    def __call__(self, *args: Any, **kwargs: Any) -> SimulationResult:
        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _Module
