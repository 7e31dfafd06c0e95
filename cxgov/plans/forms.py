"""Staff forms for plans: start a plan for a year, write a section in English and Spanish,
choose the surveys it names."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.plans.models import TEXT_MAX_LENGTH
from cxgov.surveys.models import Survey


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(
        label=_("Fiscal year"),
        min_value=2000,
        max_value=2100,
        help_text=_(
            "The fiscal year the plan covers, e.g. 2027 for October 2026 to September 2027."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.localdate().year + 1


def _section_text(language: str, *, label: str, help_text: str) -> forms.CharField:
    """A section's text in one language, which may be empty; the box is marked with its
    language so that spell checkers and screen readers use the right one."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 10, "lang": language}),
    )


class SectionForm(forms.Form):
    text_en = _section_text(
        "en",
        label=_("Text in English"),
        help_text=_("Short sentences and everyday words. Leave a blank line between paragraphs."),
    )
    text_es = _section_text(
        "es",
        label=_("Text in Spanish"),
        help_text=_("The Spanish plan shows this text. When it is empty, it shows the English."),
    )


class PlanSurveysForm(forms.Form):
    """The surveys the plan names: staff tick each one; none is added on its own."""

    surveys = forms.ModelMultipleChoiceField(
        label=_("Surveys this plan tells the public about"),
        queryset=Survey.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the surveys ticked here appear in the plan. Leave test surveys unticked."
        ),
    )

    def __init__(self, *args: object, choices: QuerySet[Survey], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["surveys"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = choices
