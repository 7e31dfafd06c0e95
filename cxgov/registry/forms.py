"""Staff forms for the service inventory, with field-level errors in plain language."""

from __future__ import annotations

import re
from datetime import time
from itertools import pairwise
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxgov.core.forms import ImportFileForm, bilingual_textareas
from cxgov.core.languages import is_language_code
from cxgov.core.models import Agency
from cxgov.insights.calendars import spans_midnight
from cxgov.registry.models import (
    Channel,
    ChannelClosure,
    CustomerSegment,
    OpeningHours,
    Service,
    ServiceStage,
)


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # People type web addresses without a scheme; government sites are https.
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        formfield_callback = _formfield
        fields = [
            "name",
            "name_es",
            "description",
            "description_es",
            "kind",
            "is_hisp",
            "designated_for_improvement",
            "customers_description",
            "estimated_annual_customers",
            "segments",
        ]
        widgets = {
            **bilingual_textareas(description=4),
            "customers_description": forms.Textarea(attrs={"rows": 3}),
            "segments": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "kind": _("For example: benefits, compliance, recreation, information."),
            "name_es": _("Shown on Spanish pages. Leave blank to show the English name."),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = agency.segments.order_by("name")
        self.fields["segments"].required = False


class SegmentForm(forms.ModelForm):
    class Meta:
        model = CustomerSegment
        formfield_callback = _formfield
        fields = ["name", "name_es", "description", "estimated_size"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = CustomerSegment.objects.filter(agency=self.agency, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This agency already has a segment with that name."))
        return name


class StageForm(forms.ModelForm):
    class Meta:
        model = ServiceStage
        formfield_callback = _formfield
        fields = ["name", "name_es", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ChannelForm(forms.ModelForm):
    languages = forms.CharField(
        label=_("Languages offered"),
        required=False,
        help_text=_("Language codes separated by commas, for example: en, es, zh, asl."),
    )

    class Meta:
        model = Channel
        formfield_callback = _formfield
        fields = [
            "kind",
            "name",
            "name_es",
            "url",
            "phone",
            "tty",
            "address",
            "instructions",
            "instructions_es",
            "languages",
            "always_open",
            "closed_on_federal_holidays",
            "is_digital",
            "annual_volume",
            "annual_enquiries",
            "cost_per_transaction",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            **bilingual_textareas(instructions=3),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "tty": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {
            "annual_volume": _("Only staff see volumes and costs."),
            "is_digital": _("Counts toward the digital share (take-up) of the service."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        codes = [code.strip().lower() for code in raw.split(",") if code.strip()]
        bad = [code for code in codes if not is_language_code(code)]
        if bad:
            raise forms.ValidationError(
                _("“%(codes)s” is not a language code like en or es."),
                params={"codes": ", ".join(bad)},
            )
        return list(dict.fromkeys(codes))

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone") or "")

    def clean_tty(self) -> str:
        return _clean_phone(self.cleaned_data.get("tty") or "")


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and len(re.sub(r"\D", "", value)) < 3:
        raise forms.ValidationError(_("Enter a phone number with its digits, like 1-800-555-0100."))
    return value


class HoursForm(forms.Form):
    """Opening hours for each weekday: up to two intervals a day, blank means closed."""

    INTERVALS = 2

    def __init__(self, *args: Any, channel: Channel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing: dict[int, list[OpeningHours]] = {}
        for hours in channel.hours.all():
            existing.setdefault(hours.weekday, []).append(hours)
        self.days: list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]] = []
        for weekday, label in OpeningHours.Weekday.choices:
            for slot in range(self.INTERVALS):
                for edge in ("opens", "closes"):
                    name = f"d{weekday}_{slot}_{edge}"
                    self.fields[name] = forms.TimeField(
                        label=_("%(day)s, %(edge)s (%(n)s)")
                        % {
                            "day": label,
                            "edge": _("opens") if edge == "opens" else _("closes"),
                            "n": slot + 1,
                        },
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
                    current = existing.get(weekday, [])
                    if slot < len(current):
                        self.initial[name] = getattr(current[slot], edge)

    def day_rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        rows = []
        for weekday, label in OpeningHours.Weekday.choices:
            slots = [
                (self[f"d{weekday}_{slot}_opens"], self[f"d{weekday}_{slot}_closes"])
                for slot in range(self.INTERVALS)
            ]
            rows.append((str(label), slots))
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.weekly_hours: dict[int, list[tuple[time, time]]] = {}
        for weekday, _label in OpeningHours.Weekday.choices:
            intervals: list[tuple[time, time]] = []
            for slot in range(self.INTERVALS):
                opens_name, closes_name = f"d{weekday}_{slot}_opens", f"d{weekday}_{slot}_closes"
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    missing = opens_name if opens is None else closes_name
                    self.add_error(missing, _("Give both the opening and the closing time."))
                    continue
                if closes == opens:
                    self.add_error(
                        closes_name,
                        _(
                            "The closing time must differ from the opening time; "
                            "a shift past midnight closes the next morning, e.g. 22:00 to 06:00."
                        ),
                    )
                    continue
                intervals.append((opens, closes))
            intervals.sort()
            for (o1, c1), (o2, _c2) in pairwise(intervals):
                # An overnight interval runs to the end of the day, so nothing may start after it.
                ends = time.max if spans_midnight(o1, c1) else c1
                if o2 < ends:
                    self.add_error(
                        f"d{weekday}_1_opens", _("The two intervals of a day must not overlap.")
                    )
            if intervals:
                self.weekly_hours[weekday] = intervals
        return cleaned


class ClosureForm(forms.ModelForm):
    class Meta:
        model = ChannelClosure
        formfield_callback = _formfield
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"name": _("For example: “Office closed for maintenance”.")}


class ServiceImportForm(ImportFileForm):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("cxgov", _("cxgov services CSV (our documented format)")),
            ("touchpoints", _("GSA Touchpoints services export")),
            ("canada-si", _("Government of Canada Service Inventory")),
        ],
        widget=forms.RadioSelect,
        initial="cxgov",
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows even if some rows have errors"), required=False
    )


def _retention_days(label: str) -> forms.IntegerField:
    """A retention period in days, from none to a hundred years."""
    return forms.IntegerField(label=label, min_value=0, max_value=36500)


class RetentionPolicyForm(forms.Form):
    """An agency's retention periods, in days."""

    complaint_contact_days = _retention_days(
        _("Days after a complaint closes to keep the person's contact details and files")
    )
    survey_ip_days = _retention_days(_("Days to keep the IP address of survey responses"))
    survey_contact_days = _retention_days(
        _("Days to keep email addresses people give with survey responses")
    )
    invitation_email_days = _retention_days(
        _("Days to keep the email addresses survey invitations were sent to")
    )
