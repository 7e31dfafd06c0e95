"""`{% load oversight_format %}`: a share as published, with its 95% interval."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cxgov.insights.estimates import Change, Estimate
from cxgov.insights.measures import PERCENT_POSITIVE

register = template.Library()


def _percent(value: float) -> str:
    # Shares are published as percents to the registry's precision, rounded half up.
    published = PERCENT_POSITIVE.publish(value)
    return number_format(published, PERCENT_POSITIVE.places)


@register.filter
def share_figure(estimate: Estimate | None) -> str:
    """ "72.3% (68.0–75.1)": the share and its interval; "" when there is no figure."""
    if estimate is None or estimate.value is None:
        return ""
    if estimate.low is None or estimate.high is None:
        return _("%(value)s%%") % {"value": _percent(estimate.value)}
    return _("%(value)s%% (%(low)s–%(high)s)") % {
        "value": _percent(estimate.value),
        "low": _percent(estimate.low),
        "high": _percent(estimate.high),
    }


@register.filter
def change_points(change: Change | None) -> str:
    """ "−4.2 points": a change between two shares in percentage points."""
    if change is None:
        return ""
    points = PERCENT_POSITIVE.publish(abs(change.difference))
    sign = "+" if change.difference > 0 else "−" if change.difference < 0 else ""
    return _("%(sign)s%(points)s points") % {
        "sign": sign,
        "points": number_format(points, PERCENT_POSITIVE.places),
    }
