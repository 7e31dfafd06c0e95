"""Complaint cases hold contact details: only those who handle complaints open the queue, a case
or an attachment; every other role gets the page a missing complaint gets."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cxgov.complaints.services import complaint_create
from cxgov.core.models import Role
from cxgov.testing.access import answers_like_missing

pytestmark = pytest.mark.django_db

HANDLERS = {Role.AGENCY_ADMIN, Role.SERVICE_MANAGER, Role.COMPLAINT_HANDLER}


@pytest.fixture
def complaint(agency_a):
    return complaint_create(
        agency=agency_a,
        what_happened="Late payment",
        contact_email="person@example.com",
        contact_name="Pat Example",
        send_acknowledgment=False,
        attachments=[SimpleUploadedFile("note.txt", b"plain words")],
    )


def _urls(complaint) -> dict[str, tuple[str, str]]:
    """Page → (its URL, the same URL naming a complaint that does not exist)."""
    base = "/staff/agencies/alpha/complaints/"
    attachment = complaint.attachments.get()
    return {
        "queue": (base, "/staff/agencies/no-such-agency/complaints/"),
        "case": (f"{base}{complaint.pk}/", f"{base}999999/"),
        "attachment": (
            f"{base}{complaint.pk}/attachments/{attachment.pk}/",
            f"{base}999999/attachments/{attachment.pk}/",
        ),
    }


@pytest.mark.parametrize("role", list(Role))
def test_only_complaint_handlers_open_the_queue_cases_and_attachments(
    role_a_client, complaint, role
):
    client = role_a_client(role)
    for page, (url, missing_url) in _urls(complaint).items():
        got = client.get(url)
        if role in HANDLERS:
            assert got.status_code == 200, (page, role)
        else:
            missing = client.get(missing_url)
            assert answers_like_missing(got, missing), (page, role)
            assert b"person@example.com" not in got.content


@pytest.mark.parametrize("role", sorted(set(Role) - HANDLERS))
def test_roles_without_cases_still_read_complaint_analytics(role_a_client, complaint, role):
    page = role_a_client(role).get("/staff/agencies/alpha/complaints/analytics/")
    assert page.status_code == 200
    assert b"person@example.com" not in page.content
    assert b'href="/staff/agencies/alpha/complaints/"' not in page.content


@pytest.mark.parametrize("role", list(Role))
def test_the_agency_page_links_to_the_queue_only_for_complaint_handlers(
    role_a_client, agency_a, role
):
    page = role_a_client(role).get("/staff/agencies/alpha/").content.decode()
    assert ('href="/staff/agencies/alpha/complaints/"' in page) == (role in HANDLERS)
    assert 'href="/staff/agencies/alpha/complaints/analytics/"' in page
