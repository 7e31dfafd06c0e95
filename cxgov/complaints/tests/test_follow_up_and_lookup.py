"""A customer's message about a closed complaint opens a follow-up case (decision 0035), and a
complaint filed without email is looked up with its phone number or ZIP code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.inbound import InboundMail
from cxgov.complaints.models import Channel, Complaint, Status
from cxgov.complaints.selectors import complaint_public_lookup_by_contact
from cxgov.complaints.services import (
    InboundOutcome,
    complaint_create,
    complaint_reply_add,
    complaint_transition,
    inbound_mail_receive,
)
from cxgov.core.addresses import PostalAddress
from cxgov.core.models import AuditEvent

STATUS = "/complaints/status/"
NOT_FOUND = "We could not find a complaint with that tracking number and phone number or ZIP code."


@pytest.fixture
def closed(agency_a, handler_a):
    complaint = complaint_create(
        agency=agency_a,
        what_happened="My payment never came.",
        contact_email="ana@example.com",
        language="es",
        send_acknowledgment=False,
    )
    complaint_transition(complaint=complaint, to_status=Status.RESPONDED, actor=handler_a)
    complaint_transition(complaint=complaint, to_status=Status.CLOSED, actor=handler_a)
    Complaint.objects.filter(pk=complaint.pk).update(assignee=handler_a)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def by_letter(agency_a):
    return complaint_create(
        agency=agency_a,
        what_happened="I wrote a letter.",
        channel=Channel.POSTAL_MAIL,
        contact_phone="(555) 010-2030",
        postal=PostalAddress(line_1="1 Main St", city="Springfield", state="IL", zip_code="62701"),
        contact_preference="postal_mail",
        send_acknowledgment=False,
    )


def test_a_reply_to_a_closed_case_opens_a_linked_follow_up(closed, handler_a):
    message = complaint_reply_add(
        complaint=closed,
        body="It happened again in May.",
        attachments=[SimpleUploadedFile("may.pdf", b"%PDF-1.4 may")],
    )
    follow_up = message.complaint
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED and closed.closed_at is not None
    assert follow_up.pk != closed.pk
    assert follow_up.follow_up_of == closed
    assert follow_up.status == Status.RECEIVED
    assert follow_up.what_happened == "It happened again in May."
    assert follow_up.contact_email == "ana@example.com" and follow_up.language == "es"
    assert follow_up.assignee == handler_a
    assert message.attachments.get().original_name == "may.pdf"
    assert not closed.messages.exists()
    assert AuditEvent.objects.filter(action="complaint.follow_up").exists()


def test_the_status_page_takes_the_customer_to_the_follow_up(client, closed, handler_a_client):
    client.post(STATUS, {"tracking_number": closed.tracking_number, "email": "ana@example.com"})
    page = client.get(f"{STATUS}{closed.tracking_number}/").content.decode()
    assert 'id="follow-up-hint"' in page
    answer = client.post(f"{STATUS}{closed.tracking_number}/reply/", {"body": "Again."})
    follow_up = Complaint.objects.get(follow_up_of=closed)
    assert answer["Location"] == f"{STATUS}{follow_up.tracking_number}/"
    landed = client.get(answer["Location"]).content.decode()
    assert follow_up.tracking_number in landed
    case = handler_a_client.get(f"/staff/agencies/alpha/complaints/{closed.pk}/")
    assert follow_up.tracking_number in case.content.decode()


def test_an_email_reply_to_a_closed_case_opens_a_follow_up(closed):
    mail = InboundMail(
        sender="ana@example.com",
        sender_name="Ana",
        subject=f"Re: {closed.tracking_number}",
        body="Still not fixed.",
        recipients=("complaints@agency.example.gov",),
        message_id="<m1@example.com>",
        language="es",
        automatic=False,
    )
    assert inbound_mail_receive(mail=mail, agency=None) == InboundOutcome.THREADED
    follow_up = Complaint.objects.get(follow_up_of=closed)
    assert follow_up.channel == Channel.EMAIL
    assert follow_up.messages.get().email_message_id == "<m1@example.com>"


def test_a_letter_writer_looks_up_with_phone_or_zip(client, by_letter):
    number = by_letter.tracking_number
    for contact in ("555-010-2030", "+1 555 010 2030", "62701", "62701-1234"):
        assert complaint_public_lookup_by_contact(tracking_number=number, contact=contact)
    for contact in ("555-010-2031", "62702", "6270", "", "1"):
        assert complaint_public_lookup_by_contact(tracking_number=number, contact=contact) is None
    ok = client.post(STATUS, {"tracking_number": number.lower(), "phone_or_zip": "62701"})
    assert ok.status_code == 302
    assert client.get(ok["Location"]).status_code == 200


def test_wrong_pairs_give_the_same_answer(client, by_letter, agency_a):
    with_email = complaint_create(
        agency=agency_a,
        what_happened="x",
        contact_email="a@example.com",
        contact_phone="555-010-9999",
        send_acknowledgment=False,
    )
    answers = [
        client.post(
            STATUS, {"tracking_number": by_letter.tracking_number, "phone_or_zip": "99999"}
        ),
        client.post(STATUS, {"tracking_number": "C-0000-0000-0000", "phone_or_zip": "62701"}),
        # A complaint with an email address is looked up with it only.
        client.post(
            STATUS, {"tracking_number": with_email.tracking_number, "phone_or_zip": "5550109999"}
        ),
    ]
    for answer in answers:
        assert answer.status_code == 400
        assert NOT_FOUND in answer.content.decode()
    empty = client.post(STATUS, {"tracking_number": by_letter.tracking_number})
    assert empty.status_code == 400
    assert "if you gave none, your phone number or ZIP code" in empty.content.decode()


def test_the_phone_lookup_is_rate_limited(client, by_letter, settings):
    settings.STATUS_LOOKUPS_PER_MINUTE = 2
    cache.clear()
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, 5, tzinfo=UTC), tick=False):
        codes = [
            client.post(
                STATUS, {"tracking_number": by_letter.tracking_number, "phone_or_zip": str(n)}
            ).status_code
            for n in range(3)
        ]
    cache.clear()
    assert codes == [400, 400, 429]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    number=st.one_of(st.text(max_size=50), st.just("C-0000-0000-0000")),
    contact=st.one_of(st.text(max_size=50), st.just("\x00"), st.just("6" * 45)),
)
def test_hostile_lookups_never_break_the_page(client, by_letter, number, contact):
    cache.clear()
    answer = client.post(STATUS, {"tracking_number": number, "phone_or_zip": contact})
    assert answer.status_code in (302, 400)
