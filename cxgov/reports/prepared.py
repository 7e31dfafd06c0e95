"""The survey report's slow parts, prepared by the worker (decisions 0049 and 0063): its PDF and
its zip of tables as files, and the figures of its page as data, each served to those who may
read the report.

The page's prepared figures are the generated sections; the written sections are read with the
page, so an edit shows at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, BuiltData, prepared_builder
from cxgov.core.tables import Table
from cxgov.reports.models import SurveyReport
from cxgov.reports.rendering import file_stem, report_pdf, tables_zip
from cxgov.reports.selectors import Chart, ReportData, ReportPeriod, Section, report_build
from cxgov.reports.selectors.build import authored_sections
from cxgov.reports.services import report_drivers_request

REPORT_PDF = "reports.report_pdf"
REPORT_TABLES = "reports.report_tables"
REPORT_PAGE = "reports.report_page"
# The report reads responses, complaints and standards as they come, which have no cheap
# version: a PDF, zip or page figures finished longer ago than this are built again when asked
# for (the page shows its older figures meanwhile). The PDF's version is its written sections,
# so an edit shows in the next PDF at once.
REPORT_PDF_MAX_AGE = timedelta(minutes=15)
REPORT_MAX_AGE = REPORT_PDF_MAX_AGE


def report_params(*, period: ReportPeriod, language: str) -> dict[str, Any]:
    """The builders' parameters for one period's report in one language."""
    return {"fiscal_year": period.fiscal_year, "quarter": period.quarter, "language": language}


def _report(agency: Agency, params: Mapping[str, Any]) -> ReportData:
    return report_build(
        agency=agency,
        fiscal_year=int(params["fiscal_year"]),
        quarter=int(params["quarter"]) if params.get("quarter") else None,
        language=str(params["language"]),
    )


@prepared_builder(REPORT_PDF)
def report_pdf_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """The tagged PDF of one period's report in one language."""
    fiscal_year = int(params["fiscal_year"])
    quarter = int(params["quarter"]) if params.get("quarter") else None
    report_drivers_request(agency=agency, fiscal_year=fiscal_year, quarter=quarter, wait=True)
    data = _report(agency, params)
    return Built(
        content=report_pdf(data), filename=f"{file_stem(data)}.pdf", content_type="application/pdf"
    )


@prepared_builder(REPORT_TABLES)
def report_tables_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """Every table of one period's report as a zip of CSV files."""
    data = _report(agency, params)
    return Built(
        content=tables_zip(data),
        filename=f"{file_stem(data)}-tables.zip",
        content_type="application/zip",
    )


@prepared_builder(REPORT_PAGE)
def report_page_build(agency: Agency, params: Mapping[str, Any], version: str) -> BuiltData:
    """The figures of one period's report page: its generated sections, title and flags."""
    return BuiltData(report_data_to_json(_report(agency, params)))


def report_data_to_json(data: ReportData) -> dict[str, Any]:
    """The generated part of a report as JSON-ready values (the written sections are left out:
    the page reads them itself)."""
    return {
        "title": data.title,
        "threshold": data.threshold,
        "generated_at": data.generated_at.isoformat(),
        "drivers_missing": data.drivers_missing,
        "sections": [
            {
                "id": section.id,
                "heading": section.heading,
                "notes": [str(note) for note in section.notes],
                "charts": [
                    {
                        "id": chart.id,
                        "svg": chart.svg,
                        "title": chart.title,
                        "description": chart.description,
                        "table_id": chart.table_id,
                    }
                    for chart in section.charts
                ],
                "tables": [table.to_json() for table in section.tables],
            }
            for section in data.sections
            if not section.authored
        ],
    }


def report_data_from_json(
    *,
    agency: Agency,
    period: ReportPeriod,
    language: str,
    value: Mapping[str, Any],
    report: SurveyReport | None,
) -> ReportData:
    """The report `report_data_to_json` wrote, with the written sections of `report` (as saved
    now) after the generated ones, as `report_build` places them."""
    sections = [
        Section(
            item["id"],
            item["heading"],
            notes=list(item["notes"]),
            charts=[Chart(**chart) for chart in item["charts"]],
            tables=[Table.from_json(table) for table in item["tables"]],
        )
        for item in value["sections"]
    ]
    return ReportData(
        agency=agency,
        period=ReportPeriod(period.fiscal_year, period.quarter, agency.fiscal_year_start_month),
        language=language,
        title=value["title"],
        sections=[*sections, *authored_sections(report, language)],
        report=report,
        threshold=value["threshold"],
        generated_at=datetime.fromisoformat(value["generated_at"]),
        drivers_missing=value["drivers_missing"],
    )
