"""Reading a complaint's personal data (case page, attachment, API) is an audit event."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cxgov.complaints.services import complaint_create
from cxgov.core.models import AuditEvent
from cxgov.core.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(agency_a):
    return complaint_create(
        agency=agency_a,
        what_happened="Late payment",
        contact_email="a@example.com",
        send_acknowledgment=False,
        attachments=[SimpleUploadedFile("note.txt", b"plain words")],
    )


def _reads(action: str):
    return AuditEvent.objects.filter(action=action)


def test_opening_a_case_page_is_audited(admin_a_client, admin_a, complaint):
    url = f"/staff/agencies/alpha/complaints/{complaint.pk}/"
    assert admin_a_client.get(url).status_code == 200
    event = _reads("complaint.read").get()
    assert event.actor == admin_a
    assert event.agency == complaint.agency
    assert event.target_id == str(complaint.pk)
    assert event.data == {"via": "page"}


def test_downloading_an_attachment_is_audited(admin_a_client, admin_a, complaint):
    attachment = complaint.attachments.get()
    url = f"/staff/agencies/alpha/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    assert admin_a_client.get(url).status_code == 200
    event = _reads("complaint.attachment_read").get()
    assert event.actor == admin_a
    assert event.target_id == str(complaint.pk)
    assert event.data == {"attachment": attachment.pk, "name": "note.txt"}


def test_reading_a_complaint_through_the_api_is_audited(client, handler_a, complaint):
    raw = token_create(user=handler_a, name="reader", scope="read")[1]
    response = client.get(
        f"/api/v1/agencies/alpha/complaints/{complaint.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    event = _reads("complaint.read").get()
    assert event.actor == handler_a
    assert event.data == {"via": "api"}


def test_a_refused_read_records_nothing(handler_b_client, complaint):
    url = f"/staff/agencies/alpha/complaints/{complaint.pk}/"
    assert handler_b_client.get(url).status_code == 404
    assert not _reads("complaint.read").exists()
