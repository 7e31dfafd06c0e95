"""Journeys over HTTP: a journey of three stages built through the forms shows its time tax,
whose interval the test recomputes by hand from the stored answers and the research figures,
names the costliest stage, and shows per stage percent positive, complaints and the standard's
result; other agencies' staff get 404, roles without MANAGE_JOURNEYS read but do not change,
hostile input is refused or escaped, and oversight keeps the site-wide life experiences.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cxgov.complaints.models import Complaint
from cxgov.core.models import Agency, AuditEvent, Role
from cxgov.core.permissions import Can
from cxgov.core.services import site_grant_give
from cxgov.journeys.burden import Z_95
from cxgov.journeys.models import Journey, JourneyStage, LifeExperience, Persona
from cxgov.registry.models import ServiceStage
from cxgov.standards.selectors import standard_latest
from cxgov.surveys.models import Answer, Question, Response
from cxgov.testing.factories import (
    ComplaintCategoryFactory,
    SegmentFactory,
    ServiceFactory,
    StandardFactory,
    SurveyFactory,
    UserFactory,
)

MINUTES = [10, 20, 30, 40, 55]  # the survey's answers on stage two
RATINGS = [4, 5, 2, 4, 1]  # agreement at stage two: 2 of 5 below 4, so 60% positive


def _stage_post(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "",
        "name_es": "",
        "service_stage": "",
        "customer_actions": "",
        "pain_points": "",
        "moments_that_matter": "",
        "time_source": "",
        "minutes": "",
        "minutes_low": "",
        "minutes_high": "",
        "sample_n": "",
        "time_question": "",
        "standard": "",
        "complaint_category": "",
        "forms_count": "0",
        "visits_count": "0",
        "documents_count": "0",
    }
    data.update(fields)
    return data


def _standard_with_events(agency: Agency, service: Any) -> Any:
    from cxgov.standards import services
    from cxgov.standards.ingest import events_parse, rows_table

    standard = StandardFactory(service=service, threshold=2, target="0.9500")
    rows = [
        {
            "id": str(i),
            "start": "2026-01-05T09:00",
            "end": "2026-01-06T09:00" if i % 4 else "2026-01-20T09:00",
        }
        for i in range(20)
    ]
    services.events_ingest(
        actor=None, standard=standard, batch=events_parse(rows_table(rows), standard=standard)
    )
    return standard


@pytest.fixture
def setting(agency_a: Agency) -> dict[str, Any]:
    """A service with three stages, a survey asked at its second stage, a standard with
    events and complaints in a category."""
    service = ServiceFactory(agency=agency_a, name="Claim a pension")
    stages = [
        ServiceStage.objects.create(service=service, name=name, position=position)
        for position, name in enumerate(("Learn", "Apply", "Wait for a decision"), start=1)
    ]
    survey = SurveyFactory(agency=agency_a, title="After applying")
    minutes = Question.objects.create(
        survey=survey, key="minutes", kind="number", text="How many minutes did it take?"
    )
    rating = Question.objects.create(
        survey=survey, key="easy", kind="likert", text="It was easy to apply."
    )
    for number, (spent, agree) in enumerate(zip(MINUTES, RATINGS, strict=True)):
        response = Response.objects.create(
            survey=survey, submission_id=f"s{number}", source="web", stage=stages[1]
        )
        Answer.objects.create(
            response=response, survey=survey, question=minutes, value_number=spent
        )
        Answer.objects.create(response=response, survey=survey, question=rating, value_int=agree)
    # A deleted response's answer counts nowhere.
    gone = Response.objects.create(
        survey=survey, submission_id="gone", source="web", stage=stages[1], status="spam"
    )
    Answer.objects.create(response=gone, survey=survey, question=minutes, value_number=999)
    category = ComplaintCategoryFactory(agency=agency_a, name="Waiting")
    for number in range(3):
        Complaint.objects.create(
            agency=agency_a,
            service=service,
            category=category,
            tracking_number=f"JRN-{number}",
            what_happened="Slow",
        )
    Complaint.objects.create(  # another service's complaint in the category does not count
        agency=agency_a,
        service=ServiceFactory(agency=agency_a, name="Other"),
        category=category,
        tracking_number="JRN-9",
        what_happened="Slow",
    )
    return {
        "service": service,
        "stages": stages,
        "question": minutes,
        "standard": _standard_with_events(agency_a, service),
        "category": category,
    }


def _build_journey(client: Client, setting: dict[str, Any]) -> Journey:
    response = client.post(
        reverse("journeys:journey_create", kwargs={"slug": "alpha"}),
        {"title": "Retiring from federal service", "services": [setting["service"].pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    journey = Journey.objects.get()
    add = reverse("journeys:stage_create", kwargs={"slug": "alpha", "journey_id": journey.pk})
    posts = [
        _stage_post(
            name="Learn what to do",
            service_stage=setting["stages"][0].pk,
            customer_actions="Reads the web page",
            channels=["website"],
            time_source="research",
            minutes="15",
            minutes_low="10",
            minutes_high="20",
            forms_count="0",
        ),
        _stage_post(
            name="Apply",
            service_stage=setting["stages"][1].pk,
            channels=["website", "phone"],
            pain_points="The form asks for the same facts twice",
            moments_that_matter="Knowing the application arrived",
            time_source="survey",
            time_question=setting["question"].pk,
            standard=setting["standard"].pk,
            forms_count="2",
            documents_count="3",
        ),
        _stage_post(
            name="Wait for a decision",
            service_stage=setting["stages"][2].pk,
            time_source="research",
            minutes="5",
            sample_n="12",
            visits_count="1",
            complaint_category=setting["category"].pk,
        ),
    ]
    for data in posts:
        response = client.post(add, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return journey


@pytest.mark.django_db
def test_a_journey_of_three_stages_shows_its_time_tax_with_the_interval_by_hand(
    analyst_a_client: Client, setting: dict[str, Any]
) -> None:
    journey = _build_journey(analyst_a_client, setting)
    page = analyst_a_client.get(
        reverse("journeys:journey_detail", kwargs={"slug": "alpha", "journey_id": journey.pk})
    )
    assert page.status_code == 200
    text = page.content.decode()

    # By hand: stage one from research, 15 minutes with the interval 10 to 20 (SE = 10 / 3.92);
    # stage two the mean of the survey's answers with SE = s / √n; stage three 5 minutes
    # with no interval (it adds no uncertainty).
    research_se = (20 - 10) / (2 * Z_95)
    survey_mean = statistics.mean(MINUTES)
    survey_se = statistics.stdev(MINUTES) / math.sqrt(len(MINUTES))
    total = 15 + survey_mean + 5
    total_se = math.sqrt(research_se**2 + survey_se**2)
    low, high = total - Z_95 * total_se, total + Z_95 * total_se

    tax = page.context["burden"].tax
    assert tax.minutes == pytest.approx(total)
    assert tax.standard_error == pytest.approx(total_se)
    assert (tax.low, tax.high) == (pytest.approx(low), pytest.approx(high))
    assert tax.stages_without_error == 1
    shown = f"{total:.1f} minutes of the customer's own time (95% interval {low:.1f} to {high:.1f})"
    assert shown in text
    assert "The stage that costs customers most time: Apply." in text

    rows = {row.stage.name: row for row in page.context["burden"].rows}
    assert [row.stage.name for row in page.context["burden"].rows] == [
        "Learn what to do",
        "Apply",
        "Wait for a decision",
    ]
    apply = rows["Apply"]
    assert apply.costliest and apply.time.n == len(MINUTES)
    assert apply.positive.n == len(RATINGS) and apply.positive.value == pytest.approx(3 / 5)
    assert "60% <span" in text
    assert rows["Wait for a decision"].complaints == 3
    assert rows["Learn what to do"].complaints is None
    latest = standard_latest(standard=setting["standard"])
    assert latest is not None and apply.standard is not None
    assert apply.standard.status == latest.status and apply.standard.median == latest.median
    assert str(latest.status_label) in text
    assert "The form asks for the same facts twice" in text
    assert "<dd>Website, Phone</dd>" in text

    spanish = analyst_a_client.get(
        "/es"
        + reverse("journeys:journey_detail", kwargs={"slug": "alpha", "journey_id": journey.pk})
    )
    assert spanish.status_code == 200
    assert "Impuesto de tiempo" in spanish.content.decode()

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"journey.create", "journey.stage_create"} <= actions


@pytest.mark.django_db
def test_another_agencys_staff_get_404_everywhere(
    analyst_a_client: Client, handler_b_client: Client, setting: dict[str, Any], agency_b: Agency
) -> None:
    journey = _build_journey(analyst_a_client, setting)
    stage = journey.stages.first()
    persona = Persona.objects.create(agency=journey.agency, name="Pat")
    urls = [
        reverse("journeys:journey_detail", kwargs={"slug": "alpha", "journey_id": journey.pk}),
        reverse("journeys:journey_edit", kwargs={"slug": "alpha", "journey_id": journey.pk}),
        reverse("journeys:stage_create", kwargs={"slug": "alpha", "journey_id": journey.pk}),
        reverse("journeys:stage_edit", kwargs={"slug": "alpha", "journey_stage_id": stage.pk}),
        reverse("journeys:stage_delete", kwargs={"slug": "alpha", "journey_stage_id": stage.pk}),
        reverse("journeys:persona_edit", kwargs={"slug": "alpha", "persona_id": persona.pk}),
        reverse(
            "journeys:stage_move",
            kwargs={"slug": "alpha", "journey_stage_id": stage.pk, "direction": "down"},
        ),
        # Their own agency's address with this agency's ids.
        reverse("journeys:journey_detail", kwargs={"slug": "bravo", "journey_id": journey.pk}),
        reverse("journeys:stage_edit", kwargs={"slug": "bravo", "journey_stage_id": stage.pk}),
    ]
    for url in urls:
        # Moving is POST only: a GET is refused to everyone before any lookup.
        assert handler_b_client.get(url).status_code == (405 if "/move/" in url else 404), url
        assert handler_b_client.post(url, _stage_post(name="x")).status_code == 404, url
    assert JourneyStage.objects.filter(name="x").count() == 0


@pytest.mark.django_db
def test_a_role_without_manage_journeys_reads_but_cannot_change(
    analyst_a_client: Client, role_a_client: Any, setting: dict[str, Any]
) -> None:
    journey = _build_journey(analyst_a_client, setting)
    handler = role_a_client(Role.COMPLAINT_HANDLER)
    detail = reverse("journeys:journey_detail", kwargs={"slug": "alpha", "journey_id": journey.pk})
    page = handler.get(detail)
    assert page.status_code == 200 and "Add a stage" not in page.content.decode()
    assert (
        handler.get(reverse("journeys:journey_list", kwargs={"slug": "alpha"})).status_code == 200
    )
    edit = reverse("journeys:journey_edit", kwargs={"slug": "alpha", "journey_id": journey.pk})
    assert handler.post(edit, {"title": "Changed"}).status_code == 404
    assert (
        handler.get(reverse("journeys:journey_create", kwargs={"slug": "alpha"})).status_code == 404
    )
    oversight = role_a_client(Role.OVERSIGHT)
    assert oversight.get(detail).status_code == 200


@pytest.mark.django_db
def test_hostile_input_is_refused_or_escaped(
    analyst_a_client: Client, setting: dict[str, Any], agency_b: Agency
) -> None:
    journey = _build_journey(analyst_a_client, setting)
    add = reverse("journeys:stage_create", kwargs={"slug": "alpha", "journey_id": journey.pk})
    foreign = StandardFactory(service=ServiceFactory(agency=agency_b))
    foreign_category = ComplaintCategoryFactory(agency=agency_b, name="Theirs")
    refused = [
        _stage_post(
            name="Bad", time_source="research", minutes="10", minutes_low="12", minutes_high="11"
        ),
        _stage_post(
            name="Bad", time_source="research", minutes="30", minutes_low="1", minutes_high="2"
        ),
        _stage_post(name="Bad", time_source="research", minutes="-5"),
        _stage_post(name="Bad", time_source="research", minutes="1e9"),
        _stage_post(name="Bad", time_source="research"),
        _stage_post(name="Bad", time_source="survey"),
        _stage_post(name="Bad", time_source="teleport"),
        _stage_post(name="Bad", channels=["pigeon"]),
        _stage_post(name="Bad", standard=foreign.pk),
        _stage_post(name="Bad", complaint_category=foreign_category.pk),
        _stage_post(name="Bad", forms_count="-1"),
        _stage_post(name="Bad", visits_count="99999"),
        _stage_post(name="Bad\x00"),
        _stage_post(name="x" * 201),
        _stage_post(name=""),
    ]
    for data in refused:
        response = analyst_a_client.post(add, data)
        assert response.status_code == 400, data
    assert not JourneyStage.objects.filter(name__startswith="Bad").exists()

    script = "<script>alert(1)</script>"
    response = analyst_a_client.post(
        add, _stage_post(name=script, pain_points=script, customer_actions=script)
    )
    assert response.status_code == 302
    edit = reverse("journeys:journey_edit", kwargs={"slug": "alpha", "journey_id": journey.pk})
    assert analyst_a_client.post(edit, {"title": script}).status_code == 302
    detail = reverse("journeys:journey_detail", kwargs={"slug": "alpha", "journey_id": journey.pk})
    text = analyst_a_client.get(detail).content.decode()
    assert script not in text and "&lt;script&gt;" in text
    # A journey may not name another agency's service.
    other_service = ServiceFactory(agency=agency_b)
    response = analyst_a_client.post(edit, {"title": "Mine", "services": [other_service.pk]})
    assert response.status_code == 400
    assert not journey.services.filter(pk=other_service.pk).exists()


@pytest.mark.django_db
def test_stage_edit_and_remove_are_audited(
    analyst_a_client: Client, setting: dict[str, Any]
) -> None:
    journey = _build_journey(analyst_a_client, setting)
    stage = journey.stages.get(name="Wait for a decision")
    edit = reverse("journeys:stage_edit", kwargs={"slug": "alpha", "journey_stage_id": stage.pk})
    form = analyst_a_client.get(edit)
    assert form.status_code == 200 and 'value="Wait for a decision"' in form.content.decode()
    data = _stage_post(name="Wait", time_source="research", minutes="7", sample_n="12")
    assert analyst_a_client.post(edit, data).status_code == 302
    stage.refresh_from_db()
    assert stage.name == "Wait" and float(stage.minutes) == 7
    event = AuditEvent.objects.filter(action="journey.stage_update").get()
    assert event.data["name"] == ["Wait for a decision", "Wait"]
    remove = reverse(
        "journeys:stage_delete", kwargs={"slug": "alpha", "journey_stage_id": stage.pk}
    )
    assert analyst_a_client.get(remove).status_code == 200
    assert analyst_a_client.post(remove).status_code == 302
    assert not JourneyStage.objects.filter(pk=stage.pk).exists()
    assert AuditEvent.objects.filter(action="journey.stage_delete").exists()


@pytest.mark.django_db
def test_personas_belong_to_the_agencys_segments(
    analyst_a_client: Client, agency_a: Agency, agency_b: Agency
) -> None:
    segment = SegmentFactory(agency=agency_a, name="Retirees")
    theirs = SegmentFactory(agency=agency_b, name="Theirs")
    url = reverse("journeys:persona_create", kwargs={"slug": "alpha"})
    assert analyst_a_client.post(url, {"name": "Pat", "segment": theirs.pk}).status_code == 400
    response = analyst_a_client.post(
        url, {"name": "Pat", "segment": segment.pk, "description": "60"}
    )
    assert response.status_code == 302
    assert analyst_a_client.post(url, {"name": "Pat"}).status_code == 400
    persona = Persona.objects.get()
    assert persona.segment == segment
    listing = analyst_a_client.get(reverse("journeys:journey_list", kwargs={"slug": "alpha"}))
    assert "Pat" in listing.content.decode() and "Retirees" in listing.content.decode()
    assert AuditEvent.objects.filter(action="persona.create").exists()


@pytest.mark.django_db
def test_oversight_keeps_life_experiences_that_group_agencies_journeys(
    analyst_a_client: Client, agency_a: Agency, handler_b_client: Client
) -> None:
    url = reverse("life_experiences:list")
    assert analyst_a_client.get(url).status_code == 404
    assert analyst_a_client.post(url, {"name": "Approaching retirement"}).status_code == 404
    overseer = UserFactory(email="overseer@example.gov")
    site_grant_give(user=overseer, need=Can.OVERSEE_GOVERNMENT)
    client = Client()
    client.force_login(overseer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Approaching retirement"}).status_code == 302
    assert client.post(url, {"name": "approaching retirement"}).status_code == 400
    experience = LifeExperience.objects.get()
    service = ServiceFactory(agency=agency_a, name="Claim a pension")
    response = analyst_a_client.post(
        reverse("journeys:journey_create", kwargs={"slug": "alpha"}),
        {"title": "Retiring", "services": [service.pk], "life_experience": experience.pk},
    )
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert "Agency Alpha: Retiring (Claim a pension)" in text
    assert AuditEvent.objects.filter(action="life_experience.create").exists()
