"""Each domain write makes its event once committed, and each body carries only what the
subscription's scope reads: no complainant's personal data or answers without their area."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cxgov.a11.services import collection_submit
from cxgov.a11.tests.factories import ready_collection
from cxgov.complaints.services import complaint_create, complaint_message_send, complaint_transition
from cxgov.core.models import Agency, User
from cxgov.plans.services import plan_create, plan_publish
from cxgov.standards.services import missed_period_record
from cxgov.surveys.services import response_submit, survey_create, survey_publish
from cxgov.testing.factories import ServiceFactory, StandardFactory, cleared
from cxgov.webhooks import transport
from cxgov.webhooks.models import Delivery, DeliveryStatus, Event, EventType
from cxgov.webhooks.services import subscription_create

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.215.14/hooks"
PERSONAL = ("tracking_number", "what_happened", "contact", "assignee", "message", "answers")


@pytest.fixture(autouse=True)
def sent(monkeypatch) -> list[dict[str, Any]]:
    """Every POST the deliveries make, answered 204 without touching the network."""
    posts: list[dict[str, Any]] = []

    def fake_post(*, url: str, body: bytes, headers: dict[str, str]) -> transport.PostResult:
        posts.append({"url": url, "body": json.loads(body), "headers": headers})
        return transport.PostResult(True, 204, "", "", 1)

    monkeypatch.setattr(transport, "post", fake_post)
    return posts


def _subscribe(agency: Agency, admin: User, events: list[str], areas: list[str], name: str = "s"):
    subscription, _secret = subscription_create(
        agency=agency, actor=admin, name=name, url=PUBLIC_URL, events=events, areas=areas
    )
    return subscription


def _bodies(subscription) -> list[dict[str, Any]]:
    return [
        json.loads(d.body)
        for d in Delivery.objects.filter(subscription=subscription).order_by("pk")
    ]


def _complaint(agency: Agency):
    return complaint_create(
        agency=agency,
        what_happened="The clerk shouted at me.",
        contact_name="Ana Ruiz",
        contact_email="ana@example.com",
        contact_phone="555-0100",
        send_acknowledgment=False,
    )


def test_complaint_personal_data_goes_only_to_a_scope_with_complaints(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    narrow = _subscribe(agency_a, admin_a, ["complaint.created"], [], name="narrow")
    wide = _subscribe(agency_a, admin_a, ["complaint.created"], ["complaints"], name="wide")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = _complaint(agency_a)

    [bare] = _bodies(narrow)
    [full] = _bodies(wide)
    assert bare["id"] == full["id"]
    assert bare["data"]["id"] == complaint.pk
    assert bare["data"]["status"] == "received"
    assert bare["scope"] == []
    assert not set(PERSONAL) & set(bare["data"])
    assert "Ana" not in json.dumps(bare) and "shouted" not in json.dumps(bare)
    assert full["data"]["contact"]["email"] == "ana@example.com"
    assert full["data"]["what_happened"] == "The clerk shouted at me."
    assert full["data"]["tracking_number"] == complaint.tracking_number
    assert Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2


def test_complaint_changes_and_the_response_are_their_own_events(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    events = ["complaint.updated", "complaint.responded"]
    narrow = _subscribe(agency_a, admin_a, events, [], name="narrow")
    wide = _subscribe(agency_a, admin_a, events, ["complaints"], name="wide")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = _complaint(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(complaint=complaint, to_status="in_progress", actor=admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_message_send(complaint=complaint, actor=admin_a, body="We are on it, Ana.")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(complaint=complaint, to_status="responded", actor=admin_a)

    full = _bodies(wide)
    assert [(b["type"], b["data"].get("change")) for b in full] == [
        ("complaint.updated", "status"),
        ("complaint.updated", "message"),
        ("complaint.responded", "status"),
    ]
    assert full[1]["data"]["message"]["body"] == "We are on it, Ana."
    assert full[2]["data"]["responded_at"].endswith("Z")
    for bare in _bodies(narrow):
        assert not set(PERSONAL) & set(bare["data"])
        assert "Ana" not in json.dumps(bare)


def test_a_write_that_rolls_back_makes_no_event(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    _subscribe(agency_a, admin_a, ["complaint.created"], ["complaints"])

    def file_then_fail() -> None:
        with transaction.atomic():
            _complaint(agency_a)
            raise RuntimeError("undone")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        file_then_fail()
    assert not Event.objects.exists()


def test_another_agency_and_unwanted_events_get_nothing(
    agency_a, agency_b, admin_a, django_capture_on_commit_callbacks, sent
):
    _subscribe(agency_a, admin_a, ["plan.published"], [])
    with django_capture_on_commit_callbacks(execute=True):
        _complaint(agency_a)
        _complaint(agency_b)
    assert not Event.objects.exists()
    assert sent == []


def _survey(agency: Agency, **fields: Any):
    service = ServiceFactory(agency=agency, slug="apply", status="published")
    survey = survey_create(
        actor=None,
        agency=agency,
        template="a11_v2",
        services=[service],
        omb_control_number="1234-5678",
        omb_expiration_date=date(2030, 1, 31),
        **fields,
    )
    return survey_publish(actor=None, survey=cleared(survey))


def test_response_answers_go_only_to_a_scope_with_responses(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    narrow = _subscribe(agency_a, admin_a, ["response.created"], ["complaints"], name="narrow")
    wide = _subscribe(agency_a, admin_a, ["response.created"], ["responses"], name="wide")
    survey = _survey(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(
            survey=survey, answers={"trust": "1", "comments": "Quick."}, submission_id="w-1"
        )
    [bare] = _bodies(narrow)
    [full] = _bodies(wide)
    assert bare["data"]["id"] == response.pk
    assert bare["data"]["survey"]["id"] == survey.pk
    assert "answers" not in bare["data"]
    assert {"question": "comments", "value": "Quick."} in full["data"]["answers"]


def test_employee_survey_responses_make_no_event(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    _subscribe(agency_a, admin_a, ["response.created"], ["responses"])
    survey = _survey(agency_a, audience="employee")
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(survey=survey, answers={"trust": "1"}, submission_id="e-1")
    assert not Event.objects.exists()


def test_missed_period_a11_submission_and_plan_publication_are_events(
    agency_a, admin_a, django_capture_on_commit_callbacks
):
    events = ["standard.period_missed", "a11.report_submitted", "plan.published"]
    narrow = _subscribe(agency_a, admin_a, events, [], name="narrow")
    wide = _subscribe(agency_a, admin_a, events, ["standards", "a11", "plans"], name="wide")
    standard = StandardFactory(service__agency=agency_a)
    survey = _survey(agency_a)
    collection = ready_collection(service=survey.services.get(), survey=survey)
    plan = plan_create(actor=admin_a, agency=agency_a, year=2027)
    with django_capture_on_commit_callbacks(execute=True):
        missed_period_record(
            actor=None,
            standard=standard,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            share=0.5,
            n=40,
        )
    with django_capture_on_commit_callbacks(execute=True):
        collection_submit(actor=admin_a, collection=collection)
    with django_capture_on_commit_callbacks(execute=True):
        plan_publish(actor=admin_a, plan=plan)

    full = _bodies(wide)
    assert [b["type"] for b in full] == events
    assert full[0]["data"]["share"] == 0.5
    assert full[0]["data"]["period_start"] == "2026-01-01"
    assert full[1]["data"]["volume_of_customers"] == 5000
    assert full[2]["data"]["url"].endswith("/agencies/alpha/plan/")
    bare = _bodies(narrow)
    assert "share" not in bare[0]["data"] and bare[0]["data"]["standard"] == standard.pk
    assert "volume_of_customers" not in bare[1]["data"] and bare[1]["data"]["quarter"] == 2
    assert "url" not in bare[2]["data"] and bare[2]["data"]["version"] == 1


def test_nobody_gives_a_subscription_an_area_they_cannot_read(agency_a, analyst_a):
    with pytest.raises(ValidationError) as refused:
        subscription_create(
            agency=agency_a,
            actor=analyst_a,
            name="CRM",
            url=PUBLIC_URL,
            events=["complaint.created"],
            areas=["complaints"],
        )
    assert "areas" in refused.value.message_dict


def test_unknown_events_and_areas_are_refused(agency_a, admin_a):
    with pytest.raises(ValidationError) as refused:
        subscription_create(
            agency=agency_a,
            actor=admin_a,
            name="CRM",
            url=PUBLIC_URL,
            events=["complaint.created", "user.deleted"],
            areas=["everything"],
        )
    assert set(refused.value.message_dict) == {"events", "areas"}
    assert EventType.COMPLAINT_CREATED in EventType.values
