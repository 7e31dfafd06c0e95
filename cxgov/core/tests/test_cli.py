"""The cxgov command line: the background worker running a real task."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from cxgov.core.tasks import email_send


@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_email_task(settings):
    # The production backend: the task waits in the database until the worker runs it.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }
    result = email_send.enqueue(subject="Hello", body="Body", to=["someone@example.gov"])
    assert mail.outbox == []
    call_command("worker", "--batch", "--queue-name", "email")
    result.refresh()
    assert result.status.name == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Hello"]
