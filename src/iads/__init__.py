"""iads: an open simulator of long-range air defence (simulation and analysis only).

Public figures only, each with its source; example site positions are notional.

``load_scenario``, ``simulate`` and ``SimulationResult`` are imported on first use, so that
``import iads`` (and the command line's ``--help``) does not load JAX.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

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
