"""Errors for bad input: one line naming the file, the field path and the problem."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError


class InputError(ValueError):
    """Bad user input (a scenario, catalog or DEM file, or an argument).

    The message is one line: ``FILE: FIELD.PATH: problem``. The CLI prints it and exits 2.
    """

    def __init__(self, source: str | Path, field: str | None, problem: str) -> None:
        self.source = str(source)
        self.field = field
        self.problem = problem
        where = f"{self.source}: {field}: " if field else f"{self.source}: "
        super().__init__(where + " ".join(problem.split()))


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('batteries', 0, 'site', 'lat_deg')`` -> ``batteries[0].site.lat_deg``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def from_validation_error(source: str | Path, exc: ValidationError) -> InputError:
    """The first pydantic error as an :class:`InputError` (one line)."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "missing":
        msg = "missing required field"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    n = len(exc.errors())
    more = f" (and {n - 1} more problem{'s' if n > 2 else ''})" if n > 1 else ""
    return InputError(source, field_path(loc), msg + more)
