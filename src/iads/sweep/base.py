"""The contract of a study: what is swept (axes and ranges), the design that turns them into
points, and the points themselves.

A study varies one scenario. Each swept quantity is named by a **path**:

- into the scenario file, as its validation errors name fields: ``raid[0].count``,
  ``batteries[0].doctrine.salvo_size``, ``duration_s``;
- into the catalog, as ``SECTION.KEY.FIELD``: ``threats.f35_class.rcs_m2``,
  ``missiles.48N6E3.max_range_m`` (a figure's nominal value; its published ``low``/``high`` are
  widened to hold the swept value).

A **design** makes the points: ``grid`` (every combination of the axes' values, the first axis
slowest), ``latin-hypercube`` or ``random`` (``samples`` points drawn over ``ranges`` from the
study's seed). Every point runs the same replications with the same seed: replication *i* of
every point draws the same random numbers (common random numbers), so differences between
points are the parameters' and not the draws'.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from iads.errors import InputError

#: A swept value: what a scenario or catalog field holds.
Scalar = bool | int | float | str

#: Designs a study file may name.
DESIGNS = ("grid", "latin-hypercube", "random")
Design = Literal["grid", "latin-hypercube", "random"]

#: Catalog sections a path may start with (the rest are scenario paths).
CATALOG_SECTIONS = (
    "systems",
    "command_posts",
    "radars",
    "masts",
    "launchers",
    "missiles",
    "threats",
)

#: Most points in one study (a guard against a typo such as 1e6 samples).
MAX_POINTS = 100_000

_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_\-]*"
_PATH = re.compile(rf"^{_SEGMENT}(\[\d+\])*(\.{_SEGMENT}(\[\d+\])*)*$")
_TOKEN = re.compile(rf"({_SEGMENT})|\[(\d+)\]")


def path_parts(path: str) -> tuple[str | int, ...]:
    """``raid[0].count`` -> ``("raid", 0, "count")``; raise ``ValueError`` if malformed."""
    if not _PATH.match(path):
        raise ValueError(f"{path!r} is not a field path (e.g. raid[0].count)")
    return tuple(
        int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _TOKEN.finditer(path)
    )


def is_catalog_path(path: str) -> bool:
    """Whether ``path`` names a catalog figure (``threats.f35_class.rcs_m2``)."""
    return path.split(".", 1)[0] in CATALOG_SECTIONS


def parse_value(text: str) -> Scalar:
    """A value as written on the command line: an integer, a float, ``true``/``false`` or a
    string (``8`` -> 8, ``0.01`` -> 0.01, ``nan`` -> nan, ``shoot-shoot`` -> ``"shoot-shoot"``)."""
    t = text.strip()
    for convert in (int, float):
        try:
            return convert(t)  # type: ignore[no-any-return]
        except ValueError:
            pass
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    return t


@dataclass(frozen=True)
class Axis:
    """One swept quantity of a grid and its values.

    ``argument`` is how the user gave it (``--grid 'raid[0].count=8,16'`` or
    ``grid.raid[0].count`` in a study file): errors name it.
    """

    path: str
    values: tuple[Scalar, ...]
    argument: str


@dataclass(frozen=True)
class Range:
    """One quantity sampled over ``[low, high]`` (log-uniformly when ``log``; rounded to whole
    numbers when ``integer``) by a Latin-hypercube or random design."""

    path: str
    low: float
    high: float
    argument: str
    log: bool = False
    integer: bool = False

    def value(self, u: float) -> Scalar:
        """The value at quantile ``u`` in [0, 1)."""
        if self.log:
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        return round(x) if self.integer else x


@dataclass(frozen=True)
class Point:
    """One scenario variant of a study: its index and the value of each swept path."""

    index: int
    values: tuple[tuple[str, Scalar], ...]  # (path, value) in axis order

    def as_dict(self) -> dict[str, Scalar]:
        """``{path: value}``."""
        return dict(self.values)


def parse_grid(argument: str, source: str | Path = "--grid") -> Axis:
    """Parse one ``--grid PATH=V1,V2,...`` argument; raise :class:`InputError` naming it."""
    where = f"--grid {argument!r}"
    path, sep, values = argument.partition("=")
    path = path.strip()
    if not sep or not values.strip():
        raise InputError(source, where, "expected PATH=VALUE1,VALUE2,... (e.g. raid[0].count=8,16)")
    try:
        path_parts(path)
    except ValueError as exc:
        raise InputError(source, where, str(exc)) from None
    items = [v for v in values.split(",")]
    if any(not v.strip() for v in items):
        raise InputError(source, where, "an empty value in the list")
    parsed = tuple(parse_value(v) for v in items)
    if len(set(map(repr, parsed))) != len(parsed):
        raise InputError(source, where, "a value is given twice")
    return Axis(path=path, values=parsed, argument=where)


@dataclass(frozen=True)
class StudySpec:
    """What a study sweeps and how (see the module docstring).

    ``replications`` and ``seed`` apply to every point; ``samples`` is the number of points of
    a Latin-hypercube or random design.
    """

    scenario: Path
    axes: tuple[Axis, ...]
    replications: int
    seed: int
    design: Design = "grid"
    ranges: tuple[Range, ...] = ()
    samples: int = 0

    def paths(self) -> tuple[str, ...]:
        """The swept paths, in order (the grid's axes, then the sampled ranges)."""
        return tuple(a.path for a in self.axes) + tuple(r.path for r in self.ranges)

    def points(self) -> tuple[Point, ...]:
        """Every point of the design, in order (a grid's first axis slowest)."""
        if self.design == "grid":
            combos = itertools.product(*(a.values for a in self.axes))
            return tuple(
                Point(i, tuple(zip(self.paths(), c, strict=True))) for i, c in enumerate(combos)
            )
        u = _unit_samples(self.design, self.samples, len(self.ranges), self.seed)
        base = [tuple((a.path, a.values[0]) for a in self.axes)] if self.axes else [()]
        return tuple(
            Point(
                i,
                base[0]
                + tuple((r.path, r.value(float(q))) for r, q in zip(self.ranges, row, strict=True)),
            )
            for i, row in enumerate(u)
        )

    def to_json(self) -> dict[str, Any]:
        """What ``study.json`` records of the design (paths, values, ranges, seed)."""
        return {
            "design": self.design,
            "grid": {a.path: list(a.values) for a in self.axes},
            "ranges": {
                r.path: {"low": r.low, "high": r.high, "log": r.log, "integer": r.integer}
                for r in self.ranges
            },
            "samples": self.samples,
            "replications": self.replications,
            "seed": self.seed,
        }


def _unit_samples(design: Design, n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points in the unit cube [0, 1)^d: a Latin hypercube (scipy's ``qmc``) or
    independent uniform draws, both from ``seed``."""
    if design == "latin-hypercube":
        from scipy.stats import qmc

        return np.asarray(qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n))
    return np.random.default_rng(seed).random((n, d))


def check_size(spec: StudySpec, source: str | Path) -> None:
    """Refuse a study with no points or more than :data:`MAX_POINTS`."""
    n = math.prod(len(a.values) for a in spec.axes) if spec.design == "grid" else spec.samples
    if n < 1:
        raise InputError(source, "--grid", "the study has no points: give at least one --grid")
    if n > MAX_POINTS:
        raise InputError(source, "--grid", f"{n:,} points; at most {MAX_POINTS:,}")
