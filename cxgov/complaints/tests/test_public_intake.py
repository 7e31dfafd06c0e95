"""Public intake, status lookup and review over HTTP, hostile input included."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.models import Attachment, Complaint, Status
from cxgov.complaints.selectors import (
    complaint_public_lookup,
    complaint_settings_for,
    narrative_scrubbed,
)
from cxgov.complaints.services import complaint_create, complaint_transition, narrative_approve

pytestmark = pytest.mark.django_db

VALID = {
    "what_happened": "The office lost my form twice.",
    "desired_resolution": "Process my form.",
    "contact_email": "maria@example.com",
    "contact_preference": "email",
}


def _post(client, slug="alpha", prefix="", **extra):
    return client.post(f"{prefix}/agencies/{slug}/complaints/new/", {**VALID, **extra})


def test_form_page_preselects_the_service_from_the_link(client, agency_a, service_a):
    response = client.get("/agencies/alpha/complaints/new/?service=apply")
    assert response.status_code == 200
    assert f'<option value="{service_a.pk}" selected>' in response.content.decode()


def test_spanish_form_is_served_under_es(client, agency_a):
    response = client.get("/es/agencies/alpha/complaints/new/")
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()


def test_choose_agency_links_to_the_complaint_form_with_the_service(client, agency_a):
    response = client.get("/complaints/?agency=alpha&service=apply")
    assert "/agencies/alpha/complaints/new/?service=apply" in response.content.decode()


def test_filing_shows_the_tracking_number_and_status(client, agency_a, service_a):
    response = _post(client, service=service_a.pk)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.service == service_a
    page = client.get(response["Location"])
    assert complaint.tracking_number in page.content.decode()
    track = client.get(f"/complaints/status/{complaint.tracking_number}/")
    assert track.status_code == 200


def test_missing_story_and_bad_email_get_field_errors(client, agency_a):
    response = _post(client, what_happened="   ", contact_email="not-an-email")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_what_happened_error"' in body
    assert 'id="id_contact_email_error"' in body
    assert not Complaint.objects.exists()


def test_honeypot_submission_is_dropped_quietly(client, agency_a):
    response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Complaint.objects.exists()


def test_attachment_type_is_judged_by_content(client, agency_a):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03binary", content_type="image/png")
    response = _post(client, attachments=fake)
    assert response.status_code == 400
    assert "is not a PDF" in response.content.decode()
    pdf = SimpleUploadedFile("letter.txt", b"%PDF-1.4 hello", content_type="text/plain")
    assert _post(client, attachments=pdf).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "/private/" in attachment.file.path
    assert attachment.file.path.endswith(".pdf")


def test_attachment_over_the_size_limit_is_refused(client, agency_a):
    big = SimpleUploadedFile("big.txt", b"a" * (5 * 1024 * 1024 + 1))
    response = _post(client, attachments=big)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    email=st.text(max_size=60),
    name=st.text(max_size=60),
    preference=st.sampled_from(["email", "phone", "postal_mail", "x", ""]),
)
def test_hostile_input_never_breaks_the_form(client, agency_a, text, email, name, preference):
    response = client.post(
        "/agencies/alpha/complaints/new/",
        {
            "what_happened": text,
            "contact_email": email,
            "contact_name": name,
            "contact_preference": preference,
        },
    )
    assert response.status_code in (302, 400)


def test_status_lookup_needs_number_and_email(client, agency_a):
    complaint = complaint_create(
        agency=agency_a, what_happened="x", contact_email="a@example.com", send_acknowledgment=False
    )
    number = complaint.tracking_number
    assert complaint_public_lookup(tracking_number=number.lower(), email="A@example.com ")
    assert complaint_public_lookup(tracking_number=number, email="b@example.com") is None
    assert (
        complaint_public_lookup(tracking_number="C-0000-0000-0000", email="a@example.com") is None
    )
    wrong_email = client.post(
        "/complaints/status/", {"tracking_number": number, "email": "b@example.com"}
    )
    wrong_number = client.post(
        "/complaints/status/", {"tracking_number": "C-0000-0000-0000", "email": "a@example.com"}
    )
    assert wrong_email.status_code == wrong_number.status_code == 400
    message = "We could not find a complaint with that tracking number and email address."
    assert message in wrong_email.content.decode()
    assert message in wrong_number.content.decode()
    # Without the lookup, the tracking page is not there.
    assert client.get(f"/complaints/status/{number}/").status_code == 404
    ok = client.post("/complaints/status/", {"tracking_number": number, "email": "a@example.com"})
    assert ok.status_code == 302
    assert client.get(ok["Location"]).status_code == 200


def test_customer_disputes_on_the_tracking_page_and_the_case_reopens(client, agency_a, handler_a):
    complaint = complaint_create(
        agency=agency_a, what_happened="x", contact_email="a@example.com", send_acknowledgment=False
    )
    complaint_transition(complaint=complaint, to_status=Status.RESPONDED, actor=handler_a)
    client.post(
        "/complaints/status/",
        {"tracking_number": complaint.tracking_number, "email": "a@example.com"},
    )
    url = f"/complaints/status/{complaint.tracking_number}/"
    assert "Does this response resolve your complaint?" in client.get(url).content.decode()
    response = client.post(url, {"decision": "disputed", "comment": "Still broken"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.review == "disputed"


def test_internal_notes_never_reach_the_tracking_page(client, agency_a, handler_a):
    from cxgov.complaints.services import complaint_message_send, complaint_note_add

    complaint = complaint_create(
        agency=agency_a, what_happened="x", contact_email="a@example.com", send_acknowledgment=False
    )
    complaint_note_add(complaint=complaint, actor=handler_a, body="INTERNAL-SECRET")
    complaint_message_send(complaint=complaint, actor=handler_a, body="We are looking into it.")
    client.post(
        "/complaints/status/",
        {"tracking_number": complaint.tracking_number, "email": "a@example.com"},
    )
    body = client.get(f"/complaints/status/{complaint.tracking_number}/").content.decode()
    assert "We are looking into it." in body
    assert "INTERNAL-SECRET" not in body


def test_public_data_has_no_contacts_and_scrubbed_consented_narratives(client, agency_a, handler_a):
    consented = complaint_create(
        agency=agency_a,
        what_happened="Call me at 202-555-0143 about account 99887766.",
        contact_email="secret@example.com",
        contact_name="Secret Person",
        consent_to_publish=True,
        send_acknowledgment=False,
    )
    complaint_create(
        agency=agency_a,
        what_happened="Private story",
        contact_email="other@example.com",
        send_acknowledgment=False,
    )
    # Published only once the agency responded and a reviewer approved the scrubbed text.
    complaint_transition(complaint=consented, to_status="responded", actor=handler_a)
    narrative_approve(
        complaint=consented,
        actor=handler_a,
        text=narrative_scrubbed(
            complaint=consented, settings=complaint_settings_for(agency=agency_a)
        ),
    )
    csv_body = b"".join(client.get("/agencies/alpha/complaints.csv").streaming_content).decode()
    assert csv_body.startswith("Date received,Product,Issue,Service,Consumer complaint narrative")
    rows = client.get("/agencies/alpha/complaints.json").json()
    assert len(rows) == 2
    text = csv_body + str(rows)
    for secret in ("secret@example.com", "Secret Person", "555-0143", "99887766", "Private story"):
        assert secret not in text
    assert "[phone removed]" in rows[0]["Consumer complaint narrative"]
    assert rows[1]["Consumer consent provided?"] == "Consent not provided"
    assert client.get("/agencies/alpha/complaints.xml").status_code == 404
