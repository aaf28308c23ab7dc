"""The catalog of systems, radars, missiles and threats, loaded from ``*.yaml`` beside this file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from iads.catalog.base import (
    FIRE_CONTROL_ROLES,
    THREAT_CATEGORIES,
    CatalogFile,
    CommandPost,
    Environment,
    Figure,
    Launcher,
    Mast,
    Missile,
    Radar,
    System,
    Threat,
)
from iads.errors import InputError, from_validation_error
from iads.yamlio import load_yaml

CATALOG_DIR = Path(__file__).parent

__all__ = [
    "CATALOG_DIR",
    "THREAT_CATEGORIES",
    "Catalog",
    "CommandPost",
    "Environment",
    "Figure",
    "Launcher",
    "Mast",
    "Missile",
    "Radar",
    "System",
    "Threat",
    "load_catalog",
]

_SECTIONS = ("systems", "command_posts", "radars", "masts", "launchers", "missiles", "threats")


@dataclass(frozen=True)
class Catalog:
    """All catalog entries, merged from every YAML file, keyed by designation."""

    systems: dict[str, System]
    command_posts: dict[str, CommandPost]
    radars: dict[str, Radar]
    masts: dict[str, Mast]
    launchers: dict[str, Launcher]
    missiles: dict[str, Missile]
    threats: dict[str, Threat]
    files: dict[str, Path]
    environment: Environment

    def system(self, key: str) -> System:
        """The system named ``key``; ``KeyError`` lists the known ones."""
        return _lookup(self.systems, key, "system")

    def fire_control_radar(self, system: str) -> str:
        """The key of the system's fire-control (or multifunction) radar."""
        return next(r for r in self.systems[system].radars if self._fire_control(r))

    def _fire_control(self, radar: str) -> bool:
        return self.radars[radar].role in FIRE_CONTROL_ROLES

    def threat(self, key: str) -> Threat:
        """The threat type named ``key``; ``KeyError`` lists the known ones."""
        return _lookup(self.threats, key, "threat")


def _lookup(table: dict, key: str, what: str):  # type: ignore[no-untyped-def]
    try:
        return table[key]
    except KeyError:
        raise KeyError(f"unknown {what} {key!r}; known: {', '.join(sorted(table))}") from None


def _check_references(cat: Catalog) -> None:
    for key, system in cat.systems.items():
        src = cat.files[f"systems.{key}"]
        refs: list[tuple[str, list[str], Mapping[str, object]]] = [
            ("command_post", [system.command_post], cat.command_posts),
            ("radars", system.radars, cat.radars),
            ("optional_radars", system.optional_radars, cat.radars),
            ("masts", system.masts, cat.masts),
            ("launchers", system.launchers, cat.launchers),
            ("missiles", system.missiles, cat.missiles),
        ]
        for fname, names, table in refs:
            for name in names:
                if name not in table:
                    raise InputError(src, f"systems.{key}.{fname}", f"unknown entry {name!r}")
        fire_control = [r for r in system.radars if cat._fire_control(r)]
        if len(fire_control) != 1:
            raise InputError(
                src,
                f"systems.{key}.radars",
                f"a fire unit needs exactly one fire-control radar, got {len(fire_control)}",
            )
        if any(cat._fire_control(r) for r in system.optional_radars):
            raise InputError(
                src, f"systems.{key}.optional_radars", "an optional radar cannot be fire control"
            )
        eng = cat.radars[fire_control[0]]
        if eng.target_channels is None or eng.missile_channels is None:
            raise InputError(
                src,
                f"radars.{fire_control[0]}",
                "a fire-control radar needs target_channels and missile_channels",
            )
    _check_echelons(cat)
    for key, mast in cat.masts.items():
        for radar in mast.carries:
            if radar not in cat.radars:
                raise InputError(
                    cat.files[f"masts.{key}"], f"masts.{key}.carries", f"unknown radar {radar!r}"
                )
    for key, launcher in cat.launchers.items():
        tables = {"missiles_per_launcher": launcher.missiles_per_launcher} | {
            f"mixed_loads.{name}": load for name, load in launcher.mixed_loads.items()
        }
        for field, table in tables.items():
            for missile in table:
                if missile not in cat.missiles:
                    raise InputError(
                        cat.files[f"launchers.{key}"],
                        f"launchers.{key}.{field}",
                        f"unknown missile {missile!r}",
                    )


#: The echelon each capacity counts at, as the engine enforces it.
_ECHELONS = {
    ("radars", "targets_tracked"): "radar",
    ("radars", "target_channels"): "fire_unit",
    ("radars", "missile_channels"): "fire_unit",
    ("command_posts", "targets_tracked"): "system",
    ("command_posts", "targets_engaged"): "system",
    ("command_posts", "missiles_guided"): "system",
}


def _check_echelons(cat: Catalog) -> None:
    """Each capacity figure states the echelon the engine enforces it at."""
    for (section, field), echelon in _ECHELONS.items():
        for key, entry in getattr(cat, section).items():
            fig = getattr(entry, field)
            if fig is not None and fig.echelon != echelon:
                raise InputError(
                    cat.files[f"{section}.{key}"],
                    f"{section}.{key}.{field}.echelon",
                    f"the engine counts {field} per {echelon.replace('_', ' ')}, got "
                    f"{fig.echelon!r} (restate the figure at that echelon, with a note)",
                )


def load_catalog_dir(directory: Path) -> Catalog:
    """Load and cross-check every ``*.yaml`` in ``directory``."""
    merged: dict[str, dict] = {s: {} for s in _SECTIONS}  # type: ignore[type-arg]
    files: dict[str, Path] = {}
    environment: Environment | None = None
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise InputError(directory, None, "no catalog *.yaml files")
    for path in paths:
        raw = load_yaml(path)
        try:
            parsed = CatalogFile.model_validate(raw)
        except ValidationError as exc:
            raise from_validation_error(path, exc, CatalogFile) from None
        if parsed.environment is not None:
            if environment is not None:
                raise InputError(
                    path, "environment", f"defined twice (also in {files['environment'].name})"
                )
            environment, files["environment"] = parsed.environment, path
        for section in _SECTIONS:
            for key, entry in getattr(parsed, section).items():
                if key in merged[section]:
                    raise InputError(
                        path,
                        f"{section}.{key}",
                        f"defined twice (also in {files[f'{section}.{key}'].name})",
                    )
                merged[section][key] = entry
                files[f"{section}.{key}"] = path
    if environment is None:
        raise InputError(directory, "environment", "no catalog file defines the environment")
    cat = Catalog(**merged, files=files, environment=environment)
    _check_references(cat)
    return cat


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The bundled catalog (cached)."""
    return load_catalog_dir(CATALOG_DIR)
