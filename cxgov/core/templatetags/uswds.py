"""Render Django form fields as USWDS controls with their hints and errors announced."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

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


@register.simple_tag
def uswds_strings() -> dict[str, str]:
    """The texts USWDS's own script writes into its file input, in the page's language, for
    static/cxgov/uswds-strings.js to put in place of its English."""
    return {
        "drag_file": _("Drag file here or"),
        "drag_files": _("Drag files here or"),
        "choose": _("Choose from folder"),
        "choose_lower": _("choose from folder"),
        "no_file": _("No file selected."),
        "no_files": _("No files selected."),
        "selected_one": _("You have selected the file: %(name)s"),
        "selected_many": _("You have selected %(count)s files: %(names)s"),
        "heading_one": _("Selected file"),
        "heading_many": _("%(count)s files selected"),
        "change_file": _("Change file"),
        "change_files": _("Change files"),
        "wrong_type": _("Error: This is not a valid file type."),
    }
