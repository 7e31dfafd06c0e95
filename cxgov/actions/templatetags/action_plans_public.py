"""Template helpers for linking to an agency's published annual CX action plan."""

from __future__ import annotations

from django import template

from cxgov.actions.selectors_plans import has_published_action_plan
from cxgov.core.models import Agency

register = template.Library()


@register.simple_tag
def action_plan_published(agency: Agency) -> bool:
    """Whether the agency has a published action plan the public site can show."""
    return has_published_action_plan(agency=agency)
