"""Reads for survey reports: access checks, the periods with data, and `report_build`.

`report_build` assembles one agency's report for a fiscal year or quarter from the other apps'
selectors and aggregates. The staff page, the PDF, the CSV downloads and `cxgov build_report`
all render the same `ReportData`, so a number is the same wherever it is read.

The package: periods.py (the report period, the periods with data), document.py (sections,
tables, charts, and how figures and changes are written), survey_results.py (methods, results
and employee themes), drivers.py (key drivers), records.py (benchmarks, standards, complaints)
and build.py (`report_build`).
"""

from __future__ import annotations

from cxgov.reports.selectors.build import report_build
from cxgov.reports.selectors.document import (
    AUTHORED_SECTIONS,
    SECTION_HEADINGS,
    Chart,
    ReportData,
    Section,
)
from cxgov.reports.selectors.drivers import (
    DRIVER_COVERAGE,
    MIN_DRIVER_ANSWERS,
    OUTCOME_KEYS,
    DriverResult,
    DriverRow,
    report_drivers_missing,
)
from cxgov.reports.selectors.periods import (
    PeriodRow,
    ReportPeriod,
    report_periods,
    survey_report_for,
)
from cxgov.reports.selectors.survey_results import HEADLINE_KEYS

__all__ = [
    "AUTHORED_SECTIONS",
    "DRIVER_COVERAGE",
    "HEADLINE_KEYS",
    "MIN_DRIVER_ANSWERS",
    "OUTCOME_KEYS",
    "SECTION_HEADINGS",
    "Chart",
    "DriverResult",
    "DriverRow",
    "PeriodRow",
    "ReportData",
    "ReportPeriod",
    "Section",
    "report_build",
    "report_drivers_missing",
    "report_periods",
    "survey_report_for",
]
