"""The accessibility statement, the barrier report form and the conformance report.

A barrier report is a complaint in the agency's "Accessibility barrier" category (its own SLA),
filed through `complaints.services.barrier_report_create`, so it is tracked, routed and
escalated like any complaint. No account and no JavaScript needed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cxgov.complaints import services as complaints
from cxgov.complaints.forms import BarrierReportForm
from cxgov.core.ratelimit import rate_limited
from cxgov.core.tables import file_response
from cxgov.public import acr
from cxgov.public.views import choose_agency
from cxgov.public.views_complaints import complaint_filed_page, complaint_filing_page
from cxgov.registry.selectors import agencies_public, agency_public


def statement(request: HttpRequest) -> HttpResponse:
    """The standard followed, how it is tested, known limits and how to get help."""
    return render(
        request,
        "public/accessibility/statement.html",
        {
            "limits": acr.known_limits(),
            "agencies": agencies_public(),
            "criteria_count": len(acr.CRITERIA),
            "axe_version": acr.AXE_VERSION,
            "nav_section": "accessibility",
        },
    )


def conformance(request: HttpRequest) -> HttpResponse:
    """The OpenACR report as a page: every WCAG 2.2 A and AA criterion with its level."""
    report = acr.report()
    return render(
        request,
        "public/accessibility/conformance.html",
        {
            "report": report,
            "tables": [
                ("A", acr.criteria_by_level("A")),
                ("AA", acr.criteria_by_level("AA")),
            ],
            "nav_section": "accessibility",
        },
    )


def conformance_yaml(request: HttpRequest) -> HttpResponse:
    """The same report as OpenACR YAML, byte for byte docs/accessibility/openacr.yaml."""
    return file_response(
        acr.report_yaml(),
        content_type="application/yaml; charset=utf-8",
        filename="cxgov-openacr.yaml",
    )


def barrier_start(request: HttpRequest) -> HttpResponse:
    """Which agency the barrier is about; a link from an agency page names it."""
    return choose_agency(
        request,
        "barrier",
        template="public/accessibility/barrier_start.html",
        nav_section="accessibility",
    )


@rate_limited("barrier_report", setting="PUBLIC_WRITES_PER_MINUTE")
def barrier_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Report a barrier to one agency: the page, what stopped you, assistive technology."""
    agency = agency_public(slug=slug)
    initial = {"page_url": request.GET.get("page", "")[:500]}
    form = BarrierReportForm(request.POST or None, agency=agency, initial=initial)
    return complaint_filing_page(
        request,
        form=form,
        agency=agency,
        file=lambda data, filer: complaints.barrier_report_create(
            page_url=data["page_url"],
            what_happened=data["what_happened"],
            assistive_technology=data["assistive_technology"],
            **filer,
        ),
        filed_url="public:barrier_filed",
        template="public/accessibility/barrier_new.html",
        nav_section="accessibility",
    )


def barrier_filed(request: HttpRequest, tracking: str) -> HttpResponse:
    """Thank you, with the tracking number and the date the agency promised to answer by."""
    return complaint_filed_page(
        request,
        tracking=tracking,
        template="public/accessibility/barrier_filed.html",
        nav_section="accessibility",
    )
