"""Staff forms for benchmarks: upload, own measures entered by hand, best-in-business choices."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.benchmarks.importers import SCALE_RANGES
from cxgov.benchmarks.models import Metric, Scale, Series
from cxgov.core.imports import UPLOAD_ACCEPT, upload_help

_PERIOD = re.compile(r"^(\d{4})(-(Q[1-4]|0[1-9]|1[0-2]))?$")


class BenchmarkImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=upload_help,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("cxgov", _("cxgov benchmarks CSV (our documented format)")),
            ("acsi-published", _("Published ACSI scores")),
            ("performance-gov", _("performance.gov A-11 quarterly CX data")),
        ],
        widget=forms.RadioSelect,
        initial="cxgov",
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only; change nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class OwnMeasureForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    wording = forms.CharField(
        label=_("Question wording"),
        help_text=_("The question exactly as customers saw it. Comparisons need the same wording."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period = forms.CharField(
        label=_("Period"),
        help_text=_("A year (2024), quarter (2024-Q1) or month (2024-06)."),
        max_length=20,
    )
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=3)
    sample_size = forms.IntegerField(
        label=_("Number of respondents (n)"), required=False, min_value=1, max_value=999_999_999
    )
    standard_error = forms.DecimalField(
        label=_("Standard error"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=4,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean_period(self) -> str:
        period = str(self.cleaned_data["period"]).strip()
        if not _PERIOD.match(period):
            raise forms.ValidationError(_("Enter a period like 2024, 2024-Q1 or 2024-06."))
        return period

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scale, value = data.get("scale"), data.get("value")
        if scale in SCALE_RANGES and value is not None:
            low, high = SCALE_RANGES[scale]
            if not low <= float(value) <= high:
                self.add_error(
                    "value",
                    _("The value must be between %(low)s and %(high)s on this scale.")
                    % {"low": f"{low:g}", "high": f"{high:g}"},
                )
        if data.get("metric") not in {"acsi_index", "nps"} and not data.get("wording"):
            self.add_error(
                "wording", _("Enter the question wording: without it nothing can be compared.")
            )
        if not data.get("sample_size") and data.get("standard_error") is None:
            self.add_error(
                "sample_size", _("Enter the number of respondents or the standard error.")
            )
        return data


class SelectionForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Benchmark series"), queryset=Series.objects.none())
    reason = forms.CharField(
        label=_("Why this is the best in business for this service"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["series"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = series
