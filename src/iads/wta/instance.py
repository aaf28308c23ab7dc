"""Reading weapon–target assignment instances in the benchmark's text format.

The format of Andersen, Pavlikov & Toffolo (2022), ``wta_{m}x{n}x{mu}.txt``::

    m n mu            header: weapon types, targets, rounds per type
    V_0               n lines, one target value each
    ...
    i j p_ij          m·n lines, one kill probability per (type, target) pair

Blank lines are skipped. Every problem is reported as ``FILE: line K: problem`` (an
:class:`iads.errors.InputError`), so the CLI prints one line and exits 2.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from iads.errors import InputError
from iads.wta.base import Problem, problem


def load_instance(path: str | Path) -> Problem:
    """Read an instance file; every weapon type gets ``mu`` rounds and no capacity limit.

    Raises
    ------
    InputError
        On an unreadable file, a missing or malformed header, a wrong number of values or
        probabilities, an index out of range or repeated, a non-finite number, a value below
        0 or a probability outside [0, 1]; the message names the file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read the file ({exc})") from None
    lines = [(k, s.split()) for k, s in enumerate(text.splitlines(), start=1) if s.strip()]
    if not lines:
        raise InputError(path, "line 1", "empty file; expected the header 'm n mu'")
    k, header = lines[0]
    m, n, mu = _header(path, k, header)
    body = lines[1:]
    if len(body) < n + m * n:
        last = body[-1][0] if body else k
        raise InputError(
            path,
            f"line {last}",
            f"the file ends early: expected {n} target values and {m * n} probability lines "
            f"after the header, found {len(body)} lines",
        )
    if len(body) > n + m * n:
        extra = body[n + m * n][0]
        raise InputError(
            path, f"line {extra}", f"unexpected line after the {m * n} probability lines"
        )
    value = np.empty(n)
    for j, (k, tokens) in enumerate(body[:n]):
        if len(tokens) != 1:
            raise InputError(path, f"line {k}", f"expected one target value, got {len(tokens)}")
        v = _number(path, k, tokens[0], "target value")
        if v < 0:
            raise InputError(path, f"line {k}", f"target value must be >= 0, got {tokens[0]}")
        value[j] = v
    p = np.full((m, n), np.nan)
    for k, tokens in body[n:]:
        if len(tokens) != 3:
            raise InputError(path, f"line {k}", f"expected 'i j p', got {len(tokens)} fields")
        i = _index(path, k, tokens[0], "weapon type i", m)
        j = _index(path, k, tokens[1], "target j", n)
        pij = _number(path, k, tokens[2], "probability")
        if not 0.0 <= pij <= 1.0:
            raise InputError(path, f"line {k}", f"probability must be in [0, 1], got {tokens[2]}")
        if not math.isnan(p[i, j]):
            raise InputError(path, f"line {k}", f"pair (i={i}, j={j}) given twice")
        p[i, j] = pij
    return problem(p, value, rounds=np.full(m, mu), capacity=None)


def _header(path: Path, k: int, tokens: list[str]) -> tuple[int, int, int]:
    if len(tokens) != 3:
        raise InputError(path, f"line {k}", f"header must be 'm n mu', got {len(tokens)} fields")
    m, n, mu = (
        _integer(path, k, t, name) for t, name in zip(tokens, ("m", "n", "mu"), strict=True)
    )
    if m < 1 or n < 1 or mu < 0:
        raise InputError(
            path, f"line {k}", f"header needs m >= 1, n >= 1, mu >= 0; got {m} {n} {mu}"
        )
    return m, n, mu


def _integer(path: Path, k: int, token: str, name: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise InputError(path, f"line {k}", f"{name} must be an integer, got {token!r}") from None


def _index(path: Path, k: int, token: str, name: str, size: int) -> int:
    i = _integer(path, k, token, name)
    if not 0 <= i < size:
        raise InputError(path, f"line {k}", f"{name} must be in 0..{size - 1}, got {i}")
    return i


def _number(path: Path, k: int, token: str, name: str) -> float:
    try:
        x = float(token)
    except ValueError:
        raise InputError(path, f"line {k}", f"{name} must be a number, got {token!r}") from None
    if not math.isfinite(x):
        raise InputError(path, f"line {k}", f"{name} must be finite, got {token!r}")
    return x
