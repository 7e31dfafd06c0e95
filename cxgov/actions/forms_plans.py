"""Staff forms for annual CX action plans: start one for a fiscal year, write its summary and
budget notes in English and Spanish, choose its action items."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.actions.models import ACTION_PLAN_TEXT_MAX_LENGTH, ActionItem
from cxgov.core.forms_documents import (
    ChosenRecordsForm,
    NextYearForm,
    language_text,
)

_text = partial(language_text, max_length=ACTION_PLAN_TEXT_MAX_LENGTH, rows=6)


class ActionPlanCreateForm(NextYearForm):
    year_name = "fiscal_year"
    year_help = _(
        "The fiscal year the action plan covers. Items done in the year before are "
        "ticked at first, as last year's delivered work."
    )


class ActionPlanTextForm(forms.Form):
    summary_en = _text(
        "en",
        label=_("Summary in English"),
        help_text=_("What the agency will deliver this year, and why, in short sentences."),
    )
    summary_es = _text(
        "es",
        label=_("Summary in Spanish"),
        help_text=_("The Spanish plan shows this text. When it is empty, it shows the English."),
    )
    budget_notes_en = _text(
        "en",
        label=_("Budget notes in English"),
        help_text=_("How the work is paid for: the budget lines, amounts or requests it needs."),
    )
    budget_notes_es = _text("es", label=_("Budget notes in Spanish"))


def _item_label(item: ActionItem) -> str:
    return f"{item.title} ({item.get_status_display()}, {item.due_date.isoformat()})"


class ActionPlanItemsForm(ChosenRecordsForm):
    """The items the plan names: staff tick each one; none is added on its own."""

    chosen_name = "items"
    chosen_label = _("Action items this plan shows")
    chosen_help = _(
        "Items done in the fiscal year before the plan's show as delivered last year; "
        "the others as this year's work."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].label_from_instance = _item_label  # type: ignore[attr-defined]
