"""Turn a `ReportData` into the page's HTML, a tagged PDF, one CSV per table, or a zip of them.

The page and the PDF come from one template, `reports/report.html`; `for_pdf` swaps the site
chrome for a print layout (page numbers, bookmarks from the headings) and charts become images
whose alt text is the chart's title and summary, so the PDF's figure tags carry it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from cxgov.core.tables import Table, csv_text
from cxgov.reports.pdf import html_to_pdf
from cxgov.reports.selectors import ReportData


def table_csv(table: Table) -> str:
    """The table as CSV text: its header, then its rows exactly as the report shows them."""
    return csv_text(table.header, table.rows)


def file_stem(data: ReportData) -> str:
    """A file name stem such as `fba-survey-report-fy2026-q1-en`."""
    return f"{data.agency.slug}-survey-report-{data.period.slug}-{data.language}"


def tables_zip(data: ReportData) -> bytes:
    """Every table of the report as `<table id>.csv` in one zip file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in data.tables():
            archive.writestr(f"{table.id}.csv", table_csv(table))
    return buffer.getvalue()


def report_html(
    data: ReportData,
    *,
    for_pdf: bool,
    request: HttpRequest | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """The report as HTML: the staff page (with `request`) or the standalone PDF document."""
    context = {
        "data": data,
        "agency": data.agency,
        "for_pdf": for_pdf,
        "base_template": "reports/_pdf_base.html" if for_pdf else "base.html",
        "nav_section": "staff",
        **(extra or {}),
    }
    with translation.override(data.language):
        return render_to_string("reports/report.html", context, request=request)


def report_pdf(data: ReportData) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) with title, language and bookmarks."""
    return html_to_pdf(html=report_html(data, for_pdf=True))
