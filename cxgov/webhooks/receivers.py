"""The domain apps' signals, each turned into one `webhook_event_emit` call.

The domain apps send their signals once their write commits and know nothing of webhooks
(docs/decisions/0018-webhook-events-from-domain-signals.md). A failure here is logged and never
reaches the write that caused the event, nor the signal's other receivers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from cxgov.a11.signals import report_submitted
from cxgov.complaints.signals import complaint_changed
from cxgov.plans.signals import plan_published
from cxgov.standards.signals import period_missed
from cxgov.surveys.selectors import responses_listed
from cxgov.surveys.signals import response_submitted
from cxgov.webhooks.models import EventType
from cxgov.webhooks.payloads import (
    EventPayload,
    a11_report_payload,
    complaint_payload,
    missed_period_payload,
    plan_payload,
    response_payload,
)
from cxgov.webhooks.services import webhook_event_emit

logger = logging.getLogger(__name__)

COMPLAINT_EVENTS = {
    "created": EventType.COMPLAINT_CREATED,
    "updated": EventType.COMPLAINT_UPDATED,
    "responded": EventType.COMPLAINT_RESPONDED,
}


def _guarded(receiver: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(receiver)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            receiver(*args, **kwargs)
        except Exception:
            logger.exception("Webhook event from %s was not stored", receiver.__name__)

    return run


@_guarded
def on_complaint_changed(
    sender: Any, *, complaint: Any, kind: str, change: str = "", message: Any = None, **_: Any
) -> None:
    webhook_event_emit(
        agency=complaint.agency,
        payload=lambda: complaint_payload(
            complaint=complaint, type=COMPLAINT_EVENTS[kind], change=change, message=message
        ),
    )


@_guarded
def on_response_submitted(sender: Any, *, response: Any, **_: Any) -> None:
    survey = response.survey

    def payload() -> EventPayload | None:
        # Employee responses are listed to nobody, so they make no event.
        return response_payload(response=response) if responses_listed(survey=survey) else None

    webhook_event_emit(agency=survey.agency, payload=payload)


@_guarded
def on_period_missed(sender: Any, *, miss: Any, **_: Any) -> None:
    webhook_event_emit(
        agency=miss.standard.agency, payload=lambda: missed_period_payload(miss=miss)
    )


@_guarded
def on_report_submitted(sender: Any, *, collection: Any, **_: Any) -> None:
    webhook_event_emit(
        agency=collection.agency, payload=lambda: a11_report_payload(collection=collection)
    )


@_guarded
def on_plan_published(sender: Any, *, version: Any, **_: Any) -> None:
    webhook_event_emit(agency=version.plan.agency, payload=lambda: plan_payload(version=version))


def receivers_connect() -> None:
    """Listen to every domain signal that makes a webhook event (once, from the app's ready)."""
    complaint_changed.connect(on_complaint_changed, dispatch_uid="webhooks-complaint")
    response_submitted.connect(on_response_submitted, dispatch_uid="webhooks-response")
    period_missed.connect(on_period_missed, dispatch_uid="webhooks-period-missed")
    report_submitted.connect(on_report_submitted, dispatch_uid="webhooks-a11-report")
    plan_published.connect(on_plan_published, dispatch_uid="webhooks-plan")
