"""Exports of a run to the viewers analysts already use: CZML (Cesium), KML/KMZ (Google Earth)
and GeoJSON (GIS). See :func:`iads.export.write.export_run`."""

from iads.export.write import FORMATS, export_run

__all__ = ["FORMATS", "export_run"]
