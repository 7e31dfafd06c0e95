"""Demo surveys: live, deterministic, spread over quarters, channels and services."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import AuditEvent, User
from cxgov.registry.demo import demo_load as registry_demo_load
from cxgov.surveys.demo import a11_v2_rows, demo_load
from cxgov.surveys.models import Answer, Invitation, InvitationStatus, OptOut, Response, Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys_have_thousands_of_responses_over_quarters(demo_data: None) -> None:
    live = Survey.objects.filter(agency__slug="fba", status="live")
    assert {s.template for s in live} == {"a11_v2", "a11_v1", "employee_barriers"}
    responses = Response.objects.filter(survey__agency__slug="fba")
    assert responses.count() > 3000
    quarters = {(r.year, (r.month - 1) // 3) for r in responses.dates("submitted_at", "month")}
    assert len(quarters) >= 5
    assert responses.values("channel").distinct().count() >= 4
    assert responses.values("service").distinct().count() >= 4
    assert responses.filter(language="es").exists()
    # One audit event per bulk load, not one per response.
    assert AuditEvent.objects.filter(action="response.bulk_create").count() == 3
    # Running again changes nothing.
    before = Answer.objects.count()
    demo_load()
    assert Answer.objects.count() == before


def test_demo_rows_are_the_same_every_time() -> None:
    registry_demo_load()
    from cxgov.registry.models import Service

    services = list(Service.objects.filter(agency__slug="fba").order_by("name"))
    first = a11_v2_rows(services, count=50)
    again = a11_v2_rows(services, count=50)
    assert [(r.answers, r.submitted_at) for r in first] == [
        (r.answers, r.submitted_at) for r in again
    ]


def test_employee_demo_text_is_scrubbed(demo_data: None) -> None:
    barriers = Answer.objects.filter(question__key="barriers").values_list("value_text", flat=True)
    assert barriers and not any("Jane" in text or "555" in text for text in barriers)


def test_demo_invitations_fill_every_status_of_the_staff_invitations_page(
    demo_data: None,
) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v1")
    invitations = Invitation.objects.filter(survey=survey)
    assert set(invitations.values_list("status", flat=True)) == set(InvitationStatus.values)
    assert invitations.filter(channel="sms").exists() and invitations.filter(language="es").exists()
    assert not invitations.filter(status="answered", used_at__isnull=True).exists()
    opted_out = invitations.filter(status="opted_out").values("contact_hash")
    assert OptOut.objects.filter(agency__slug="fba", contact_hash__in=opted_out).count() == 3
    # The demo links never open the survey: no stored hash is the hash of a token.
    assert all(
        not set(h) <= set("0123456789abcdef")
        for h in invitations.values_list("token_hash", flat=True)
    )

    client = Client()
    client.force_login(User.objects.get(email="analyst@fba.example.gov"))
    page = client.get(f"/staff/agencies/fba/surveys/{survey.pk}/invitations/list/")
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Sent", "Opened", "Answered", "Bounced", "Opted out"):
        assert label in text
    assert "@example.com" in text
