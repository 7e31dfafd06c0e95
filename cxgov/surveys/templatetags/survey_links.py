"""{% live_surveys agency service_slug %}: links to an agency's live customer surveys."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from cxgov.core.models import Agency
from cxgov.surveys.selectors import surveys_live_for_agencies

register = template.Library()


@register.inclusion_tag("public/surveys/_agency_surveys.html")
def live_surveys(agency: Agency, service_slug: str = "") -> dict[str, Any]:
    """Each live survey's link carries the service the visitor came from, if it asks about it."""
    surveys = surveys_live_for_agencies(agencies=[agency]).get(agency.pk, [])
    links = []
    for survey in surveys:
        slugs = {service.slug for service in survey.services.all()}
        query = urlencode({"service": service_slug}) if service_slug in slugs else ""
        links.append({"survey": survey, "query": query})
    return {"links": links}
