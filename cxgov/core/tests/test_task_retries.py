"""Failing background tasks are retried with growing waits, then kept as dead letters."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from cxgov.core.models import AuditEvent, DeadLetter, Role
from cxgov.core.tasks import email_send, retry_delay, retrying_task
from cxgov.testing.factories import MembershipFactory, UserFactory

CALLS: list[str] = []


@retrying_task(max_attempts=3, base_delay=10)
def always_fails(*, label: str) -> None:
    """A task that fails every time, the way a mail server that is down does."""
    CALLS.append(label)
    raise ConnectionError(f"cannot reach the server for {label}")


@pytest.fixture(autouse=True)
def no_calls():
    CALLS.clear()


def test_waits_double_after_each_failure():
    assert [retry_delay(attempt=n, base_delay=30).total_seconds() for n in (1, 2, 3, 4)] == [
        30,
        60,
        120,
        240,
    ]


@pytest.mark.django_db
def test_task_that_keeps_failing_is_tried_max_attempts_times_then_dead_lettered():
    always_fails.enqueue(label="x")
    assert CALLS == ["x", "x", "x"]
    dead = DeadLetter.objects.get()
    assert dead.task_path == "cxgov.core.tests.test_task_retries.always_fails"
    assert dead.attempts == 3
    assert dead.kwargs == {"label": "x"}
    assert dead.error == "ConnectionError: cannot reach the server for x"
    assert "ConnectionError" in dead.traceback
    assert AuditEvent.objects.filter(action="task.dead_letter").count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_backend_requeues_with_exponential_backoff(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }
    start = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        always_fails.enqueue(label="db")
        call_command("worker", "--batch")
    waiting = DBTaskResult.objects.ready().get()
    assert waiting.run_after == start + timedelta(seconds=10)
    assert waiting.args_kwargs["kwargs"] == {"label": "db", "retry_attempt": 2}
    with time_machine.travel(start + timedelta(seconds=11), tick=False):
        call_command("worker", "--batch")
    waiting = DBTaskResult.objects.ready().get()
    assert waiting.run_after == start + timedelta(seconds=11 + 20)
    assert not DeadLetter.objects.exists()
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        call_command("worker", "--batch")
    assert not DBTaskResult.objects.ready().exists()
    assert DBTaskResult.objects.failed().count() == 3
    assert DeadLetter.objects.get().attempts == 3
    assert CALLS == ["db", "db", "db"]


@pytest.mark.django_db
def test_email_that_cannot_be_sent_ends_in_the_dead_letter_list(settings):
    settings.TASK_MAX_ATTEMPTS = 4
    with mock.patch(
        "django.core.mail.EmailMessage.send",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ) as send:
        email_send.enqueue(subject="Your complaint", body="Body", to=["someone@example.gov"])
    assert send.call_count == 4
    dead = DeadLetter.objects.get()
    assert dead.task_path == "cxgov.core.tasks.email_send"
    assert dead.queue_name == "email"
    assert dead.error.startswith("SMTPServerDisconnected")


@pytest.mark.django_db
def test_email_that_fails_once_is_sent_on_the_retry():
    real_send = mail.EmailMessage.send
    outcomes = iter([smtplib.SMTPServerDisconnected("blip")])

    def flaky(message, *args, **kwargs):
        for error in outcomes:
            raise error
        return real_send(message, *args, **kwargs)

    with mock.patch("django.core.mail.EmailMessage.send", flaky):
        email_send.enqueue(subject="Hello", body="Body", to=["someone@example.gov"])
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert not DeadLetter.objects.exists()


def _dead_email() -> DeadLetter:
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")
    ):
        email_send.enqueue(subject="Retry me", body="Body", to=["someone@example.gov"])
    return DeadLetter.objects.get()


@pytest.mark.django_db
def test_superuser_sees_dead_letters_and_retries_one(client, django_capture_on_commit_callbacks):
    dead = _dead_email()
    root = UserFactory(is_superuser=True)
    client.force_login(root)
    assert "Failed background tasks" in client.get("/staff/").content.decode()
    page = client.get("/staff/tasks/failed/").content.decode()
    assert "cxgov.core.tasks.email_send" in page
    assert "SMTPServerDisconnected: down" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/tasks/failed/{dead.pk}/retry/")
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["Retry me"]
    dead.refresh_from_db()
    assert dead.retried_by == root and dead.retried_at is not None
    event = AuditEvent.objects.get(action="task.retry")
    assert event.actor == root and event.target_id == str(dead.pk)
    again = client.post(f"/staff/tasks/failed/{dead.pk}/retry/", follow=True)
    assert "already queued again" in again.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_dead_letters_are_hidden_from_staff_who_are_not_admins(analyst_a_client, admin_a_client):
    dead = _dead_email()
    assert analyst_a_client.get("/staff/tasks/failed/").status_code == 404
    # An agency admin sees only letters of their agency; a letter with no agency is not theirs.
    page = admin_a_client.get("/staff/tasks/failed/")
    assert page.status_code == 200
    assert "cxgov.core.tasks.email_send" not in page.content.decode()
    assert admin_a_client.post(f"/staff/tasks/failed/{dead.pk}/retry/").status_code == 404
    dead.refresh_from_db()
    assert dead.retried_at is None


@pytest.mark.django_db
def test_agency_admin_sees_and_retries_a_dead_letter_of_their_agency(admin_a_client, agency_a):
    dead = DeadLetter.objects.create(
        task_path="cxgov.core.tasks.email_send",
        queue_name="email",
        kwargs={"subject": "S", "body": "B", "to": ["a@example.gov"]},
        agency=agency_a,
        attempts=5,
        error="SMTPServerDisconnected: down",
    )
    MembershipFactory(agency=agency_a, role=Role.AGENCY_ADMIN)
    assert "SMTPServerDisconnected" in admin_a_client.get("/staff/tasks/failed/").content.decode()
    assert admin_a_client.post(f"/staff/tasks/failed/{dead.pk}/retry/").status_code == 302
    dead.refresh_from_db()
    assert dead.retried_at is not None


@pytest.mark.django_db
def test_complaint_acknowledgment_that_cannot_be_sent_is_retried_then_dead_lettered(
    agency_a, settings, django_capture_on_commit_callbacks
):
    from cxgov.complaints.models import Status
    from cxgov.complaints.services import complaint_create

    settings.TASK_MAX_ATTEMPTS = 3
    with (
        mock.patch(
            "django.core.mail.EmailMessage.send",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        ) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        complaint = complaint_create(
            agency=agency_a, what_happened="The office was closed.", contact_email="a@example.gov"
        )
    assert send.call_count == 3
    dead = DeadLetter.objects.get()
    assert dead.task_path == "cxgov.complaints.tasks.complaint_acknowledgment_send"
    assert dead.kwargs == {"complaint_id": complaint.pk, "site_url": ""}
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED
