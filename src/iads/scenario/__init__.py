"""Scenario files: schema, loading against the catalog, compilation to engine arrays."""

from iads.scenario.base import SCHEMA_VERSION, ScenarioFile
from iads.scenario.compile import Layout, Scenario, compile_scenario, load_scenario

__all__ = [
    "SCHEMA_VERSION",
    "Layout",
    "Scenario",
    "ScenarioFile",
    "compile_scenario",
    "load_scenario",
]
