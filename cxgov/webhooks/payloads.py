"""What each event says: a part any scope may read, and details only its area's scope reads.

The part every subscription gets names the object and holds facts no role needs a capability
beyond VIEW_AGENCY to read: ids, statuses, dates, the service. The details are what a person
holding the area's capability reads (`models.AREA_CAPABILITY`): a complaint's narrative and the
complainant's contact details, a response's answers, a standard's figures. Employee survey
responses make no event at all (docs/decisions/0014-personal-data-by-job-need.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from cxgov.a11.models import Collection
from cxgov.complaints.models import Complaint, Message
from cxgov.plans.models import PlanVersion
from cxgov.standards.models import MissedPeriod
from cxgov.surveys.models import Response
from cxgov.webhooks.models import EVENT_AREA, EventType


@dataclass(frozen=True)
class EventPayload:
    """One event's object and its two parts, before a scope chooses what is sent."""

    type: EventType
    object_type: str
    object_id: str
    summary: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def area(self) -> str:
        return str(EVENT_AREA[self.type])


def utc(moment: datetime | None) -> str | None:
    """A datetime as the API writes it: UTC, ISO 8601, ending in Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return utc(o)
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, date):
            return o.isoformat()
        return super().default(o)


def body_for(
    *, payload: EventPayload, event_id: str, created: datetime, agency: str, areas: list[str]
) -> str:
    """The JSON body one subscription receives: the details only when its scope has the area."""
    data = dict(payload.summary)
    if payload.area in areas:
        data.update(payload.details)
    envelope = {
        "id": event_id,
        "type": str(payload.type),
        "created": utc(created),
        "agency": agency,
        "scope": sorted(areas),
        "data": data,
    }
    return json.dumps(envelope, cls=_Encoder, ensure_ascii=False, separators=(",", ":"))


def _about(
    type: EventType, kind: str, pk: int, *, summary: dict[str, Any], details: dict[str, Any]
) -> EventPayload:
    """An event about object `kind` number `pk`; its summary starts by naming the object."""
    return EventPayload(
        type=type,
        object_type=kind,
        object_id=str(pk),
        summary={"object": kind, "id": pk, **summary},
        details=details,
    )


def _slug(obj: Any) -> str | None:
    return obj.slug if obj is not None else None


def complaint_payload(
    *, complaint: Complaint, type: EventType, change: str = "", message: Message | None = None
) -> EventPayload:
    summary: dict[str, Any] = {
        "status": complaint.status,
        "channel": complaint.channel,
        "service": _slug(complaint.service),
        "category": complaint.category.name if complaint.category else None,
        "received_at": complaint.received_at,
        "acknowledge_due_at": complaint.acknowledge_due_at,
        "respond_due_at": complaint.respond_due_at,
        "final_due_at": complaint.final_due_at,
        "responded_at": complaint.responded_at,
        "closed_at": complaint.closed_at,
        "timely": complaint.timely,
    }
    if change:
        summary["change"] = change
    details: dict[str, Any] = {
        "tracking_number": complaint.tracking_number,
        "language": complaint.language,
        "what_happened": complaint.what_happened,
        "desired_resolution": complaint.desired_resolution,
        "contact": {
            "name": complaint.contact_name,
            "email": complaint.contact_email,
            "phone": complaint.contact_phone,
            "postal_address": complaint.postal_address,
            "preference": complaint.contact_preference,
        },
        "assignee": complaint.assignee.email if complaint.assignee else None,
        "team": complaint.team.name if complaint.team else None,
    }
    if message is not None:
        details["message"] = {
            "direction": message.direction,
            "body": message.body,
            "created_at": message.created_at,
        }
    return _about(type, "complaint", complaint.pk, summary=summary, details=details)


def response_payload(*, response: Response) -> EventPayload:
    answers = response.answers.select_related("question").order_by("question__position", "pk")
    return _about(
        EventType.RESPONSE_CREATED,
        "response",
        response.pk,
        summary={
            "survey": {"id": response.survey_id, "title": response.survey.title},
            "submitted_at": response.submitted_at,
            "language": response.language,
            "source": response.source,
            "channel": response.channel,
            "service": _slug(response.service),
        },
        details={
            "answers": [{"question": a.question.key, "value": a.value} for a in answers],
        },
    )


def missed_period_payload(*, miss: MissedPeriod) -> EventPayload:
    standard = miss.standard
    return _about(
        EventType.STANDARD_PERIOD_MISSED,
        "missed_period",
        miss.pk,
        summary={
            "standard": standard.pk,
            "service": _slug(standard.service),
            "period_start": miss.period_start,
            "period_end": miss.period_end,
        },
        details={
            "statement": standard.statement,
            "target": standard.target,
            "share": miss.share,
            "n": miss.n,
        },
    )


def a11_report_payload(*, collection: Collection) -> EventPayload:
    return _about(
        EventType.A11_REPORT_SUBMITTED,
        "a11_collection",
        collection.pk,
        summary={
            "service": _slug(collection.service),
            "fiscal_year": collection.fiscal_year,
            "quarter": collection.quarter,
            "status": collection.status,
            "submitted_at": collection.submitted_at,
        },
        details={
            "channel": collection.channel,
            "transaction_point": collection.transaction_point,
            "feedback_type": collection.feedback_type,
            "survey_type": collection.survey_type,
            "volume_of_customers": collection.volume_of_customers,
            "volume_offered": collection.volume_offered,
            "volume_of_respondents": collection.volume_of_respondents,
            "surveys": sorted(collection.surveys.values_list("pk", flat=True)),
        },
    )


def plan_payload(*, version: PlanVersion) -> EventPayload:
    plan = version.plan
    path = reverse("public:agency_plan", kwargs={"slug": plan.agency.slug})
    return _about(
        EventType.PLAN_PUBLISHED,
        "plan",
        plan.pk,
        summary={
            "fiscal_year": plan.year,
            "version": version.number,
            "published_at": version.published_at,
        },
        details={"url": settings.SITE_URL.rstrip("/") + path},
    )
