"""The survey report's PDF as a prepared file: built by the worker, with the driver analyses it
needs computed first, then served to those who may read the report (decision 0049)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, prepared_builder
from cxgov.reports.rendering import file_stem, report_pdf
from cxgov.reports.selectors import report_build
from cxgov.reports.services import report_drivers_request

REPORT_PDF = "reports.report_pdf"
# The report reads responses, complaints and standards as they come, which have no cheap
# version: a PDF finished longer ago than this is built again when asked for. Its written
# sections are its version, so an edit shows in the next PDF at once.
REPORT_PDF_MAX_AGE = timedelta(minutes=15)


@prepared_builder(REPORT_PDF)
def report_pdf_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """The tagged PDF of one period's report in one language."""
    fiscal_year = int(params["fiscal_year"])
    quarter = int(params["quarter"]) if params.get("quarter") else None
    report_drivers_request(agency=agency, fiscal_year=fiscal_year, quarter=quarter, wait=True)
    data = report_build(
        agency=agency,
        fiscal_year=fiscal_year,
        quarter=quarter,
        language=str(params["language"]),
    )
    return Built(
        content=report_pdf(data), filename=f"{file_stem(data)}.pdf", content_type="application/pdf"
    )
