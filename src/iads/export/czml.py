"""CZML (Cesium): sites and rings, threats and missiles with sampled positions in time, and
intercept and leak points from their time on. Built with czml3."""

from __future__ import annotations

from czml3 import Document, Packet
from czml3.properties import (
    Clock,
    Color,
    Ellipse,
    Label,
    Path,
    Point,
    Polyline,
    PolylineMaterial,
    PositionList,
    SolidColorMaterial,
)
from czml3.properties import Position as CzmlPosition
from czml3.types import TimeInterval

from iads.export.base import POINT_COLORS, SITE_COLORS, Layers, rgba, when


def _color(hex_color: str, alpha: int = 255) -> Color:
    return Color(rgba=rgba(hex_color, alpha))


def _interval(start_s: float, end_s: float) -> TimeInterval:
    return TimeInterval(start=when(start_s), end=when(end_s))


def czml_document(layers: Layers) -> Document:
    """The CZML document of one replication (``layers.replication`` is not None).

    Packet ids: ``document``, ``site/<name>``, ``ring/<site>/<label>``, ``route/<name>``,
    ``threat/<id>``, ``missile/<id>``, ``intercept/<threat>/<missile>``, ``leak/<threat>``.
    Times are seconds from the scenario's start counted from ``iads.export.base.EPOCH``.
    """
    end = layers.duration_s
    packets = [
        Packet(
            id="document",
            name=f"{layers.run.scene.get('title', 'iads run')}, replication {layers.replication}",
            version="1.0",
            clock=Clock(interval=_interval(0.0, end), currentTime=when(0.0), multiplier=10),
        )
    ]
    for site in layers.sites:
        color = SITE_COLORS.get(site["kind"], SITE_COLORS["battery"])
        packets.append(
            Packet(
                id=f"site/{site['name']}",
                name=site["name"],
                description=site.get("system") or site["kind"],
                position=CzmlPosition(cartographicDegrees=[site["lon_deg"], site["lat_deg"], 0.0]),
                point=Point(color=_color(color), pixelSize=10),
                label=Label(text=site["name"], show=True),
            )
        )
        for ring in site["rings"]:
            packets.append(
                Packet(
                    id=f"ring/{site['name']}/{ring['label']}",
                    name=f"{site['name']}: {ring['label']}",
                    position=CzmlPosition(
                        cartographicDegrees=[site["lon_deg"], site["lat_deg"], 0.0]
                    ),
                    ellipse=Ellipse(
                        semiMajorAxis=ring["radius_m"],
                        semiMinorAxis=ring["radius_m"],
                        fill=False,
                        outline=True,
                        outlineColor=_color(color, 200),
                    ),
                )
            )
    for route in layers.routes:
        flat = [v for lat, lon, alt in route["points"] for v in (lon, lat, alt)]
        packets.append(
            Packet(
                id=f"route/{route['name']}",
                name=f"{route['name']} (planned route)",
                polyline=Polyline(
                    positions=PositionList(cartographicDegrees=flat),
                    width=1,
                    material=PolylineMaterial(
                        solidColor=SolidColorMaterial(color=_color("#888888"))
                    ),
                ),
            )
        )
    for t in layers.threats:
        t0 = float(t.time_s[0])
        samples = [
            v
            for k in range(t.time_s.size)
            for v in (float(t.time_s[k]) - t0, t.lon_deg[k], t.lat_deg[k], t.alt_m[k])
        ]
        packets.append(
            Packet(
                id=f"threat/{t.id}",
                name=t.name,
                description=f"{t.threat_type}: {t.fate}",
                availability=_interval(t0, float(t.time_s[-1])),
                position=CzmlPosition(epoch=when(t0), cartographicDegrees=samples),
                point=Point(color=_color(t.color), pixelSize=7),
                path=Path(
                    material=PolylineMaterial(
                        solidColor=SolidColorMaterial(color=_color(t.color, 160))
                    ),
                    width=1,
                    leadTime=0,
                    trailTime=120,
                ),
            )
        )
    for m in layers.missiles:
        t0, t1 = m["launch_s"], m["end_s"]
        (lat0, lon0, alt0), (lat1, lon1, alt1) = m["from"], m["to"]
        packets.append(
            Packet(
                id=f"missile/{m['id']}",
                name=f"{m['type']} #{m['id']} at threat {m['threat']}",
                description=f"from {m['launcher']}: {m['outcome']}",
                availability=_interval(t0, t1),
                position=CzmlPosition(
                    epoch=when(t0),
                    cartographicDegrees=[
                        0.0, lon0, lat0, alt0 or 0.0,
                        t1 - t0, lon1, lat1, alt1 or 0.0,
                    ],
                ),
                point=Point(color=_color(m["color"]), pixelSize=5),
            )
        )  # fmt: skip
    for p in layers.points:
        if p["lat_deg"] is None or p["lon_deg"] is None:
            continue
        pid = f"{p['kind']}/{p['threat']}" + (
            f"/{p['missile']}" if p["kind"] == "intercept" else ""
        )
        packets.append(
            Packet(
                id=pid,
                name=f"{p['kind']}: threat {p['threat']} ({p['threat_type']})",
                availability=_interval(p["time_s"], end),
                position=CzmlPosition(
                    cartographicDegrees=[p["lon_deg"], p["lat_deg"], p["alt_m"] or 0.0]
                ),
                point=Point(color=_color(POINT_COLORS[p["kind"]]), pixelSize=9),
            )
        )
    return Document(packets=packets)
