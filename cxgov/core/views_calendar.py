"""The agency's calendar page: its closed days (add, remove, import), the federal holidays
they join, and the month its fiscal year starts. For holders of `MANAGE_CALENDAR`; every
member may read it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.calendar import federal_holiday_name
from cxgov.core.closures import closures_import
from cxgov.core.forms import ClosureForm, ClosureImportForm, FiscalYearStartForm
from cxgov.core.pages import agency_import_view, button_view, form_save
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import (
    access_agency,
    access_closure,
    agency_calendar,
    closures_for_agency,
)
from cxgov.core.services import agency_fiscal_year_start_set, closure_add, closure_remove
from cxgov.insights.calendars import federal_holidays


def _calendar_url(slug: str) -> str:
    return reverse("core:agency_calendar", kwargs={"slug": slug})


@login_required
def agency_calendar_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Closed days and the fiscal year start; the forms change them for `MANAGE_CALENDAR`."""
    agency = access_agency(user=request.user, agency_slug=slug)
    can_edit = user_can(user=request.user, agency=agency, need=Can.MANAGE_CALENDAR)
    posted = request.method == "POST"
    # Two forms post here; the fiscal year form is the one that sends its month.
    which = ""
    if posted:
        which = "fiscal_year" if "fiscal_year_start_month" in request.POST else "closure"
    if posted:
        agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_CALENDAR)
    closure_form = ClosureForm(request.POST if which == "closure" else None)
    start_form = FiscalYearStartForm(
        request.POST if which == "fiscal_year" else None,
        initial={"fiscal_year_start_month": agency.fiscal_year_start_month},
    )
    if which:
        # Each form's write and the message it leaves once saved.
        form, write, message = {
            "closure": (
                closure_form,
                closure_add,
                lambda closure: (
                    _("The agency is closed on %(day)s.") % {"day": closure.day.isoformat()}
                ),
            ),
            "fiscal_year": (
                start_form,
                agency_fiscal_year_start_set,
                lambda _changed: _("The fiscal year start is saved."),
            ),
        }[which]
        saved = form_save(
            request, form, lambda data: write(actor=request.user, agency=agency, **data)
        )
        if saved is not None:
            messages.success(request, message(saved.value))
            return redirect(_calendar_url(slug))
    calendar = agency_calendar(agency=agency)
    today = calendar.today()
    year_first, year_last = calendar.fiscal_year_bounds(calendar.fiscal_year(today))
    holidays = sorted(
        (day, federal_holiday_name(name))
        for day, name in federal_holidays((year_first.year, year_last.year)).items()
        if year_first <= day <= year_last
    )
    return render(
        request,
        "core/agency_calendar.html",
        {
            "agency": agency,
            "calendar": calendar,
            "fiscal_year": calendar.fiscal_year(today),
            "year_first": year_first,
            "year_last": year_last,
            "holidays": holidays,
            "closures": closures_for_agency(agency=agency),
            "closure_form": closure_form,
            "start_form": start_form,
            "can_edit": can_edit,
            "nav_section": "staff",
        },
        status=400 if posted else 200,
    )


# Remove one closed day (POST only); open deadlines and standards count it again.
closure_remove_view = button_view(
    access_closure,
    act=closure_remove,
    done=gettext_lazy("The closed day is removed."),
    next_url=lambda closure: _calendar_url(closure.agency.slug),
)

# Upload closed days; errors are listed by row and column, good rows kept on request.
closure_import = agency_import_view(
    "core/closure_import.html",
    form_class=ClosureImportForm,
    importer=closures_import,
    need=Can.MANAGE_CALENDAR,
)
