"""Staff form for a webhook subscription; the service checks the URL and the scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.webhooks.models import Area, DeliveryStatus, EventType


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("Target URL"),
        max_length=500,
        help_text=_("Where deliveries are sent by POST; it must start with https://."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.MultipleChoiceField(
        label=_("What deliveries may carry"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Without an event's area, its deliveries name the object and its status and dates "
            "only: no narrative, no contact details, no answers."
        ),
    )


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *DeliveryStatus.choices],
        required=False,
    )
