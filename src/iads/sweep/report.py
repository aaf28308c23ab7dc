"""The HTML report of a study: each outcome against each swept parameter, with 95 % bands.

One figure per (outcome, swept parameter): the mean per replication at each value of the
parameter, one line for each combination of the other swept parameters' values (pooled over
them when there are more than :data:`MAX_LINES`), and the 95 % confidence interval of each mean
as a band: a percentile bootstrap for counts, Student's t for detection ranges
(:mod:`iads.stats`, as in the run report).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from matplotlib.figure import Figure

from iads.report.figures import OUTCOME_COLORS, render_svg, report_style
from iads.report.html import SCOPE_NOTE
from iads.report.names import threat_name
from iads.report.templates import PAGE_CSS
from iads.stats import mean_count_ci, mean_t_ci
from iads.sweep.query import study_table
from iads.sweep.study import read_study, write_atomically

REPORT_FILE = "report.html"
#: Most lines in one figure; beyond, the other parameters are pooled.
MAX_LINES = 8
_LINE_COLORS = ("#1f3b73", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#b07aa1", "#9c755f", "#555")


@dataclass(frozen=True)
class Metric:
    """An outcome column, its label, and whether it is a count (bootstrap) or a continuous
    quantity (Student's t); ``scale`` divides values for display."""

    column: str
    label: str
    count: bool = True
    scale: float = 1.0


@dataclass(frozen=True)
class Curve:
    """One line: the means and 95 % intervals of a metric at each value of a parameter."""

    label: str
    x: tuple[Any, ...]
    mean: tuple[float, ...]
    lo: tuple[float, ...]
    hi: tuple[float, ...]


def study_metrics(columns: Sequence[str]) -> list[Metric]:
    """The outcomes a study table holds, in reading order."""
    out = [
        Metric("leaked", "Threats that reached their target (leakers)"),
        Metric("destroyed", "Threats destroyed"),
        Metric("engaged", "Threats engaged"),
        Metric("detected", "Threats detected"),
        Metric("missiles_fired", "Missiles fired"),
        Metric("unresolved", "Threats still flying at the end (unresolved)"),
    ]
    prefix = "first_detection_range_m_"
    for c in columns:
        if c.startswith(prefix):
            name = threat_name(c[len(prefix) :])
            out.append(Metric(c, f"First detection range of {name}, km", False, 1000.0))
    return [m for m in out if m.column in columns]


def _estimate(values: np.ndarray, metric: Metric, seed: int) -> tuple[float, float, float]:
    v = values / metric.scale
    return mean_count_ci(v, seed) if metric.count else mean_t_ci(v)


def _key(value: Any) -> Any:
    """Sort key: numbers by value, then strings."""
    return (0, value, "") if isinstance(value, int | float) else (1, 0, str(value))


def curves(
    table: pa.Table, metric: Metric, param: str, others: Sequence[str], seed: int = 0
) -> list[Curve]:
    """The lines of one figure: ``metric`` against ``param``, one per combination of
    ``others`` (pooled when there are more than :data:`MAX_LINES`)."""
    data = {c: table.column(c).to_pylist() for c in (param, *others)}
    values = np.asarray(table.column(metric.column).to_numpy(zero_copy_only=False), float)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in range(table.num_rows):
        groups.setdefault(tuple(data[o][i] for o in others), []).append(i)
    if len(groups) > MAX_LINES:
        groups = {(): list(range(table.num_rows))}
    out = []
    for combo, rows in sorted(groups.items(), key=lambda kv: [_key(v) for v in kv[0]]):
        xs = sorted({data[param][i] for i in rows}, key=_key)
        stats = [
            _estimate(values[[i for i in rows if data[param][i] == x]], metric, seed) for x in xs
        ]
        label = ", ".join(f"{o} = {v}" for o, v in zip(others, combo, strict=True)) or (
            "all points" if not others else "other parameters pooled"
        )
        out.append(
            Curve(
                label=label,
                x=tuple(xs),
                mean=tuple(s[0] for s in stats),
                lo=tuple(s[1] for s in stats),
                hi=tuple(s[2] for s in stats),
            )
        )
    return out


def curve_svg(lines: Sequence[Curve], metric: Metric, param: str, name: str) -> str:
    """A figure of ``lines`` with their 95 % bands, as inline SVG."""
    numeric = all(
        isinstance(x, int | float) and not isinstance(x, bool) for c in lines for x in c.x
    )
    ticks = sorted({x for c in lines for x in c.x}, key=_key)
    with report_style():
        fig = Figure(figsize=(6.4, 3.4))
        ax = fig.add_subplot()
        for k, c in enumerate(lines):
            color = (
                OUTCOME_COLORS["leaked"] if len(lines) == 1 else _LINE_COLORS[k % len(_LINE_COLORS)]
            )
            x = np.asarray(c.x, float) if numeric else np.asarray([ticks.index(v) for v in c.x])
            lo = np.where(np.isfinite(c.lo), c.lo, c.mean)
            hi = np.where(np.isfinite(c.hi), c.hi, c.mean)
            ax.fill_between(x, lo, hi, color=color, alpha=0.18, linewidth=0)
            ax.plot(x, c.mean, marker="o", markersize=3.5, color=color, label=c.label)
        if numeric:
            positive = [float(v) for v in ticks if float(v) > 0]
            if len(positive) == len(ticks) and max(positive) / min(positive) >= 100:
                ax.set_xscale("log")
        else:
            ax.set_xticks(range(len(ticks)), [str(t) for t in ticks])
        ax.set_xlabel(param)
        ax.set_ylabel(metric.label, fontsize=8)
        if len(lines) > 1 or lines[0].label != "all points":
            ax.legend(loc="best")
        fig.tight_layout()
        title = f"{metric.label} against {param} (mean per replication, 95% band)"
        return render_svg(fig, name, title)


def _points_table(table: pa.Table, params: Sequence[str], seed: int) -> str:
    data = {c: table.column(c).to_pylist() for c in ("point", *params)}
    leakers = np.asarray(table.column("leaked").to_numpy(zero_copy_only=False), float)
    rows = []
    for p in sorted(set(data["point"])):
        sel = [i for i, q in enumerate(data["point"]) if q == p]
        mean, lo, hi = mean_count_ci(leakers[sel], seed)
        ci = f" [{lo:.2f}, {hi:.2f}]" if math.isfinite(lo) else ""
        cells = "".join(f"<td>{escape(str(data[c][sel[0]]))}</td>" for c in params)
        rows.append(f"<tr><td>{p}</td>{cells}<td>{len(sel)}</td><td>{mean:.2f}{ci}</td></tr>")
    head = "".join(f"<th>{escape(c)}</th>" for c in params)
    return (
        '<table class="stats"><thead><tr><th>point</th>'
        f"{head}<th>replications</th><th>leakers, mean [95% CI]</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def write_study_report(out: Path, dest: Path | None = None) -> Path:
    """Write the study's HTML report (default ``DIR/report.html``) atomically; return its
    path."""
    record = read_study(out)
    table = study_table(out)
    study = record["study"]
    params = [*study["grid"], *study["ranges"]]
    seed = int(study["seed"])
    n_points, total = table.column("point").to_pylist(), len(record["points"])
    finished = len(set(n_points))
    title = f"Study: {record.get('scenario_name', '')}"
    meta = [
        ("Scenario file", record.get("scenario")),
        ("Design", study["design"]),
        ("Points", f"{finished} of {total} finished"),
        ("Replications per point", study["replications"]),
        ("Seed (every point)", seed),
        ("iads version", record.get("iads_version")),
    ]
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="iads">\n<title>{escape(title)}</title>\n'
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n",
        '<header class="report">\n'
        f"<h1>{escape(title)}</h1>\n"
        '<dl class="meta">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in meta)
        + "</dl>\n"
        f'<p class="scope">{escape(SCOPE_NOTE)}</p>\n</header>\n',
    ]
    metrics = study_metrics(table.column_names)
    for m_i, metric in enumerate(metrics):
        figs = []
        for p_i, param in enumerate(params):
            others = [o for o in params if o != param]
            lines = curves(table, metric, param, others, seed)
            figs.append(curve_svg(lines, metric, param, f"fig{m_i}-{p_i}"))
        parts.append(
            f'<section id="{escape(metric.column)}"><h2>{escape(metric.label)}</h2>\n'
            + "\n".join(figs)
            + '\n<p class="caption">Mean per replication at each value; the band is its 95% '
            + (
                "confidence interval (percentile bootstrap, within the counts' range)."
                if metric.count
                else "confidence interval (Student's t)."
            )
            + " Every point uses the same seed (common random numbers).</p>\n</section>\n"
        )
    parts.append(
        '<section id="points"><h2>Points</h2>\n'
        + _points_table(table, params, seed)
        + "</section>\n"
    )
    parts.append(
        f"<footer>Written by iads. {escape(SCOPE_NOTE)}</footer>\n</main>\n</body>\n</html>\n"
    )
    page = "".join(parts)
    target = dest or out / REPORT_FILE

    def write(path: Path) -> None:
        path.write_text(page, encoding="utf-8")

    write_atomically(target, write)
    return target
