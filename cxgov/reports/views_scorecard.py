"""The management scorecard page, with the same figures as CSV and as a one-page PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.selectors import access_agency
from cxgov.core.tables import csv_response, file_response
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.reports.pdf import html_to_pdf
from cxgov.reports.scorecard import CSV_COLUMNS, default_quarter, scorecard_build, scorecard_rows

FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100


def _quarter(request: HttpRequest, agency: Agency) -> tuple[FiscalQuarter, dict[str, str]]:
    """The quarter of the agency's fiscal year asked for (the last ended one by default) and
    any errors, by field."""
    chosen = default_quarter(agency=agency)
    errors: dict[str, str] = {}
    year_text = request.GET.get("fiscal_year", "").strip()
    quarter_text = request.GET.get("quarter", "").strip()
    year, quarter = chosen.year, chosen.quarter
    if year_text:
        if (
            year_text.isascii()
            and year_text.isdigit()
            and FIRST_FISCAL_YEAR <= int(year_text) <= LAST_FISCAL_YEAR
        ):
            year = int(year_text)
        else:
            errors["fiscal_year"] = _("Enter a fiscal year from %(first)s to %(last)s.") % {
                "first": FIRST_FISCAL_YEAR,
                "last": LAST_FISCAL_YEAR,
            }
    if quarter_text:
        if quarter_text in ("1", "2", "3", "4"):
            quarter = int(quarter_text)
        else:
            errors["quarter"] = _("Choose a quarter from 1 to 4.")
    if errors:
        return chosen, errors
    return FiscalQuarter(year, quarter, agency.fiscal_year_start_month), errors


@login_required
def scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    """Per service: satisfaction, trust, standards met, complaint timeliness, open actions."""
    agency = access_agency(user=request.user, agency_slug=slug)
    quarter, errors = _quarter(request, agency)
    card = scorecard_build(agency=agency, quarter=quarter)
    output = request.GET.get("format", "")
    filename = f"{agency.slug}-scorecard-fy{quarter.year}-q{quarter.quarter}"
    if output == "csv" and not errors:
        return csv_response(CSV_COLUMNS, scorecard_rows(card=card), filename=f"{filename}.csv")
    context = {
        "agency": agency,
        "card": card,
        "errors": errors,
        "fiscal_year": request.GET.get("fiscal_year", quarter.year),
        "quarter_value": request.GET.get("quarter", quarter.quarter),
        "quarters": ["1", "2", "3", "4"],
        "query": f"fiscal_year={quarter.year}&quarter={quarter.quarter}",
        "now": timezone.localtime(),
        "nav_section": "staff",
    }
    if output == "pdf" and not errors:
        html = render_to_string(
            "reports/scorecard.html",
            {**context, "layout": "reports/scorecard_pdf.html", "for_pdf": True},
            request=request,
        )
        return file_response(
            html_to_pdf(html=html), content_type="application/pdf", filename=f"{filename}.pdf"
        )
    return render(
        request,
        "reports/scorecard.html",
        {**context, "layout": "base.html", "for_pdf": False},
        status=400 if errors else 200,
    )
