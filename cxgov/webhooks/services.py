"""Every write of webhooks: subscriptions, events with their deliveries, and each attempt.

`webhook_event_emit` is the one way an event enters: it is called after the write that caused
it has committed (through the domain apps' signals, see `receivers.py`), stores the event and a
delivery per subscription that wants it, each with its body built for that subscription's
scope, and queues `tasks.webhook_deliver` for each. `delivery_attempt` is one try at sending:
it records the attempt and either finishes the delivery or schedules the next try with
exponential backoff; a delivery that fails its last try counts against its subscription, which
is turned off (and its agency's administrators emailed) after
`WEBHOOK_DISABLE_AFTER_FAILURES` failed deliveries in a row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.agency_settings import agency_settings_read
from cxgov.core.models import Agency, Membership, User
from cxgov.core.permissions import Can, roles_with, user_can
from cxgov.core.services import audit_record, fields_save
from cxgov.core.tasks import email_send, retry_delay, task_enqueue_with_write
from cxgov.webhooks import transport
from cxgov.webhooks.models import (
    AREA_CAPABILITY,
    Area,
    Attempt,
    Delivery,
    DeliveryStatus,
    Event,
    EventType,
    Subscription,
)
from cxgov.webhooks.payloads import EventPayload, body_for
from cxgov.webhooks.signing import SIGNATURE_HEADER, secret_new, signature_header

logger = logging.getLogger(__name__)

NAME_LIMIT = 100


def _clean_choices(values: Iterable[str], allowed: list[str]) -> list[str]:
    chosen = {str(value) for value in values}
    return [value for value in allowed if value in chosen] if chosen <= set(allowed) else []


def _validated(
    *, agency: Agency, actor: User, name: str, url: str, events: Iterable[str], areas: Iterable[str]
) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("Name the subscription.")]
    elif len(name) > NAME_LIMIT:
        errors["name"] = [_("Use at most %(n)s characters.") % {"n": NAME_LIMIT}]
    try:
        transport.target_check(url)
    except transport.TargetError as refused:
        errors["url"] = [str(refused)]
    events = list(events)
    chosen_events = _clean_choices(events, list(EventType.values))
    if not chosen_events:
        errors["events"] = [_("Choose at least one event from the list.")]
    areas = list(areas)
    chosen_areas = _clean_choices(areas, list(Area.values))
    if areas and not chosen_areas:
        errors["areas"] = [_("Choose areas from the list.")]
    beyond = [
        str(Area(area).label)
        for area in chosen_areas
        if not user_can(user=actor, agency=agency, need=AREA_CAPABILITY[Area(area)])
    ]
    if beyond:
        errors["areas"] = [
            _("You may not give a subscription what you cannot read yourself: %(areas)s.")
            % {"areas": ", ".join(beyond)}
        ]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url.strip(), "events": chosen_events, "areas": chosen_areas}


@transaction.atomic
def subscription_create(
    *,
    agency: Agency,
    actor: User,
    name: str,
    url: str,
    events: Iterable[str],
    areas: Iterable[str],
) -> tuple[Subscription, str]:
    """A new subscription and its signing secret, which is returned here to be shown once."""
    fields = _validated(agency=agency, actor=actor, name=name, url=url, events=events, areas=areas)
    secret = secret_new()
    subscription = Subscription.objects.create(
        agency=agency, secret=secret, created_by=actor, **fields
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        agency=agency,
        target=subscription,
        data={"url": subscription.url, "events": subscription.events, "areas": subscription.areas},
    )
    return subscription, secret


@transaction.atomic
def subscription_update(
    *,
    actor: User,
    subscription: Subscription,
    name: str,
    url: str,
    events: Iterable[str],
    areas: Iterable[str],
) -> Subscription:
    """Change where a subscription sends, which events and what they may carry."""
    fields = _validated(
        agency=subscription.agency, actor=actor, name=name, url=url, events=events, areas=areas
    )
    changed = {
        key: [getattr(subscription, key), value]
        for key, value in fields.items()
        if getattr(subscription, key) != value
    }
    if changed:
        fields_save(
            actor=actor,
            instance=subscription,
            fields={**fields, "updated_at": timezone.now()},
            action="webhook.update",
            data=changed,
        )
    return subscription


@transaction.atomic
def subscription_disable(
    *, actor: User | None, subscription: Subscription, reason: str = ""
) -> Subscription:
    """Stop sending to a subscription; deliveries waiting for a retry are not sent."""
    if not subscription.is_active:
        return subscription
    now = timezone.now()
    fields_save(
        actor=actor,
        instance=subscription,
        fields={
            "is_active": False,
            "disabled_at": now,
            "disabled_reason": reason[:300],
            "updated_at": now,
        },
        action="webhook.disable",
        data={"reason": reason[:300]},
    )
    return subscription


@transaction.atomic
def subscription_enable(*, actor: User, subscription: Subscription) -> Subscription:
    """Send to a subscription again, its count of failures cleared."""
    if subscription.is_active:
        return subscription
    subscription.is_active = True
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription.consecutive_failures = 0
    subscription.updated_at = timezone.now()
    subscription.save()
    audit_record(actor=actor, action="webhook.enable", target=subscription)
    return subscription


@transaction.atomic
def subscription_secret_rotate(*, actor: User, subscription: Subscription) -> str:
    """A new signing secret, returned to be shown once; the old one stops signing at once."""
    secret = secret_new()
    Subscription.objects.filter(pk=subscription.pk).update(secret=secret, updated_at=timezone.now())
    subscription.secret = secret
    audit_record(actor=actor, action="webhook.secret_rotate", target=subscription)
    return secret


def _deliver_enqueue(
    *, delivery_id: int, manual: bool = False, run_after: datetime | None = None
) -> None:
    """Queue a try with the caller's write; a queue that cannot wait (tests) runs it at once."""
    from cxgov.webhooks.tasks import webhook_deliver

    the_task = webhook_deliver
    if run_after is not None and the_task.get_backend().supports_defer:
        the_task = the_task.using(run_after=run_after)
    task_enqueue_with_write(the_task, delivery_id=delivery_id, manual=manual)


def webhook_event_emit(
    *, agency: Agency, payload: EventPayload | Callable[[], EventPayload | None]
) -> Event | None:
    """Store an event and queue a delivery to each active subscription of the agency that wants
    it. Call it after the write that caused the event has committed.

    `payload` may be a function, called only when some subscription wants this kind of event,
    so the writes of an agency without webhooks pay one cache round trip (the active
    subscriptions' events are kept per agency settings version, decision 0065; their secrets
    stay in the database). It may answer None: no event.
    """
    wanted = agency_settings_read(
        agency_id=agency.pk,
        name="webhooks.subscriptions",
        compute=lambda: tuple(
            (pk, frozenset(events))
            for pk, events in Subscription.objects.filter(
                agency=agency, is_active=True
            ).values_list("pk", "events")
        ),
    )
    if not wanted:
        return None
    built = payload() if callable(payload) else payload
    if built is None:
        return None
    wanting = [pk for pk, events in wanted if str(built.type) in events]
    if not wanting:
        return None
    subscribers = list(Subscription.objects.filter(pk__in=wanting, is_active=True))
    if not subscribers:
        return None
    with transaction.atomic():
        event = Event.objects.create(
            agency=agency,
            type=built.type,
            object_type=built.object_type,
            object_id=built.object_id,
        )
        for subscription in subscribers:
            delivery = Delivery.objects.create(
                agency=agency,
                subscription=subscription,
                event=event,
                body=body_for(
                    payload=built,
                    event_id=str(event.pk),
                    created=event.created_at,
                    agency=agency.slug,
                    areas=list(subscription.areas),
                ),
            )
            _deliver_enqueue(delivery_id=delivery.pk)
    return event


@dataclass(frozen=True)
class AttemptOutcome:
    status: str
    attempt: Attempt | None = None


def _admins_email(*, subscription: Subscription) -> None:
    recipients = sorted(
        set(
            Membership.objects.filter(
                agency=subscription.agency,
                role__in=roles_with(Can.MANAGE_WEBHOOKS),
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return
    subject = _("Webhook turned off: %(name)s") % {"name": subscription.name}
    body = _(
        "The webhook subscription “%(name)s” of %(agency)s sends to %(url)s. Its last "
        "%(count)s deliveries failed every try, so it is turned off and nothing more is sent "
        "to it. Check the receiver, then turn the subscription back on and replay the failed "
        "deliveries from its delivery log."
    ) % {
        "name": subscription.name,
        "agency": subscription.agency.name,
        "url": subscription.url,
        "count": subscription.consecutive_failures,
    }
    transaction.on_commit(lambda: email_send.enqueue(subject=subject, body=body, to=recipients))


def _failures_count(*, subscription: Subscription) -> None:
    """One more delivery failed for good; turn the subscription off at the limit."""
    Subscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription.refresh_from_db(fields=["consecutive_failures", "is_active"])
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    if subscription.is_active and subscription.consecutive_failures >= limit:
        subscription_disable(
            actor=None,
            subscription=subscription,
            reason=_("%(count)s deliveries in a row failed.")
            % {"count": subscription.consecutive_failures},
        )
        _admins_email(subscription=subscription)


def delivery_attempt(*, delivery_id: int, manual: bool = False) -> AttemptOutcome:
    """Try one delivery once (the worker's task calls this) and record how it went.

    An automatic try of a delivery already finished, or of a subscription turned off, sends
    nothing. A failed automatic try is tried again after `retry_delay` until
    `WEBHOOK_MAX_ATTEMPTS`; a manual replay is one try and only its success counts.
    """
    delivery = (
        Delivery.objects.select_related("subscription__agency", "event")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return AttemptOutcome(status="missing")
    subscription = delivery.subscription
    if not manual and delivery.status != DeliveryStatus.PENDING:
        return AttemptOutcome(status=delivery.status)
    if not manual and not subscription.is_active:
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, completed_at=timezone.now(), next_attempt_at=None
        )
        return AttemptOutcome(status=DeliveryStatus.CANCELLED)
    body = delivery.body.encode()
    started = timezone.now()
    result = transport.post(
        url=subscription.url,
        body=body,
        headers={
            SIGNATURE_HEADER: signature_header(secret=subscription.secret, body=body),
            "X-Cxgov-Event": delivery.event.type,
            "X-Cxgov-Event-Id": str(delivery.event_id),
            "X-Cxgov-Delivery": str(delivery.pk),
        },
    )
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        attempt = Attempt.objects.create(
            agency_id=locked.agency_id,
            delivery=locked,
            number=locked.attempt_log.count() + 1,
            manual=manual,
            started_at=started,
            **asdict(result),
        )
        now = timezone.now()
        if not manual:
            locked.attempts += 1
        if result.succeeded:
            locked.status = DeliveryStatus.SUCCEEDED
            locked.completed_at = now
            locked.next_attempt_at = None
            locked.save()
            Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
            return AttemptOutcome(status=locked.status, attempt=attempt)
        if manual:
            locked.save()
            return AttemptOutcome(status=locked.status, attempt=attempt)
        if locked.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
            delay = retry_delay(
                attempt=locked.attempts, base_delay=settings.WEBHOOK_RETRY_BASE_SECONDS
            )
            locked.next_attempt_at = now + delay if delay else None
            locked.save()
            logger.info(
                "Webhook delivery %s failed (try %d): %s; next in %s",
                locked.pk,
                locked.attempts,
                result.error,
                delay,
            )
            _deliver_enqueue(delivery_id=locked.pk, run_after=locked.next_attempt_at)
            return AttemptOutcome(status=locked.status, attempt=attempt)
        locked.status = DeliveryStatus.FAILED
        locked.completed_at = now
        locked.next_attempt_at = None
        locked.save()
        _failures_count(subscription=subscription)
        return AttemptOutcome(status=locked.status, attempt=attempt)


@transaction.atomic
def delivery_replay(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a delivery again by hand, the same body freshly signed, as one queued try."""
    subscription = delivery.subscription
    if not subscription.is_active:
        raise ValidationError(_("Turn the subscription back on before replaying its deliveries."))
    if not delivery.body:
        raise ValidationError(
            _("This delivery's body was removed after the retention period: it cannot be replayed.")
        )
    audit_record(
        actor=actor,
        action="webhook.replay",
        target=subscription,
        data={"delivery": delivery.pk, "event": str(delivery.event_id)},
    )
    _deliver_enqueue(delivery_id=delivery.pk, manual=True)
    return delivery
