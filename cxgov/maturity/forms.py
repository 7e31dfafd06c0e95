"""The assessment form: per statement a score (1 to 5, or not scored), an evidence link and a
note, named by `services.field_key` so a service's errors land on their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.maturity.bank import DIMENSIONS, HIGHEST, LEVELS, LOWEST, Dimension
from cxgov.maturity.models import Answer
from cxgov.maturity.services import NOTE_LIMIT, URL_LIMIT, AnswerInput, field_key


def _score_choices() -> list[tuple[str, Any]]:
    return [("", _("Not scored yet"))] + [
        (str(level.score), f"{level.score}: {level.label}") for level in LEVELS
    ]


class AssessmentForm(forms.Form):
    def __init__(self, *args: Any, answers: dict[str, Answer] | None = None, **kwargs: Any):
        answers = answers or {}
        initial: dict[str, Any] = {}
        for key, answer in answers.items():
            initial[field_key(key, "score")] = "" if answer.score is None else str(answer.score)
            initial[field_key(key, "url")] = answer.evidence_url
            initial[field_key(key, "note")] = answer.note
        super().__init__(*args, initial=initial, **kwargs)
        for dimension in DIMENSIONS:
            for number, statement in enumerate(dimension.statements, start=1):
                self.fields[field_key(statement.key, "score")] = forms.TypedChoiceField(
                    label=statement.text,
                    choices=_score_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    error_messages={
                        "invalid_choice": _("Choose a score from %(low)s to %(high)s.")
                        % {"low": LOWEST, "high": HIGHEST}
                    },
                )
                self.fields[field_key(statement.key, "url")] = forms.CharField(
                    label=_("Evidence link for %(dimension)s %(number)s")
                    % {"dimension": dimension.label, "number": number},
                    max_length=URL_LIMIT,
                    required=False,
                    help_text=_(
                        "A web address starting with https://, e.g. a report or a dashboard."
                    ),
                    widget=forms.URLInput(),
                )
                self.fields[field_key(statement.key, "note")] = forms.CharField(
                    label=_("Evidence note for %(dimension)s %(number)s")
                    % {"dimension": dimension.label, "number": number},
                    max_length=NOTE_LIMIT,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def groups(self) -> list[tuple[Dimension, list[list[forms.BoundField]]]]:
        """The bound fields per dimension, each statement's score, link and note together."""
        return [
            (
                dimension,
                [
                    [self[field_key(statement.key, part)] for part in ("score", "url", "note")]
                    for statement in dimension.statements
                ],
            )
            for dimension in DIMENSIONS
        ]

    def answers(self) -> dict[str, AnswerInput]:
        data = self.cleaned_data
        return {
            statement.key: AnswerInput(
                score=data.get(field_key(statement.key, "score")),
                evidence_url=data.get(field_key(statement.key, "url")) or "",
                note=data.get(field_key(statement.key, "note")) or "",
            )
            for dimension in DIMENSIONS
            for statement in dimension.statements
        }


class YearForm(forms.Form):
    """The fiscal year the oversight page shows."""

    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
