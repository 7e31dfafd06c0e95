"""One fixture, every surface, one number per measure: results, standards, benchmarks, the
A-11 export and the API all read `cxgov.insights.measures`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from cxgov.a11.exporters import export_table
from cxgov.benchmarks.comparisons import service_comparisons
from cxgov.core.models import Agency, User
from cxgov.core.services import token_create
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.insights.measures import (
    AGREEMENT_1_5,
    POINT_SCALE,
    RATING_1_10,
    SATISFIED_8_10,
    TOP_2_BOX,
)
from cxgov.registry.models import Service
from cxgov.standards.selectors import standard_results
from cxgov.surveys.models import Survey
from cxgov.surveys.results import question_results
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.surveys.tests.results_factories import bulk
from cxgov.testing.factories import ServiceFactory, StandardFactory, cleared

pytestmark = pytest.mark.django_db

NOV = datetime(2025, 11, 14, 17, 0, tzinfo=UTC)  # FY2026 Q1
# Agreement 1-5 on the A-11 satisfaction item: 12 of 20 agree, point scale 72/20 = 3.6.
AGREEMENT = {5: 6, 4: 6, 3: 4, 2: 2, 1: 2}
# A 1-10 satisfaction rating: eight 8s, four 9s, eight 7s -> 12 of 20 satisfied (8-10).
RATING = {8: 8, 9: 4, 7: 8}


def _live(agency: Agency, service: Service, template: str) -> Survey:
    survey = survey_create(actor=None, agency=agency, template=template, services=[service])
    return survey_publish(actor=None, survey=cleared(survey))


@pytest.fixture
def fixture(agency_a: Agency) -> dict[str, object]:
    permits = ServiceFactory(agency=agency_a, slug="permits", name="Permits")
    licences = ServiceFactory(agency=agency_a, slug="licences", name="Licences")
    a11 = _live(agency_a, permits, "a11_v1")
    rows = [
        ({"satisfaction": value, "trust": 4}, NOV)
        for value, count in AGREEMENT.items()
        for _ in range(count)
    ]
    bulk(a11, rows, service="permits", channel="in_person")
    acsi = _live(agency_a, licences, "acsi")
    ratings = [
        ({"acsi_satisfaction": value, "acsi_expectations": 5, "acsi_ideal": 5}, NOV)
        for value, count in RATING.items()
        for _ in range(count)
    ]
    bulk(acsi, ratings, service="licences", channel="in_person")
    return {"permits": permits, "licences": licences, "a11": a11, "acsi": acsi}


def _api(client: Client, user: User, survey: Survey, key: str) -> dict[str, object]:
    _token, raw = token_create(user=user, name="one measure")
    reply = client.get(f"/api/v1/surveys/{survey.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert reply.status_code == 200, reply.content
    return next(q for q in reply.json()["questions"] if q["key"] == key)


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=5)
def test_every_surface_gives_the_registry_number(
    client: Client, analyst_a: User, fixture: dict[str, object]
) -> None:
    a11, acsi = fixture["a11"], fixture["acsi"]
    permits, licences = fixture["permits"], fixture["licences"]
    assert isinstance(a11, Survey) and isinstance(acsi, Survey)
    assert isinstance(permits, Service) and isinstance(licences, Service)
    agree = TOP_2_BOX.estimate(AGREEMENT, AGREEMENT_1_5)
    points = POINT_SCALE.estimate(AGREEMENT, AGREEMENT_1_5)
    satisfied = SATISFIED_8_10.estimate(RATING, RATING_1_10)
    assert (agree.value, points.value, satisfied.value) == (0.6, 3.6, 0.6)

    # Survey results (pages and reports read these).
    results = {q.question.key: q for q in question_results(survey=a11)}
    assert results["satisfaction"].positive == agree
    assert results["satisfaction"].mean is not None
    assert results["satisfaction"].mean.value == pytest.approx(points.value)
    rated = {q.question.key: q for q in question_results(survey=acsi)}["acsi_satisfaction"]
    assert rated.positive == satisfied

    # Satisfaction standards: the same answers positive as on the results page.
    for service, expected in ((permits, agree), (licences, satisfied)):
        standard = StandardFactory(service=service, source="survey", period="fiscal_year")
        result = standard_results(standard=standard)[-1]
        assert (result.met, result.n) == (12, 20)
        assert (result.share, result.ci_low, result.ci_high) == pytest.approx(
            (expected.value, expected.low, expected.high)
        )

    # Benchmark comparisons: the service's own A-11 figures.
    rows = service_comparisons(service=permits, period="FY2026")
    by_label = {row.measure.label: row.measure for row in rows}
    percent = by_label["A-11 satisfaction: percent agree"]
    assert percent.value == pytest.approx(100 * agree.value) and percent.n == 20
    scale = by_label["A-11 satisfaction: point scale"]
    assert scale.value == pytest.approx(points.value)
    assert scale.standard_error == pytest.approx(points.standard_error)

    # The A-11 export: the same figures at the publisher's precision.
    header, lines = export_table(
        format="summary", agencies=[a11.agency], period=FiscalQuarter(2026, 1)
    )
    exported = [dict(zip(header, line, strict=True)) for line in lines]
    row = next(r for r in exported if r["question_key"] == "satisfaction")
    assert Decimal(row["mean"]) == POINT_SCALE.publish(POINT_SCALE.exact(AGREEMENT, AGREEMENT_1_5))
    assert Decimal(row["percent_agree"]) == TOP_2_BOX.publish(agree.value)

    # The API.
    body = _api(client, analyst_a, a11, "satisfaction")
    positive, mean = body["positive"], body["mean"]
    assert isinstance(positive, dict) and isinstance(mean, dict)
    assert (positive["value"], positive["low"], positive["high"]) == pytest.approx(
        (agree.value, agree.low, agree.high)
    )
    assert mean["value"] == pytest.approx(points.value)
    body = _api(client, analyst_a, acsi, "acsi_satisfaction")
    positive = body["positive"]
    assert isinstance(positive, dict) and positive["value"] == pytest.approx(satisfied.value)


def test_twenty_eights_are_satisfied_on_the_results_page_and_the_standard(
    agency_a: Agency,
) -> None:
    # The example: twenty answers of 8 on 1-10 showed 0% on one page, 100% met on another.
    service = ServiceFactory(agency=agency_a, slug="eights")
    survey = _live(agency_a, service, "acsi")
    bulk(
        survey,
        [({"acsi_satisfaction": 8, "acsi_expectations": 8, "acsi_ideal": 8}, NOV)] * 20,
        service="eights",
    )
    rated = {q.question.key: q for q in question_results(survey=survey)}["acsi_satisfaction"]
    assert rated.positive is not None and rated.positive.value == 1.0
    standard = StandardFactory(service=service, source="survey", period="fiscal_year")
    assert standard_results(standard=standard)[-1].share == 1.0
