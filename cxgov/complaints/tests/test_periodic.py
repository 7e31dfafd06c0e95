"""Escalations and mail fetching run on the worker's schedule, without a cron line."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from cxgov.complaints.models import Escalation, Status
from cxgov.complaints.services import complaint_assign, complaint_create, complaint_transition
from cxgov.core.schedule import periodic_tasks, schedule_run

ET = ZoneInfo("America/New_York")

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@pytest.fixture
def only_escalations(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.SCHEDULE_SURVEYS_CLOSE_EXPIRED_MINUTES = 0
    settings.SCHEDULE_RETENTION_PURGE_MINUTES = 0


def test_scheduled_commands_are_declared_by_their_apps():
    assert {periodic.name for periodic in periodic_tasks()} >= {
        "complaints.escalate",
        "complaints.fetch_mail",
        "surveys.close_expired",
        "registry.retention_purge",
    }


@pytest.mark.django_db
def test_mail_is_fetched_on_schedule_only_with_a_mailbox(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.COMPLAINTS_IMAP_HOST = ""
    assert "complaints.fetch_mail" not in schedule_run()
    settings.COMPLAINTS_IMAP_HOST = "imap.example.gov"
    assert "complaints.fetch_mail" in schedule_run()


@pytest.mark.django_db(transaction=True)
def test_overdue_complaint_is_escalated_by_the_worker_without_the_command(
    only_escalations, agency_a, handler_a, team_a
):
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=ET), tick=False):
        complaint = complaint_create(
            agency=agency_a,
            what_happened="x",
            contact_email="a@example.com",
            send_acknowledgment=False,
        )
        complaint_transition(complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a)
        complaint_assign(complaint=complaint, actor=handler_a, assignee=handler_a, team=team_a)
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=ET), tick=False):
        call_command("worker", "--batch", "--schedule")
        # A second worker start within the hour queues nothing new.
        call_command("worker", "--batch", "--schedule")
    assert DBTaskResult.objects.filter(task_path__endswith=".complaints_escalate_task").count() == 1
    escalation = Escalation.objects.get(complaint=complaint)
    assert escalation.level == "overdue"
    assert any("overdue" in message.subject.lower() for message in mail.outbox)
