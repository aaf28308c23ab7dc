"""iads: an open simulator of long-range air defence (simulation and analysis only).

Public figures only, each with its source; example site positions are notional.

``load_scenario``, ``simulate`` and ``SimulationResult`` are imported on first use, so that
``import iads`` (and the command line's ``--help``) does not load JAX.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: XLA's CPU code limited to AVX: without AVX2's fused multiply-add, a replication's
#: arithmetic is the same whether XLA vectorises it with others or not, so a replication gives
#: the same result alone or in a batch of any size (with FMA, batches of about 100 and more
#: round differently and, through the engine's thresholds, change outcomes). Set before JAX
#: starts its CPU backend; an ``--xla_cpu_max_isa`` already in ``XLA_FLAGS`` is kept.
CPU_ISA_FLAG = "--xla_cpu_max_isa=AVX"
if "--xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {CPU_ISA_FLAG}".strip()

if TYPE_CHECKING:
    from iads.scenario.compile import load_scenario
    from iads.simulate import SimulationResult, simulate

__all__ = ["SimulationResult", "__version__", "load_scenario", "simulate"]

_LAZY = {
    "load_scenario": "iads.scenario.compile",
    "simulate": "iads.simulate",
    "SimulationResult": "iads.simulate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'iads' has no attribute {name!r}")
