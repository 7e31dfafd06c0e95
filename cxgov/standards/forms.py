"""Staff forms for standards, event uploads and reported results."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import Agency
from cxgov.registry.models import Channel
from cxgov.standards.ingest import IngestError, mapping_parse
from cxgov.standards.models import Standard

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _channel_label(channel: Channel) -> str:
    return f"{channel.service.display_name}: {channel.display_name}"


class StandardForm(forms.ModelForm):
    closure_dates_text = forms.CharField(
        label=_("Agency closure dates"),
        required=False,
        help_text=_(
            "Dates the clock does not run besides federal holidays, one per line, e.g. 2026-12-24."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pause_statuses_text = forms.CharField(
        label=_("Statuses that pause the clock"),
        required=False,
        help_text=_("One per line, as they appear in your event files, e.g. waiting_on_customer."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Standard
        fields = [
            "service",
            "channel",
            "kind",
            "source",
            "statement",
            "statement_es",
            "how_measured",
            "how_measured_es",
            "target",
            "threshold",
            "threshold_unit",
            "calendar",
            "business_opens",
            "business_closes",
            "period",
            "effective_from",
            "effective_to",
        ]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "statement_es": forms.Textarea(attrs={"rows": 2}),
            "how_measured": forms.Textarea(attrs={"rows": 3}),
            "how_measured_es": forms.Textarea(attrs={"rows": 3}),
            "business_opens": forms.TimeInput(attrs={"type": "time"}),
            "business_closes": forms.TimeInput(attrs={"type": "time"}),
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = agency.services.order_by("name")
        channel = self.fields["channel"]
        channel.queryset = (
            channel.queryset.filter(service__agency=agency)
            .select_related("service")
            .order_by("service__name", "name")
        )
        # Services often share channel names ("National phone line"): say whose each one is.
        channel.label_from_instance = _channel_label
        if self.instance.pk:
            self.fields["closure_dates_text"].initial = "\n".join(self.instance.closure_dates)
            self.fields["pause_statuses_text"].initial = "\n".join(self.instance.pause_statuses)

    def clean_closure_dates_text(self) -> list[str]:
        days = []
        for line in self.cleaned_data["closure_dates_text"].split():
            try:
                days.append(date.fromisoformat(line).isoformat())
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date like 2026-12-24."), params={"value": line[:20]}
                ) from None
        return sorted(set(days))

    def clean_pause_statuses_text(self) -> list[str]:
        return [
            line.strip()[:60]
            for line in self.cleaned_data["pause_statuses_text"].splitlines()
            if line.strip()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel, service = data.get("channel"), data.get("service")
        if channel is not None and service is not None and channel.service_id != service.pk:
            self.add_error("channel", _("Choose a channel of the chosen service."))
        if data.get("source") == "events" and not data.get("threshold"):
            self.add_error("threshold", _("A standard measured from events needs a threshold."))
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned fields, named as the services expect them."""
        data = dict(self.cleaned_data)
        data["closure_dates"] = data.pop("closure_dates_text")
        data["pause_statuses"] = data.pop("pause_statuses_text")
        return data


class EventUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Events file"),
        help_text=_("A CSV or Parquet file with one transaction per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.parquet,text/csv"}),
    )
    mapping = forms.CharField(
        label=_("Column names (optional)"),
        required=False,
        help_text=_(
            'JSON naming your columns, e.g. {"id": "case_number", "start": "received", '
            '"end": "decided"}. '
            "Leave blank if the columns are called id, start, end."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; send it in parts."))
        return upload

    def clean_mapping(self) -> dict[str, str]:
        try:
            return mapping_parse(self.cleaned_data["mapping"])
        except IngestError as error:
            raise forms.ValidationError(str(error)) from None


class ReportedResultForm(forms.Form):
    period_start = forms.DateField(
        label=_("First day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Last day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    label = forms.CharField(label=_("Period name"), max_length=40, help_text=_("e.g. FY2026 Q1."))
    volume_meeting_target = forms.IntegerField(
        label=_("Transactions meeting the standard"), min_value=0
    )
    total_volume = forms.IntegerField(label=_("All transactions"), min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its first day."))
        met, total = data.get("volume_meeting_target"), data.get("total_volume")
        if met is not None and total is not None and met > total:
            self.add_error("volume_meeting_target", _("This cannot be more than all transactions."))
        return data
