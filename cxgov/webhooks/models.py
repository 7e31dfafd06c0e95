"""Webhooks: an agency's subscriptions to events, each event's deliveries and their attempts.

A subscription names a target URL, the events it wants and a scope: the areas it may read.
Every delivery carries one event's JSON body, built once for that subscription's scope and
signed at each attempt with the subscription's secret (see `cxgov.webhooks.signing`).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import actor_field, agency_field
from cxgov.core.permissions import Can


class EventType(models.TextChoices):
    """The events an agency may subscribe to."""

    RESPONSE_CREATED = "response.created", _("A survey response arrived")
    COMPLAINT_CREATED = "complaint.created", _("A complaint was filed")
    COMPLAINT_UPDATED = "complaint.updated", _("A complaint changed")
    COMPLAINT_RESPONDED = "complaint.responded", _("A complaint was answered")
    STANDARD_PERIOD_MISSED = "standard.period_missed", _("A service standard missed a period")
    A11_REPORT_SUBMITTED = "a11.report_submitted", _("An A-11 quarterly report was submitted")
    PLAN_PUBLISHED = "plan.published", _("A customer service plan was published")


class Area(models.TextChoices):
    """What a subscription may read: each area is what a role holding its capability reads."""

    COMPLAINTS = "complaints", _("Complaint cases, with the complainant's contact details")
    RESPONSES = "responses", _("Survey responses one by one, with their answers")
    STANDARDS = "standards", _("Service standard results")
    A11 = "a11", _("A-11 quarterly report figures")
    PLANS = "plans", _("Customer service plans")


# The capability a person needs to give a subscription each area (cxgov.core.permissions).
AREA_CAPABILITY: dict[Area, Can] = {
    # Events of every team's cases: only those who may open every case.
    Area.COMPLAINTS: Can.HANDLE_ALL_COMPLAINTS,
    Area.RESPONSES: Can.READ_RESPONSES,
    Area.STANDARDS: Can.VIEW_AGENCY,
    Area.A11: Can.VIEW_AGENCY,
    Area.PLANS: Can.VIEW_AGENCY,
}

# The area whose details each event carries when the scope holds it.
EVENT_AREA: dict[EventType, Area] = {
    EventType.RESPONSE_CREATED: Area.RESPONSES,
    EventType.COMPLAINT_CREATED: Area.COMPLAINTS,
    EventType.COMPLAINT_UPDATED: Area.COMPLAINTS,
    EventType.COMPLAINT_RESPONDED: Area.COMPLAINTS,
    EventType.STANDARD_PERIOD_MISSED: Area.STANDARDS,
    EventType.A11_REPORT_SUBMITTED: Area.A11,
    EventType.PLAN_PUBLISHED: Area.PLANS,
}


class Subscription(models.Model):
    """Where an agency wants its events sent, which ones, and what they may carry."""

    agency = agency_field("webhook_subscriptions")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("target URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    areas = models.JSONField(_("scope"), default=list)
    # HMAC needs the secret itself: shown once when made, then only its first characters.
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"

    def event_labels(self) -> list[str]:
        return [str(EventType(e).label) for e in self.events if e in EventType.values]

    def area_labels(self) -> list[str]:
        return [str(Area(a).label) for a in self.areas if a in Area.values]


class Event(models.Model):
    """One thing that happened in an agency, sent to every subscription that wants it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = agency_field("+")
    type = models.CharField(max_length=40, choices=EventType.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.object_type} {self.object_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent: subscription disabled")


class Delivery(models.Model):
    """One event for one subscription: the body as sent, and how its attempts went."""

    # The event's agency, so deliveries can be distributed with their events (0070).
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    body = models.TextField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["subscription", "-created_at"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "event", "subscription"], name="webhook_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.type} → {self.subscription}"


class Attempt(models.Model):
    """One try at sending a delivery: when, how long, what the receiver answered."""

    # The delivery's agency, so attempts can be distributed with their deliveries (0070).
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    manual = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "delivery", "number"], name="webhook_attempt_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
