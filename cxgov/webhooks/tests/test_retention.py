"""The delivery log keeps bodies and receivers' answers for WEBHOOK_DELIVERY_RETENTION_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cxgov.core.models import AuditEvent
from cxgov.registry.services import retention_purge
from cxgov.webhooks.models import Attempt, Delivery, DeliveryStatus, Event
from cxgov.webhooks.services import delivery_replay, subscription_create

pytestmark = pytest.mark.django_db

BODY = '{"type": "complaint.created", "data": {"contact_email": "pat@example.com"}}'


def _delivery(subscription, *, days_old: int, status: str) -> Delivery:
    created = timezone.now() - timedelta(days=days_old)
    event = Event.objects.create(
        agency=subscription.agency,
        type="complaint.created",
        object_type="complaint",
        object_id="1",
        created_at=created,
    )
    delivery = Delivery.objects.create(
        agency_id=event.agency_id,
        subscription=subscription,
        event=event,
        body=BODY,
        status=status,
        created_at=created,
    )
    Attempt.objects.create(
        agency_id=delivery.agency_id,
        delivery=delivery,
        number=1,
        response_status=500,
        response_excerpt="pat@example.com",
    )
    return delivery


@pytest.fixture
def subscription(agency_a, admin_a):
    made, _secret = subscription_create(
        agency=agency_a,
        actor=admin_a,
        name="CRM",
        url="https://93.184.215.14/hooks",
        events=["complaint.created"],
        areas=["complaints"],
    )
    return made


def test_finished_deliveries_past_the_period_lose_their_bodies_and_keep_their_log(
    subscription, settings
):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    old = _delivery(subscription, days_old=31, status=DeliveryStatus.SUCCEEDED)
    old_failed = _delivery(subscription, days_old=45, status=DeliveryStatus.FAILED)
    recent = _delivery(subscription, days_old=29, status=DeliveryStatus.SUCCEEDED)
    still_trying = _delivery(subscription, days_old=40, status=DeliveryStatus.PENDING)

    report = retention_purge()

    [purged] = report.agencies
    assert purged.webhook_bodies_removed == 2
    for delivery in (old, old_failed):
        delivery.refresh_from_db()
        assert delivery.body == ""
        assert delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)
        [attempt] = delivery.attempt_log.all()
        assert attempt.response_excerpt == "" and attempt.response_status == 500
    for delivery in (recent, still_trying):
        delivery.refresh_from_db()
        assert delivery.body == BODY
        assert delivery.attempt_log.get().response_excerpt == "pat@example.com"
    event = AuditEvent.objects.get(action="retention.purge")
    assert event.data["webhook_bodies_removed"] == 2
    assert event.data["webhook_delivery_days"] == 30


def test_the_period_comes_from_the_setting_and_a_dry_run_changes_nothing(subscription, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 90
    kept = _delivery(subscription, days_old=60, status=DeliveryStatus.SUCCEEDED)
    assert retention_purge().agencies == []
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 7
    [counted] = retention_purge(dry_run=True).agencies
    assert counted.webhook_bodies_removed == 1
    kept.refresh_from_db()
    assert kept.body == BODY


def test_a_delivery_without_its_body_cannot_be_replayed(subscription, admin_a, admin_a_client):
    delivery = _delivery(subscription, days_old=31, status=DeliveryStatus.SUCCEEDED)
    retention_purge()
    delivery.refresh_from_db()
    with pytest.raises(ValidationError, match="retention period"):
        delivery_replay(actor=admin_a, delivery=delivery)
    page = admin_a_client.get(f"/staff/agencies/alpha/webhooks/deliveries/{delivery.pk}/")
    assert page.status_code == 200
    assert "Removed after the retention period." in page.content.decode()
    assert "Replay this delivery" not in page.content.decode()
