"""Readable names, numbers and fixed colours for what the report shows.

Names: a threat type is shown by its catalog ``display_name`` ("Subsonic cruise missile"), a
threat category by a fixed phrase ("Cruise missile"); anything the catalog does not know is
made readable from its key (``one_way_attack_drone`` -> "One way attack drone").

Colours depend only on the name, never on which other names a run happens to hold, so any two
reports agree: a threat category has a fixed colour, a missile type or system the colour of its
position in the whole bundled catalog (sorted keys), and a name outside the catalog a colour
chosen by a stable hash (CRC-32) of the name.

Numbers: every mean count per replication with one decimal (the interval's ends too), every
distance in whole kilometres, so a column reads at one precision.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache

from iads.catalog import Catalog, load_catalog
from iads.errors import InputError

#: Interceptor colours (Tableau 10 without its red and green, which mean leak and intercept).
MISSILE_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#bab0ac",
)
#: Battery colours, by system (dark, so range rings read over the basemap).
SYSTEM_PALETTE = ("#34495e", "#00798c", "#6a3d9a", "#8a6d0b", "#3f6b2a", "#7a2e39")
#: Raid routes by threat category: aircraft blue and ballistic missiles magenta, far apart.
CATEGORY_COLORS = {
    "aircraft": "#1f77b4",
    "cruise_missile": "#ff7f0e",
    "ballistic_missile": "#c51b7d",
    "drone": "#8c564b",
}
#: Other spellings of the categories (older scenarios and hand-made report data).
_CATEGORY_ALIASES = {
    "fighter": "aircraft",
    "bomber": "aircraft",
    "cruise": "cruise_missile",
    "ballistic": "ballistic_missile",
    "quasi-ballistic": "ballistic_missile",
    "uav": "drone",
    "loitering": "drone",
}
#: Categories that are none of the above.
_SPARE_CATEGORY_COLORS = ("#17becf", "#7f7f7f", "#bcbd22", "#e377c2")
CATEGORY_NAMES = {
    "aircraft": "Aircraft",
    "cruise_missile": "Cruise missile",
    "ballistic_missile": "Ballistic missile",
    "drone": "Drone",
}


@lru_cache(maxsize=1)
def _catalog() -> Catalog | None:
    try:
        return load_catalog()
    except (InputError, OSError):  # the report still gets written, with derived names
        return None


def readable(key: str) -> str:
    """A key made readable: underscores become spaces and the first letter is capitalised.

    ``subsonic_cruise_missile`` -> "Subsonic cruise missile"; ``48N6E3`` and "generic SRBM"
    keep their letters ("Generic SRBM").
    """
    text = " ".join(key.replace("_", " ").split())
    return text[:1].upper() + text[1:]


def threat_name(threat_type: str) -> str:
    """The display name of a threat type: the catalog's ``display_name``, else ``readable``."""
    catalog = _catalog()
    threat = catalog.threats.get(threat_type) if catalog is not None else None
    if threat is not None and threat.display_name:
        return threat.display_name
    return readable(threat_type)


def category_name(category: str) -> str:
    """The display name of a threat category ("Ballistic missile")."""
    key = _CATEGORY_ALIASES.get(category.lower(), category.lower())
    return CATEGORY_NAMES.get(key, readable(category))


def plural(name: str) -> str:
    """A display name in the plural, inside a sentence: "subsonic cruise missiles".

    The first letter is lowered unless the word is an abbreviation ("F-16-class fighters",
    "SRBMs").
    """
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        name = name[0].lower() + name[1:]
    return name if name.endswith("s") else name + "s"


def _hashed(name: str, palette: tuple[str, ...]) -> str:
    return palette[zlib.crc32(name.encode("utf-8")) % len(palette)]


def category_color(category: str) -> str:
    """The fixed colour of a threat category."""
    key = _CATEGORY_ALIASES.get(category.lower(), category.lower())
    return CATEGORY_COLORS.get(key) or _hashed(key, _SPARE_CATEGORY_COLORS)


def missile_color(missile_type: str) -> str:
    """The colour of an interceptor type: its position among the catalog's missiles."""
    catalog = _catalog()
    known = sorted(catalog.missiles) if catalog is not None else []
    if missile_type in known:
        return MISSILE_PALETTE[known.index(missile_type) % len(MISSILE_PALETTE)]
    return _hashed(missile_type, MISSILE_PALETTE)


def system_color(system: str) -> str:
    """The colour of a system, by catalog key or full name ("S-400" or "S-400 Triumf ...")."""
    catalog = _catalog()
    if catalog is not None:
        for i, key in enumerate(sorted(catalog.systems)):
            if system in (key, catalog.systems[key].name):
                return SYSTEM_PALETTE[i % len(SYSTEM_PALETTE)]
    return _hashed(system, SYSTEM_PALETTE)


def format_count(value: float) -> str:
    """A mean count per replication, always with one decimal ("12.0", "0.2"); "—" if unknown."""
    if not math.isfinite(value):
        return "—"
    return f"{value:,.1f}"


def format_km(value_m: float) -> str:
    """A distance given in metres, as whole kilometres ("289"); "—" if unknown."""
    if not math.isfinite(value_m):
        return "—"
    return f"{value_m / 1000.0:,.0f}"
