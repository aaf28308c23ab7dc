"""GeoJSON (GIS): the static layers — sites, range and coverage rings, planned routes, and
intercept and leak points (of one replication, or of all of them)."""

from __future__ import annotations

from typing import Any

from iads.export.base import Layers, ring_outline


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def geojson_document(layers: Layers) -> dict[str, Any]:
    """A FeatureCollection; each feature's ``layer`` property is ``site``, ``ring``, ``route``,
    ``intercept`` or ``leak``. Rings are polygons (``ring_kind`` missile or radar); points
    carry ``replication`` and ``time_s`` (s from the scenario's start)."""
    features = []
    for site in layers.sites:
        features.append(
            _feature(
                {"type": "Point", "coordinates": [site["lon_deg"], site["lat_deg"]]},
                layer="site",
                name=site["name"],
                kind=site["kind"],
                system=site.get("system") or "",
            )
        )
        for ring in site["rings"]:
            features.append(
                _feature(
                    {"type": "Polygon", "coordinates": [ring_outline(site, ring["radius_m"])]},
                    layer="ring",
                    site=site["name"],
                    label=ring["label"],
                    ring_kind=ring.get("kind", ""),
                    radius_m=ring["radius_m"],
                )
            )
    for route in layers.routes:
        features.append(
            _feature(
                {
                    "type": "LineString",
                    "coordinates": [[lon, lat, alt] for lat, lon, alt in route["points"]],
                },
                layer="route",
                name=route["name"],
                threat_type=route["threat_type"],
                category=route["category"],
            )
        )
    for p in layers.points:
        if p["lat_deg"] is None or p["lon_deg"] is None:
            continue
        features.append(
            _feature(
                {"type": "Point", "coordinates": [p["lon_deg"], p["lat_deg"], p["alt_m"] or 0.0]},
                layer=p["kind"],
                replication=p["replication"],
                time_s=p["time_s"],
                threat=p["threat"],
                threat_type=p["threat_type"],
                missile=p["missile"],
                missile_type=p["missile_type"],
                unit=p["unit"],
            )
        )
    return {
        "type": "FeatureCollection",
        "name": layers.run.scene.get("title", "iads run"),
        "features": features,
    }
