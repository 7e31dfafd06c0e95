"""The form for a report's authored sections, in English and Spanish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SECTION_LENGTH = 20000


def _section(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_SECTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class SurveyReportForm(forms.Form):
    what_we_heard = _section(
        _("What we heard"), _("In plain language: what customers and employees told you.")
    )
    what_we_heard_es = _section(_("What we heard, in Spanish"))
    what_we_changed = _section(
        _("What we changed"), _("Changes made, or planned, because of this feedback.")
    )
    what_we_changed_es = _section(_("What we changed, in Spanish"))
    management_and_budget = _section(
        _("How this informed management and budget"),
        _("Decisions on priorities, staffing or budget that used these results."),
    )
    management_and_budget_es = _section(_("How this informed management and budget, in Spanish"))
