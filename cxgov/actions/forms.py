"""Staff forms for actions: the action itself, its status, and the list filters.

A suggested prompt travels to the form as a signed token (kind, label, reference and the
agency), so the link it records cannot be forged or pointed at another agency's evidence.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from cxgov.actions.models import ActionStatus, SourceKind
from cxgov.actions.selectors import Suggestion, owners_for_agency, services_for_agency
from cxgov.actions.services import LABEL_LIMIT, TITLE_LIMIT, SourceLink
from cxgov.core.models import Agency

SOURCE_SALT = "cxgov.actions.source"
TOKEN_LIMIT = 4000


def source_token(*, agency: Agency, suggestion: Suggestion) -> str:
    """A signed, tamper-proof token carrying one suggested prompt to the action form."""
    return signing.dumps(
        {
            "agency": agency.pk,
            "kind": str(suggestion.kind),
            "label": suggestion.label,
            "reference": suggestion.reference,
        },
        salt=SOURCE_SALT,
        compress=True,
    )


def source_from_token(*, agency: Agency, token: str) -> SourceLink | None:
    """The prompt a token carries, or None when it is forged, damaged or another agency's."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    try:
        data = signing.loads(token, salt=SOURCE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("agency") != agency.pk:
        return None
    if data.get("kind") not in SourceKind.values or not isinstance(data.get("reference"), dict):
        return None
    return SourceLink(
        kind=data["kind"],
        label=str(data.get("label", ""))[:LABEL_LIMIT],
        reference=data["reference"],
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    description = forms.CharField(
        label=_("What will be done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        help_text=_("A member of this agency who makes sure it gets done."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        required=False,
        empty_label=_("The whole agency"),
    )
    other_source = forms.CharField(
        label=_("Anything else that prompted it"),
        required=False,
        max_length=LABEL_LIMIT,
        help_text=_("Optional, for example a staff meeting or an oversight finding."),
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput, max_length=TOKEN_LIMIT)

    def __init__(
        self, *args: Any, agency: Agency, with_sources: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["owner"].queryset = owners_for_agency(agency=agency)
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.email})" if user.full_name else user.email
        )
        self.fields["service"].queryset = services_for_agency(agency=agency)
        if not with_sources:
            del self.fields["other_source"]
            del self.fields["source"]

    def clean_source(self) -> SourceLink | None:
        token = self.cleaned_data.get("source", "")
        if not token:
            return None
        link = source_from_token(agency=self.agency, token=token)
        if link is None:
            raise forms.ValidationError(
                _("The link to what prompted this action is damaged. Start again from the list.")
            )
        return link

    def sources(self) -> list[SourceLink]:
        found = []
        if self.cleaned_data.get("source"):
            found.append(self.cleaned_data["source"])
        other = self.cleaned_data.get("other_source", "").strip()
        if other:
            found.append(SourceLink(kind=SourceKind.OTHER, label=other))
        return found

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "description", "owner", "due_date", "service")
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


STATUS_FILTERS = [
    ("", _("Any status")),
    ("open_any", _("Open or in progress")),
    *ActionStatus.choices,
]


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTERS, required=False)
    kind = forms.ChoiceField(
        label=_("Prompted by"),
        choices=[("", _("Anything")), *SourceKind.choices],
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("Any service")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_for_agency(agency=agency)
