"""Staff queue, case page, staff entry and attachment download; other agencies get 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cxgov.complaints.models import Complaint, Status
from cxgov.complaints.services import complaint_create, complaint_note_add
from cxgov.core.models import AuditEvent

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


def _base(complaint):
    return f"/staff/agencies/alpha/complaints/{complaint.pk}/"


def test_queue_lists_open_complaints_by_due_date(handler_a_client, agency_a, complaint):
    later = complaint_create(agency=agency_a, what_happened="b", send_acknowledgment=False)
    Complaint.objects.filter(pk=later.pk).update(
        respond_due_at=complaint.respond_due_at.replace(year=2099)
    )
    body = handler_a_client.get("/staff/agencies/alpha/complaints/").content.decode()
    assert body.index(complaint.tracking_number) < body.index(later.tracking_number)
    filtered = handler_a_client.get("/staff/agencies/alpha/complaints/?q=Late").content.decode()
    assert later.tracking_number not in filtered


def test_bulk_assign(handler_a_client, handler_a, agency_a, complaint):
    other = complaint_create(agency=agency_a, what_happened="b", send_acknowledgment=False)
    response = handler_a_client.post(
        "/staff/agencies/alpha/complaints/",
        {"complaint": [complaint.pk, other.pk], "assignee": handler_a.pk},
    )
    assert response.status_code == 302
    assert Complaint.objects.filter(assignee=handler_a).count() == 2


def test_case_page_keeps_notes_apart_and_changes_status(handler_a_client, handler_a, complaint):
    complaint_note_add(complaint=complaint, actor=handler_a, body="internal thought")
    page = handler_a_client.get(_base(complaint)).content.decode()
    assert "internal thought" in page
    assert "Internal notes" in page
    handler_a_client.post(_base(complaint) + "status/", {"to_status": "in_progress"})
    handler_a_client.post(_base(complaint) + "messages/", {"message-body": "Hello"})
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.messages.get().body == "Hello"
    # A status the complaint cannot go to is not offered, and refused when sent anyway.
    bad = handler_a_client.post(_base(complaint) + "status/", {"to_status": "closed"}, follow=True)
    assert "closed is not one of the available choices" in bad.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_staff_enter_a_phone_complaint(handler_a_client, agency_a):
    response = handler_a_client.post(
        "/staff/agencies/alpha/complaints/new/",
        {
            "channel": "phone",
            "what_happened": "Called about a lost check",
            "contact_preference": "phone",
            "contact_phone": "555-0100",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "phone"
    assert AuditEvent.objects.filter(action="complaint.create", actor__isnull=False).exists()


def test_attachment_downloads_as_attachment_only(handler_a_client, complaint):
    attachment = complaint.attachments.get()
    response = handler_a_client.get(_base(complaint) + f"attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"plain words"


def test_other_agency_gets_404_everywhere(handler_b_client, complaint):
    attachment = complaint.attachments.get()
    for url in (
        "/staff/agencies/alpha/complaints/",
        "/staff/agencies/alpha/complaints/new/",
        _base(complaint),
        _base(complaint) + f"attachments/{attachment.pk}/",
        f"/staff/agencies/bravo/complaints/{complaint.pk}/",
    ):
        assert handler_b_client.get(url).status_code == 404, url
    assert (
        handler_b_client.post(_base(complaint) + "status/", {"to_status": "withdrawn"}).status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(client, complaint):
    assert client.get(_base(complaint)).status_code == 302


def test_analytics_shows_measures_with_n_and_themes(analyst_a_client, agency_a):
    from cxgov.complaints.models import Category

    category = Category.objects.create(agency=agency_a, name="Payments")
    for i in range(6):
        complaint_create(
            agency=agency_a,
            category=category,
            what_happened=f"The payment deposit is late again, case {i}",
            send_acknowledgment=False,
        )
    page = analyst_a_client.get("/staff/agencies/alpha/complaints/analytics/?by=category")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Payments" in body
    assert "payment deposit" in body
    assert (
        analyst_a_client.get("/staff/agencies/alpha/complaints/analytics/?by=nonsense").status_code
        == 200
    )


def test_analytics_of_another_agency_is_404(handler_b_client, agency_a):
    assert handler_b_client.get("/staff/agencies/alpha/complaints/analytics/").status_code == 404


def test_admin_sets_up_taxonomy_team_routing_and_sla(admin_a_client, admin_a, agency_a, service_a):
    from cxgov.complaints.models import Category, RoutingRule, SlaPolicy, Team

    url = "/staff/agencies/alpha/complaints/setup/"
    assert admin_a_client.get(url).status_code == 200
    admin_a_client.post(url, {"kind": "category", "category-name": "Payments"})
    payments = Category.objects.get(name="Payments")
    admin_a_client.post(
        url, {"kind": "category", "category-name": "Late", "category-parent": payments.pk}
    )
    admin_a_client.post(url, {"kind": "team", "team-name": "Money", "team-lead": admin_a.pk})
    team = Team.objects.get()
    admin_a_client.post(
        url, {"kind": "rule", "rule-team": team.pk, "rule-keywords": "deposit", "rule-position": 0}
    )
    response = admin_a_client.post(
        url,
        {
            "kind": "sla",
            "sla-sla_service": service_a.pk,
            "sla-acknowledge_business_days": 2,
            "sla-respond_days": 10,
            "sla-final_days": 30,
            "sla-due_soon_business_days": 1,
            "sla-review_days": 14,
        },
    )
    assert response.status_code == 302
    assert RoutingRule.objects.get().team == team
    assert SlaPolicy.objects.get(service=service_a).respond_days == 10
    complaint = complaint_create(
        agency=agency_a,
        service=service_a,
        what_happened="My deposit is late",
        send_acknowledgment=False,
    )
    assert complaint.team == team
    bad = admin_a_client.post(url, {"kind": "category", "category-name": "Payments"})
    assert bad.status_code == 400
    assert "already exists" in bad.content.decode()


def test_analyst_cannot_change_setup_and_other_agency_gets_404(analyst_a_client, handler_b_client):
    url = "/staff/agencies/alpha/complaints/setup/"
    assert analyst_a_client.get(url).status_code == 200
    assert analyst_a_client.post(url, {"kind": "team", "team-name": "X"}).status_code == 404
    assert handler_b_client.get(url).status_code == 404
