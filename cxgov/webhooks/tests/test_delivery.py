"""Deliveries over real HTTP: signed, retried with backoff on the worker, recorded, replayable,
and a receiver down for good turns its subscription off and tells the agency's administrators.

The receiver is a real server on 127.0.0.1 (`receiver.py`); tasks go through the database
queue and run in `cxgov worker --batch`, as in production.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency, AuditEvent, User
from cxgov.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from cxgov.webhooks.services import subscription_create
from cxgov.webhooks.signing import SIGNATURE_HEADER, signature_verify
from cxgov.webhooks.tests.receiver import closed_port_url, receiver_running

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email", "webhooks"],
        }
    }
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.WEBHOOK_MAX_ATTEMPTS = 5
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3


def _subscribe(agency: Agency, admin: User, url: str, *, areas=("complaints",)) -> tuple:
    return subscription_create(
        agency=agency,
        actor=admin,
        name="Case tracker",
        url=url,
        events=["complaint.created"],
        areas=list(areas),
    )


def _file(agency: Agency, n: int = 1) -> None:
    complaint_create(
        agency=agency,
        what_happened=f"The office was closed during posted hours ({n}).",
        contact_name="Ana Ruiz",
        contact_email="ana@example.com",
        send_acknowledgment=False,
    )


def _hmac_ok(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check, written out: HMAC-SHA256 of "<t>.<body>" against v1."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_failed_twice_then_delivered_signed_recorded_and_replayable(
    agency_a: Agency, admin_a: User, admin_a_client
):
    with receiver_running([500, 503, 200]) as receiver:
        subscription, secret = _subscribe(agency_a, admin_a, receiver.url)
        _file(agency_a)
        call_command("worker", "--batch")

        assert len(receiver.received) == 3
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.attempts == 3
        tries = list(Attempt.objects.filter(delivery=delivery).order_by("number"))
        assert [t.response_status for t in tries] == [500, 503, 200]
        assert [t.succeeded for t in tries] == [False, False, True]
        assert tries[0].error == "HTTP 500"
        assert all(t.duration_ms >= 0 and not t.manual for t in tries)
        # Each carries its event's agency, so the three tables can be distributed together.
        assert delivery.agency_id == delivery.event.agency_id == agency_a.pk
        assert {t.agency_id for t in tries} == {agency_a.pk}

        for sent in receiver.received:
            assert sent.path == "/hooks/cxgov"
            assert sent.body == delivery.body.encode()
            header = sent.headers[SIGNATURE_HEADER]
            assert _hmac_ok(secret, header, sent.body)
            assert signature_verify(secret=secret, header=header, body=sent.body)
            assert not signature_verify(secret=secret, header=header, body=sent.body + b" ")
            assert sent.headers["X-Cxgov-Event"] == "complaint.created"
            assert sent.headers["X-Cxgov-Event-Id"] == str(delivery.event_id)
        payload = json.loads(receiver.received[-1].body)
        assert payload["type"] == "complaint.created"
        assert payload["agency"] == "alpha"
        assert payload["data"]["contact"]["email"] == "ana@example.com"
        assert payload["created"].endswith("Z")

        log = admin_a_client.get(
            f"/staff/agencies/alpha/webhooks/{subscription.pk}/?status=succeeded"
        )
        assert log.status_code == 200
        assert "complaint.created" in log.content.decode()
        page = admin_a_client.get(f"/staff/agencies/alpha/webhooks/deliveries/{delivery.pk}/")
        assert "503" in page.content.decode()
        assert "ana@example.com" in page.content.decode()

        replay = admin_a_client.post(
            f"/staff/agencies/alpha/webhooks/deliveries/{delivery.pk}/replay/"
        )
        assert replay.status_code == 302
        call_command("worker", "--batch")

        assert len(receiver.received) == 4
        again = receiver.received[-1]
        assert again.body == receiver.received[0].body
        assert _hmac_ok(secret, again.headers[SIGNATURE_HEADER], again.body)
        last = Attempt.objects.filter(delivery=delivery).order_by("number").last()
        assert last is not None
        assert (last.number, last.manual, last.response_status) == (4, True, 200)
        assert AuditEvent.objects.filter(action="webhook.replay").count() == 1


def test_a_receiver_down_for_good_turns_the_subscription_off_and_emails_the_admins(
    agency_a: Agency, admin_a: User, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    subscription, _secret = _subscribe(agency_a, admin_a, closed_port_url())
    _file(agency_a, 1)
    _file(agency_a, 2)
    call_command("worker", "--batch")

    deliveries = list(Delivery.objects.all())
    assert [d.status for d in deliveries] == [DeliveryStatus.FAILED] * 2
    assert [d.attempts for d in deliveries] == [2, 2]
    errors = set(Attempt.objects.values_list("error", flat=True))
    assert all(error.startswith("ConnectionRefusedError") for error in errors)
    assert Attempt.objects.filter(response_status__isnull=False).count() == 0

    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.consecutive_failures == 2
    assert "2 deliveries in a row failed" in subscription.disabled_reason
    assert [m.to for m in mail.outbox] == [[admin_a.email]]
    assert "Webhook turned off: Case tracker" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="webhook.disable", actor=None).count() == 1

    _file(agency_a, 3)
    call_command("worker", "--batch")
    assert Delivery.objects.count() == 2


def test_a_success_clears_the_count_of_failed_deliveries(agency_a: Agency, admin_a: User, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with receiver_running([500, 500, 200]) as receiver:
        subscription, _secret = _subscribe(agency_a, admin_a, receiver.url)
        _file(agency_a, 1)
        _file(agency_a, 2)
        call_command("worker", "--batch")
        subscription.refresh_from_db()
        assert (subscription.is_active, subscription.consecutive_failures) == (True, 2)
        _file(agency_a, 3)
        call_command("worker", "--batch")
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)


def test_each_retry_waits_twice_as_long_as_the_one_before(
    agency_a: Agency, admin_a: User, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    with receiver_running([500]) as receiver:
        _subscribe(agency_a, admin_a, receiver.url)
        _file(agency_a)
        gaps = []
        for _round in range(3):
            call_command("worker", "--batch")
            delivery = Delivery.objects.get()
            started = Attempt.objects.filter(delivery=delivery).order_by("number").last()
            assert started is not None
            assert delivery.next_attempt_at is not None
            gaps.append(delivery.next_attempt_at - started.started_at)
            waiting = DBTaskResult.objects.filter(status="READY").get()
            assert waiting.run_after == delivery.next_attempt_at
            # Bring the wait to an end instead of sleeping through it.
            DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
        assert len(receiver.received) == 3
    bases = [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    for gap, base in zip(gaps, bases, strict=True):
        assert base <= gap < base + timedelta(seconds=30)


def test_a_subscription_turned_off_by_hand_is_sent_nothing_more(
    agency_a: Agency, admin_a: User, admin_a_client
):
    with receiver_running([200]) as receiver:
        subscription, _secret = _subscribe(agency_a, admin_a, receiver.url)
        answer = admin_a_client.post(
            f"/staff/agencies/alpha/webhooks/{subscription.pk}/status/disable/"
        )
        assert answer.status_code == 302
        _file(agency_a)
        call_command("worker", "--batch")
        assert receiver.received == []
    assert not Subscription.objects.get().is_active
    assert Delivery.objects.count() == 0
