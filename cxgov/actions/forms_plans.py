"""Staff forms for annual CX action plans: start one for a fiscal year, write its summary and
budget notes in English and Spanish, choose its action items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.actions.models import ACTION_PLAN_TEXT_MAX_LENGTH, ActionItem


class ActionPlanCreateForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"),
        min_value=2000,
        max_value=2100,
        help_text=_(
            "The fiscal year the action plan covers. Items done in the year before are "
            "ticked at first, as last year's delivered work."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["fiscal_year"].initial = timezone.localdate().year + 1


def _text(language: str, *, label: str, help_text: str = "") -> forms.CharField:
    """A text in one language, which may be empty; the box is marked with its language."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=ACTION_PLAN_TEXT_MAX_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6, "lang": language}),
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


# The largest primary key a database column holds: a larger id cannot name a row.
_MAX_ID = 2**63 - 1


class _ItemChoiceField(forms.ModelMultipleChoiceField):
    """Ticked items by id; an id that is not a whole number a row could have is refused as an
    invalid choice before it reaches the database."""

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        for pk in value:
            text = str(pk)
            if not text.isdecimal() or not text.isascii() or int(text) > _MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:40]},
                )
        return super()._check_values(value)


class ActionPlanItemsForm(forms.Form):
    """The items the plan names: staff tick each one; none is added on its own."""

    items = _ItemChoiceField(
        label=_("Action items this plan shows"),
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Items done in the fiscal year before the plan's show as delivered last year; "
            "the others as this year's work."
        ),
    )

    def __init__(self, *args: object, choices: QuerySet[ActionItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["items"]
        assert isinstance(field, _ItemChoiceField)  # noqa: S101 - declared above
        field.queryset = choices
        field.label_from_instance = lambda item: (  # type: ignore[method-assign]
            f"{item.title} ({item.get_status_display()}, {item.due_date.isoformat()})"
        )
