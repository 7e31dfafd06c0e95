"""The results filter form: service, channel, segment, language, fiscal year and quarter (GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import Agency
from cxgov.registry.models import ChannelKind


class ResultFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("Any")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *ChannelKind.choices], required=False
    )
    segment = forms.ModelChoiceField(
        label=_("Customer segment"), queryset=None, required=False, empty_label=_("Any")
    )
    language = forms.ChoiceField(
        label=_("Language of the answers"),
        choices=[("", _("Any")), ("en", _("English")), ("es", _("Spanish"))],
        required=False,
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), coerce=int, required=False, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", _("Whole year")),
            (1, _("Q1 (October to December)")),
            (2, _("Q2 (January to March)")),
            (3, _("Q3 (April to June)")),
            (4, _("Q4 (July to September)")),
        ],
    )

    def __init__(self, *args: Any, agency: Agency, fiscal_years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = agency.services.order_by("name")
        self.fields["segment"].queryset = agency.segments.order_by("name")
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            ("", _("All years")),
            *[(year, f"FY{year}") for year in fiscal_years],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quarter") and not data.get("fiscal_year"):
            self.add_error("quarter", _("Choose a fiscal year to see one of its quarters."))
        return data
