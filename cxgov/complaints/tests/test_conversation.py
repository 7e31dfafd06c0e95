"""The conversation with the customer: messages with files both ways, the response with its
category, the customer's review, canned responses, and the emails with signed links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cxgov.complaints.links import status_link_token
from cxgov.complaints.models import CannedResponse, Message, Pause, ResponseCategory, Status
from cxgov.complaints.selectors import canned_response_text
from cxgov.complaints.services import (
    TransitionError,
    canned_response_save,
    complaint_create,
    complaint_message_send,
    complaint_reply_add,
    complaint_respond,
    complaint_review,
    complaint_transition,
)
from cxgov.core.models import AuditEvent, Role

PDF = b"%PDF-1.4 a letter"


@pytest.fixture
def complaint(agency_a, service_a):
    return complaint_create(
        agency=agency_a,
        service=service_a,
        what_happened="My payment never came.",
        contact_name="Ana Ruiz",
        contact_email="ana@example.com",
        send_acknowledgment=False,
    )


def _link_in(body: str) -> str:
    found = re.search(r"https?://\S+/complaints/link/\S+/", body)
    assert found, body
    return found.group(0)


def test_a_question_waits_for_the_customer_and_their_reply_restarts_the_clock(complaint, handler_a):
    message = complaint_message_send(
        complaint=complaint,
        actor=handler_a,
        body="Which month was the payment for?",
        attachments=[SimpleUploadedFile("form.pdf", PDF)],
        await_reply=True,
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert message.attachments.get().original_name == "form.pdf"
    assert Pause.objects.get(complaint=complaint).ended_at is None

    reply = complaint_reply_add(
        complaint=complaint,
        body="March.",
        attachments=[SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\nxx")],
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert Pause.objects.get(complaint=complaint).ended_at is not None
    assert reply.direction == Message.Direction.FROM_CUSTOMER
    assert reply.attachments.get().content_type == "image/png"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"complaint.message", "complaint.reply"} <= actions


def test_the_customers_reply_tells_the_assignee_without_their_words(
    complaint, handler_a, django_capture_on_commit_callbacks
):
    complaint.assignee = handler_a
    complaint.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reply_add(complaint=complaint, body="PRIVATE DETAIL")
    [notice] = mail.outbox
    assert notice.to == [handler_a.email]
    assert complaint.tracking_number in notice.subject
    assert "PRIVATE DETAIL" not in notice.body
    assert f"/complaints/{complaint.pk}/" in notice.body


def test_a_customer_cannot_write_to_a_withdrawn_complaint(complaint, handler_a):
    complaint_transition(complaint=complaint, to_status=Status.WITHDRAWN, actor=handler_a)
    with pytest.raises(ValidationError):
        complaint_reply_add(complaint=complaint, body="Hello?")
    assert not complaint.messages.exists()


def test_a_bad_file_stores_no_message(complaint, handler_a):
    with pytest.raises(ValidationError):
        complaint_message_send(
            complaint=complaint,
            actor=handler_a,
            body="See attached",
            attachments=[SimpleUploadedFile("evil.exe", b"MZ\x00\x00binary")],
        )
    assert not complaint.messages.exists()


@pytest.mark.parametrize(
    "category",
    [
        ResponseCategory.CLOSED_WITH_EXPLANATION,
        ResponseCategory.CLOSED_WITH_RELIEF,
        ResponseCategory.CLOSED_WITH_NON_MONETARY_RELIEF,
        ResponseCategory.UNTIMELY,
    ],
)
def test_a_response_makes_the_complaint_responded_and_asks_for_a_review(
    complaint, handler_a, category, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = complaint_respond(
            complaint=complaint, actor=handler_a, body="We paid you on May 2.", category=category
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.RESPONDED
    assert complaint.review_due_at is not None
    assert complaint.company_response
    assert response.response_category == category
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert "We paid you on May 2." in email.body
    assert "Accept or dispute" in email.body
    assert AuditEvent.objects.filter(action="complaint.respond").exists()


def test_an_in_progress_response_keeps_the_complaint_open(complaint, handler_a):
    complaint_respond(
        complaint=complaint,
        actor=handler_a,
        body="We are checking with the bank.",
        category=ResponseCategory.IN_PROGRESS,
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.responded_at is None
    assert complaint.company_response == "In progress"


def test_a_dispute_reopens_and_the_next_response_can_be_reviewed_again(complaint, handler_a):
    complaint_respond(
        complaint=complaint,
        actor=handler_a,
        body="First answer",
        category=ResponseCategory.CLOSED_WITH_EXPLANATION,
    )
    complaint = complaint_review(complaint=complaint, decision="disputed", comment="Not paid")
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.messages.filter(direction="from_customer", via="web").exists()
    complaint_respond(
        complaint=complaint,
        actor=handler_a,
        body="Second answer",
        category=ResponseCategory.CLOSED_WITH_RELIEF,
    )
    complaint.refresh_from_db()
    assert complaint.review == ""
    complaint = complaint_review(complaint=complaint, decision="accepted")
    assert complaint.status == Status.CLOSED


def test_a_responded_complaint_takes_no_second_response(complaint, handler_a):
    kwargs = {"actor": handler_a, "body": "x", "category": "closed_with_explanation"}
    complaint_respond(complaint=complaint, **kwargs)
    with pytest.raises(TransitionError):
        complaint_respond(complaint=complaint, **kwargs)
    with pytest.raises(ValidationError):
        complaint_respond(complaint=complaint, actor=handler_a, body="x", category="free money")
    assert complaint.messages.count() == 1


def test_every_notice_is_in_the_customers_language_with_a_signed_link(
    agency_a, handler_a, client, settings, django_capture_on_commit_callbacks
):
    settings.COMPLAINTS_REPLY_ADDRESS = "quejas@alpha.example.gov"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_create(
            agency=agency_a,
            what_happened="No me pagaron.",
            contact_email="luz@example.com",
            language="es",
            site_url="https://cx.example.gov",
        )
    with django_capture_on_commit_callbacks(execute=True):
        complaint_message_send(complaint=complaint, actor=handler_a, body="¿Qué mes?")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_respond(
            complaint=complaint,
            actor=handler_a,
            body="Pagamos.",
            category=ResponseCategory.CLOSED_WITH_RELIEF,
        )
    with django_capture_on_commit_callbacks(execute=True):
        complaint_review(complaint=complaint, decision="accepted")
    subjects = [email.subject for email in mail.outbox]
    assert len(subjects) >= 4, subjects  # acknowledgment, message, response, closure
    assert all(complaint.tracking_number in subject for subject in subjects)
    assert subjects[0].startswith("Recibimos su queja")
    for email in mail.outbox[:4]:
        assert email.reply_to == [f"quejas+{complaint.tracking_number}@alpha.example.gov"]
        link = _link_in(email.body)
        assert "/es/complaints/link/" in link
    assert _link_in(mail.outbox[0].body).startswith("https://cx.example.gov/")
    # The link opens the status page without the tracking number and email.
    path = _link_in(mail.outbox[2].body).split("cx.example.gov", 1)[-1]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "Pagamos." in page.content.decode()


def test_a_tampered_expired_or_stale_link_opens_nothing(complaint, client, settings):
    token = status_link_token(tracking_number=complaint.tracking_number, email="ana@example.com")
    url = f"/complaints/link/{token}/"
    track = f"/complaints/status/{complaint.tracking_number}/"
    tampered = client.get(url.replace(token, token[:-2] + "xx"), follow=True)
    assert "This link has expired or is not valid" in tampered.content.decode()
    assert client.get(track).status_code == 404
    settings.COMPLAINT_LINK_MAX_AGE_DAYS = 1
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert client.get(url).url == "/complaints/status/"
    complaint.contact_email = "someone-else@example.com"
    complaint.save()
    assert client.get(url).url == "/complaints/status/"
    assert client.get(track).status_code == 404
    # A link made for another complaint's address does not open this one.
    forged = status_link_token(tracking_number=complaint.tracking_number, email="x@example.com")
    assert client.get(f"/complaints/link/{forged}/").url == "/complaints/status/"


def test_canned_text_fills_only_its_placeholders(agency_a, admin_a, complaint):
    canned = canned_response_save(
        agency=agency_a,
        actor=admin_a,
        title="Paid",
        body="Dear {name}, about {tracking_number} ({service}): paid. {0.__class__} {unknown}",
        body_es="Estimada {name}: pagado.",
    )
    text = canned_response_text(canned=canned, complaint=complaint)
    assert text == (
        f"Dear Ana Ruiz, about {complaint.tracking_number} (Apply for benefits): paid. "
        "{0.__class__} {unknown}"
    )
    complaint.language = "es"
    assert canned_response_text(canned=canned, complaint=complaint) == "Estimada Ana Ruiz: pagado."
    with pytest.raises(ValidationError):
        canned_response_save(agency=agency_a, actor=admin_a, title="Paid", body="again")


# --- staff pages ---------------------------------------------------------------------------


def _case(complaint) -> str:
    return f"/staff/agencies/alpha/complaints/{complaint.pk}/"


def test_the_case_page_labels_the_customers_message_and_offers_only_valid_statuses(
    handler_a_client, complaint
):
    complaint_reply_add(complaint=complaint, body="Any news?")
    page = handler_a_client.get(_case(complaint)).content.decode()
    assert "From the customer" in page
    assert "From you" not in page
    select = re.search(r'<select name="to_status".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r'<option value="([a-z_]+)"( selected)?', select.group(0))
    assert options[0] == ("received", " selected")
    offered = {value for value, _selected in options}
    assert "closed" not in offered
    assert "responded" not in offered  # the response form does that
    assert {"in_progress", "awaiting_customer", "withdrawn"} <= offered
    same = handler_a_client.post(_case(complaint) + "status/", {"to_status": "received"})
    assert same.status_code == 302
    complaint.refresh_from_db()
    assert complaint.transitions.count() == 1


def test_a_handler_responds_from_the_case_page_with_a_canned_text(
    handler_a_client, complaint, agency_a, admin_a
):
    canned = canned_response_save(
        agency=agency_a,
        actor=admin_a,
        title="Explained",
        body="Hello {name}, we explained it.",
        response_category="closed_with_explanation",
    )
    page = handler_a_client.get(_case(complaint) + f"?canned={canned.pk}").content.decode()
    assert "Hello Ana Ruiz, we explained it." in page
    response = handler_a_client.post(
        _case(complaint) + "response/",
        {
            "respond-category": "closed_with_explanation",
            "respond-body": "Hello Ana Ruiz, we explained it.",
            "respond-attachments": [SimpleUploadedFile("letter.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.RESPONDED
    assert complaint.messages.get().attachments.get().original_name == "letter.pdf"


def test_another_agencys_handler_cannot_respond(client, handler_b, complaint):
    client.force_login(handler_b)
    response = client.post(
        _case(complaint) + "response/",
        {"respond-category": "closed_with_explanation", "respond-body": "x"},
    )
    assert response.status_code == 404
    assert not complaint.messages.exists()


def test_admins_manage_canned_responses_and_handlers_only_read_them(
    client, admin_a, role_a_client, agency_a
):
    client.force_login(admin_a)
    base = "/staff/agencies/alpha/complaints/canned/"
    created = client.post(
        base + "new/",
        {"title": "Relief", "body": "We refunded {name}.", "body_es": "", "is_active": "on"},
    )
    assert created.status_code == 302
    canned = CannedResponse.objects.get(agency=agency_a)
    edited = client.post(
        base + f"{canned.pk}/", {"title": "Relief", "body": "Refunded.", "body_es": "Reembolso."}
    )
    assert edited.status_code == 302
    canned.refresh_from_db()
    assert (canned.body_es, canned.is_active) == ("Reembolso.", False)
    handler = role_a_client(Role.COMPLAINT_HANDLER)
    assert "Relief" in handler.get(base).content.decode()
    assert handler.post(base + "new/", {"title": "x", "body": "y"}).status_code == 404
