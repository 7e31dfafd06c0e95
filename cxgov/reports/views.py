"""Staff survey report pages: periods, the report (HTML, PDF, CSV, zip) and its written sections.

Every table of a report is also a CSV download: the report page answers `?download=<table id>`.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cxgov.core.pages import agency_list_view
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.core.services_prepared import prepared_file_request, prepared_refresh
from cxgov.core.tables import csv_response
from cxgov.core.views_prepared import (
    is_prepared_post,
    prepared_file_response,
    prepared_page_data,
)
from cxgov.reports.forms import SurveyReportForm
from cxgov.reports.prepared import (
    REPORT_MAX_AGE,
    REPORT_PAGE,
    REPORT_PDF,
    REPORT_PDF_MAX_AGE,
    REPORT_TABLES,
    report_data_from_json,
    report_params,
)
from cxgov.reports.rendering import file_stem, report_html
from cxgov.reports.selectors import (
    ReportPeriod,
    report_periods,
    survey_report_for,
)
from cxgov.reports.services import (
    AUTHORED_FIELDS,
    report_drivers_request,
    survey_report_update,
)

_PERIOD = re.compile(r"^fy(\d{4})(?:-q([1-4]))?$")


def _period(text: str) -> ReportPeriod:
    """`fy2026` or `fy2026-q1`; anything else is a missing page."""
    match = _PERIOD.match(text)
    if match is None:
        raise Http404
    try:
        return ReportPeriod(int(match.group(1)), int(match.group(2)) if match.group(2) else None)
    except ValueError as error:
        raise Http404 from error


def _language() -> str:
    return translation.get_language() or "en"


# The quarters the agency can report on.
period_list = agency_list_view(
    "reports/period_list.html", need=Can.VIEW_REPORTS, periods=report_periods
)


@login_required
def report_page(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """The report, from the figures the worker prepared (decision 0063); "being prepared" until
    it has. A POST asks the worker for the driver analyses it lacks (reading writes nothing: a
    fiscal year's are stored when responses change, a quarter's when asked), or, from the
    "Refresh" button, for newer figures."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_REPORTS)
    report_period = _period(period)
    if request.method == "POST" and not is_prepared_post(request):
        return _drivers_ask(request, slug, period)
    language = _language()
    prepared = prepared_page_data(
        request,
        kind=REPORT_PAGE,
        agency=agency,
        params=report_params(period=report_period, language=language),
        max_age=REPORT_MAX_AGE,
        title=_("Survey report: %(period)s") % {"period": report_period.label},
    )
    if isinstance(prepared, HttpResponse):
        return prepared
    data = report_data_from_json(
        agency=agency,
        period=report_period,
        language=language,
        value=prepared.data,
        report=survey_report_for(agency=agency, period=report_period),
    )
    wanted = request.GET.get("download")
    if wanted:
        table = data.table(wanted)
        if table is None:
            raise Http404
        return csv_response(table.header, table.rows, filename=f"{file_stem(data)}-{table.id}.csv")
    html = report_html(
        data,
        for_pdf=False,
        request=request,
        extra={
            "can_edit": user_can(user=request.user, agency=data.agency, need=Can.EDIT_REPORTS),
            "drivers_missing": data.drivers_missing,
            "prepared": prepared,
        },
    )
    return HttpResponse(html)


def _drivers_ask(request: HttpRequest, slug: str, period_text: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_REPORTS)
    period = _period(period_text)
    if report_drivers_request(
        agency=agency, fiscal_year=period.fiscal_year, quarter=period.quarter
    ):
        # The page's figures say the analyses are missing: prepare them again, so they say
        # the analyses are being computed (or show them, if the worker is quick).
        prepared_refresh(
            prepared=prepared_file_request(
                kind=REPORT_PAGE,
                agency=agency,
                params=report_params(period=period, language=_language()),
            )
        )
        messages.success(
            request, _("The key driver analyses are being computed; reload this page shortly.")
        )
    return redirect(request.get_full_path())


@login_required
def report_pdf_download(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """The report as a PDF, prepared by the worker (its driver analyses computed first)."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_REPORTS)
    report_period = _period(period)
    saved = survey_report_for(agency=agency, period=report_period)
    return prepared_file_response(
        request,
        kind=REPORT_PDF,
        agency=agency,
        params={
            "fiscal_year": report_period.fiscal_year,
            "quarter": report_period.quarter,
            "language": (translation.get_language() or "en")[:2],
        },
        version=saved.updated_at.isoformat() if saved else "",
        max_age=REPORT_PDF_MAX_AGE,
        title=_("Survey report (PDF): %(period)s") % {"period": report_period.label},
    )


@login_required
def report_tables_zip(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """Every table of the report as a zip of CSV files, prepared by the worker."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_REPORTS)
    report_period = _period(period)
    return prepared_file_response(
        request,
        kind=REPORT_TABLES,
        agency=agency,
        params=report_params(period=report_period, language=_language()),
        max_age=REPORT_MAX_AGE,
        title=_("Survey report tables (zip of CSV files): %(period)s")
        % {"period": report_period.label},
    )


@login_required
def report_edit(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.EDIT_REPORTS)
    report_period = _period(period)
    saved = survey_report_for(agency=agency, period=report_period)
    initial = {name: getattr(saved, name) for name in AUTHORED_FIELDS} if saved else {}
    form = SurveyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        survey_report_update(
            actor=request.user,  # type: ignore[arg-type]
            agency=agency,
            fiscal_year=report_period.fiscal_year,
            quarter=report_period.quarter,
            sections={name: form.cleaned_data[name] for name in AUTHORED_FIELDS},
        )
        messages.success(request, _("The written sections of the report were saved."))
        return redirect(reverse("reports:report", kwargs={"slug": slug, "period": period}))
    return render(
        request,
        "reports/edit.html",
        {"agency": agency, "period": report_period, "form": form, "nav_section": "staff"},
        status=400 if request.method == "POST" else 200,
    )
