"""The quarterly reporting workflow through the staff pages: start, fill, submit, publish, rate."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cxgov.a11.models import Collection, CollectionStatus
from cxgov.a11.selectors import collection_checklist, respondents
from cxgov.a11.tests.factories import PERIOD, ready_collection, thumbs_responses
from cxgov.core.models import AuditEvent
from cxgov.testing.approvals import review_url

pytestmark = pytest.mark.django_db

Q = f"?fiscal_year={PERIOD.year}&quarter={PERIOD.quarter}"


def _url(name: str, slug: str = "alpha", **kwargs: int) -> str:
    return reverse(f"a11:{name}", kwargs={"slug": slug, **kwargs})


def _review(act: str, collection_id: int, slug: str = "alpha") -> str:
    return review_url(slug=slug, kind="a11_report", object_id=collection_id, act=act)


def test_quarter_list_shows_every_service_reported_or_not(
    analyst_a_client, thumbs_survey, service_a, other_service_a
):
    ready_collection(service=service_a, survey=thumbs_survey)
    page = analyst_a_client.get(_url("collection_list") + Q)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Open the report for Apply for benefits" in text
    assert "Start the report for Replace a card" in text
    assert "FY2026 Q2" in text


def test_quarter_picker_speaks_the_pages_language(analyst_a_client, thumbs_survey, service_a):
    with translation.override("es"):
        url = _url("collection_list")
    assert url.startswith("/es/")
    text = analyst_a_client.get(url + Q).content.decode()
    assert ">Trimestre 2</option>" in text and "Quarter 2" not in text
    with translation.override("en"):
        url = _url("collection_list")
    english = analyst_a_client.get(url + Q).content.decode()
    assert ">Quarter 2</option>" in english


def test_analyst_starts_fills_and_submits_a_report(
    analyst_a_client, admin_a_client, thumbs_survey, service_a
):
    thumbs_responses(thumbs_survey, service=service_a, count=30)
    started = analyst_a_client.post(
        _url("collection_start", service_id=service_a.pk),
        {"fiscal_year": PERIOD.year, "quarter": PERIOD.quarter},
    )
    collection = Collection.objects.get(service=service_a)
    assert started.url == _url("collection", collection_id=collection.pk)
    # Started from the service's A-11 survey: its trust question, scale and OMB number.
    assert list(collection.surveys.all()) == [thumbs_survey]
    assert collection.trust_question_text == "This interaction increased my trust in Agency Alpha."
    assert collection.survey_type == "thumbs_up_down"
    assert collection.omb_control_number == "1234-5678"

    page = analyst_a_client.get(_url("collection", collection_id=collection.pk))
    assert "Enter the number of customers served this quarter." in page.content.decode()
    refused = analyst_a_client.post(_review("submit", collection.pk), follow=True)
    assert "Enter the number of customers offered the survey." in refused.content.decode()
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DRAFT

    saved = analyst_a_client.post(
        _url("collection", collection_id=collection.pk),
        {
            "channel": "website",
            "survey_type": "thumbs_up_down",
            "feedback_type": "post_interaction",
            "trust_question_text": collection.trust_question_text,
            "omb_control_number": "1234-5678",
            "omb_expiration_date": "2029-12-31",
            "volume_of_customers": "9000",
            "volume_offered": "800",
            "volume_of_respondents": "",
            "surveys": [thumbs_survey.pk],
        },
    )
    assert saved.status_code == 302
    page = analyst_a_client.get(_url("collection", collection_id=collection.pk))
    assert "Ready to submit" in page.content.decode()
    # Sent for review by the analyst, it is submitted when a second member approves it.
    analyst_a_client.post(_review("submit", collection.pk))
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DRAFT
    self_approval = analyst_a_client.post(_review("approve", collection.pk), follow=True)
    assert self_approval.status_code == 404
    admin_a_client.post(_review("approve", collection.pk))
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.SUBMITTED
    assert collection.submitted_at is not None and collection.submitted_by.email.startswith("admin")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "a11.collection.create",
        "a11.collection.update",
        "approval.submit",
        "approval.approve",
        "a11.collection.submit",
    } <= actions
    # Submitted, it shows what was reported, read only.
    page = analyst_a_client.get(_url("collection", collection_id=collection.pk)).content.decode()
    assert "What the agency reported" in page and re.search(r"<dd>9,?000</dd>", page)
    assert 'name="volume_of_customers"' not in page


def test_checklist_names_each_gap(thumbs_survey, service_a, other_service_a):
    from cxgov.a11 import services

    collection = services.collection_create(
        actor=None,
        service=other_service_a,
        fiscal_year=PERIOD.year,
        quarter=PERIOD.quarter,
        surveys=[],
        volume_of_customers=10,
        volume_offered=50,
    )
    codes = {item.code for item in collection_checklist(collection=collection)}
    assert {"survey_missing", "offered_over_customers", "omb_missing", "trust_missing"} <= codes

    ready = ready_collection(service=service_a, survey=thumbs_survey, responses=5)
    assert collection_checklist(collection=ready) == []
    ready = services.collection_update(
        actor=None, collection=ready, volume_offered=3, omb_expiration_date=date(2026, 1, 31)
    )
    checks = {item.code: item.message for item in collection_checklist(collection=ready)}
    assert (
        "more respondents (5) than customers offered the survey (3)"
        in checks["respondents_over_offered"]
    )
    assert "expired on 2026-01-31" in checks["omb_expired"]


def test_no_responses_in_the_quarter_blocks_submission(thumbs_survey, service_a):
    ready = ready_collection(service=service_a, survey=thumbs_survey, responses=3)
    later = ready_collection(
        service=service_a, survey=thumbs_survey, period=PERIOD.next(), responses=0
    )
    assert "no_responses" not in {i.code for i in collection_checklist(collection=ready)}
    assert "no_responses" in {i.code for i in collection_checklist(collection=later)}


def test_the_report_page_counts_its_responses_once(analyst_a_client, thumbs_survey, service_a):
    ready = ready_collection(service=service_a, survey=thumbs_survey, responses=3)
    with CaptureQueriesContext(connection) as queries:
        page = analyst_a_client.get(_url("collection", collection_id=ready.pk))
    assert page.status_code == 200
    counts = [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT(*)" in query["sql"] and "surveys_response" in query["sql"]
    ]
    # The checklist, the count shown and the respondents reported share one count.
    assert len(counts) == 1


def test_admin_publishes_a_submitted_report_and_marks_another_not_reported(
    admin_a_client, thumbs_survey, service_a, other_service_a
):
    from cxgov.a11 import services

    collection = services.collection_submit(
        actor=None, collection=ready_collection(service=service_a, survey=thumbs_survey)
    )
    admin_a_client.post(_review("publish", collection.pk))
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.PUBLISHED and collection.published_at

    other = services.collection_create(
        actor=None, service=other_service_a, fiscal_year=PERIOD.year, quarter=PERIOD.quarter
    )
    refused = admin_a_client.post(
        _url("collection_not_reported", collection_id=other.pk), {"reason": ""}, follow=True
    )
    assert "Say why the service is not reporting" in refused.content.decode()
    admin_a_client.post(
        _url("collection_not_reported", collection_id=other.pk),
        {"reason": "The new survey starts next quarter."},
    )
    other.refresh_from_db()
    assert other.status == CollectionStatus.NOT_REPORTED


def test_a_submitted_report_can_no_longer_be_edited(admin_a_client, thumbs_survey, service_a):
    from cxgov.a11 import services

    collection = services.collection_submit(
        actor=None, collection=ready_collection(service=service_a, survey=thumbs_survey)
    )
    page = admin_a_client.get(_url("collection", collection_id=collection.pk))
    assert 'name="volume_of_customers"' not in page.content.decode()
    assert (
        admin_a_client.post(
            _url("collection", collection_id=collection.pk), {"volume_of_customers": "1"}
        ).status_code
        == 404
    )
    collection.refresh_from_db()
    assert collection.volume_of_customers == 5000


def test_other_agency_gets_404_everywhere(handler_b_client, thumbs_survey, service_a):
    collection = ready_collection(service=service_a, survey=thumbs_survey)
    for act in ("submit", "approve", "publish"):
        assert handler_b_client.post(_review(act, collection.pk)).status_code == 404
        assert handler_b_client.post(_review(act, collection.pk, slug="bravo")).status_code == 404
    assert (
        handler_b_client.post(
            _url("collection_not_reported", collection_id=collection.pk)
        ).status_code
        == 404
    )
    assert handler_b_client.get(_url("collection", collection_id=collection.pk)).status_code == 404
    assert handler_b_client.get(_url("collection_list")).status_code == 404
    # Reached through their own agency's address, another agency's report is missing too.
    assert (
        handler_b_client.get(
            _url("collection", slug="bravo", collection_id=collection.pk)
        ).status_code
        == 404
    )
    assert handler_b_client.get(_url("oversight", slug="bravo")).status_code == 404


def test_front_line_employee_reads_but_cannot_start_or_submit(
    frontline_a_client, thumbs_survey, service_a, other_service_a
):
    collection = ready_collection(service=service_a, survey=thumbs_survey)
    page = frontline_a_client.get(_url("collection", collection_id=collection.pk))
    assert page.status_code == 200 and "Submit the report" not in page.content.decode()
    assert frontline_a_client.post(_review("submit", collection.pk)).status_code == 404
    assert (
        frontline_a_client.post(
            _url("collection_start", service_id=other_service_a.pk),
            {"fiscal_year": PERIOD.year, "quarter": PERIOD.quarter},
        ).status_code
        == 404
    )
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DRAFT
    assert not Collection.objects.filter(service=other_service_a).exists()


def test_analyst_cannot_publish(analyst_a_client, thumbs_survey, service_a):
    from cxgov.a11 import services

    collection = services.collection_submit(
        actor=None, collection=ready_collection(service=service_a, survey=thumbs_survey)
    )
    response = analyst_a_client.post(_review("publish", collection.pk))
    assert response.status_code == 404
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.SUBMITTED


def test_only_oversight_rates_and_sees_every_agency(
    oversight_client, admin_a_client, thumbs_survey, service_a, service_b
):
    from cxgov.a11 import services

    collection = services.collection_submit(
        actor=None, collection=ready_collection(service=service_a, survey=thumbs_survey)
    )
    page = oversight_client.get(_url("oversight") + Q)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bravo permits" in text and "Apply for benefits" in text
    assert "1 of 2 services submitted or published a report." in text

    assert (
        admin_a_client.post(
            _url("collection_rate", collection_id=collection.pk), {"rating": "within_guidelines"}
        ).status_code
        == 404
    )
    assert admin_a_client.get(_url("oversight")).status_code == 404
    oversight_client.post(
        _url("collection_rate", collection_id=collection.pk),
        {"rating": "partially", "comment": "Add the phone channel."},
    )
    collection.refresh_from_db()
    assert (
        collection.rating == "partially" and collection.rating_comment == "Add the phone channel."
    )
    assert AuditEvent.objects.filter(action="a11.collection.rate").count() == 1

    download = oversight_client.get(_url("oversight") + Q + "&download=csv")
    lines = download.content.decode().splitlines()
    assert lines[0].startswith("Agency,Service,Fiscal year,Quarter,Status")
    assert any("Reporting partially within A-11 guidelines" in line for line in lines)
    assert len(lines) == 3


def test_the_oversight_list_counts_respondents_as_each_report_does(
    oversight_client, thumbs_survey, service_a, other_service_a, service_b
):
    from cxgov.a11 import services

    counted = ready_collection(service=service_a, survey=thumbs_survey, responses=7)
    # A report may draw on a survey of another service: its responses about this one count.
    also_counted = services.collection_update(
        actor=None,
        collection=ready_collection(service=other_service_a, survey=thumbs_survey, responses=0),
        surveys=[thumbs_survey],
    )
    entered = services.collection_update(
        actor=None,
        collection=ready_collection(service=service_b, survey=thumbs_survey, responses=0),
        volume_of_respondents=42,
    )
    with CaptureQueriesContext(connection) as queries:
        reply = oversight_client.get(_url("oversight") + Q + "&download=csv")
    body = b"".join(reply.streaming_content) if reply.streaming else reply.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    shown = {row[1]: row[6] for row in rows[1:]}
    assert shown["Apply for benefits"] == str(respondents(collection=counted)) != "0"
    assert shown["Replace a card"] == str(respondents(collection=also_counted))
    assert shown["Bravo permits"] == str(respondents(collection=entered)) == "42"
    # One grouped read of the quarter's responses for the agency, not one count per report.
    reads = [q for q in queries.captured_queries if 'FROM "surveys_response"' in q["sql"]]
    assert len(reads) == 1


def test_oversight_rating_reached_through_another_agency_is_404(
    oversight_client, thumbs_survey, service_a, agency_b
):
    from cxgov.testing.factories import AgencyFactory

    collection = ready_collection(service=service_a, survey=thumbs_survey)
    AgencyFactory(slug="charlie", name="Agency Charlie")
    response = oversight_client.post(
        _url("collection_rate", slug="charlie", collection_id=collection.pk),
        {"rating": "partially"},
    )
    assert response.status_code == 404


def test_spanish_pages_answer(analyst_a_client, thumbs_survey, service_a):
    collection = ready_collection(service=service_a, survey=thumbs_survey)
    page = analyst_a_client.get("/es" + _url("collection", collection_id=collection.pk))
    assert page.status_code == 200
