"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from iads.report import ReportData

from .synthetic import synthetic_report_data


@pytest.fixture
def report_data() -> ReportData:
    return synthetic_report_data()
