"""What the catalog holds, for ``iads catalog``: an overview, a table per kind, one entry's figures.

Everything here reads the catalog that :func:`iads.catalog.load_catalog` loaded (no YAML is
parsed again) and imports nothing from the engine, so listing the catalog never loads JAX.

Values are shown in SI, as stored, with the unit that the field name carries (``max_range_m``
-> ``m``, ``max_speed_m_s`` -> ``m/s``); a friendlier scale (``250 km``, ``3 GHz``) is added
beside metres, hertz, watts and microseconds. This is the one place where those conversions
happen, at the edge.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel
from rich.console import JustifyMethod
from rich.table import Table

from iads.catalog import Catalog
from iads.catalog.base import Figure, Text
from iads.errors import InputError

#: The kinds ``iads catalog`` lists, in the order of its overview, each a section of the catalog.
KINDS: tuple[str, ...] = ("systems", "radars", "missiles", "threats", "launchers", "command_posts")

_SINGULAR = {
    "systems": "system",
    "radars": "radar",
    "missiles": "missile",
    "threats": "threat",
    "launchers": "launcher",
    "command_posts": "command post",
}

#: Field-name suffix -> unit, longest suffix first (``_m_s`` before ``_s``, ``_kg`` before ``_g``).
_UNITS: tuple[tuple[str, str], ...] = (
    ("_usd", "USD"),
    ("_m_s2", "m/s²"),
    ("_m_s", "m/s"),
    ("_m2", "m²"),
    ("_deg", "deg"),
    ("_kg", "kg"),
    ("_hz", "Hz"),
    ("_db", "dB"),
    ("_m", "m"),
    ("_s", "s"),
    ("_w", "W"),
    ("_k", "K"),
    ("_g", "g"),
)

_BASIS = {"published": "published", "attributed": "attributed", "modelling": "modelling value"}

#: Scales for the friendlier column: (unit, factor, scaled unit), largest first; the first
#: whose factor does not exceed the magnitude is used.
_SCALES: dict[str, tuple[tuple[float, str], ...]] = {
    "m": ((1e3, "km"),),
    "USD": ((1e9, "bn USD"), (1e6, "m USD")),
    "Hz": ((1e9, "GHz"), (1e6, "MHz"), (1e3, "kHz")),
    "W": ((1e6, "MW"), (1e3, "kW")),
}


@dataclass(frozen=True)
class FigureRow:
    """One line of an entry's listing: a figure, a sourced text, or a plain attribute.

    ``field`` is the dotted path in the catalog (``max_range_m``, ``kill_probability.drone``,
    ``calibration.range_m``); ``value``, ``low`` and ``high`` are in SI as stored, ``unit`` comes
    from the field name (empty when dimensionless or text) and ``readable`` is the same value on
    a friendlier scale (``250 km``), empty when there is none. ``basis``, ``source`` and ``note``
    are ``None`` for plain attributes (``country``, ``missiles``) that carry no source.
    """

    field: str
    value: str
    unit: str
    readable: str
    low: str | None
    high: str | None
    basis: str | None
    source: str | None
    note: str | None


def unit_of(field: str) -> str:
    """The unit a field name carries: ``max_range_m`` -> ``m``; ``""`` when it has none."""
    for suffix, unit in _UNITS:
        if field.endswith(suffix):
            return unit
    return ""


def number(value: float) -> str:
    """A stored value as written: ``250000``, ``0.8``, ``1e-06`` (whole numbers without ``.0``)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def readable(value: float, unit: str) -> str:
    """``value`` (SI, in ``unit``) on a friendlier scale: ``250 km``, ``3 GHz``, ``20 µs``.

    ``""`` where the SI form is already the friendly one (``10 m``, ``2000 m/s``).
    """
    if unit == "s" and 0 < abs(value) < 1e-3:
        return f"{value * 1e6:.4g} µs"
    for factor, scaled in _SCALES.get(unit, ()):
        if abs(value) >= factor:
            return f"{value / factor:.4g} {scaled}"
    return ""


def short(figure: Figure | None, field: str) -> str:
    """A figure as one table cell: the friendly form where there is one, else value and unit."""
    if figure is None:
        return "-"
    unit = unit_of(field)
    return readable(figure.value, unit) or f"{number(figure.value)} {unit}".rstrip()


def entry_rows(entry: BaseModel) -> list[FigureRow]:
    """Every figure, sourced text and plain attribute of one catalog entry, in schema order.

    Absent optional figures are left out; nested tables (``kill_probability``, ``calibration``,
    ``rcs_band_factor``) give one row per element, named by their dotted path.
    """
    rows: list[FigureRow] = []
    for name in type(entry).model_fields:
        _rows(rows, name, name, getattr(entry, name))
    return rows


def _rows(rows: list[FigureRow], path: str, unit_field: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, Figure):
        unit = unit_of(unit_field)
        rows.append(
            FigureRow(
                field=path,
                value=number(value.value),
                unit=unit,
                readable=readable(value.value, unit),
                low=None if value.low is None else number(value.low),
                high=None if value.high is None else number(value.high),
                basis=_BASIS[value.basis],
                source=value.source,
                note=value.note,
            )
        )
    elif isinstance(value, Text):
        rows.append(
            FigureRow(
                path, value.value, "", "", None, None, _BASIS[value.basis], value.source, None
            )
        )
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _rows(rows, f"{path}.{name}", name, getattr(value, name))
    elif isinstance(value, Mapping):
        # a table keyed by category, band, aspect or missile: the unit is the table's own
        for key, item in value.items():
            _rows(rows, f"{path}.{key}", unit_field, item)
    elif isinstance(value, list | tuple) and value and isinstance(value[0], BaseModel):
        # a list of parts (a motor's phases): each by its index
        for k, item in enumerate(value):
            _rows(rows, f"{path}[{k}]", unit_field, item)
    elif isinstance(value, list | tuple):
        rows.append(
            FigureRow(path, ", ".join(map(str, value)), "", "", None, None, None, None, None)
        )
    elif isinstance(value, float | int) and not isinstance(value, bool):
        rows.append(FigureRow(path, number(value), "", "", None, None, None, None, None))
    else:
        rows.append(FigureRow(path, str(value), "", "", None, None, None, None, None))


def _hint(name: str, known: list[str]) -> str:
    """``; did you mean 'X'?`` for a near miss (case-insensitive), else ``""``."""
    folded = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return f"; did you mean {folded[close[0]]!r}?" if close else ""


def resolve_kind(kind: str) -> str:
    """The catalog section that ``kind`` names (``missiles``, also ``missile`` or
    ``command-posts``); :class:`InputError` with the known kinds and a suggestion otherwise."""
    wanted = kind.casefold().replace("-", "_").replace(" ", "_")
    for section, singular in _SINGULAR.items():
        if wanted in (section, singular.replace(" ", "_")):
            return section
    raise InputError(
        "catalog",
        None,
        f"unknown kind {kind!r}; known: {', '.join(KINDS)}{_hint(kind, list(KINDS))}",
    )


def entries(cat: Catalog, kind: str) -> dict[str, BaseModel]:
    """The entries of one kind, keyed by designation (``kind`` as :func:`resolve_kind` takes it)."""
    return dict(getattr(cat, resolve_kind(kind)))


def resolve_entry(cat: Catalog, kind: str, name: str) -> tuple[str, BaseModel]:
    """(designation, entry) for ``name`` in ``kind``: exact, else a unique case-insensitive match;
    :class:`InputError` with the known names and a suggestion otherwise."""
    section = resolve_kind(kind)
    table = entries(cat, section)
    if name in table:
        return name, table[name]
    folded = [k for k in table if k.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0], table[folded[0]]
    known = sorted(table)
    raise InputError(
        "catalog",
        None,
        f"unknown {_SINGULAR[section]} {name!r}; known: {', '.join(known)}{_hint(name, known)}",
    )


Cell = Callable[[BaseModel], str]


def _fig(field: str) -> Cell:
    return lambda e: short(getattr(e, field), field)


def _text(field: str) -> Cell:
    def cell(e: BaseModel) -> str:
        v = getattr(e, field)
        return str(v.value if isinstance(v, Text) else v)

    return cell


def _scan(e: BaseModel) -> str:
    if e.scan == "rotating":  # type: ignore[attr-defined]
        return f"rotating, {_fig('scan_period_s')(e)}"
    return f"sector {_fig('sector_width_deg')(e)}"


def _per_launcher(e: BaseModel) -> str:
    return ", ".join(f"{number(f.value)} x {m}" for m, f in e.missiles_per_launcher.items())  # type: ignore[attr-defined]


def _cost(e: BaseModel) -> str:
    """A system's fire-unit cost (a contract price; see its source), or that none is public."""
    cost = e.fire_unit_cost_usd  # type: ignore[attr-defined]
    return "no public figure" if cost is None else short(cost, "fire_unit_cost_usd")


#: The key figures of each kind: (column header, cell, justify), after the designation and name;
#: figures are right-justified, words left.
_COLUMNS: dict[str, tuple[tuple[str, Cell, JustifyMethod], ...]] = {
    "systems": (
        ("country", _text("country"), "left"),
        ("missiles", lambda e: ", ".join(e.missiles), "left"),  # type: ignore[attr-defined]
        ("reaction time", _fig("reaction_time_s"), "right"),
        ("launchers / fire unit", _fig("launchers_per_fire_unit"), "right"),
        ("fire unit cost", _cost, "right"),
    ),
    "radars": (
        ("role", _text("role"), "left"),
        ("band", _text("band"), "left"),
        ("instrumented range", _fig("instrumented_range_m"), "right"),
        ("scan", _scan, "left"),
    ),
    "missiles": (
        ("max range", _fig("max_range_m"), "right"),
        ("min range", _fig("min_range_m"), "right"),
        ("max target altitude", _fig("max_target_altitude_m"), "right"),
        ("max speed", _fig("max_speed_m_s"), "right"),
    ),
    "threats": (
        ("category", _text("category"), "left"),
        ("speed", _fig("speed_m_s"), "right"),
        ("cruise altitude", _fig("cruise_altitude_m"), "right"),
        ("RCS", _fig("rcs_m2"), "right"),
    ),
    "launchers": (("missiles per launcher", _per_launcher, "left"),),
    "command_posts": (("targets tracked", _fig("targets_tracked"), "right"),),
}

#: The one figure the overview shows beside each entry's name.
_KEY_FIGURE: dict[str, tuple[str, Cell]] = {
    "systems": ("missiles", lambda e: ", ".join(e.missiles)),  # type: ignore[attr-defined]
    "radars": ("range", _fig("instrumented_range_m")),
    "missiles": ("range", _fig("max_range_m")),
    "threats": ("RCS", _fig("rcs_m2")),
    "launchers": ("carries", _per_launcher),
    "command_posts": ("tracks", _fig("targets_tracked")),
}


def kind_table(cat: Catalog, kind: str) -> Table:
    """Every entry of one kind as a table: designation, name and the kind's key figures."""
    section = resolve_kind(kind)
    table = entries(cat, section)
    t = Table(
        title=f"{section} ({len(table)})",
        caption=f"every figure of one: iads catalog {section} NAME",
    )
    t.add_column("designation", no_wrap=True)
    t.add_column("name")
    for header, _, justify in _COLUMNS[section]:
        t.add_column(header, justify=justify)
    for key, entry in table.items():
        t.add_row(key, entry.name, *(cell(entry) for _, cell, _ in _COLUMNS[section]))  # type: ignore[attr-defined]
    return t


def overview_lines(cat: Catalog) -> list[str]:
    """Each kind with its entries, one short line each: designation, key figure, name."""
    lines: list[str] = []
    for section in KINDS:
        table = entries(cat, section)
        label, cell = _KEY_FIGURE[section]
        cells = {key: cell(entry) for key, entry in table.items()}
        figures = {key: "" if c == "-" else f"{label} {c}" for key, c in cells.items()}
        key_w = max(map(len, table), default=0)
        fig_w = max(map(len, figures.values()), default=0)
        lines.append(f"{section} ({len(table)})")
        for key, entry in table.items():
            figure = f"{figures[key]:<{fig_w}}  " if fig_w else ""
            lines.append(f"  {key:<{key_w}}  {figure}{entry.name}")  # type: ignore[attr-defined]
    lines.append("")
    lines.append(
        "A table of one kind: iads catalog KIND; every figure of one: iads catalog KIND NAME"
    )
    return lines


def entry_lines(cat: Catalog, kind: str, name: str) -> list[str]:
    """Every figure of one entry: field, SI value with its unit, the friendlier scale, basis,
    low/high where the catalog gives them, then the source and note on indented lines."""
    section = resolve_kind(kind)
    key, entry = resolve_entry(cat, section, name)
    rows = entry_rows(entry)
    where = cat.files.get(f"{section}.{key}")
    lines = [f"{_SINGULAR[section]} {key}" + (f" ({where.name})" if where else "")]
    field_w = max(len(r.field) for r in rows)
    value_w = max(len(f"{r.value} {r.unit}") for r in rows if r.source is not None or r.unit)
    value_w = min(value_w, 24)
    read_w = max((len(r.readable) for r in rows), default=0)
    basis_w = max(map(len, _BASIS.values()))
    for r in rows:
        if r.source is None and not r.unit:
            lines.append(f"  {r.field:<{field_w}}  {r.value}")
            continue
        value = f"{r.value} {r.unit}".rstrip()
        parts = [f"  {r.field:<{field_w}}  {value:<{value_w}}  {r.readable:<{read_w}}"]
        if r.basis:
            parts.append(f"  {r.basis:<{basis_w}}")
        for label, bound in (("low", r.low), ("high", r.high)):
            if bound is not None:
                parts.append(f"  {label} {bound} {r.unit}".rstrip())
        lines.append("".join(parts).rstrip())
        indent = " " * (field_w + 6)
        for label, text in (("source", r.source), ("note", r.note)):
            if text:
                body = text.replace("\n", "\n" + indent + " " * (len(label) + 2))
                lines.append(f"{indent}{label}: {body}")
    return lines
