"""Staff forms for A-11 reporting: the quarter, a collection's details, rating, imports, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cxgov.a11.models import Collection, Rating
from cxgov.a11.selectors import surveys_for_collection_choice
from cxgov.a11.services import EDITABLE_FIELDS
from cxgov.core.forms_documents import fiscal_year_field
from cxgov.core.imports import UPLOAD_ACCEPT, upload_help
from cxgov.core.models import Agency
from cxgov.surveys.models import Survey

# Formatted when shown, not at import, so each page gets its own language.
_quarter_label = lazy(lambda q: gettext("Quarter %(q)s") % {"q": q}, str)
QUARTER_CHOICES = [(q, _quarter_label(q)) for q in (1, 2, 3, 4)]


class QuarterForm(forms.Form):
    """Which fiscal quarter a page shows."""

    fiscal_year = fiscal_year_field()
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int)


class CollectionForm(forms.ModelForm):
    surveys = forms.ModelMultipleChoiceField(
        label=_("Surveys this report draws responses from"),
        queryset=Survey.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Collection
        fields = [*EDITABLE_FIELDS]
        widgets = {
            "omb_expiration_date": forms.DateInput(attrs={"type": "date"}),
            "reflection_text": forms.Textarea(attrs={"rows": 4}),
            "trust_question_text": forms.Textarea(attrs={"rows": 2}),
            "feedback_type": forms.RadioSelect,
            "survey_type": forms.RadioSelect,
        }
        help_texts = {
            "volume_of_customers": _(
                "Your best estimate of the customers who used or applied for this service this "
                "quarter."
            ),
            "volume_offered": _("Your best estimate of the customers offered the survey."),
            "volume_of_respondents": _(
                "Leave empty to report the responses counted in the linked surveys."
            ),
            "trust_question_text": _("The trust question exactly as customers saw it."),
            "transaction_point": _("Where in the service customers were offered the survey."),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surveys = self.fields["surveys"]
        assert isinstance(surveys, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        surveys.queryset = surveys_for_collection_choice(agency=agency)
        if self.instance.pk:
            self.initial["surveys"] = list(self.instance.surveys.values_list("pk", flat=True))
        for name in ("feedback_type", "survey_type"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - model choices
            field.choices = [c for c in field.choices if c[0]]


class NotReportedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this service not reporting this quarter?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The rating is a deliberate choice: the list starts on no rating, and an empty choice is
# refused, so a stray click on "Save rating" never rates a report.
RATING_EMPTY_ERROR = _("Choose a rating from the list: no rating was saved.")


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=[("", _("Choose a rating")), *Rating.choices],
        error_messages={"required": RATING_EMPTY_ERROR, "invalid_choice": RATING_EMPTY_ERROR},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResponseImportForm(forms.Form):
    """Upload a response file into a survey, or the performance.gov quarterly file."""

    file = forms.FileField(
        label=_("File"),
        help_text=upload_help,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)
    survey = forms.ModelChoiceField(
        label=_("Survey the responses belong to"),
        queryset=Survey.objects.none(),
        required=False,
        help_text=_("Needed for response files; not for the performance.gov quarterly file."),
    )
    fiscal_year = fiscal_year_field(
        required=False,
        help_text=_("The Touchpoints A-11 v2 file has no dates: say when it was collected."),
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[("", "—"), *QUARTER_CHOICES], coerce=int, required=False
    )
    service = forms.ChoiceField(
        label=_("Service the responses are about"),
        required=False,
        help_text=_("Used for rows that name no service."),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only; change nothing"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, agency: Agency, formats: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        survey = self.fields["survey"]
        assert isinstance(survey, forms.ModelChoiceField)  # noqa: S101 - declared above
        survey.queryset = surveys_for_collection_choice(agency=agency)
        fmt = self.fields["format"]
        assert isinstance(fmt, forms.ChoiceField)  # noqa: S101 - declared above
        fmt.choices = formats
        self.initial.setdefault("format", formats[0][0])
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)  # noqa: S101 - declared above
        service.choices = [("", "—"), *[(s.slug, s.name) for s in agency.services.order_by("name")]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fmt = data.get("format")
        if fmt and fmt != "performance-gov-quarterly" and not data.get("survey"):
            self.add_error("survey", _("Choose the survey the responses belong to."))
        if fmt == "touchpoints-a11-v2" and (not data.get("fiscal_year") or not data.get("quarter")):
            self.add_error(
                "fiscal_year",
                _("Give the fiscal year and quarter the responses were collected in."),
            )
        return data


class ExportForm(QuarterForm):
    format = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("summary", _("Summary: answers per question, with n and intervals at 95%")),
            ("touchpoints-a11-v2", _("Touchpoints A-11 v2 responses (17 columns)")),
            ("collection", _("Touchpoints CX collection details")),
        ],
        widget=forms.RadioSelect,
        initial="summary",
    )

    def __init__(self, *args: Any, formats: list[str], **kwargs: Any) -> None:
        """`formats`: the files this reader may download; the others are not offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [c for c in field.choices if c[0] in formats]
