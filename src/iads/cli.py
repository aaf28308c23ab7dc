"""The ``iads`` command line (thin: parsing, progress and printing only)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from iads import interrupt
from iads.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="iads: simulate long-range air defence (simulation only; public figures).",
)
# Piped output (no terminal) gets a fixed width wide enough for the summary table.
console = Console(width=None if sys.stdout.isatty() else 130)
err_console = Console(stderr=True)

DEMO_SCENARIO = Path(__file__).parent / "examples" / "ankara.yaml"


def _version(value: bool) -> None:
    if value:
        from iads import __version__

        console.print(f"iads {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """iads: simulate long-range air defence (simulation only; public figures)."""


def _fail(exc: Exception) -> None:
    err_console.print(f"iads: error: {exc}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2)


def _fmt(est: dict[str, Any], scale: float = 1.0, digits: int = 1) -> str:
    if est.get("mean") is None:
        return "-"
    lo, hi = est["ci95"]
    if lo is None:
        return f"{est['mean'] / scale:.{digits}f}"
    return f"{est['mean'] / scale:.{digits}f} [{lo / scale:.{digits}f}, {hi / scale:.{digits}f}]"


def print_summary(summary: dict[str, Any]) -> None:
    """Print the summary as tables (mean [95% CI] per replication)."""
    t = Table(
        title=f"{summary['scenario']} — {summary['replications']} replications, "
        f"seed {summary['seed']} (mean [95% CI])"
    )
    t.add_column("threat type", no_wrap=True)
    unresolved = any((th.get("unresolved") or {}).get("mean") for th in summary["threats"])
    outcomes = ["detected", "engaged", "destroyed", "leaked"] + (
        ["unresolved"] if unresolved else []
    )
    for col in ("count", *outcomes, "first detection km"):
        t.add_column(col, justify="right")
    for th in summary["threats"]:
        t.add_row(
            th["type"],
            str(th["count"]),
            *(_fmt(th[k]) for k in outcomes),
            _fmt(th["first_detection_range_m"], 1000.0, 0),
        )
    console.print(t)
    if unresolved:
        console.print(
            "unresolved: still flying when the run ended (neither destroyed nor leaked); "
            "a longer duration_s resolves them",
            highlight=False,
        )
    m = Table(title="Missiles fired and leakers per asset")
    m.add_column("item")
    m.add_column("mean [95% CI]", justify="right")
    for k, v in summary["missiles_fired"].items():
        m.add_row(f"missiles fired: {k}", _fmt(v))
    for a in summary["assets"]:
        m.add_row(f"leakers at {a['name']}", _fmt(a["leakers"]))
    console.print(m)


def print_drivers(unc: dict[str, Any], results: tuple[str, ...] = ("leakers", "destroyed")) -> None:
    """Print which drawn figures drive the spread of the headline results."""
    from iads.uncertainty.drivers import LEVEL, bonferroni_significant

    n = len(unc["figures"])
    t = Table(title=f"What drives the spread ({n} figures drawn per replication)")
    for col in ("result", "figure", "basis", "low / nominal / high", "rho", "p"):
        t.add_column(col, justify="left" if col in ("result", "figure", "basis") else "right")
    for name in results:
        drivers = unc["drivers"].get(name) or []
        if not drivers:
            t.add_row(name, "no spread", "", "", "", "")
        for d in drivers:
            star = " *" if bonferroni_significant(d["p_value"], n) else ""
            t.add_row(
                name,
                d["figure"],
                d["basis"],
                f"{d['low']:g} / {d['nominal']:g} / {d['high']:g}",
                f"{d['rho']:+.2f}",
                f"{d['p_value']:.2g}{star}",
            )
    console.print(t)
    console.print(
        f"rho: {unc['drivers_method']}; * p below {LEVEL:g}/{n} (Bonferroni over the figures). "
        "Every result's drivers are in summary.json and report.html.",
        highlight=False,
    )


def _warn(message: str | None) -> None:
    if message:
        err_console.print(
            f"iads: warning: {message}", highlight=False, markup=False, soft_wrap=True
        )


def _progress(label: str, unit: str) -> Progress:
    """A progress bar on stderr, shown only on a terminal and removed when done."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def _run(
    scenario: Path,
    out: Path,
    replications: int | None,
    seed: int | None,
    dtype: str | None,
    batch_size: int | None,
    uncertainty: bool = False,
) -> dict[str, Any]:
    from iads.results.output import check_output_dir, write_outputs
    from iads.scenario.compile import late_threats_warning, load_scenario, route_warnings
    from iads.simulate import simulate

    try:
        scn = load_scenario(scenario)
        for message in route_warnings(scn):
            _warn(message)
        if replications is not None and replications < 1:
            raise InputError(scenario, "--replications", f"must be >= 1, got {replications}")
        check_output_dir(out)
        n = replications or scn.spec.replications
        with _progress("[bold]simulating", "replications") as bar:
            task = bar.add_task("run", total=n)
            figures = bar.add_task("figures", total=None, visible=False)

            def searching(done: int, total: int) -> None:
                bar.update(figures, completed=done, total=total, visible=done < total)

            result = simulate(
                scn,
                replications=n,
                seed=seed,
                dtype=dtype,
                batch_size=batch_size,
                progress=lambda k: bar.advance(task, k),
                uncertainty=uncertainty,
                uncertainty_progress=searching,
            )
        if sys.stderr.isatty():
            err_console.print("writing results ...", highlight=False)
        _warn(late_threats_warning(scn, result.layout))
        summary = write_outputs(result, out)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    print_summary(summary)
    if "uncertainty" in summary:
        print_drivers(summary["uncertainty"])
    console.print(
        f"Results in {out}/: summary.json, events.parquet, report.html, scene.json",
        highlight=False,
    )
    return summary


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    replications: Annotated[int | None, typer.Option(help="Replications (default: file).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: file).")] = None,
    dtype: Annotated[str | None, typer.Option(help="float32 or float64.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Replications run at once.")] = None,
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Draw every catalog figure with low/high per replication (triangular) and "
            "rank which figures drive the spread.",
        ),
    ] = False,
) -> None:
    """Simulate a scenario; write summary.json, events.parquet and report.html to --out."""
    if dtype not in (None, "float32", "float64"):
        _fail(InputError(scenario, "--dtype", f"must be float32 or float64, got {dtype!r}"))
    interrupt.run_interruptibly(
        lambda: _run(scenario, out, replications, seed, dtype, batch_size, uncertainty)
    )


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("iads-demo"),
    replications: Annotated[int | None, typer.Option(help="Replications.")] = None,
) -> None:
    """Run the bundled notional Ankara scenario and say where the report is."""
    interrupt.run_interruptibly(lambda: _run(DEMO_SCENARIO, out, replications, None, None, None))
    console.print(f"Open the report: {(out / 'report.html').resolve()}", highlight=False)


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")]) -> None:
    """Check a scenario file against the schema and the catalog."""
    interrupt.run_interruptibly(lambda: _validate(scenario))


def _plural(n: int, word: str, words: str | None = None) -> str:
    """``1 battery``, ``2 batteries``."""
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def _validate(scenario: Path) -> None:
    from iads.scenario.compile import (
        compile_scenario,
        late_threats_warning,
        load_scenario,
        route_warnings,
    )

    try:
        scn = load_scenario(scenario)
        _, layout = compile_scenario(scn)
    except InputError as exc:
        _fail(exc)
    for message in route_warnings(scn):
        _warn(message)
    _warn(late_threats_warning(scn, layout))
    spec = scn.spec
    console.print(
        f"{scenario}: valid ({_plural(len(spec.batteries), 'battery', 'batteries')}, "
        f"{_plural(sum(g.count for g in spec.raid), 'threat')} in "
        f"{_plural(len(spec.raid), 'raid group')})",
        highlight=False,
    )


@app.command()
def coverage(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    altitude_m: Annotated[
        float, typer.Option("--altitude-m", help="Target height above the ground, m.")
    ],
    rcs_m2: Annotated[float, typer.Option("--rcs-m2", help="Target radar cross-section, m².")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    pd: Annotated[
        float, typer.Option("--pd", help="Single-look detection probability that counts.")
    ] = 0.5,
    swerling: Annotated[int, typer.Option("--swerling", help="Target's Swerling case, 0-4.")] = 1,
    cell_m: Annotated[
        float | None,
        typer.Option("--cell-m", help="Grid spacing, m (default: the terrain's, or 1024 cells)."),
    ] = None,
) -> None:
    """Coverage maps at one altitude (per radar and combined) and vertical diagrams; see --out."""
    interrupt.run_interruptibly(
        lambda: _coverage(scenario, altitude_m, rcs_m2, out, pd, swerling, cell_m)
    )


def _coverage(
    scenario: Path,
    altitude_m: float,
    rcs_m2: float,
    out: Path,
    pd: float,
    swerling: int,
    cell_m: float | None,
) -> None:
    from iads.radar.coverage import coverage_request, is_coverage_output, write_coverage
    from iads.results.output import check_output_dir
    from iads.scenario.compile import load_scenario

    try:
        scn = load_scenario(scenario)
        request = coverage_request(scenario, altitude_m, rcs_m2, pd, swerling, cell_m)
        check_output_dir(out, is_coverage_output)
        with _progress("[bold]{task.description}", "radars") as bar:
            task = bar.add_task("line of sight", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            result = write_coverage(scn, request, out, progress)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    t = Table(
        title=f"Coverage at {altitude_m:g} m above ground, RCS {rcs_m2:g} m², "
        f"P_d >= {pd:g} (Swerling {swerling})"
    )
    for col in ("radar", "detection range km", "horizon km", "covered km²", "lowest alt. median m"):
        t.add_column(col, justify="left" if col == "radar" else "right", no_wrap=col == "radar")
    for r in [*result["radars"], {"name": "combined", **result["combined"]}]:
        median = r["lowest_altitude_m"]["median"]
        t.add_row(
            r["name"],
            f"{r['detection_range_m'] / 1e3:,.0f}" if "detection_range_m" in r else "",
            f"{r['horizon_range_m'] / 1e3:,.0f}" if "horizon_range_m" in r else "",
            f"{r['covered_area_km2']:,.0f}",
            "-" if median is None else f"{median:,.0f}",
        )
    console.print(t)
    console.print(
        f"Maps in {out}/: coverage.json, coverage_*.tif/.geojson/.png, lowest_altitude_*.tif/.png, "
        "vertical_*.png",
        highlight=False,
    )


@app.command()
def catalog(
    kind: Annotated[
        str | None,
        typer.Argument(help="systems, radars, missiles, threats, launchers or command_posts."),
    ] = None,
    name: Annotated[
        str | None, typer.Argument(help="One entry's designation: print every figure of it.")
    ] = None,
) -> None:
    """List what the catalog holds: all kinds, one kind as a table, or every figure of one entry."""
    from iads.catalog import load_catalog
    from iads.catalog.listing import entry_lines, kind_table, overview_lines

    try:
        cat = load_catalog()
        if kind is not None and name is None:
            console.print(kind_table(cat, kind))
            return
        lines = overview_lines(cat) if kind is None else entry_lines(cat, kind, name or "")
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)


@app.command()
def envelope(
    missile: Annotated[str, typer.Argument(help="Catalog missile, e.g. 48N6E3.")],
    target: Annotated[str, typer.Option("--target", help="Catalog threat type, e.g. f16_class.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    aspect: Annotated[
        str, typer.Option("--aspect", help="head-on (towards the launcher) or crossing.")
    ] = "head-on",
) -> None:
    """Range–altitude engagement envelope from the physical flyout, beside the published
    maximum range and altitude: envelope.json, envelope.csv and envelope.png in --out."""
    interrupt.run_interruptibly(lambda: _envelope(missile, target, out, aspect))


def _envelope(missile: str, target: str, out: Path, aspect: str) -> None:
    from iads.catalog import load_catalog
    from iads.flyout.envelope import ENVELOPE_FILES, compute_envelope, write_envelope
    from iads.results.output import check_output_dir

    try:
        cat = load_catalog()
        check_output_dir(out, lambda name: name in ENVELOPE_FILES)
        with _progress("[bold]{task.description}", "flights") as bar:
            bar.add_task(f"flying {missile} at every point of the grid", total=None)
            env = compute_envelope(cat, missile, target, aspect)  # type: ignore[arg-type]
        write_envelope(env, out)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    t = Table(
        title=f"{env.missile} against {env.target}, {env.aspect} ({env.target_speed_m_s:g} m/s)"
    )
    for col in ("", "computed", "published", "ratio"):
        t.add_column(col, justify="left" if not col else "right")
    for name, got, pub, step in (
        ("maximum range km", env.max_range_m, env.published_max_range_m, env.range_step_m),
        (
            "maximum altitude km",
            env.max_altitude_m,
            env.published_max_altitude_m,
            env.altitude_step_m,
        ),
    ):
        t.add_row(
            name, f"{got / 1e3:,.1f} (± {step / 2e3:.1f})", f"{pub / 1e3:,.1f}", f"{got / pub:.2f}"
        )
    console.print(t)
    console.print(f"Files in {out}/: envelope.json, envelope.csv, envelope.png", highlight=False)


@app.command()
def compare(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (its batteries' sites).")],
    systems: Annotated[
        str,
        typer.Option(
            "--systems", help="Comma-separated: s400, patriot, samp-t, hq9, s300vm or catalog keys."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    replications: Annotated[int | None, typer.Option(help="Replications (default: file).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: file).")] = None,
    equal: Annotated[
        str,
        typer.Option(
            "--equal",
            help="batteries: one catalog fire unit per battery; launchers: the battery's own "
            "launcher count; cost: the fire units the first system's cost buys (catalog "
            "fire_unit_cost_usd).",
        ),
    ] = "batteries",
    batch_size: Annotated[int | None, typer.Option(help="Replications run at once.")] = None,
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Draw every catalog figure with low/high per replication (triangular); "
            "shared figures alike for every system.",
        ),
    ] = False,
) -> None:
    """Each system at the scenario's batteries on the same raid (common random numbers):
    comparison.csv, comparison.json, a plot per metric and report.html in --out."""
    interrupt.run_interruptibly(
        lambda: _compare(scenario, systems, out, replications, seed, equal, batch_size, uncertainty)
    )


def _compare(
    scenario: Path,
    systems: str,
    out: Path,
    replications: int | None,
    seed: int | None,
    equal: str,
    batch_size: int | None,
    uncertainty: bool = False,
) -> None:
    from iads.compare import EQUAL_BASES, compare, parse_systems
    from iads.compare.base import FAMILIES
    from iads.compare.output import (
        check_compare_dir,
        family_title,
        not_significant_lines,
        paired_test_sentence,
        reading,
        table_rows,
        write_comparison,
    )
    from iads.compare.run import prepare
    from iads.scenario.compile import load_scenario

    try:
        if equal not in EQUAL_BASES:
            raise InputError(
                scenario, "--equal", f"{equal!r}: unknown; use {', '.join(EQUAL_BASES)}"
            )
        if replications is not None and replications < 1:
            raise InputError(scenario, "--replications", f"must be >= 1, got {replications}")
        scn = load_scenario(scenario)
        contenders = parse_systems(systems, scn.catalog, str(scenario))
        prepare(scn, contenders, equal)  # type: ignore[arg-type]  # checked above
        check_compare_dir(out)
        n = replications or scn.spec.replications
        with _progress("[bold]{task.description}", "replications") as bar:
            task = bar.add_task("simulating", total=n * len(contenders))

            def progress(label: str, k: int) -> None:
                bar.update(task, description=f"simulating {label}", advance=k)

            cmp = compare(
                scn,
                contenders,
                equal=equal,  # type: ignore[arg-type]
                replications=n,
                seed=seed,
                batch_size=batch_size,
                progress=progress,
                uncertainty=uncertainty,
            )
        write_comparison(cmp, out)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    for line in (
        f"{cmp.scenario} — {cmp.replications} replications per system, seed {cmp.seed}",
        f"'=': not significantly different from {cmp.first}",
    ):
        console.print(line, highlight=False, markup=False)
    for family in FAMILIES:
        t = Table(title=family_title(family))
        t.add_column("", no_wrap=True)
        for c in cmp.contenders:
            t.add_column(c.label, justify="right")
        for label, cells in table_rows(cmp, family):
            t.add_row(label, *cells)
        if t.row_count:
            console.print(t)
    for line in (reading(cmp), paired_test_sentence(), *not_significant_lines(cmp), *cmp.notes):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    for label, unc in cmp.uncertainty.items():
        console.print(f"{label}:", highlight=False, markup=False)
        print_drivers(unc, ("leakers",))
    console.print(
        f"Results in {out}/: comparison.csv, comparison.json, report.html, one .png per metric",
        highlight=False,
    )


@app.command()
def wta(
    instance: Annotated[
        Path, typer.Argument(help="Instance file: 'm n mu', n values, m*n 'i j p'.")
    ],
    method: Annotated[
        str, typer.Option(help="exact, heuristic or linearised (the plain MILP).")
    ] = "exact",
    time_limit_s: Annotated[
        float | None, typer.Option("--time-limit-s", help="Wall-clock limit, s (every method).")
    ] = None,
) -> None:
    """Solve a weapon–target assignment instance; print value, bound, gap and time."""
    interrupt.run_interruptibly(lambda: _wta(instance, method, time_limit_s))


def _wta(instance: Path, method: str, time_limit_s: float | None) -> None:
    from iads.wta import METHODS, load_instance, solve_problem

    try:
        if method not in METHODS:
            raise InputError(
                instance, "--method", f"must be one of {', '.join(METHODS)}, got {method!r}"
            )
        if time_limit_s is not None and not time_limit_s >= 0:
            raise InputError(instance, "--time-limit-s", f"must be >= 0, got {time_limit_s}")
        prob = load_instance(instance)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    result = solve_problem(prob, method, time_limit_s)
    rounds = int(prob.rounds.sum())
    status = "optimal" if result.optimal else "not proven optimal"
    for line in (
        f"{instance}: {prob.weapon_types} weapon types, {prob.targets} targets, {rounds} rounds; "
        f"method {method}",
        f"expected surviving value  {result.expected_survival:.6f}",
        f"lower bound               {result.lower_bound:.6f}",
        f"gap                       {result.gap:.3e} ({status})",
        f"time                      {result.time_s:.2f} s",
    ):
        console.print(line, highlight=False, markup=False, soft_wrap=True)


@app.command()
def export(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (what iads run wrote).")],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="czml (Cesium), kml (Google Earth; .kmz zips) or geojson (static layers).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")],
    replication: Annotated[
        int | None,
        typer.Option(help="Replication (czml, kml: default 0; geojson: default all)."),
    ] = None,
) -> None:
    """Export a run to CZML, KML/KMZ or GeoJSON: sites, rings, routes, threats, missiles,
    intercepts and leaks."""
    interrupt.run_interruptibly(lambda: _export(run_dir, format, out, replication))


def _export(run_dir: Path, fmt: str, out: Path, replication: int | None) -> None:
    from iads.export import export_run

    try:
        count = export_run(run_dir, fmt, out, replication)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    console.print(f"Wrote {out} ({count} {fmt} items)", highlight=False, markup=False)


@app.command()
def serve(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (what iads run wrote).")],
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (local only unless --allow-remote).")
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote", help="Allow a non-local --host: other machines can read the run."
        ),
    ] = False,
) -> None:
    """Replay a run in the browser: a local, read-only web app (Ctrl-C stops it)."""
    from iads.viewer.serve import ServeError, prepare, serve_forever

    try:
        server = prepare(run_dir, host, port, allow_remote)
    except (InputError, ServeError) as exc:
        _fail(exc)
        raise  # unreachable
    if server.warning:
        _warn(server.warning)
    console.print(
        f"Replaying {run_dir} at {server.url} (Ctrl-C to stop)", highlight=False, markup=False
    )
    serve_forever(server)


@app.command()
def sweep(
    source: Annotated[
        Path, typer.Argument(help="Scenario YAML file (with --grid), or a study YAML file.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Study directory.")],
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid", help="PATH=V1,V2,... e.g. 'raid[0].count=8,16' (repeat for more axes)."
        ),
    ] = None,
    replications: Annotated[
        int | None, typer.Option(help="Replications per point (default: file).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: file).")] = None,
    dtype: Annotated[str | None, typer.Option(help="float32 or float64.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Replications run at once.")] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run on Dask: local[:N] (a local cluster of N workers) or tcp://host:port.",
        ),
    ] = None,
) -> None:
    """Run a scenario over a grid of parameters (or a study file's design): one Parquet file
    per point in --out; rerunning resumes."""
    interrupt.run_interruptibly(
        lambda: _sweep(source, out, grid or [], replications, seed, dtype, batch_size, dask)
    )


def _sweep(
    source: Path,
    out: Path,
    grid: list[str],
    replications: int | None,
    seed: int | None,
    dtype: str | None,
    batch_size: int | None,
    dask: str | None,
) -> None:
    from rich.progress import TimeRemainingColumn

    from iads.sweep.run import InProcess, prepare, run_study

    try:
        study = prepare(source, grid, replications, seed, batch_size, dtype)
        if dask is not None:
            from iads.sweep.distributed import DaskBackend, parse_address

            backend: Any = DaskBackend(parse_address(source, dask))
        else:
            backend = InProcess()
        progress = Progress(
            TextColumn("[bold]points {task.fields[points]}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} replications"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            disable=not sys.stderr.isatty(),
        )
        with progress, backend:
            task = progress.add_task("sweep", total=0, points="", rate="")
            state = {"done": 0, "total": 0}

            def plan(todo: int, already: int) -> None:
                state["done"], state["total"] = already, todo + already
                progress.update(
                    task,
                    total=todo * study.spec.replications,
                    points=f"{already}/{todo + already}",
                )

            def replications_done(n: int) -> None:
                progress.advance(task, n)
                speed = progress.tasks[0].speed
                progress.update(task, rate=f"{speed:,.0f} replications/s" if speed else "")

            def point_done(job: Any) -> None:
                state["done"] += 1
                if not backend.reports_replications:
                    replications_done(job.replications)
                progress.update(task, points=f"{state['done']}/{state['total']}")

            result = run_study(study, out, backend, point_done, replications_done, plan)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    n = len(study.jobs)
    console.print(
        f"Study in {out}/: {_plural(n, 'point')} of {study.spec.replications} replications "
        f"({result.ran} run now on {result.device}, {result.skipped} already done); "
        f'query it with iads query {out} "SELECT ...", plot it with iads report {out}',
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command()
def query(
    study: Annotated[Path, typer.Argument(help="A study directory (what iads sweep wrote).")],
    sql: Annotated[str, typer.Argument(help='SQL over the view "study", e.g. SELECT ...')],
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
) -> None:
    """Run DuckDB SQL over a study: the view ``study`` has one row per replication of every
    finished point (quote swept paths: "raid[0].count")."""
    interrupt.run_interruptibly(lambda: _query(study, sql, csv))


def _query(study: Path, sql: str, csv: bool) -> None:
    from iads.sweep.query import query as run_query

    try:
        table = run_query(study, sql)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    if csv:
        import io

        import pyarrow.csv as pa_csv

        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer)
        sys.stdout.write(buffer.getvalue().decode())
        return
    t = Table()
    for name in table.column_names:
        t.add_column(name, justify="right")
    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
        t.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
    console.print(t)


@app.command()
def report(
    study: Annotated[Path, typer.Argument(help="A study directory (what iads sweep wrote).")],
) -> None:
    """Draw each outcome of a study against each swept parameter with 95% bands: writes
    report.html in the study directory."""
    interrupt.run_interruptibly(lambda: _report(study))


def _report(study: Path) -> None:
    from iads.sweep.report import write_study_report

    try:
        path = write_study_report(study)
    except InputError as exc:
        _fail(exc)
        raise  # unreachable
    console.print(f"Report: {path}", highlight=False, markup=False)


def main() -> None:
    """Console entry point; Ctrl-C and SIGTERM end any command with one line (iads.interrupt)."""
    from iads.__main__ import main as entry

    entry()


if __name__ == "__main__":
    main()
