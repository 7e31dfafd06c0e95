"""The public customer service plan: the latest published version, as a page and as a PDF.

Both render the frozen snapshot of the version, so the public plan stays exactly as it was
published until the agency publishes again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.views_prepared import prepared_file_response
from cxgov.plans.document import plan_document
from cxgov.plans.selectors import version_published_latest
from cxgov.public.prepared import PLAN_PDF
from cxgov.registry.selectors import agency_public

T = TypeVar("T")


def published_or_404(slug: str, latest: Callable[..., T | None]) -> tuple[Agency, T]:
    """The public agency and what `latest(agency=)` finds it published, or 404."""
    agency = agency_public(slug=slug)
    published = latest(agency=agency)
    if published is None:
        raise Http404
    return agency, published


def document_page_view(
    *,
    latest: Callable[..., T | None],
    template: str,
    name: str,
    document: Callable[[T], Any],
    doc: str,
) -> Callable[[HttpRequest, str], HttpResponse]:
    """The public page of what `latest(agency=)` finds an agency published, known to the
    template as `name`, beside the plan `document` it holds; 404 when there is none."""

    def page(request: HttpRequest, slug: str) -> HttpResponse:
        agency, published = published_or_404(slug, latest)
        return render(
            request,
            template,
            {
                "agency": agency,
                name: published,
                "document": document(published),
                "nav_section": "home",
            },
        )

    page.__doc__ = doc
    return page


agency_plan = document_page_view(
    latest=version_published_latest,
    template="public/plans/plan.html",
    name="version",
    document=lambda version: plan_document(version.snapshot),
    doc="The agency's customer service plan, as last published.",
)


def agency_plan_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same plan as a tagged PDF, in the page's language, prepared by the worker once per
    published version and language."""
    agency, version = published_or_404(slug, version_published_latest)
    return prepared_file_response(
        request,
        kind=PLAN_PDF,
        agency=agency,
        params={
            "language": (get_language() or "en")[:2],
            # Links in a PDF leave the site, so they carry the full address.
            "site_root": request.build_absolute_uri("/").rstrip("/"),
        },
        version=str(version.pk),
        title=_("Customer service plan (PDF)"),
        nav_section="home",
    )
