"""The public customer service plan's PDF as a prepared file: built by the worker once per
published version and language (about 5 s on the demo), then served to anyone (decision 0049)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from cxgov.core.models import Agency
from cxgov.core.prepared import Built, prepared_builder
from cxgov.plans.document import plan_document
from cxgov.plans.selectors import version_published
from cxgov.reports.pdf import html_to_pdf

PLAN_PDF = "public.plan_pdf"


class PlanNotPublishedError(LookupError):
    """The version asked for is no longer one of the agency's published plans."""


@prepared_builder(PLAN_PDF)
def plan_pdf_build(agency: Agency, params: Mapping[str, Any], version: str) -> Built:
    """The tagged PDF of one published plan version in one language; links carry `site_root`
    because a PDF's links leave the site."""
    plan_version = version_published(agency=agency, version_id=int(version))
    if plan_version is None:
        raise PlanNotPublishedError(version)
    language = str(params["language"])
    with translation.override(language):
        document = plan_document(plan_version.snapshot)
        html = render_to_string(
            "public/plans/plan_pdf.html",
            {
                "agency": agency,
                "version": plan_version,
                "document": document,
                "site_root": str(params["site_root"]),
            },
        )
        content = html_to_pdf(html=html)
    return Built(
        content=content,
        content_type="application/pdf",
        filename=f"{agency.slug}-customer-service-plan-{document.year}-{language}.pdf",
        inline=True,
    )
