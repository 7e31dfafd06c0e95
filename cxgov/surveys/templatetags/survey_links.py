"""{% live_surveys agency %}: links to an agency's live customer surveys, for public pages."""

from __future__ import annotations

from typing import Any

from django import template

from cxgov.core.models import Agency
from cxgov.surveys.selectors import surveys_live_for_agencies

register = template.Library()


@register.inclusion_tag("public/surveys/_agency_surveys.html")
def live_surveys(agency: Agency) -> dict[str, Any]:
    return {"surveys": surveys_live_for_agencies(agencies=[agency]).get(agency.pk, [])}
