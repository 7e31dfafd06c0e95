"""Due-soon and overdue escalations on a frozen clock, by task and by command."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from cxgov.complaints.models import Escalation, Status
from cxgov.complaints.selectors import complaint_timeliness_by_day
from cxgov.complaints.services import (
    complaint_assign,
    complaint_create,
    complaint_transition,
    followup_case_open,
)
from cxgov.complaints.tasks import complaints_escalate_task

ET = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def _et(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=ET)


@pytest.fixture
def assigned(agency_a, handler_a, team_a):
    with time_machine.travel(_et(11, 24), tick=False):
        complaint = complaint_create(
            agency=agency_a,
            what_happened="x",
            contact_email="a@example.com",
            send_acknowledgment=False,
        )
        complaint_transition(complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a)
        complaint_assign(complaint=complaint, actor=handler_a, assignee=handler_a, team=team_a)
    return complaint


def test_due_soon_then_overdue_notify_assignee_and_lead_once(
    assigned, django_capture_on_commit_callbacks
):
    # Respond by 9 December; two business days before is due soon.
    with (
        time_machine.travel(_et(12, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert complaints_escalate_task.enqueue().return_value["due_soon"] == 0
    with (
        time_machine.travel(_et(12, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = complaints_escalate_task.enqueue().return_value
        again = complaints_escalate_task.enqueue().return_value
    assert first["due_soon"] == 1
    assert again["due_soon"] == 0
    assert sorted(mail.outbox[0].to) == ["handler@alpha.example.gov", "lead@alpha.example.gov"]
    with (
        time_machine.travel(_et(12, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = StringIO()
        call_command("escalate_complaints", stdout=out)
    assert "overdue: 1" in out.getvalue()
    assert "overdue" in mail.outbox[-1].subject.lower()
    assert Escalation.objects.filter(complaint=assigned).count() == 2


def test_paused_clock_is_not_escalated(assigned, handler_a):
    with time_machine.travel(_et(12, 7), tick=False):
        complaint_transition(
            complaint=assigned, to_status=Status.AWAITING_CUSTOMER, actor=handler_a
        )
    with time_machine.travel(_et(12, 10), tick=False):
        call_command("escalate_complaints", stdout=StringIO())
    assert not Escalation.objects.exists()


def test_unreviewed_response_closes_after_the_window(assigned, handler_a):
    with time_machine.travel(_et(12, 1), tick=False):
        complaint_transition(complaint=assigned, to_status=Status.RESPONDED, actor=handler_a)
    with time_machine.travel(_et(12, 20), tick=False):
        call_command("escalate_complaints", stdout=StringIO())
    assigned.refresh_from_db()
    assert assigned.status == Status.RESPONDED
    with time_machine.travel(datetime(2027, 1, 2, 10, tzinfo=ET), tick=False):
        call_command("escalate_complaints", stdout=StringIO())
    assigned.refresh_from_db()
    assert assigned.status == Status.CLOSED
    assert assigned.final_timely is True


def test_survey_follow_up_opens_one_case(agency_a, service_a):
    first = followup_case_open(
        agency=agency_a,
        service=service_a,
        contact_email="r@example.com",
        summary="Score 1 of 5: long wait.",
        source="survey",
        source_ref="response-17",
    )
    second = followup_case_open(
        agency=agency_a,
        service=service_a,
        contact_email="r@example.com",
        summary="again",
        source="survey",
        source_ref="response-17",
    )
    assert first.pk == second.pk
    assert first.channel == "survey_followup"


def test_timeliness_by_day_counts_closed_and_timely(agency_a, service_a, handler_a):
    for respond_day in (11, 12):
        with time_machine.travel(_et(11, 2), tick=False):
            complaint = complaint_create(
                agency=agency_a, service=service_a, what_happened="x", send_acknowledgment=False
            )
        with time_machine.travel(_et(respond_day, 3), tick=False):
            complaint_transition(complaint=complaint, to_status=Status.RESPONDED, actor=handler_a)
            complaint_transition(complaint=complaint, to_status=Status.CLOSED, actor=handler_a)
    rows = complaint_timeliness_by_day(
        service=service_a, start=date(2026, 11, 1), end=date(2026, 12, 31)
    )
    assert [(row.closed, row.closed_timely) for row in rows] == [(1, 1), (1, 1)]
