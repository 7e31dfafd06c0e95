"""The customer writes from the status page: text and files, only once they have opened the
complaint, with clear errors for bad input and never a stack trace."""

from __future__ import annotations

import string

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cxgov.complaints.models import Message, Status
from cxgov.complaints.services import (
    complaint_create,
    complaint_message_send,
    complaint_respond,
    complaint_transition,
)


@pytest.fixture
def complaint(agency_a):
    return complaint_create(
        agency=agency_a,
        what_happened="My card never arrived.",
        contact_email="ana@example.com",
        send_acknowledgment=False,
    )


def _open(client, complaint) -> str:
    client.post(
        "/complaints/status/",
        {"tracking_number": complaint.tracking_number, "email": "ana@example.com"},
    )
    return f"/complaints/status/{complaint.tracking_number}/"


def test_the_customer_answers_a_question_with_a_file_and_the_clock_restarts(
    client, complaint, handler_a
):
    complaint_message_send(
        complaint=complaint, actor=handler_a, body="Send the envelope.", await_reply=True
    )
    url = _open(client, complaint)
    page = client.get(url).content.decode()
    assert "We are waiting for your reply" in page
    response = client.post(
        url + "reply/",
        {"body": "Here it is.", "attachments": [SimpleUploadedFile("scan.pdf", b"%PDF-1.7 x")]},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    reply = complaint.messages.get(direction=Message.Direction.FROM_CUSTOMER)
    assert reply.via == Message.Via.WEB
    page = client.get(url).content.decode()
    assert "Your message was sent." in page
    assert "From you" in page
    assert "scan.pdf" in page
    download = client.get(url + f"files/{reply.attachments.get().pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_customer_sees_the_response_before_the_review_form(client, complaint, handler_a):
    complaint_respond(
        complaint=complaint,
        actor=handler_a,
        body="We mailed a new card on May 2.",
        category="closed_with_non_monetary_relief",
        attachments=[SimpleUploadedFile("tracking.txt", b"USPS 123")],
    )
    page = client.get(_open(client, complaint)).content.decode()
    assert page.index("Our response") < page.index("Does this response resolve your complaint?")
    assert "Closed with non-monetary relief" in page
    assert "We mailed a new card on May 2." in page
    assert "tracking.txt" in page


def test_without_opening_the_complaint_nobody_can_write_or_download(client, complaint):
    url = f"/complaints/status/{complaint.tracking_number}/"
    assert client.post(url + "reply/", {"body": "hi"}).status_code == 404
    assert client.get(url + "files/1/").status_code == 404
    assert not complaint.messages.exists()


def test_a_file_of_another_complaint_is_not_served(client, complaint, agency_a, handler_a):
    other = complaint_create(
        agency=agency_a, what_happened="x", contact_email="b@example.com", send_acknowledgment=False
    )
    message = complaint_message_send(
        complaint=other,
        actor=handler_a,
        body="yours",
        attachments=[SimpleUploadedFile("other.txt", b"secret")],
    )
    url = _open(client, complaint)
    assert client.get(url + f"files/{message.attachments.get().pk}/").status_code == 404


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ([SimpleUploadedFile("x.exe", b"MZ\x00\x00")], "is not a PDF, image"),
        ([SimpleUploadedFile(f"{n}.txt", b"a") for n in range(4)], "Attach at most 3 files."),
        ([SimpleUploadedFile("empty.txt", b"")], "empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(client, complaint, files, error):
    url = _open(client, complaint)
    response = client.post(url + "reply/", {"body": "see files", "attachments": files})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not complaint.messages.exists()


def test_a_withdrawn_complaint_takes_no_messages(client, complaint, handler_a):
    url = _open(client, complaint)
    complaint_transition(complaint=complaint, to_status=Status.WITHDRAWN, actor=handler_a)
    assert "Send message" not in client.get(url).content.decode()
    response = client.post(url + "reply/", {"body": "Please reopen"})
    assert response.status_code == 400
    assert "no longer takes messages" in response.content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.text(max_size=400),
        st.just("\x00\x00"),
        st.just("<script>alert(1)</script>"),
        st.just("x" * 10001),
        st.just("   "),
    ),
    name=st.text(max_size=80),
    content=st.binary(max_size=200),
)
def test_hostile_replies_never_break_the_page(client, complaint, body, name, content):
    try:
        upload = SimpleUploadedFile(name, content)
    except SuspiciousFileOperation:
        assume(False)  # the test client itself cannot send such a name
    url = _open(client, complaint)
    before = complaint.messages.count()
    response = client.post(url + "reply/", {"body": body, "attachments": [upload]})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert complaint.messages.count() == before
        assert "<script>alert(1)</script>" not in response.content.decode()
    else:
        stored = complaint.messages.latest("id")
        assert "\x00" not in stored.body
        assert 0 < len(stored.body) <= 10000


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(alphabet=string.ascii_letters + string.digits + ":-_", max_size=300))
def test_any_link_token_opens_nothing(client, complaint, token):
    if token:
        response = client.get(f"/complaints/link/{token}/")
        assert response.status_code == 302
        assert response.url == "/complaints/status/"
    assert client.get(f"/complaints/status/{complaint.tracking_number}/").status_code == 404
