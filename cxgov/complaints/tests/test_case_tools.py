"""Case tools of complaint handlers: merge, split, bulk status change and saved queue filters,
each over HTTP, audited, and within `complaints_visible`."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxgov.complaints.models import Attachment, Complaint, Message, SavedQueueFilter, Status
from cxgov.complaints.services import (
    complaint_create,
    complaint_message_send,
    complaint_reply_add,
    complaint_transition,
)
from cxgov.core.models import AuditEvent, Role

PDF = b"%PDF-1.4 a letter"


def _complaint(agency, text: str, email: str = "ana@example.com", **extra) -> Complaint:
    return complaint_create(
        agency=agency,
        what_happened=text,
        contact_name="Ana Ruiz",
        contact_email=email,
        send_acknowledgment=False,
        **extra,
    )


@pytest.fixture
def survivor(agency_a):
    return _complaint(agency_a, "My payment never came.")


@pytest.fixture
def duplicate(agency_a, handler_a):
    complaint = _complaint(agency_a, "Still no payment, second try.")
    complaint_reply_add(
        complaint=complaint,
        body="Here is my letter.",
        attachments=[SimpleUploadedFile("l.pdf", PDF)],
    )
    return complaint


def _case(complaint: Complaint, name: str = "case") -> str:
    return reverse(
        f"complaints:{name}", kwargs={"slug": complaint.agency.slug, "complaint_id": complaint.pk}
    )


def _queue(agency) -> str:
    return reverse("complaints:queue", kwargs={"slug": agency.slug})


# --- merge ---------------------------------------------------------------------------------


def test_a_merged_case_is_closed_into_the_survivor_which_shows_its_conversation(
    handler_a_client, survivor, duplicate, client
):
    answer = handler_a_client.post(
        _case(duplicate, "merge"),
        {"merge-into": survivor.tracking_number.lower(), "merge-reason": "same payment"},
    )
    assert answer.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.DUPLICATE
    assert duplicate.duplicate_of == survivor
    last = duplicate.transitions.last()
    assert last.reason == f"merged into {survivor.tracking_number}: same payment"
    # The customer is told where to follow it, in a message of the merged case.
    assert survivor.tracking_number in duplicate.messages.last().body
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"complaint.merge", "complaint.merge.receive"} <= actions

    page = handler_a_client.get(_case(survivor)).content.decode()
    assert "Cases merged into this one" in page
    assert "Here is my letter." in page
    attachment = Attachment.objects.get(complaint=duplicate)
    assert f"/attachments/{attachment.pk}/" in page
    assert (
        handler_a_client.get(
            reverse(
                "complaints:attachment",
                kwargs={
                    "slug": "alpha",
                    "complaint_id": duplicate.pk,
                    "attachment_id": attachment.pk,
                },
            )
        ).status_code
        == 200
    )

    # The merged case's status page points the customer to the surviving one.
    client.post(
        reverse("public:complaint_status"),
        {"tracking_number": duplicate.tracking_number, "email": "ana@example.com"},
    )
    track = client.get(
        reverse("public:complaint_track", kwargs={"tracking": duplicate.tracking_number})
    )
    assert 'id="merged-into"' in track.content.decode()
    assert survivor.tracking_number in track.content.decode()


def test_merge_refuses_itself_a_closed_case_and_a_case_the_person_cannot_open(
    handler_a_client, survivor, duplicate, agency_a, agency_b
):
    itself = handler_a_client.post(
        _case(duplicate, "merge"), {"merge-into": duplicate.tracking_number}
    )
    assert itself.status_code == 302
    other_agency = _complaint(agency_b, "Elsewhere")
    handler_a_client.post(_case(duplicate, "merge"), {"merge-into": other_agency.tracking_number})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RECEIVED
    page = handler_a_client.get(_case(duplicate)).content.decode()
    assert "cannot be merged into itself" in page or "No complaint you can open" in page

    complaint_transition(complaint=survivor, to_status=Status.WITHDRAWN, actor=None)
    handler_a_client.post(_case(duplicate, "merge"), {"merge-into": survivor.tracking_number})
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RECEIVED


def test_a_front_line_employee_cannot_merge_or_split_even_their_own_case(
    role_a_client, survivor, duplicate
):
    employee_client = role_a_client(Role.FRONTLINE_EMPLOYEE)
    employee = employee_client.session["_auth_user_id"]
    Complaint.objects.filter(pk__in=[survivor.pk, duplicate.pk]).update(assignee_id=employee)
    assert employee_client.get(_case(duplicate)).status_code == 200
    assert (
        employee_client.post(
            _case(duplicate, "merge"), {"merge-into": survivor.tracking_number}
        ).status_code
        == 404
    )
    assert employee_client.get(_case(duplicate, "split")).status_code == 404


def test_another_agency_cannot_merge_or_split(handler_b_client, duplicate, survivor):
    assert (
        handler_b_client.post(
            _case(duplicate, "merge"), {"merge-into": survivor.tracking_number}
        ).status_code
        == 404
    )
    assert handler_b_client.get(_case(duplicate, "split")).status_code == 404


# --- split ---------------------------------------------------------------------------------


def test_split_copies_chosen_messages_and_files_and_links_both_cases(
    handler_a_client, handler_a, duplicate
):
    message = duplicate.messages.get()
    form = handler_a_client.get(_case(duplicate, "split"))
    assert form.status_code == 200
    assert "Here is my letter." in form.content.decode()
    answer = handler_a_client.post(
        _case(duplicate, "split"),
        {
            "what_happened": "The letter is about my address.",
            "message_ids": [message.pk],
            "move": "0",
        },
    )
    assert answer.status_code == 302
    split = Complaint.objects.get(split_from=duplicate)
    assert answer["Location"] == _case(split)
    assert split.contact_email == duplicate.contact_email
    assert split.messages.get().body == "Here is my letter."
    assert split.attachments.get().original_name == "l.pdf"
    assert split.attachments.get().file.name != message.attachments.get().file.name
    assert duplicate.messages.count() == 1
    assert split.tracking_number in handler_a_client.get(_case(duplicate)).content.decode()
    assert duplicate.tracking_number in handler_a_client.get(_case(split)).content.decode()
    assert AuditEvent.objects.filter(action="complaint.split").exists()


def test_split_can_move_messages_and_refuses_another_cases_message(
    handler_a_client, duplicate, survivor, handler_a
):
    foreign = complaint_message_send(complaint=survivor, actor=handler_a, body="Not yours")
    refused = handler_a_client.post(
        _case(duplicate, "split"),
        {"what_happened": "Part", "message_ids": [foreign.pk], "move": "1"},
    )
    assert refused.status_code == 400
    message = duplicate.messages.get()
    handler_a_client.post(
        _case(duplicate, "split"),
        {"what_happened": "Part", "message_ids": [message.pk], "move": "1"},
    )
    split = Complaint.objects.get(split_from=duplicate)
    assert list(split.messages.all()) == [Message.objects.get(pk=message.pk)]
    assert duplicate.messages.count() == 0
    assert split.attachments.count() == 1 and duplicate.attachments.count() == 0


# --- bulk status change --------------------------------------------------------------------


def test_bulk_status_change_moves_valid_cases_and_lists_the_others(
    handler_a_client, agency_a, survivor, duplicate
):
    responded = _complaint(agency_a, "Answered already")
    complaint_transition(complaint=responded, to_status=Status.RESPONDED, actor=None)
    answer = handler_a_client.post(
        _queue(agency_a),
        {
            "complaint": [survivor.pk, duplicate.pk, responded.pk],
            "action": "status",
            "to_status": Status.ACKNOWLEDGED,
            "reason": "Acknowledged by phone",
        },
        follow=True,
    )
    page = answer.content.decode()
    for complaint in (survivor, duplicate):
        complaint.refresh_from_db()
        assert complaint.status == Status.ACKNOWLEDGED
        assert complaint.transitions.last().reason == "Acknowledged by phone"
    responded.refresh_from_db()
    assert responded.status == Status.RESPONDED
    assert f'<bdi dir="ltr">{responded.tracking_number}</bdi> was not changed' in page
    event = AuditEvent.objects.get(action="complaint.transition_bulk")
    assert event.data["refused"] == [responded.tracking_number]


def test_bulk_status_change_needs_a_reason_and_a_handler(
    handler_a_client, role_a_client, agency_a, survivor
):
    handler_a_client.post(
        _queue(agency_a),
        {"complaint": [survivor.pk], "action": "status", "to_status": Status.ACKNOWLEDGED},
    )
    survivor.refresh_from_db()
    assert survivor.status == Status.RECEIVED
    employee = role_a_client(Role.FRONTLINE_EMPLOYEE)
    assert (
        employee.post(
            _queue(agency_a),
            {"complaint": [survivor.pk], "action": "status", "to_status": "closed", "reason": "x"},
        ).status_code
        == 404
    )


def test_bulk_status_change_skips_another_teams_case_as_unknown(
    handler_a_client, agency_a, survivor
):
    from cxgov.testing.factories import ComplaintTeamFactory

    other = ComplaintTeamFactory(agency=agency_a, name="Other team")
    Complaint.objects.filter(pk=survivor.pk).update(team=other)
    handler_a_client.post(
        _queue(agency_a),
        {
            "complaint": [survivor.pk],
            "action": "status",
            "to_status": "acknowledged",
            "reason": "x",
        },
    )
    survivor.refresh_from_db()
    assert survivor.status == Status.RECEIVED


# --- saved queue filters -------------------------------------------------------------------


def test_saved_filters_belong_to_their_owner(handler_a_client, handler_a, admin_a_client, agency_a):
    url = reverse("complaints:filters", kwargs={"slug": agency_a.slug})
    answer = handler_a_client.post(
        url, {"name": "My overdue", "query": "status=open&overdue=1&evil=<script>&q=pay"}
    )
    saved = SavedQueueFilter.objects.get()
    assert saved.query == "status=open&overdue=1&q=pay"
    assert answer["Location"].endswith("?status=open&overdue=1&q=pay")
    assert "My overdue" in handler_a_client.get(_queue(agency_a)).content.decode()
    assert "My overdue" not in admin_a_client.get(_queue(agency_a)).content.decode()
    # Someone else's filter cannot be deleted: it answers like a missing one.
    assert admin_a_client.post(url, {"delete": saved.pk}).status_code == 404
    assert handler_a_client.post(url, {"delete": saved.pk}).status_code == 302
    assert not SavedQueueFilter.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"complaint.queue_filter.save", "complaint.queue_filter.delete"} <= actions


def test_saving_a_filter_again_under_its_name_replaces_it(handler_a_client, agency_a):
    url = reverse("complaints:filters", kwargs={"slug": agency_a.slug})
    handler_a_client.post(url, {"name": "Mine", "query": "status=open"})
    handler_a_client.post(url, {"name": "Mine", "query": "status=closed"})
    assert SavedQueueFilter.objects.get().query == "status=closed"
    assert handler_a_client.post(url, {"name": "  ", "query": ""}).status_code == 302
    assert SavedQueueFilter.objects.count() == 1


def test_analysts_cannot_save_queue_filters(analyst_a_client, agency_a):
    url = reverse("complaints:filters", kwargs={"slug": agency_a.slug})
    assert analyst_a_client.post(url, {"name": "x"}).status_code == 404


def test_the_customer_of_a_merged_case_is_sent_to_the_surviving_one(handler_a, survivor, duplicate):
    from django.core.exceptions import ValidationError

    from cxgov.complaints.services import complaint_merge

    complaint_merge(complaint=duplicate, into=survivor, actor=handler_a)
    with pytest.raises(ValidationError) as refused:
        complaint_reply_add(complaint=duplicate, body="Any news?")
    assert survivor.tracking_number in refused.value.messages[0]
