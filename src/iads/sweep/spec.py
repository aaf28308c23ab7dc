"""Read a study: from ``--grid`` arguments or a YAML study file, checked once here.

A study file::

    scenario: ankara.yaml          # relative to the study file
    replications: 200              # default: the scenario's
    seed: 1                        # default: the scenario's
    design: grid                   # grid (default), latin-hypercube or random
    grid:                          # path: [values]
      raid[0].count: [8, 16, 32, 64]
      threats.f35_class.rcs_m2: [0.001, 0.01, 0.1]
    ranges:                        # latin-hypercube / random designs: path: {low, high}
      threats.f35_class.rcs_m2: {low: 0.001, high: 0.1, log: true}
    samples: 20                    # points of a latin-hypercube / random design
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from iads.errors import InputError, from_validation_error
from iads.sweep.base import (
    Axis,
    Range,
    Scalar,
    StudySpec,
    check_size,
    parse_grid,
    path_parts,
)
from iads.yamlio import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RangeEntry(_Strict):
    """A sampled range: ``low`` to ``high``; ``log``: log-uniform; ``integer``: rounded."""

    low: float
    high: float
    log: bool = False
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> RangeEntry:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"need finite low < high, got {self.low}, {self.high}")
        if self.log and self.low <= 0:
            raise ValueError("a log range needs low > 0")
        return self


class StudyFile(_Strict):
    """A whole study file (see the module docstring)."""

    scenario: str = Field(min_length=1)
    replications: int | None = Field(default=None, ge=1, strict=True)
    seed: int | None = Field(default=None, ge=0, lt=2**31, strict=True)
    design: Literal["grid", "latin-hypercube", "random"] = "grid"
    grid: dict[str, list[bool | int | float | str]] = Field(default_factory=dict)
    ranges: dict[str, RangeEntry] = Field(default_factory=dict)
    samples: int = Field(default=0, ge=0, strict=True)

    @model_validator(mode="after")
    def _design(self) -> StudyFile:
        if self.design == "grid":
            if self.ranges or self.samples:
                raise ValueError("a grid design takes no ranges or samples")
            if any(not v for v in self.grid.values()):
                raise ValueError("a grid axis needs at least one value")
        else:
            if not self.ranges or self.samples < 1:
                raise ValueError(f"a {self.design} design needs ranges and samples >= 1")
            if any(len(v) != 1 for v in self.grid.values()):
                raise ValueError(f"a {self.design} design fixes grid paths to one value each")
        return self


def is_study_file(raw: Any) -> bool:
    """Whether a YAML mapping is a study file (it names a ``scenario``) rather than a
    scenario (whose schema has no such field)."""
    return isinstance(raw, dict) and "scenario" in raw and "schema_version" not in raw


def _check_path(source: str | Path, where: str, path: str) -> None:
    try:
        path_parts(path)
    except ValueError as exc:
        raise InputError(source, where, str(exc)) from None


def study_from_file(path: Path, raw: Any) -> StudySpec:
    """A :class:`StudySpec` from a study file's contents (replications and seed left 0 when the
    file leaves them to the scenario: :func:`with_defaults` fills them)."""
    try:
        f = StudyFile.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(path, exc, StudyFile) from None
    axes = []
    for p, values in f.grid.items():
        _check_path(path, f"grid.{p}", p)
        axes.append(Axis(path=p, values=tuple(values), argument=f"grid.{p}"))
    ranges = []
    for p, r in f.ranges.items():
        _check_path(path, f"ranges.{p}", p)
        if p in f.grid:
            raise InputError(path, f"ranges.{p}", "is also in grid")
        ranges.append(Range(p, r.low, r.high, argument=f"ranges.{p}", log=r.log, integer=r.integer))
    spec = StudySpec(
        scenario=(path.parent / f.scenario),
        axes=tuple(axes),
        replications=f.replications or 0,
        seed=-1 if f.seed is None else f.seed,
        design=f.design,
        ranges=tuple(ranges),
        samples=f.samples,
    )
    check_size(spec, path)
    return spec


def study_from_arguments(
    scenario: Path, grid: list[str], replications: int | None, seed: int | None
) -> StudySpec:
    """A grid :class:`StudySpec` from ``--grid`` arguments."""
    axes = [parse_grid(g, scenario) for g in grid]
    seen: dict[str, str] = {}
    for a in axes:
        if a.path in seen:
            raise InputError(scenario, a.argument, f"{a.path} is swept twice (also {seen[a.path]})")
        seen[a.path] = a.argument
    spec = StudySpec(
        scenario=scenario,
        axes=tuple(axes),
        replications=replications or 0,
        seed=-1 if seed is None else seed,
    )
    check_size(spec, scenario)
    return spec


def read_study_source(
    source: Path, grid: list[str], replications: int | None, seed: int | None
) -> tuple[StudySpec, Any]:
    """The study named on the command line: a study file, or a scenario and ``--grid``s.

    Returns the spec and the scenario file's contents as read (a mapping to vary)."""
    raw = load_yaml(source)
    if is_study_file(raw):
        if grid:
            raise InputError(
                source, "--grid", "a study file has its own grid; give one or the other"
            )
        spec = study_from_file(source, raw)
        if replications is not None or seed is not None:
            spec = dataclasses.replace(
                spec,
                replications=replications or spec.replications,
                seed=spec.seed if seed is None else seed,
            )
        return spec, load_yaml(spec.scenario)
    return study_from_arguments(source, grid, replications, seed), raw


def with_defaults(spec: StudySpec, replications: int, seed: int) -> StudySpec:
    """``spec`` with the scenario's replications and seed where the study left them open."""
    return dataclasses.replace(
        spec,
        replications=spec.replications or replications,
        seed=seed if spec.seed < 0 else spec.seed,
    )


def arguments_of(spec: StudySpec) -> dict[str, str]:
    """Path -> how the user gave it (for error messages)."""
    return {a.path: a.argument for a in spec.axes} | {r.path: r.argument for r in spec.ranges}


def values_of(spec: StudySpec) -> dict[str, tuple[Scalar, ...]]:
    """Path -> the grid's values for it."""
    return {a.path: a.values for a in spec.axes}
