"""Template helpers for linking to an agency's published customer service plan."""

from __future__ import annotations

from django import template

from cxgov.core.models import Agency
from cxgov.plans.selectors import has_published_plan

register = template.Library()


@register.simple_tag
def plan_published(agency: Agency) -> bool:
    """Whether the agency has a published plan the public site can show."""
    return has_published_plan(agency=agency)
