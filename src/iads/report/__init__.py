"""The HTML report of a run: ``write_report(path, data)`` writes one self-contained file."""

from iads.report.base import ReportData, Ring, Route, Site
from iads.report.html import write_report

__all__ = ["ReportData", "Ring", "Route", "Site", "write_report"]
