"""The oversight home and the A-11 reports it opens, for the site-wide oversight grant.

Everyone without `Can.OVERSEE_GOVERNMENT` gets the same 404 as a missing page. The pages show
aggregates only: no names, email addresses or free-text answers of customers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cxgov.a11 import services as a11
from cxgov.a11.forms import QuarterForm, RatingForm
from cxgov.a11.selectors import access_collection_site, reporting_quarter
from cxgov.a11.summary import a11_summary_rows
from cxgov.core.pages import form_page_save
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_site
from cxgov.core.templatetags.breadcrumbs import Crumb
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import ChannelKind
from cxgov.reports.oversight import oversight_home, report_due


def _period(request: HttpRequest) -> FiscalQuarter:
    """The quarter asked for in the query string, else the one most recently ended."""
    form = QuarterForm(request.GET if "fiscal_year" in request.GET else None)
    if form.is_bound and form.is_valid():
        return FiscalQuarter(form.cleaned_data["fiscal_year"], form.cleaned_data["quarter"])
    return reporting_quarter()


def _home_url(period: FiscalQuarter) -> str:
    return reverse("oversight:home") + f"?fiscal_year={period.year}&quarter={period.quarter}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The reporting calendar, trust by provider, standards missed, complaint timeliness and
    the quarter's A-11 reports, across every agency."""
    access_site(user=request.user, need=Can.OVERSEE_GOVERNMENT)
    period = _period(request)
    found = oversight_home(quarter=period)
    return render(
        request,
        "reports/oversight_home.html",
        {
            "home": found,
            "trend": list(zip(found.trust.quarters, found.trust.government, strict=True)),
            "period": period,
            "due": report_due(period),
            "quarter_form": QuarterForm(
                initial={"fiscal_year": period.year, "quarter": period.quarter}
            ),
            "previous": period.previous(),
            "next": period.next(),
            "crumbs": [Crumb(_("Staff home"), reverse("core:staff_home")), Crumb(_("Oversight"))],
            "nav_section": "oversight",
        },
    )


@login_required
def report(request: HttpRequest, collection_id: int) -> HttpResponse:
    """A submitted, published or not-reported A-11 report, read-only, with its figures from
    the A-11 summary rows and oversight's rating form."""
    collection = access_collection_site(user=request.user, collection_id=collection_id)
    period = collection.period
    channels = dict(ChannelKind.choices)
    figures = [
        {**row, "channel": channels.get(row["channel"], row["channel"])}
        for row in a11_summary_rows(
            fiscal_year=period.year, quarter=period.quarter, agencies=[collection.agency]
        )
        if row["service"] == collection.service.name
    ]
    title = _("%(service)s: A-11 report, %(quarter)s") % {
        "service": collection.service.name,
        "quarter": period,
    }
    form = RatingForm(
        request.POST or None,
        initial={"rating": collection.rating, "comment": collection.rating_comment},
    )

    def save(data: dict[str, Any]) -> Any:
        return a11.collection_rate(
            actor=request.user,
            collection=collection,
            rating=data["rating"],
            comment=data["comment"],
        )

    return form_page_save(
        request,
        section="oversight",
        form=form,
        save=save,
        success_url=reverse("oversight:report", kwargs={"collection_id": collection.pk}),
        success_message=_("Rating saved for %(service)s.") % {"service": collection.service.name},
        page={
            "template": "reports/oversight_report.html",
            "title": title,
            "collection": collection,
            "period": period,
            "due": report_due(period),
            "figures": figures,
            "crumbs": [
                Crumb(_("Staff home"), reverse("core:staff_home")),
                Crumb(_("Oversight"), _home_url(period)),
                Crumb(title),
            ],
        },
    )
