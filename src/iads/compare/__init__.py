"""``iads compare``: several systems at a scenario's batteries on the same raid, side by side."""

from iads.compare.base import (
    EQUAL_BASES,
    PAIRED_TEST,
    SIGNIFICANCE_LEVEL,
    SYSTEM_NAMES,
    Comparison,
    Contender,
    FireUnit,
    MetricRow,
    PairedDifference,
)
from iads.compare.run import compare, prepare
from iads.compare.systems import parse_systems, resolve_system

__all__ = [
    "EQUAL_BASES",
    "PAIRED_TEST",
    "SIGNIFICANCE_LEVEL",
    "SYSTEM_NAMES",
    "Comparison",
    "Contender",
    "FireUnit",
    "MetricRow",
    "PairedDifference",
    "compare",
    "parse_systems",
    "prepare",
    "resolve_system",
]
