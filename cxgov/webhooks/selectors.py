"""Reads of webhooks, behind `access_*` checks that need `Can.MANAGE_WEBHOOKS`.

Deliveries carry payloads with what the subscription's scope reads, personal data included, so
only those who manage the subscriptions (agency administrators) read the log.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cxgov.core.models import Agency
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess
from cxgov.webhooks.models import Attempt, Delivery, Subscription

DELIVERY_LOG_LIMIT = 100

access_subscription = AgencyObjectAccess(
    Subscription.objects.select_related("agency"),
    id_name="subscription_id",
    default_need=Can.MANAGE_WEBHOOKS,
    doc="A webhook subscription of an agency whose webhooks the user manages.",
)

access_delivery = AgencyObjectAccess(
    Delivery.objects.select_related("subscription__agency", "event"),
    id_name="delivery_id",
    agency_field="subscription__agency",
    default_need=Can.MANAGE_WEBHOOKS,
    doc="A delivery of a webhook subscription of an agency whose webhooks the user manages.",
)


def subscriptions_for_agency(*, agency: Agency) -> QuerySet[Subscription]:
    """The agency's subscriptions, by name (call access_agency with MANAGE_WEBHOOKS first)."""
    return Subscription.objects.filter(agency=agency).order_by("name", "pk")


def deliveries_for_subscription(
    *, subscription: Subscription, status: str = "", limit: int = DELIVERY_LOG_LIMIT
) -> QuerySet[Delivery]:
    """The subscription's newest deliveries, optionally of one status."""
    deliveries = Delivery.objects.filter(subscription=subscription).select_related("event")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-pk")[:limit]


def attempts_for_delivery(*, delivery: Delivery) -> QuerySet[Attempt]:
    """Every try of one delivery, first to last."""
    return Attempt.objects.filter(delivery=delivery).order_by("number")
