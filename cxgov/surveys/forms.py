"""Staff forms for the survey builder, responses and invitations, with field-level errors."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from cxgov.core.forms import bilingual_textareas
from cxgov.core.models import Agency
from cxgov.registry.models import ChannelKind
from cxgov.surveys.bank import TEMPLATE_CHOICES
from cxgov.surveys.models import (
    CHOICE_KINDS,
    CONTROL_NUMBER,
    MAX_EXPECTED_MINUTES,
    MAX_EXPECTED_RESPONDENTS,
    MAX_QUOTA,
    MAX_RESPONSES_PER_RESPONDENT,
    Clearance,
    ClearanceKind,
    Question,
    QuestionKind,
    QuotaSegment,
    Survey,
)
from cxgov.surveys.selectors import ResponseFilters, clearance_choices
from cxgov.surveys.services import CLEARANCE_FIELDS, QUESTION_FORM_FIELDS

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
# Option values may start with a digit: scales and older options store "1", "2"...
_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
OPTION_LABEL_LIMIT = 200
MAX_OPTIONS = 50


class SurveyCreateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from"), choices=TEMPLATE_CHOICES, widget=forms.RadioSelect, initial="a11_v2"
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave blank to use the template's title."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services it asks about"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = agency.services.order_by("name")


class SurveySettingsForm(forms.ModelForm):
    allowed_origins_text = forms.CharField(
        label=_("Web sites that may embed the widget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, like https://www.example.gov"),
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "title_es",
            "intro",
            "intro_es",
            "services",
            "opens_at",
            "closes_at",
            "clearance",
            "burden_minutes",
            "thank_you",
            "thank_you_es",
            "store_ip_address",
            "access_code",
            "invite_one_in",
            "remind_after_days",
            "results_public",
        ]
        widgets = {
            **bilingual_textareas(intro=3, thank_you=2),
            "services": forms.CheckboxSelectMultiple,
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = agency.services.order_by("name")
        self.fields["services"].required = False
        self.fields["clearance"].queryset = clearance_choices(agency=agency)
        if self.instance.is_employee:
            self.fields["clearance"].help_text = _(
                "Employee surveys need no clearance; choose one only if your agency uses one."
            )
        if self.instance.pk:
            self.fields["allowed_origins_text"].initial = "\n".join(self.instance.allowed_origins)
        if self.instance.is_employee:
            del self.fields["store_ip_address"]
            del self.fields["results_public"]
        # Left empty, they keep what they were: everyone invited, no scheduled reminder.
        self.fields["invite_one_in"].required = False
        self.fields["remind_after_days"].required = False

    def clean_invite_one_in(self) -> int:
        return self.cleaned_data["invite_one_in"] or self.instance.invite_one_in or 1

    def clean_remind_after_days(self) -> int:
        value = self.cleaned_data["remind_after_days"]
        return self.instance.remind_after_days if value is None else value

    def clean_allowed_origins_text(self) -> list[str]:
        origins = []
        for line in self.cleaned_data["allowed_origins_text"].splitlines():
            line = line.strip().rstrip("/")
            if not line:
                continue
            if not re.fullmatch(r"https?://[a-z0-9.-]+(:\d{1,5})?", line, re.I):
                raise forms.ValidationError(
                    _("“%(line)s” is not a web site address like https://www.example.gov")
                    % {"line": line[:80]}
                )
            origins.append(line.lower())
        return origins

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Close after the survey opens."))
        return data


class ClearanceForm(forms.ModelForm):
    """A PRA clearance; the model's `clean` checks what each type needs."""

    class Meta:
        model = Clearance
        fields = list(CLEARANCE_FIELDS)
        widgets = {
            "kind": forms.RadioSelect,
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "exemption_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.agency = agency
        generics = clearance_choices(agency=agency).filter(kind=ClearanceKind.GENERIC)
        if self.instance.pk:
            generics = generics.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = generics
        self.fields["control_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def _post_clean(self) -> None:
        """Show one error a field: the model's checks of what each type needs would repeat
        "enter the number" beside a number the form already refused."""
        super()._post_clean()
        for name, errors in self._errors.items():
            if name != NON_FIELD_ERRORS and len(errors) > 1:
                del errors[1:]

    def clean_control_number(self) -> str:
        value = self.cleaned_data["control_number"].strip()
        if value and not CONTROL_NUMBER.fullmatch(value):
            raise forms.ValidationError(_("Use the form 1234-5678: four digits, a dash, four."))
        return value


class QuestionForm(forms.ModelForm):
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_("Lowercase letters, numbers and underscores; used in exports."),
    )

    class Meta:
        model = Question
        fields = list(QUESTION_FORM_FIELDS)
        help_texts = {
            "text_es": _("Required before the survey can be published."),
        }

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = option_rows(self.data if self.is_bound else None, self.instance.options)
        self.rows_changed = self.is_bound and self.options.rows_changed
        if self.rows_changed:
            # "Add another option" or "Remove": show the form again as typed, without errors.
            self.initial = {name: self[name].data for name in self.fields}
            self.data, self.is_bound = {}, False

    def is_valid(self) -> bool:
        """Valid when the fields and the option rows both are."""
        return super().is_valid() and self.options.is_valid()

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not _KEY.fullmatch(key):
            raise forms.ValidationError(
                _("Start with a letter; use lowercase letters, numbers and underscores.")
            )
        return key

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data["pattern"]
        try:
            re.compile(pattern)
        except re.error:
            raise forms.ValidationError(_("This is not a valid regular expression.")) from None
        return pattern

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.options.is_valid() and data.get("kind") in CHOICE_KINDS:
            self.options.require_one()
        if data.get("kind") == QuestionKind.HIDDEN and not data.get("context_field"):
            self.add_error("context_field", _("Choose the context a hidden field records."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of question_add / question_update."""
        data = dict(self.cleaned_data)
        data["options"] = self.options.chosen()
        return data


class OptionForm(forms.Form):
    """One option of a choice question: its stored value and its English and Spanish labels."""

    value = forms.CharField(label=_("Value"), max_length=60, required=False)
    label = forms.CharField(label=_("English label"), max_length=OPTION_LABEL_LIMIT, required=False)
    label_es = forms.CharField(
        label=_("Spanish label"), max_length=OPTION_LABEL_LIMIT, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, label = data.get("value", ""), data.get("label", "")
        if not (value or label or data.get("label_es")):
            return data
        if not _VALUE.fullmatch(value):
            self.add_error(
                "value",
                _("Give a value of lowercase letters, numbers and underscores, like renew."),
            )
        if not label and "label" not in self.errors:
            self.add_error("label", _("Give the English label."))
        return data

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("value") or data.get("label") or data.get("label_es"))


class BaseOptionRows(forms.BaseFormSet):
    """The option rows of a question; empty rows are dropped, a value may be used once."""

    rows_changed = False

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if form.is_empty():
                continue
            value = form.cleaned_data["value"]
            if value in seen:
                form.add_error("value", _("Another option above already uses this value."))
            seen.add(value)

    def require_one(self) -> None:
        """Refuse rows that give no option at all (for a choice question)."""
        if not self.chosen():
            self._non_form_errors = self.error_class([str(_("Give at least one option."))])

    def chosen(self) -> list[dict[str, str]]:
        """The filled rows, in order, as a question's options."""
        return [
            {name: form.cleaned_data[name] for name in ("value", "label", "label_es")}
            for form in self.forms
            if form.is_valid() and not form.is_empty()
        ]


OptionRows = cast(
    "type[BaseOptionRows]",
    forms.formset_factory(
        OptionForm,
        formset=BaseOptionRows,
        extra=1,
        max_num=MAX_OPTIONS,
        validate_max=True,
        absolute_max=MAX_OPTIONS,
    ),
)


def option_rows(data: Any, options: list[dict[str, Any]]) -> BaseOptionRows:
    """The option rows of a question form: bound to `data`, or showing `options` plus an empty
    row. When `data` asks to add a row or remove one, the rows come back unbound as typed, with
    the change made."""
    prefix = "options"
    if data is None:
        return OptionRows(prefix=prefix, initial=[_row(o) for o in options])
    adding, removing = f"{prefix}-add" in data, data.get(f"{prefix}-remove")
    if not adding and removing is None:
        if f"{prefix}-TOTAL_FORMS" not in data:
            # A form sent without option rows (an older page, a script) gives no options.
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return OptionRows(data, prefix=prefix)
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_OPTIONS)
    except ValueError:
        total = 0
    rows = [
        {name: str(data.get(f"{prefix}-{i}-{name}", ""))[:500] for name in OptionForm.base_fields}
        for i in range(max(total, 0))
    ]
    if removing is not None and removing.isdigit() and int(removing) < len(rows):
        del rows[int(removing)]
    if adding and len(rows) < MAX_OPTIONS:
        rows.append({})
    changed = OptionRows(prefix=prefix, initial=rows)
    changed.extra = 0 if rows else 1
    changed.rows_changed = True
    return changed


def _row(option: dict[str, Any]) -> dict[str, str]:
    return {
        "value": str(option.get("value", "")),
        "label": option.get("label", ""),
        "label_es": option.get("label_es", ""),
    }


class QuestionTextForm(forms.ModelForm):
    """Once a survey has responses only the wording of its questions may change."""

    class Meta:
        model = Question
        fields = ["text", "text_es", "help_text", "help_text_es"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ResponseFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *ChannelKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Valid and spam")),
            ("valid", _("Valid")),
            ("spam", _("Spam")),
            ("deleted", _("Deleted")),
        ],
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = agency.services.order_by("name")

    def filters(self) -> ResponseFilters:
        """The filters a valid form chose; none for an empty or invalid one."""
        if not (self.is_bound and self.is_valid()):
            return ResponseFilters()
        data = self.cleaned_data
        return ResponseFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            service=data["service"],
            channel=data["channel"],
            status=data["status"],
        )


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("List of people to invite (CSV or XLSX)"),
        help_text=_(
            "A column named email or phone (a row with no email is sent a text message); "
            "optional columns language (en or es), service (its short name) and segment. "
            "Rows with a problem are listed and left out; the other rows are invited."
        ),
    )


class AccessCodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many single-use codes"),
        min_value=1,
        max_value=5000,
        help_text=_(
            "Hand out one code to each person, by any means that does not record who got "
            "which. The codes are shown once, as a CSV file, and never stored."
        ),
    )


class EmbedContextForm(forms.Form):
    """The context the staff embed panel fills into its iframe, script and QR code."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    loc = forms.RegexField(
        label=_("Location code"),
        regex=r"^[A-Za-z0-9._-]{0,40}$",
        required=False,
        max_length=40,
        help_text=_("Letters, digits, dots, dashes; like FRONT-DESK."),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = [(s.slug, s.name) for s in survey.services.order_by("name")] or [
            (s.slug, s.name) for s in survey.agency.services.order_by("name")
        ]
        self.fields["service"].choices = [("", _("Any")), *services]
        self.fields["channel"].choices = [("", _("Any")), *ChannelKind.choices]

    def context(self) -> dict[str, str]:
        """The chosen context, blank values left out; empty when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


def _whole_number(label: Any, maximum: int, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=maximum,
        help_text=help_text,
        error_messages={
            "invalid": _("Enter a whole number, like 1200, without commas or decimals."),
            "min_value": _("Enter a number of 1 or more, or leave it empty."),
            "max_value": _("Enter at most %(limit_value)s."),
        },
    )


class BurdenEstimateForm(forms.Form):
    """The agency's own expected collection for the instrument's PRA request package."""

    expected_respondents = _whole_number(
        _("Expected respondents per year"),
        MAX_EXPECTED_RESPONDENTS,
        _("How many different people you expect to answer in a year."),
    )
    responses_per_respondent = _whole_number(
        _("Responses per respondent per year"),
        MAX_RESPONSES_PER_RESPONDENT,
        _("How often each person answers in a year (frequency); 1 for a one-time survey."),
    )
    expected_minutes = _whole_number(
        _("Expected minutes per response (optional)"),
        MAX_EXPECTED_MINUTES,
        _("Leave empty to use the survey's estimated minutes per response."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        respondents = data.get("expected_respondents")
        frequency = data.get("responses_per_respondent")
        if (respondents is None) != (frequency is None) and not self.errors:
            missing = "responses_per_respondent" if frequency is None else "expected_respondents"
            self.add_error(
                missing,
                _("Enter both the expected respondents and how often each responds, or neither."),
            )
        return data


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Survey definition (JSON)"),
        help_text=_(
            "A survey definition document, as the survey page downloads it (at most 2 MB). "
            "It becomes a new draft survey; every problem is listed with where it is."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


class QuotaForm(forms.Form):
    segment = forms.ChoiceField(label=_("Segment"), choices=QuotaSegment.choices)
    key = forms.CharField(
        label=_("Question key"),
        required=False,
        max_length=60,
        help_text=_("For an answer segment only: the key of the question."),
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        help_text=_(
            "The service's short name, the channel code, the language (en or es) or the "
            "answer's value."
        ),
    )
    limit = forms.IntegerField(label=_("Responses wanted"), min_value=1, max_value=MAX_QUOTA)
