"""Form pieces the plan documents share: a fiscal year field and the form that starts a
document for next year, a text box in one language, and the form that ticks records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The largest primary key a database column holds: a larger id cannot name a row.
_MAX_ID = 2**63 - 1


def fiscal_year_field(**kwargs: Any) -> forms.IntegerField:
    """A fiscal year, 2000 to 2100."""
    return forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100, **kwargs)


class NextYearForm(forms.Form):
    """Starts a document for a fiscal year: its one field, `year_name`, offers next year."""

    year_name: ClassVar[str]
    year_help: ClassVar[str | Promise]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.year_name] = fiscal_year_field(
            help_text=self.year_help, initial=timezone.localdate().year + 1
        )


def language_text(
    language: str, *, label: str, max_length: int, rows: int, help_text: str = ""
) -> forms.CharField:
    """A text in one language, which may be empty; the box is marked with its language so that
    spell checkers and screen readers use the right one."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "lang": language}),
    )


class IdChoiceField(forms.ModelMultipleChoiceField):
    """Ticked records by id; an id that is not a whole number a row could have is refused as an
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


class ChosenRecordsForm(forms.Form):
    """The records a document names, ticked among `choices` in its one field, `chosen_name`;
    none is added on its own."""

    chosen_name: ClassVar[str]
    chosen_label: ClassVar[str | Promise]
    chosen_help: ClassVar[str | Promise]

    def __init__(self, *args: Any, choices: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.chosen_name] = IdChoiceField(
            label=self.chosen_label,
            queryset=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=self.chosen_help,
        )
