"""The public annual CX action plan: the agency's latest published one, as a page and as a
tagged PDF, in the page's language. Both render the text and items frozen when it was
published; an unpublished plan answers 404 here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

from cxgov.actions.plan_document import action_plan_document
from cxgov.actions.selectors_plans import action_plan_published_latest
from cxgov.core.tables import file_response
from cxgov.public.views_plans import document_page_view, published_or_404
from cxgov.reports.pdf import html_to_pdf

agency_action_plan = document_page_view(
    latest=action_plan_published_latest,
    template="public/action_plans/plan.html",
    name="action_plan",
    document=lambda plan: action_plan_document(plan.snapshot),
    doc="The agency's CX action plan, as last published.",
)


def agency_action_plan_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same action plan as a tagged PDF (PDF/UA-1), in the page's language."""
    agency, plan = published_or_404(slug, action_plan_published_latest)
    document = action_plan_document(plan.snapshot)
    html = render_to_string(
        "public/plans/plan_pdf.html",
        {
            "document_template": "public/action_plans/_document.html",
            "agency": agency,
            "action_plan": plan,
            "document": document,
            "site_root": request.build_absolute_uri("/").rstrip("/"),
        },
        request=request,
    )
    language = (get_language() or "en")[:2]
    return file_response(
        html_to_pdf(html=html),
        content_type="application/pdf",
        filename=f"{agency.slug}-cx-action-plan-{document.fiscal_year}-{language}.pdf",
        inline=True,
    )
