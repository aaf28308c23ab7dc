"""KML / KMZ (Google Earth): sites, rings and routes, and for one replication each threat as a
track (gx:Track) and each missile as a line with its time span, intercepts and leaks from their
time on. Built with simplekml."""

from __future__ import annotations

import simplekml

from iads.export.base import POINT_COLORS, SITE_COLORS, Layers, ring_outline, when

#: KML dates, UTC.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _kml_color(hex_color: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    h = hex_color.lstrip("#")
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def _date(t_s: float) -> str:
    return when(t_s).strftime(TIME_FORMAT)


def kml_document(layers: Layers) -> simplekml.Kml:
    """The KML of one replication (``layers.replication`` is not None).

    Folders: Sites, Range rings, Routes, Threats (gx:Track, one sample per track time, with a
    TimeSpan from launch to the end), Missiles (launcher to end point, TimeSpan of the flight),
    Intercepts and Leaks (TimeSpan from the event to the run's end). Dates count from
    ``iads.export.base.EPOCH``.
    """
    end = layers.duration_s
    kml = simplekml.Kml(
        name=f"{layers.run.scene.get('title', 'iads run')}, replication {layers.replication}"
    )
    sites = kml.newfolder(name="Sites")
    rings = kml.newfolder(name="Range rings")
    for site in layers.sites:
        color = _kml_color(SITE_COLORS.get(site["kind"], SITE_COLORS["battery"]))
        pm = sites.newpoint(
            name=site["name"],
            description=site.get("system") or site["kind"],
            coords=[(site["lon_deg"], site["lat_deg"])],
        )
        pm.style.iconstyle.color = color
        for ring in site["rings"]:
            line = rings.newlinestring(
                name=f"{site['name']}: {ring['label']}", coords=ring_outline(site, ring["radius_m"])
            )
            line.style.linestyle.color = color
            line.style.linestyle.width = 1
    routes = kml.newfolder(name="Routes")
    for route in layers.routes:
        line = routes.newlinestring(
            name=f"{route['name']} (planned route)",
            coords=[(lon, lat, alt) for lat, lon, alt in route["points"]],
            altitudemode=simplekml.AltitudeMode.absolute,
        )
        line.style.linestyle.color = _kml_color("#888888")
    threats = kml.newfolder(name="Threats")
    for t in layers.threats:
        track = threats.newgxtrack(
            name=t.name,
            description=f"{t.threat_type}: {t.fate}",
            altitudemode=simplekml.AltitudeMode.absolute,
        )
        track.newwhen([_date(x) for x in t.time_s])
        track.newgxcoord(
            [
                (float(o), float(a), float(h))
                for a, o, h in zip(t.lat_deg, t.lon_deg, t.alt_m, strict=True)
            ]
        )
        track.timespan.begin = _date(float(t.time_s[0]))
        track.timespan.end = _date(float(t.time_s[-1]))
        track.style.linestyle.color = _kml_color(t.color)
        track.style.iconstyle.color = _kml_color(t.color)
    missiles = kml.newfolder(name="Missiles")
    for m in layers.missiles:
        (lat0, lon0, alt0), (lat1, lon1, alt1) = m["from"], m["to"]
        line = missiles.newlinestring(
            name=f"{m['type']} #{m['id']} at threat {m['threat']}",
            description=f"from {m['launcher']}: {m['outcome']}",
            coords=[(lon0, lat0, alt0 or 0.0), (lon1, lat1, alt1 or 0.0)],
            altitudemode=simplekml.AltitudeMode.absolute,
        )
        line.timespan.begin = _date(m["launch_s"])
        line.timespan.end = _date(m["end_s"])
        line.style.linestyle.color = _kml_color(m["color"])
        line.style.linestyle.width = 2
    folders = {"intercept": kml.newfolder(name="Intercepts"), "leak": kml.newfolder(name="Leaks")}
    for p in layers.points:
        if p["lat_deg"] is None or p["lon_deg"] is None:
            continue
        pm = folders[p["kind"]].newpoint(
            name=f"{p['kind']}: threat {p['threat']} ({p['threat_type']})",
            description=f"t = {p['time_s']:.1f} s"
            + (f", {p['missile_type']}" if p["missile_type"] else ""),
            coords=[(p["lon_deg"], p["lat_deg"], p["alt_m"] or 0.0)],
        )
        pm.timespan.begin = _date(p["time_s"])
        pm.timespan.end = _date(end)
        pm.style.iconstyle.color = _kml_color(POINT_COLORS[p["kind"]])
    return kml
