"""The project's form renderer: every Django widget comes out as a USWDS control.

`settings.FORM_RENDERER` points here, so no form needs its own class helper: the renderer gives
each widget (and each radio or checkbox option) its USWDS class as it is rendered, and
`{{ field.as_field_group }}` uses `includes/field.html` (label, hint, error, aria-describedby).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting

_INPUT = "usa-input"
# Widget template (file name under django/forms/widgets/) → its USWDS class.
_CLASS_BY_TEMPLATE = {
    "radio_option.html": "usa-radio__input",
    "checkbox_option.html": "usa-checkbox__input",
    "checkbox.html": "usa-checkbox__input",
    "select.html": "usa-select",
    "textarea.html": "usa-textarea",
    "file.html": "usa-file-input",
    "clearable_file_input.html": "usa-file-input",
    **{
        f"{kind}.html": _INPUT
        for kind in (
            "text",
            "email",
            "number",
            "url",
            "password",
            "date",
            "time",
            "datetime",
            "search",
            "tel",
        )
    },
}
_WIDGETS = "django/forms/widgets/"


def uswds_class(template_name: str) -> str:
    """The USWDS class of a Django widget template, or "" for widgets without one."""
    if not template_name.startswith(_WIDGETS):
        return ""
    return _CLASS_BY_TEMPLATE.get(template_name.removeprefix(_WIDGETS), "")


class UswdsFormRenderer(TemplatesSetting):
    """Django's templates, with USWDS classes added to every widget it renders."""

    field_template_name = "includes/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        css = uswds_class(template_name)
        widget = context.get("widget")
        if css and isinstance(widget, dict):
            attrs = dict(widget.get("attrs") or {})
            classes = attrs.get("class", "").split()
            if css not in classes:
                attrs["class"] = " ".join([css, *classes])
            context = {**context, "widget": {**widget, "attrs": attrs}}
        return super().render(template_name, context, request)
