"""iads: an open simulator of long-range air defence (simulation and analysis only).

Public figures only, each with its source; example site positions are notional.
"""

__version__ = "0.1.0"

from iads.scenario.compile import load_scenario
from iads.simulate import SimulationResult, simulate

__all__ = ["SimulationResult", "__version__", "load_scenario", "simulate"]
