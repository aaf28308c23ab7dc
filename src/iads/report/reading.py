"""A plain-language reading of a run's result, for the top of the report.

Built from the ``summary.json`` dict and the leakers per replication only, so it says nothing
the tables do not: interceptors fired, threats destroyed, leakers per defended asset with
their 95 % confidence interval, which threat types leaked, threats still in flight at the end,
and how many replications had no leaker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from iads.report.names import format_count, plural, threat_name
from iads.report.summary import Estimate, ThreatRow, asset_estimates, threat_rows


def no_leaker_phrase(leakers_per_replication: np.ndarray) -> str:
    """How many replications had no leaker, in words.

    "every replication had at least one leaker", "no replication had a leaker", "the one
    replication had no leaker", or "no leaker in 37 of 200 replications (19%)".

    Parameters
    ----------
    leakers_per_replication : array, shape [R]
        Leakers (all assets together) per replication; non-finite values are left out.
    """
    values = np.asarray(leakers_per_replication, dtype=float)
    values = values[np.isfinite(values)]
    total = int(values.size)
    clean = int(np.count_nonzero(values == 0))
    if total == 0:
        return "no replication to count leakers in"
    if clean == 0:
        return (
            "the one replication had a leaker"
            if total == 1
            else "every replication had at least one leaker"
        )
    if clean == total:
        return "the one replication had no leaker" if total == 1 else "no replication had a leaker"
    return f"no leaker in {clean} of {total} replications ({_percent(clean, total)})"


def _percent(part: int, whole: int) -> str:
    share = 100.0 * part / whole
    if 0 < share < 1:
        return "under 1%"
    if 99 < share < 100:
        return "over 99%"
    return f"{math.floor(share + 0.5):.0f}%"  # half up: 18.5% -> 19%


def _ci(estimate: Estimate) -> str:
    if math.isfinite(estimate.lo) and math.isfinite(estimate.hi) and estimate.lo < estimate.hi:
        return f" (95% CI {format_count(estimate.lo)}–{format_count(estimate.hi)})"
    return ""


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _total(rows: Sequence[ThreatRow], outcome: str) -> float | None:
    """Sum over threat types of a mean count; None when no type has it."""
    known = [r.outcome(outcome).mean for r in rows if r.outcome(outcome).is_known]
    return float(sum(known)) if known else None


def _fired_sentence(missiles: dict[str, Estimate], rows: Sequence[ThreatRow]) -> str:
    known = {name: e for name, e in missiles.items() if e.is_known}
    in_raid = sum(r.count for r in rows)
    destroyed = _total(rows, "destroyed")
    destroyed_text = (
        f"destroyed {format_count(destroyed)} of the {in_raid} threats in the raid"
        if destroyed is not None and in_raid
        else ""
    )
    if not known:
        return f"On average the defence {destroyed_text}." if destroyed_text else ""
    fired = sum(e.mean for e in known.values())
    by_type = ", ".join(f"{name} {format_count(e.mean)}" for name, e in known.items())
    sentence = f"On average the defence fired {format_count(fired)} interceptors ({by_type})"
    return sentence + (f" and {destroyed_text}." if destroyed_text else ".")


def _leak_sentences(
    summary: dict[str, Any], rows: Sequence[ThreatRow], leakers: np.ndarray
) -> list[str]:
    assets = [(name, e) for name, e in asset_estimates(summary) if e.is_known]
    leaked = _total(rows, "leaked")
    values = np.asarray(leakers, dtype=float)
    values = values[np.isfinite(values)]
    if leaked == 0.0 and not np.any(values > 0):
        runs = f" in any of the {values.size} replications" if values.size > 1 else ""
        return [f"No threat reached a defended asset{runs}."]
    sentences = []
    if assets:
        parts = [
            f"none reached {name}"
            if e.mean == 0.0 and not e.hi > 0.0
            else f"{format_count(e.mean)} threats reached {name}{_ci(e)}"
            for name, e in assets
        ]
        sentences.append("On average " + _join(parts) + ".")
    leaking = sorted(
        (r for r in rows if r.leaked.is_known and r.leaked.mean > 0.0),
        key=lambda r: r.leaked.mean,
        reverse=True,
    )
    if leaking and leaked:
        top = leaking[0]
        name = plural(threat_name(top.threat_type))
        if len(leaking) == 1:
            sentences.append(f"All of the leakers were {name}.")
        elif top.leaked.mean >= 0.5 * leaked:
            sentences.append(
                f"Most of the leakers were {name} ({format_count(top.leaked.mean)} of "
                f"{format_count(leaked)} per replication)."
            )
        else:
            named = [
                f"{plural(threat_name(r.threat_type))} ({format_count(r.leaked.mean)})"
                for r in leaking[:2]
            ]
            sentences.append(f"The leakers were chiefly {_join(named)} per replication.")
    if values.size:
        phrase = no_leaker_phrase(values)
        sentences.append(phrase[:1].upper() + phrase[1:] + ".")
    return sentences


def _unresolved_sentence(rows: Sequence[ThreatRow]) -> str:
    flying = [r for r in rows if r.unresolved.is_known and r.unresolved.mean > 0.0]
    total = _total(rows, "unresolved")
    if not flying or not total:
        return ""
    by_type = _join(
        [f"{plural(threat_name(r.threat_type))} {format_count(r.unresolved.mean)}" for r in flying]
    )
    return (
        f"On average {format_count(total)} threats were still in flight when the run ended, "
        f"neither destroyed nor leaked ({by_type})."
    )


def reading(
    summary: dict[str, Any],
    leakers_per_replication: np.ndarray,
    missiles_fired: dict[str, Estimate],
) -> str:
    """The result in a few plain sentences; means are per replication.

    Example: "On average the defence fired 56.0 interceptors (48N6E3 16.0, 40N6E 8.0, 9M96E2
    32.0) and destroyed 24.1 of the 30 threats in the raid. On average 5.9 threats reached Ankara
    (95% CI 5.2–6.6) and none reached Airbase. Most of the leakers were subsonic cruise missiles
    (4.6 of 5.9 per replication). Every replication had at least one leaker."

    Parameters
    ----------
    summary : dict
        The ``summary.json`` dict; missing or NaN statistics are left out of the text.
    leakers_per_replication : array, shape [R]
        Leakers (all assets together) per replication.
    missiles_fired : dict of str to Estimate
        Mean interceptors fired per replication, by missile type.

    Returns
    -------
    str
        Plain text (not HTML); empty when the summary holds nothing to read.
    """
    rows = threat_rows(summary)
    sentences = [
        _fired_sentence(missiles_fired, rows),
        *_leak_sentences(summary, rows, leakers_per_replication),
        _unresolved_sentence(rows),
    ]
    return " ".join(s for s in sentences if s)
