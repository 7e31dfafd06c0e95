"""Forms of the public site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.registry.models import ChannelKind
from cxgov.registry.selectors import (
    catalogue_agencies,
    catalogue_channel_kinds,
    catalogue_segments,
)

# Longer search text is cut, not refused: a name is never this long.
SEARCH_MAX_LENGTH = 100


class CatalogueFilterForm(forms.Form):
    """The home page's service catalogue filter, sent by GET; a value that is not offered is
    reported on its field and that filter is left out."""

    q = forms.CharField(label=_("Service name contains"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    segment = forms.ChoiceField(label=_("Customers"), required=False)
    channel = forms.ChoiceField(label=_("Way to get help"), required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data["q"] = str(data.get("q", ""))[:SEARCH_MAX_LENGTH]
        super().__init__(data, **kwargs)
        self.agencies = {agency.slug: agency for agency in catalogue_agencies()}
        self.fields["agency"].choices = [
            ("", _("Any agency")),
            *((slug, agency.display_name) for slug, agency in self.agencies.items()),
        ]
        self.fields["segment"].choices = [
            ("", _("Anyone")),
            *((segment.name, segment.display_name) for segment in catalogue_segments()),
        ]
        labels = dict(ChannelKind.choices)
        self.fields["channel"].choices = [
            ("", _("Any way")),
            *((kind, labels.get(kind, kind)) for kind in catalogue_channel_kinds()),
        ]

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of `services_catalogue` for the fields that are valid."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "agency": self.agencies.get(cleaned.get("agency") or ""),
            "segment": cleaned.get("segment") or "",
            "channel_kind": cleaned.get("channel") or "",
            "text": (cleaned.get("q") or "").strip(),
        }

    def query(self) -> str:
        """The valid filters as a query string, for the links between pages."""
        cleaned = getattr(self, "cleaned_data", {})
        params = {name: cleaned.get(name) for name in ("q", "agency", "segment", "channel")}
        return urlencode({name: value for name, value in params.items() if value})
