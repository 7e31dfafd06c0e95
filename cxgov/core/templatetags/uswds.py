"""Render Django form fields as USWDS controls with their hints and errors announced."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def uswds(field: forms.BoundField) -> SafeString:
    """The field's widget marked for its errors, with aria-describedby for its hint and errors.

    The USWDS class itself comes from the form renderer (`cxgov.core.renderers`).
    """
    widget = field.field.widget
    attrs: dict[str, str] = {}
    plain = isinstance(
        widget, forms.Select | forms.Textarea | forms.widgets.Input
    ) and not isinstance(widget, forms.CheckboxInput | forms.FileInput | forms.RadioSelect)
    if field.errors and plain:
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), "usa-input--error"]))
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
