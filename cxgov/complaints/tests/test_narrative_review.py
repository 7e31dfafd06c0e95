"""A consented narrative reaches the public only after the agency's response (or its waiting
period), scrubbed, and approved by a reviewer in the review queue; each decision is audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.complaints import services
from cxgov.complaints.models import Category, Complaint, NarrativeReview
from cxgov.core.models import AuditEvent, Role
from cxgov.insights.complaint_scrub import case_patterns_check

pytestmark = pytest.mark.django_db

SECRET = "Ms. Whitfield lost claim FBA-2024-0012345 mailed to 12 Oak Street, Springfield, IL 62704"
STORY = "The refund never came"  # ordinary words that survive scrubbing


@pytest.fixture
def consented(agency_a):
    category = Category.objects.create(agency=agency_a, name="Refunds")
    return services.complaint_create(
        agency=agency_a,
        category=category,
        what_happened=f"{STORY}. {SECRET}.",
        contact_email="maria@example.com",
        consent_to_publish=True,
        address_string="Agency office",
        send_acknowledgment=False,
    )


def _public_texts(client: Client) -> str:
    """Everything the public can read about the agency's complaints, in one string."""
    parts = [
        b"".join(client.get("/agencies/alpha/complaints.csv").streaming_content).decode(),
        client.get("/agencies/alpha/complaints.json").content.decode(),
        client.get("/es/agencies/alpha/complaints.json").content.decode(),
    ]
    for fmt in ("json", "xml"):
        parts.append(client.get(f"/open311/v2/requests.{fmt}").content.decode())
        for complaint in Complaint.objects.all():
            parts.append(client.get(f"/open311/v2/requests/{complaint.pk}.{fmt}").content.decode())
    parts.append(client.get("/agencies/alpha/").content.decode())
    return "\n".join(parts)


def _approve(complaint, actor, text=None):
    return services.narrative_approve(
        complaint=complaint,
        actor=actor,
        text=text if text is not None else _proposed(complaint),
    )


def _proposed(complaint):
    from cxgov.complaints.selectors import complaint_settings_for, narrative_scrubbed

    return narrative_scrubbed(
        complaint=complaint, settings=complaint_settings_for(agency=complaint.agency)
    )


def test_a_narrative_appears_in_no_public_feed_before_response_and_approval(
    client, consented, handler_a
):
    # Filed with consent: nowhere.
    assert STORY not in _public_texts(client)
    # Approved but not yet answered by the agency: still nowhere.
    _approve(consented, handler_a)
    assert STORY not in _public_texts(client)
    # Answered but withheld: nowhere.
    services.complaint_transition(complaint=consented, to_status="responded", actor=handler_a)
    consented.refresh_from_db()
    services.narrative_withhold(complaint=consented, actor=handler_a, reason="Too specific")
    assert STORY not in _public_texts(client)
    # Answered and approved: the scrubbed text, in every feed, never the original.
    _approve(consented, handler_a)
    published = _public_texts(client)
    assert published.count(STORY) >= 5
    for secret in ("Whitfield", "FBA-2024", "0012345", "Oak Street", "Springfield", "62704"):
        assert secret not in published
    rows = client.get("/agencies/alpha/complaints.json").json()
    assert rows[0]["Consumer complaint narrative"].startswith(STORY)
    assert json.loads(client.get("/open311/v2/requests.json").content)[0]["description"].startswith(
        STORY
    )


def test_a_narrative_the_person_did_not_consent_to_is_never_published(client, agency_a, handler_a):
    complaint = services.complaint_create(
        agency=agency_a,
        what_happened=f"{STORY}.",
        contact_email="x@example.com",
        send_acknowledgment=False,
    )
    services.complaint_transition(complaint=complaint, to_status="responded", actor=handler_a)
    with pytest.raises(Exception, match="consent"):
        _approve(complaint, handler_a, text=STORY)
    assert STORY not in _public_texts(client)


def test_the_agency_may_publish_after_a_number_of_days_without_a_response(
    client, consented, admin_a, handler_a
):
    services.complaint_settings_save(
        agency=consented.agency,
        actor=admin_a,
        narrative_publish_after_days=15,
        case_number_patterns="",
    )
    _approve(consented, handler_a)
    assert STORY not in _public_texts(client)
    Complaint.objects.filter(pk=consented.pk).update(
        received_at=timezone.now() - timedelta(days=16)
    )
    assert STORY in _public_texts(client)


def test_the_queue_shows_original_and_scrubbed_side_by_side_and_audits_the_read(
    handler_a_client, consented, admin_a
):
    services.complaint_settings_save(
        agency=consented.agency,
        actor=admin_a,
        narrative_publish_after_days=None,
        case_number_patterns=r"FBA-\d{4}-\d{7}",
    )
    response = handler_a_client.get("/staff/agencies/alpha/complaints/narratives/")
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET in body  # the original, for the reviewer
    assert "lost claim [case number removed] mailed to [address removed]" in body
    assert "Ms. [name removed]" in body
    event = AuditEvent.objects.get(action="complaint.narratives.read")
    assert event.data["complaints"] == [consented.pk]
    spanish = handler_a_client.get("/es/staff/agencies/alpha/complaints/narratives/")
    assert spanish.status_code == 200


def test_approve_edit_and_withhold_from_the_queue_each_leave_an_audit_event(
    handler_a_client, consented
):
    url = f"/staff/agencies/alpha/complaints/{consented.pk}/narrative/"
    edited = f"{STORY}, says the customer. Call 202-555-0143."
    response = handler_a_client.post(url, {"decision": "approve", "text": edited}, follow=True)
    assert response.status_code == 200
    consented.refresh_from_db()
    assert consented.narrative_review == NarrativeReview.APPROVED
    # An edit is scrubbed again: the reviewer cannot publish what the scrubber removes.
    assert consented.narrative_public == f"{STORY}, says the customer. Call [phone removed]."
    approve = AuditEvent.objects.get(action="complaint.narrative.approve")
    assert approve.data["edited"] is True and approve.data["rescrubbed"] is True
    assert "removed more" in response.content.decode()

    handler_a_client.post(url, {"decision": "withhold", "reason": "Names a staff member"})
    consented.refresh_from_db()
    assert consented.narrative_review == NarrativeReview.WITHHELD
    assert consented.narrative_public == ""
    withhold = AuditEvent.objects.get(action="complaint.narrative.withhold")
    assert withhold.data["reason"] == "Names a staff member"
    listed = handler_a_client.get("/staff/agencies/alpha/complaints/narratives/?state=withheld")
    assert consented.tracking_number in listed.content.decode()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"decision": "approve", "text": "  "}, "Give the text to publish"),
        ({"decision": "publish", "text": STORY}, "Select a valid choice"),
        ({"decision": "approve", "text": "x" * 10001}, "at most 10000 characters"),
    ],
)
def test_a_bad_review_is_refused_with_a_clear_message(handler_a_client, consented, data, says):
    url = f"/staff/agencies/alpha/complaints/{consented.pk}/narrative/"
    response = handler_a_client.post(url, data, follow=True)
    assert says in response.content.decode()
    consented.refresh_from_db()
    assert consented.narrative_review == NarrativeReview.PENDING


@pytest.mark.parametrize(
    "role", [Role.CX_ANALYST, Role.FRONTLINE_EMPLOYEE, Role.OVERSIGHT, Role.SERVICE_MANAGER]
)
def test_only_complaint_handlers_and_agency_admins_review(role_a_client, consented, role):
    client = role_a_client(role)
    assert client.get("/staff/agencies/alpha/complaints/narratives/").status_code == 404
    url = f"/staff/agencies/alpha/complaints/{consented.pk}/narrative/"
    assert client.post(url, {"decision": "approve", "text": STORY}).status_code == 404
    consented.refresh_from_db()
    assert consented.narrative_review == NarrativeReview.PENDING


def test_another_agencys_handler_cannot_review(handler_b_client, consented):
    url = f"/staff/agencies/alpha/complaints/{consented.pk}/narrative/"
    assert handler_b_client.post(url, {"decision": "approve", "text": STORY}).status_code == 404
    assert handler_b_client.get("/staff/agencies/alpha/complaints/narratives/").status_code == 404


def test_unsafe_case_number_patterns_are_refused_with_the_reason(admin_a_client, agency_a):
    response = admin_a_client.post(
        "/staff/agencies/alpha/complaints/setup/",
        {
            "kind": "narratives",
            "narratives-narrative_publish_after_days": "15",
            "narratives-case_number_patterns": "FBA-\\d{4}-\\d{7}\n(\\d+)+X\n\\w+\n[",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pattern 2" in body and "exponential time" in body
    assert "Pattern 3" in body and "ordinary text" in body
    assert "Pattern 4" in body and "not a regular expression" in body
    response = admin_a_client.post(
        "/staff/agencies/alpha/complaints/setup/",
        {
            "kind": "narratives",
            "narratives-narrative_publish_after_days": "",
            "narratives-case_number_patterns": "FBA-\\d{4}-\\d{7}\r\nCLM\\d{8}",
        },
    )
    assert response.status_code == 302
    saved = agency_a.complaint_settings
    assert saved.case_number_patterns == "FBA-\\d{4}-\\d{7}\nCLM\\d{8}"
    assert saved.narrative_publish_after_days is None
    assert AuditEvent.objects.filter(action="complaint.settings.save").exists()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=25))
def test_any_pattern_text_is_judged_without_crashing(lines):
    for problem in case_patterns_check(lines):
        assert problem.code
