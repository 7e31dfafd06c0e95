"""Survey answers feed satisfaction standards and benchmark comparisons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxgov.benchmarks.measures import own_measures
from cxgov.core.models import Agency
from cxgov.standards.selectors import standard_results
from cxgov.surveys.integrations import a11_measures, acsi_measures
from cxgov.surveys.models import Answer
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    response_mark,
    response_submit,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import AgencyFactory, ServiceFactory, StandardFactory, cleared

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(agency_a):
    return ServiceFactory(agency=agency_a, slug="permit")


def _live(agency, service, template):
    survey = survey_create(actor=None, agency=agency, template=template, services=[service])
    for question in survey.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    return survey_publish(actor=None, survey=cleared(survey))


def _submit(survey, service, answers, sid):
    """Submit one response and fold it into the rollups, as the worker would."""
    response = response_submit(
        survey=survey,
        answers=answers,
        submission_id=sid,
        context=SubmissionContext(service=service.slug),
    )
    rollups_fold(survey_id=survey.pk)
    return response


def test_satisfaction_standard_counts_positive_overall_answers(agency_a, service):
    survey = _live(agency_a, service, "a11_v1")
    for index, score in enumerate([5, 4, 4, 2, 1]):
        _submit(survey, service, {"satisfaction": score, "trust": 3}, f"s{index}")
    standard = StandardFactory(service=service, source="survey", period="fiscal_year")
    result = standard_results(standard=standard)[-1]
    assert (result.n, result.met) == (5, 3)


def test_satisfaction_standard_reads_the_rollups_and_no_answer(agency_a, service):
    """Each survey counts its first overall question with answers: satisfaction in the A-11
    survey, and in the ACSI one its satisfaction on 1-10 (8-10 positive); a response marked
    spam leaves both counts once folded."""
    a11 = _live(agency_a, service, "a11_v1")
    for index, score in enumerate([5, 3]):
        _submit(a11, service, {"satisfaction": score, "trust": 5}, f"s{index}")
    acsi = _live(agency_a, service, "acsi")
    for index, score in enumerate([9, 7, 10]):
        given = {"acsi_satisfaction": score, "acsi_expectations": 5, "acsi_ideal": 5}
        _submit(acsi, service, given, f"a{index}")
    spam = _submit(a11, service, {"satisfaction": 5, "trust": 5}, "spam")
    response_mark(actor=None, response=spam, spam=True)
    rollups_fold(survey_id=a11.pk)
    standard = StandardFactory(service=service, source="survey", period="fiscal_year")
    with CaptureQueriesContext(connection) as queries:
        result = standard_results(standard=standard)[-1]
    assert (result.n, result.met) == (5, 3)
    answers = Answer._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if f'"{answers}"' in q["sql"]]


def test_a11_and_acsi_measures_reach_benchmark_comparisons(agency_a, service):
    v1 = _live(agency_a, service, "a11_v1")
    for index, score in enumerate([5, 4, 2]):
        _submit(v1, service, {"satisfaction": score, "trust": 4}, f"v{index}")
    acsi = _live(agency_a, service, "acsi")
    _submit(acsi, service, {"acsi_satisfaction": 10, "acsi_expectations": 7, "acsi_ideal": 4}, "a1")
    _submit(acsi, service, {"acsi_satisfaction": 8, "acsi_expectations": 8, "acsi_ideal": 8}, "a2")
    measures = own_measures(service=service)
    agree = next(m for m in measures if m.label == "A-11 satisfaction: percent agree")
    assert agree.value == pytest.approx(200 / 3)
    assert agree.n == 3
    points = next(m for m in measures if m.label == "A-11 satisfaction: point scale")
    assert points.value == pytest.approx(11 / 3)
    index = next(m for m in measures if m.metric == "acsi_index")
    # Respondent means 7 and 8 on 1-10: ((7.5 - 1) / 9) * 100 = 72.22
    assert index.value == pytest.approx(72.222, abs=0.01)
    assert index.n == 2


@pytest.mark.parametrize("start_month", [10, 1, 2])
def test_a11_measures_count_federal_fiscal_years_whatever_the_agencys_quarters(
    agency_a, service, start_month
):
    """A fiscal year from February has quarters (August to October) that straddle the federal
    year's end: its answers are counted by day, the others by whole quarter, alike."""
    Agency.objects.filter(pk=agency_a.pk).update(fiscal_year_start_month=start_month)
    survey = _live(agency_a, service, "a11_v1")
    given = [
        (datetime(2025, 9, 15, 16, tzinfo=UTC), 5),
        (datetime(2025, 10, 15, 16, tzinfo=UTC), 4),
    ]
    given.append((datetime(2026, 1, 20, 16, tzinfo=UTC), 2))
    rows = [
        BulkResponse(
            answers={"satisfaction": score, "trust": 4},
            submitted_at=when,
            submission_id=f"fy-{index}",
            context=SubmissionContext(service=service.slug),
        )
        for index, (when, score) in enumerate(given)
    ]
    response_bulk_create(actor=None, survey=survey, rows=rows)
    rollups_fold(survey_id=survey.pk)
    measures = a11_measures([service])[service.pk]
    agree = {
        m.period: (m.value, m.n) for m in measures if m.label == "A-11 satisfaction: percent agree"
    }
    assert agree == {"FY2025": (pytest.approx(100.0), 1), "FY2026": (pytest.approx(50.0), 2)}


def test_survey_measures_of_many_services_match_each_asked_alone(
    agency_a, agency_b, django_assert_max_num_queries
):
    agency_c = AgencyFactory(time_zone="Pacific/Honolulu", fiscal_year_start_month=1)
    services = [
        ServiceFactory(agency=agency_a, slug="permit"),
        ServiceFactory(agency=agency_b, slug="license"),
        ServiceFactory(agency=agency_c, slug="benefit"),
    ]
    for number, service in enumerate(services):
        a11 = _live(service.agency, service, "a11_v1")
        for index, score in enumerate([5, 4, 2][: number + 1]):
            _submit(a11, service, {"satisfaction": score, "trust": 5 - number}, f"v{number}{index}")
        acsi = _live(service.agency, service, "acsi")
        for index in range(number + 1):
            given = {"acsi_satisfaction": 10 - index, "acsi_expectations": 7, "acsi_ideal": 4}
            _submit(acsi, service, given, f"a{number}{index}")
    for provider in (a11_measures, acsi_measures):
        alone = {service.pk: provider([service])[service.pk] for service in services}
        with django_assert_max_num_queries(3):
            together = provider(services)
        assert together == alone
        assert all(alone.values())
