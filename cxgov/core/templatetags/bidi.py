"""Keeping numbers and codes whole in right-to-left text: a tracking number put into an
Arabic sentence or heading sits in `<bdi dir="ltr">`, so its hyphens and groups do not
reorder around the words beside it."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

# A complaint tracking number (`complaints.services.tracking_number_new`): C- and three
# groups of four letters or digits.
TRACKING_NUMBER = re.compile(r"(?<![\w-])C(?:-[0-9A-Z]{4}){3}(?![\w-])")
_TAG = re.compile(r"(<[^>]*>)")


@register.filter
def bdi(value: object) -> SafeString:
    """The value isolated left to right inside the text around it."""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def bdi_numbers(value: object) -> SafeString:
    """Free text (a message, an error) with every tracking number in it isolated; the text is
    escaped unless it is already safe HTML, whose tags are left as they are."""
    html = str(conditional_escape(value if isinstance(value, SafeData) else str(value)))
    parts = _TAG.split(html)
    # Odd parts are tags: a number inside an attribute (a link's address) stays untouched.
    for at in range(0, len(parts), 2):
        parts[at] = TRACKING_NUMBER.sub(lambda found: str(bdi(found.group(0))), parts[at])
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - escaped text and format_html
