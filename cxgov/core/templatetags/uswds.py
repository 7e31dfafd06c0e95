"""Render Django form fields as USWDS controls with their hints and errors announced."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

_CLASS_BY_WIDGET: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.FileInput, "usa-file-input"),
    (forms.widgets.Input, "usa-input"),
]


@register.filter
def uswds(field: forms.BoundField) -> SafeString:
    """The field's widget with USWDS classes and aria-describedby for its hint and errors."""
    widget = field.field.widget
    css = next((css for kind, css in _CLASS_BY_WIDGET if isinstance(widget, kind)), "")
    attrs: dict[str, str] = {}
    if css:
        if field.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
            css += " usa-input--error"
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), css]))
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
