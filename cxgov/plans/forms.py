"""Staff forms for plans: start a plan for a year, write a section in English and Spanish,
choose the surveys it names."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.core.forms_documents import (
    ChosenRecordsForm,
    NextYearForm,
    language_text,
)
from cxgov.plans.models import TEXT_MAX_LENGTH


class PlanCreateForm(NextYearForm):
    year_name = "year"
    year_help = _("The fiscal year the plan covers, e.g. 2027 for October 2026 to September 2027.")


_text = partial(language_text, max_length=TEXT_MAX_LENGTH, rows=10)


class SectionForm(forms.Form):
    text_en = _text(
        "en",
        label=_("Text in English"),
        help_text=_("Short sentences and everyday words. Leave a blank line between paragraphs."),
    )
    text_es = _text(
        "es",
        label=_("Text in Spanish"),
        help_text=_("The Spanish plan shows this text. When it is empty, it shows the English."),
    )


class PlanSurveysForm(ChosenRecordsForm):
    """The surveys the plan names: staff tick each one; none is added on its own."""

    chosen_name = "surveys"
    chosen_label = _("Surveys this plan tells the public about")
    chosen_help = _("Only the surveys ticked here appear in the plan. Leave test surveys unticked.")
