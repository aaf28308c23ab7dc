"""Draw one outcome of a study against one swept parameter as a PNG (the README's tutorial
plot), with the lines and 95 % bands of ``iads report``.

    python scripts/study_plot.py f35-study leaked 'raid[0].count' docs/f35_study.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from iads.report.figures import report_style
from iads.sweep.query import study_table
from iads.sweep.report import curves, study_metrics
from iads.sweep.study import read_study


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study", type=Path)
    ap.add_argument("metric")
    ap.add_argument("param")
    ap.add_argument("png", type=Path)
    args = ap.parse_args()
    record = read_study(args.study)
    table = study_table(args.study)
    (metric,) = [m for m in study_metrics(table.column_names) if m.column == args.metric]
    params = [*record["study"]["grid"], *record["study"]["ranges"]]
    others = [p for p in params if p != args.param]
    with report_style():
        fig = Figure(figsize=(6.4, 3.8), dpi=120)
        ax = fig.add_subplot()
        for c in curves(table, metric, args.param, others, int(record["study"]["seed"])):
            x = np.asarray(c.x, float)
            ax.fill_between(x, c.lo, c.hi, alpha=0.2, linewidth=0)
            ax.plot(x, c.mean, marker="o", markersize=3.5, label=c.label)
        ax.set_xlabel(args.param)
        ax.set_ylabel(metric.label, fontsize=8)
        ax.set_title(f"{record.get('scenario_name', '')}", fontsize=9)
        ax.legend(loc="best")
        fig.tight_layout()
        fig.savefig(args.png)


if __name__ == "__main__":
    main()
