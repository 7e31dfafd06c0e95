"""Staff forms for standards, event uploads and reported results."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cxgov.core.forms import ImportFileForm, bilingual_textareas
from cxgov.core.imports import UPLOAD_ACCEPT, upload_help
from cxgov.core.models import Agency
from cxgov.registry.models import Channel
from cxgov.standards.ingest import mapping_parse
from cxgov.standards.models import Standard


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
            **bilingual_textareas(statement=2, how_measured=3),
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


class EventUploadForm(ImportFileForm):
    """An events file with optional column names, checked only or stored."""

    field_order = ["file", "mapping", "keep_valid", "dry_run"]

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
    keep_valid = forms.BooleanField(
        label=_("Import the good rows even if some rows have errors"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        upload = self.fields["file"]
        upload.label = _("Events file")
        upload.help_text = format_lazy(
            "{} {}", upload_help, _("A Parquet file is read too, within the same limits.")
        )
        upload.widget.attrs["accept"] = f"{UPLOAD_ACCEPT},.parquet"

    def clean_mapping(self) -> dict[str, str]:
        try:
            return mapping_parse(self.cleaned_data["mapping"])
        except ValueError as error:
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
