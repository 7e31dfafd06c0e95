"""The complaint state machine on a frozen clock: deadlines, pauses, timely flags, audit."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from cxgov.complaints.models import Complaint, Review, SlaPolicy, Status
from cxgov.complaints.services import (
    TransitionError,
    complaint_create,
    complaint_review,
    complaint_transition,
)
from cxgov.core.models import AuditEvent

ET = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def _et(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=ET)


def _file(agency, **extra):
    return complaint_create(
        agency=agency,
        what_happened="My payment never arrived.",
        contact_email="Person@Example.com",
        **extra,
    )


@time_machine.travel(_et(11, 24), tick=False)
def test_new_complaint_gets_tracking_number_deadlines_and_audit(agency_a):
    complaint = _file(agency_a, send_acknowledgment=False)
    assert complaint.tracking_number.startswith("C-")
    assert len(complaint.tracking_number) == 16
    assert complaint.status == Status.RECEIVED
    # 1 business day to acknowledge, 15 calendar days to respond, 60 to finish (CFPB's).
    assert complaint.acknowledge_due_at.astimezone(ET).date() == date(2026, 11, 25)
    assert complaint.respond_due_at.astimezone(ET).date() == date(2026, 12, 9)
    assert complaint.final_due_at.astimezone(ET).date() == date(2027, 1, 25)
    assert complaint.contact_email == "person@example.com"
    assert AuditEvent.objects.filter(action="complaint.create", target_id=complaint.pk).exists()


def test_tracking_numbers_differ(agency_a):
    numbers = {_file(agency_a, send_acknowledgment=False).tracking_number for _ in range(20)}
    assert len(numbers) == 20


@time_machine.travel(_et(11, 24), tick=False)
def test_acknowledgment_email_is_sent_by_task_and_acknowledges(
    agency_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = _file(agency_a)
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_timely is True
    assert len(mail.outbox) == 1
    assert complaint.tracking_number in mail.outbox[0].subject
    assert complaint.tracking_number in mail.outbox[0].body


def test_every_transition_is_recorded_and_audited(agency_a, handler_a):
    with time_machine.travel(_et(11, 24), tick=False):
        complaint = _file(agency_a, send_acknowledgment=False)
    with time_machine.travel(_et(11, 25), tick=False):
        complaint_transition(complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a)
    with time_machine.travel(_et(12, 1), tick=False):
        complaint = complaint_transition(
            complaint=complaint, to_status=Status.RESPONDED, actor=handler_a
        )
    assert [t.to_status for t in complaint.transitions.all()] == [
        "received",
        "in_progress",
        "responded",
    ]
    assert AuditEvent.objects.filter(action="complaint.transition").count() == 2
    assert complaint.acknowledged_timely is True
    assert complaint.timely is True


def test_late_acknowledgment_and_late_response_are_not_timely(agency_a, handler_a):
    with time_machine.travel(_et(11, 24), tick=False):
        complaint = _file(agency_a, send_acknowledgment=False)
    with time_machine.travel(_et(11, 30), tick=False):
        complaint_transition(complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a)
    with time_machine.travel(_et(12, 10), tick=False):
        complaint = complaint_transition(
            complaint=complaint, to_status=Status.RESPONDED, actor=handler_a
        )
    assert complaint.acknowledged_timely is False
    assert complaint.timely is False


def test_awaiting_customer_pauses_the_clock(agency_a, handler_a):
    with time_machine.travel(_et(11, 24), tick=False):
        complaint = _file(agency_a, send_acknowledgment=False)
    with time_machine.travel(_et(11, 30), tick=False):
        complaint_transition(
            complaint=complaint, to_status=Status.AWAITING_CUSTOMER, actor=handler_a
        )
    with time_machine.travel(_et(12, 2), tick=False):
        complaint = complaint_transition(
            complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a
        )
    # 30 Nov - 2 Dec paused: day 15 is Saturday 12 December, moved to Monday the 14th.
    assert complaint.respond_due_at.astimezone(ET).date() == date(2026, 12, 14)
    with time_machine.travel(_et(12, 11), tick=False):
        complaint = complaint_transition(
            complaint=complaint, to_status=Status.RESPONDED, actor=handler_a
        )
    # Late without the pause (9 December), on time with it.
    assert complaint.timely is True


def test_transition_outside_the_state_machine_is_refused(agency_a, handler_a):
    complaint = _file(agency_a, send_acknowledgment=False)
    with pytest.raises(TransitionError):
        complaint_transition(complaint=complaint, to_status=Status.CLOSED, actor=handler_a)
    complaint = complaint_transition(
        complaint=complaint, to_status=Status.WITHDRAWN, actor=handler_a
    )
    with pytest.raises(TransitionError):
        complaint_transition(complaint=complaint, to_status=Status.IN_PROGRESS, actor=handler_a)


def test_duplicate_links_and_referral_names_agency(agency_a, handler_a):
    first = _file(agency_a, send_acknowledgment=False)
    second = _file(agency_a, send_acknowledgment=False)
    with pytest.raises(TransitionError):
        complaint_transition(complaint=second, to_status=Status.DUPLICATE, actor=handler_a)
    second = complaint_transition(
        complaint=second, to_status=Status.DUPLICATE, actor=handler_a, duplicate_of=first
    )
    assert second.duplicate_of == first
    third = _file(agency_a, send_acknowledgment=False)
    with pytest.raises(TransitionError):
        complaint_transition(complaint=third, to_status=Status.REFERRED, actor=handler_a)
    third = complaint_transition(
        complaint=third, to_status=Status.REFERRED, actor=handler_a, referred_to="SSA"
    )
    assert third.referred_to == "SSA"


def _responded(agency, handler):
    with time_machine.travel(_et(11, 24), tick=False):
        complaint = _file(agency, send_acknowledgment=False)
    with time_machine.travel(_et(11, 27), tick=False):
        return complaint_transition(complaint=complaint, to_status=Status.RESPONDED, actor=handler)


def test_customer_accepts_and_the_case_closes_timely(agency_a, handler_a):
    complaint = _responded(agency_a, handler_a)
    with time_machine.travel(_et(12, 1), tick=False):
        complaint = complaint_review(complaint=complaint, decision="accepted")
    assert complaint.status == Status.CLOSED
    assert complaint.final_timely is True
    assert Complaint.objects.get(pk=complaint.pk).review == Review.ACCEPTED


def test_dispute_reopens_the_case(agency_a, handler_a):
    complaint = _responded(agency_a, handler_a)
    with time_machine.travel(_et(12, 1), tick=False):
        complaint = complaint_review(complaint=complaint, decision="disputed", comment="No.")
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.review == Review.DISPUTED
    assert complaint.messages.get().body == "No."


def test_review_after_the_window_is_refused(agency_a, handler_a):
    SlaPolicy.objects.create(agency=agency_a, review_days=5)
    complaint = _responded(agency_a, handler_a)
    with (
        time_machine.travel(_et(12, 3), tick=False),
        pytest.raises(ValidationError, match="passed"),
    ):
        complaint_review(complaint=complaint, decision="disputed")


def test_most_specific_sla_policy_applies(agency_a, service_a, category_a):
    SlaPolicy.objects.create(agency=agency_a, respond_days=30)
    SlaPolicy.objects.create(agency=agency_a, service=service_a, respond_days=10)
    SlaPolicy.objects.create(
        agency=agency_a,
        service=service_a,
        category=category_a,
        respond_days=5,
        respond_in_business_days=True,
    )
    with time_machine.travel(_et(11, 24), tick=False):
        general = _file(agency_a, send_acknowledgment=False)
        by_service = _file(agency_a, service=service_a, send_acknowledgment=False)
        specific = _file(
            agency_a, service=service_a, category=category_a, send_acknowledgment=False
        )
    assert general.respond_due_at.astimezone(ET).date() == date(2026, 12, 24)
    assert by_service.respond_due_at.astimezone(ET).date() == date(2026, 12, 4)
    # Five business days around Thanksgiving: 25, 27, 30 Nov, 1, 2 Dec.
    assert specific.respond_due_at.astimezone(ET).date() == date(2026, 12, 2)
