"""Write a comparison: comparison.csv, comparison.json, one PNG per metric and report.html.

Everything goes through :func:`iads.results.output.write_directory` (a temporary directory
beside ``--out``, renamed into place when complete), as ``iads run`` writes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from iads.compare.base import (
    COST_FAMILIES,
    FAMILIES,
    PAIRED_TEST,
    SIGNIFICANCE_LEVEL,
    Comparison,
    MetricFamily,
    MetricRow,
)
from iads.jsonio import json_safe
from iads.report.figures import _bars_with_ci, render_svg, report_style
from iads.report.html import SCOPE_NOTE, uncertainty_html
from iads.report.names import SYSTEM_PALETTE, format_count, format_km, system_color, threat_name
from iads.report.summary import Estimate
from iads.report.templates import PAGE_CSS
from iads.results.output import check_output_dir, write_directory

CSV_FILE = "comparison.csv"
JSON_FILE = "comparison.json"
REPORT_FILE = "report.html"
#: One plot per metric family.
PLOT_FILES: dict[MetricFamily, str] = {family: f"{family}.png" for family in FAMILIES}
OUTPUT_FILES = frozenset({CSV_FILE, JSON_FILE, REPORT_FILE, *PLOT_FILES.values()})

#: Under a plot where some system has no value for some item.
NO_VALUE_NOTE = (
    "No bar: no value (never detected or destroyed; a missile the system does not carry)."
)

CSV_COLUMNS = (
    "metric",
    "item",
    "unit",
    "label",
    "system",
    "mean",
    "ci95_lo",
    "ci95_hi",
    "difference_from_first",
    "difference_ci95_lo",
    "difference_ci95_hi",
    "pairs",
    "p_value",
    "significant",
)


def is_compare_output(name: str) -> bool:
    """A file ``iads compare`` writes."""
    return name in OUTPUT_FILES


def check_compare_dir(out_dir: str | Path) -> None:
    """Refuse an output directory holding anything but an earlier comparison."""
    check_output_dir(out_dir, is_compare_output)


def paired_test_sentence() -> str:
    """How differences are judged, in one sentence."""
    return (
        f"Differences from the first system: {PAIRED_TEST} on the per-replication differences "
        "(paired by replication: every system ran replication i on the same random key), "
        f"two-sided, significant when p < {SIGNIFICANCE_LEVEL:g}; each comparison alone, "
        "without a multiple-comparison correction."
    )


def _number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def comparison_dict(cmp: Comparison) -> dict[str, Any]:
    """The ``comparison.json`` dictionary."""
    return json_safe(
        {
            "scenario": cmp.scenario,
            "scenario_file": cmp.scenario_file,
            "replications": cmp.replications,
            "seed": cmp.seed,
            "equal": cmp.equal,
            "test": {
                "name": PAIRED_TEST,
                "alpha": SIGNIFICANCE_LEVEL,
                "paired_on": "replication (common random numbers)",
                "against": cmp.first,
            },
            "systems": [
                {
                    "label": c.label,
                    "system": c.system,
                    "name": cmp.system_names[c.label],
                    "fire_units_cost_usd": cmp.costs_usd.get(c.label),
                    "fire_units": [
                        {
                            "battery": u.battery,
                            "launchers": [
                                {"type": t, "count": n, "missile": m} for t, n, m in u.launchers
                            ],
                        }
                        for u in cmp.fire_units[c.label]
                    ],
                }
                for c in cmp.contenders
            ],
            "metrics": [
                {
                    "metric": row.family,
                    "item": row.item,
                    "unit": row.unit,
                    "values": {
                        lab: {"mean": e.mean, "ci95": [e.lo, e.hi]}
                        for lab, e in row.estimates.items()
                    },
                    "vs_first": {
                        lab: {
                            "mean_difference": d.mean,
                            "ci95": [d.lo, d.hi],
                            "pairs": d.pairs,
                            "p_value": d.p_value,
                            "significant": d.significant,
                        }
                        for lab, d in row.differences.items()
                    },
                }
                for row in cmp.rows
            ],
            "notes": list(cmp.notes),
        }
        | ({"uncertainty": cmp.uncertainty} if cmp.uncertainty else {})
    )


def comparison_csv(cmp: Comparison) -> str:
    """``comparison.csv``: one line per metric and system (the first has no difference)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for row in cmp.rows:
        for c in cmp.contenders:
            e = row.estimates[c.label]
            d = row.differences.get(c.label)
            w.writerow(
                [
                    row.family,
                    row.item,
                    row.unit,
                    c.label,
                    c.system,
                    *(_cell(x) for x in (e.mean, e.lo, e.hi)),
                    *(
                        (_cell(d.mean), _cell(d.lo), _cell(d.hi), d.pairs, _cell(d.p_value))
                        if d
                        else ("", "", "", "", "")
                    ),
                    "" if d is None or not d.comparable else str(d.significant).lower(),
                ]
            )
    return buf.getvalue()


def _cell(x: float) -> str:
    return "" if not math.isfinite(x) else repr(float(x))


def _colors(cmp: Comparison) -> dict[str, str]:
    """A colour per contender: its system's fixed colour, or the palette's next where two
    contenders share a system."""
    out: dict[str, str] = {}
    for i, c in enumerate(cmp.contenders):
        color = system_color(c.system)
        out[c.label] = (
            color if color not in out.values() else SYSTEM_PALETTE[i % len(SYSTEM_PALETTE)]
        )
    return out


def _family_rows(cmp: Comparison, family: MetricFamily) -> list[MetricRow]:
    return [r for r in cmp.rows if r.family == family]


def _item_label(row: MetricRow) -> str:
    if row.family in COST_FAMILIES:
        return "all threats"
    if row.family == "missiles_fired":
        return "all missiles" if row.item == "all" else row.item
    return threat_name(row.item)


def family_figure(cmp: Comparison, family: MetricFamily) -> Figure:
    """Grouped bars of one metric family: items along x, one bar per system, 95 % CI bars."""
    rows = _family_rows(cmp, family)
    colors = _colors(cmp)
    cost = family in COST_FAMILIES
    distance = family not in ("destroyed", "leaked", "missiles_fired") and not cost
    scale = 1e3 if distance else 1e6 if cost else 1.0
    fig = Figure(figsize=(min(9.0, max(5.2, 1.6 + 0.3 * len(rows) * len(cmp.contenders))), 3.4))
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot()
    x = np.arange(len(rows), dtype=float)
    width = 0.8 / max(len(cmp.contenders), 1)
    for k, c in enumerate(cmp.contenders):
        est = [
            Estimate(*(v / scale for v in (e.mean, e.lo, e.hi)))
            for e in (r.estimates[c.label] for r in rows)
        ]
        offset = (k - (len(cmp.contenders) - 1) / 2) * width
        known = np.array([e.is_known for e in est], dtype=bool)  # no bar where no value
        _bars_with_ci(
            ax,
            (x + offset)[known],
            [e for e, ok in zip(est, known, strict=True) if ok],
            width,
            color=colors[c.label],
            label=c.label,
        )
    missing = any(not r.estimates[c.label].is_known for r in rows for c in cmp.contenders)
    ax.set_xlabel(NO_VALUE_NOTE if missing else "", fontsize=7.5, color="#555555", loc="left")
    rotate = len(rows) > 3
    ax.set_xticks(
        x,
        [_item_label(r) for r in rows],
        rotation=20 if rotate else 0,
        ha="right" if rotate else "center",
    )
    ax.set_ylabel(
        "km (mean over threats)"
        if distance
        else "US$ m (cost / mean destroyed)"
        if cost
        else "per replication"
    )
    ax.set_ylim(bottom=0)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"{FAMILIES[family].capitalize()} (mean, 95 % CI)", loc="left")
    return fig


def format_musd(value_usd: float) -> str:
    """US dollars as whole millions ("625"); "—" if unknown."""
    if not math.isfinite(value_usd):
        return "—"
    return f"{value_usd / 1e6:,.0f}"


def _cell_text(family: MetricFamily, e: Estimate) -> str:
    number = (
        format_km
        if family in ("first_detection_range_m", "first_intercept_range_m")
        else format_musd
        if family in COST_FAMILIES
        else format_count
    )
    if not math.isfinite(e.mean):
        return "—"
    text = number(e.mean)
    if math.isfinite(e.lo) and math.isfinite(e.hi):
        text += f" [{number(e.lo)}, {number(e.hi)}]"
    return text


def table_rows(
    cmp: Comparison, family: MetricFamily | None = None
) -> Iterator[tuple[str, list[str]]]:
    """The side-by-side table as text: (metric label, one cell per system); with ``family``,
    that family's rows labelled by item key alone. A cell of a system after the first ends in
    ``=`` where its difference from the first is not significant."""
    for row in cmp.rows:
        if family is not None and row.family != family:
            continue
        unit = {"m": " km", "USD": " US$ m"}.get(row.unit, "")
        label = row.item if family else f"{FAMILIES[row.family]}{unit}: {_item_label(row)}"
        cells = []
        for c in cmp.contenders:
            text = _cell_text(row.family, row.estimates[c.label])
            d = row.differences.get(c.label)
            if d is not None and d.comparable and not d.significant:
                text += " ="
            cells.append(text)
        yield label, cells


def family_title(family: MetricFamily) -> str:
    """A family's table title, with its unit."""
    if family in COST_FAMILIES:
        return (
            f"{FAMILIES[family]} (US$ m: the fire units' acquisition cost / mean destroyed "
            "per replication [95% CI]; a crude ratio, see the notes)"
        )
    unit = "per replication" if family in ("destroyed", "leaked", "missiles_fired") else "km"
    return f"{FAMILIES[family]} ({unit}; mean [95% CI])"


def not_significant_lines(cmp: Comparison) -> list[str]:
    """One line per system after the first: its metrics equal to the first's in every
    replication, then those whose difference from the first is not significant."""
    out = []
    pairs = cmp.not_significant()
    for c in cmp.contenders[1:]:
        mine = [row for row, lab in pairs if lab == c.label]
        same = [row.key for row in mine if row.differences[c.label].identical]
        others = [
            f"{row.key} (p={row.differences[c.label].p_value:.2g})"
            for row in mine
            if not row.differences[c.label].identical
        ]
        parts = []
        if same:
            parts.append(f"the same in every replication: {', '.join(same)}")
        if others:
            parts.append(f"not significant: {', '.join(others)}")
        line = "; ".join(parts) or "every comparable difference is significant"
        out.append(f"{c.label} vs {cmp.first}: {line}")
    return out


def reading(cmp: Comparison) -> str:
    """The comparison in a sentence or two: threats destroyed and leaked per replication by
    each system (sums of the per-type means), and how many differences are significant."""
    parts = []
    for c in cmp.contenders:
        totals = {
            family: sum(
                r.estimates[c.label].mean
                for r in cmp.rows
                if r.family == family and math.isfinite(r.estimates[c.label].mean)
            )
            for family in ("destroyed", "leaked")
        }
        parts.append(
            f"{c.label} destroys {format_count(totals['destroyed'])} and lets "
            f"{format_count(totals['leaked'])} leak"
        )
    text = f"Per replication, {'; '.join(parts)}."
    for c in cmp.contenders[1:]:
        diffs = [r.differences[c.label] for r in cmp.rows]
        comparable = [d for d in diffs if d.comparable]
        text += (
            f" {c.label} differs significantly from {cmp.first} in "
            f"{sum(d.significant for d in comparable)} of {len(comparable)} comparable metrics."
        )
    return text


#: How the fire units were chosen, for the report's header.
FIRE_UNITS_BASIS = {
    "batteries": "one catalog fire unit per battery",
    "launchers": "each battery's own launcher count",
    "cost": "as many catalog fire units as the first system's cost (see the notes)",
}


def _report_html(cmp: Comparison, svgs: dict[MetricFamily, str]) -> str:
    title = f"Comparison: {cmp.scenario}"
    meta = [
        ("Scenario file", cmp.scenario_file),
        ("Systems", ", ".join(f"{c.label} ({cmp.system_names[c.label]})" for c in cmp.contenders)),
        ("Replications", f"{cmp.replications:,} per system, seed {cmp.seed}"),
        ("Fire units", FIRE_UNITS_BASIS[cmp.equal]),
    ]
    head = "".join(f"<th>{escape(c.label)}</th>" for c in cmp.contenders)
    body = "".join(
        f"<tr><td>{escape(label)}</td>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
        + "</tr>"
        for label, cells in table_rows(cmp)
    )
    units = "".join(
        f"<li>{escape(c.label)}: "
        + escape(
            "; ".join(
                f"{u.battery}: " + ", ".join(f"{n} {t} with {m}" for t, n, m in u.launchers)
                for u in cmp.fire_units[c.label]
            )
        )
        + "</li>"
        for c in cmp.contenders
    )
    ns_lines = not_significant_lines(cmp)
    ns = (
        '<h3>Not significant</h3>\n<ul class="notes">'
        + "".join(f"<li>{escape(line)}</li>" for line in ns_lines)
        + "</ul>\n"
        if ns_lines
        else ""
    )
    figs = "".join(f'<figure class="wide">{svg}</figure>\n' for svg in svgs.values())
    notes = "".join(f"<li>{escape(n)}</li>" for n in (*cmp.notes, *report_notes(cmp)))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="iads">\n'
        f"<title>{escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<header class="report">\n<h1>{escape(title)}</h1>\n'
        f'<p class="reading" id="reading">{escape(reading(cmp))}</p>\n'
        '<dl class="meta">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in meta)
        + f'</dl>\n<p class="scope">{escape(SCOPE_NOTE)}</p>\n</header>\n'
        '<section id="table">\n<h2>Side by side (mean per replication [95 % CI])</h2>\n'
        '<div class="table-wrap"><table class="stacked">\n'
        f"<thead><tr><th>Metric</th>{head}</tr></thead>\n<tbody>{body}</tbody>\n"
        "</table></div>\n"
        f'<p class="caption">"=": not significantly different from {escape(cmp.first)} '
        f"({escape(PAIRED_TEST)}, p &ge; {SIGNIFICANCE_LEVEL:g}). Ranges in km. Cost per "
        "threat destroyed: acquisition cost over one raid's mean kills, a crude ratio (see "
        "the notes).</p>\n"
        f"{ns}"
        f'<h3>Fire units</h3>\n<ul class="notes">{units}</ul>\n</section>\n'
        f'<section id="plots">\n<h2>Plots</h2>\n{figs}</section>\n'
        + _spread_section(cmp)
        + f'<section id="notes">\n<h2>Notes</h2>\n<ul class="notes">{notes}</ul>\n</section>\n'
        f"<footer>Written by iads. {escape(SCOPE_NOTE)}</footer>\n</main>\n</body>\n</html>\n"
    )


def _spread_section(cmp: Comparison) -> str:
    """Under uncertainty: for each system, the figures that drive its leakers and kills."""
    if not cmp.uncertainty:
        return ""
    parts = "".join(
        f"<h3>{escape(label)}</h3>\n{uncertainty_html(unc, ('leakers', 'destroyed'))}"
        for label, unc in cmp.uncertainty.items()
    )
    return f'<section id="uncertainty">\n<h2>What drives the spread</h2>\n{parts}</section>\n'


def report_notes(cmp: Comparison) -> list[str]:
    """What the reader of the table needs to know (the same for every comparison)."""
    return [
        paired_test_sentence(),
        "Counts (destroyed, leaked, missiles fired) get a percentile-bootstrap interval; "
        "ranges a Student-t interval over the replications in which the range exists.",
        "First detection range: mean over a type's threats detected in a replication, from the "
        "radar that saw each first. First intercept range: mean over its threats destroyed, "
        "from the launcher that fired the killing round to where it hit.",
        "Each system stands at the scenario's battery sites with the battery's threat axis, "
        "command-post label and doctrine, and its own catalog radars, command post, launchers "
        "and missiles; launchers are split over the system's missiles in catalog order.",
        "A missile type a system does not carry has no value and no test for that system.",
    ]


def write_comparison(cmp: Comparison, out_dir: str | Path) -> dict[str, Any]:
    """Write comparison.csv, comparison.json, the plots and report.html into ``out_dir``
    atomically; return the JSON dictionary."""
    data = comparison_dict(cmp)

    def write(tmp: Path) -> None:
        (tmp / JSON_FILE).write_text(
            json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        (tmp / CSV_FILE).write_text(comparison_csv(cmp), encoding="utf-8")
        svgs: dict[MetricFamily, str] = {}
        with report_style():
            for family, name in PLOT_FILES.items():
                if not _family_rows(cmp, family):
                    continue
                fig = family_figure(cmp, family)
                fig.savefig(tmp / name, format="png", dpi=130)
                svgs[family] = render_svg(fig, family, f"{FAMILIES[family]} by system")
        (tmp / REPORT_FILE).write_text(_report_html(cmp, svgs), encoding="utf-8")

    write_directory(out_dir, write, is_compare_output)
    return data
