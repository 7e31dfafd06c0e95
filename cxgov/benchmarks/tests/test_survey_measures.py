"""The agency and service benchmark pages show the survey-derived own measures with the figures
the respondents give, A-11 from the rollups and the ACSI-style index as the worker prepared it,
and read no raw answer in the request (decision 0075)."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cxgov.benchmarks import services
from cxgov.benchmarks.importers import ACSI_WORDING
from cxgov.benchmarks.measures import own_measures
from cxgov.benchmarks.prepared import prepared_measures, respondent_measures_build
from cxgov.core.models import PreparedFile, PreparedFileStatus
from cxgov.core.services import token_create
from cxgov.surveys.models import Answer, Response
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import (
    SubmissionContext,
    response_submit,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import ServiceFactory, cleared
from cxgov.testing.prepared import prepared_get, prepared_work

pytestmark = pytest.mark.django_db

ACSI_ANSWERS = [(10, 7, 4), (8, 8, 8), (5, 6, 10)]
SATISFACTION = [5, 4, 2]
FEDERAL_ACSI, FEDERAL_ERROR = 69.7, 1.0


@pytest.fixture
def service(agency_a):
    return ServiceFactory(agency=agency_a, name="Apply for benefits", slug="benefits")


def _live(service, template):
    survey = survey_create(actor=None, agency=service.agency, template=template, services=[service])
    for question in survey.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    return survey_publish(actor=None, survey=cleared(survey))


def _submit(survey, service, answers, sid):
    response_submit(
        survey=survey,
        answers=answers,
        submission_id=sid,
        context=SubmissionContext(service=service.slug),
    )
    rollups_fold(survey_id=survey.pk)


@pytest.fixture
def surveyed(service):
    """A-11 and ACSI responses for the service today, and the federal ACSI average."""
    a11 = _live(service, "a11_v1")
    for index, score in enumerate(SATISFACTION):
        _submit(a11, service, {"satisfaction": score, "trust": 4}, f"v{index}")
    acsi = _live(service, "acsi")
    for index, (satisfied, expected, ideal) in enumerate(ACSI_ANSWERS):
        given = {"acsi_satisfaction": satisfied, "acsi_expectations": expected}
        _submit(acsi, service, {**given, "acsi_ideal": ideal}, f"a{index}")
    source, _ = services.source_ensure(
        actor=None, agency=None, key="acsi-published", kind="acsi", name="ACSI"
    )
    federal, _ = services.series_ensure(
        actor=None,
        source=source,
        key="fed",
        name="ACSI",
        entity="U.S. federal government (aggregate)",
        metric="acsi_index",
        scale="0-100",
        wording=ACSI_WORDING,
        sector="federal",
        is_aggregate=True,
    )
    services.observation_record(
        actor=None,
        series=federal,
        period="2024",
        year=2024,
        value=Decimal(str(FEDERAL_ACSI)),
        standard_error=Decimal(str(FEDERAL_ERROR)),
    )
    return service


def _this_fiscal_year() -> str:
    """Today's fiscal year, October to September, in the agency's zone."""
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("America/New_York")).date()
    return f"FY{today.year + 1 if today.month >= 10 else today.year}"


def _acsi_expected() -> tuple[float, float]:
    """The ACSI-style index and its standard error, worked out from the answers by hand: the
    index of the item means, and the error of the respondents' own indexes."""
    means = [statistics.mean(item) for item in zip(*ACSI_ANSWERS, strict=True)]
    index = (statistics.mean(means) - 1) / 9 * 100
    scores = [(statistics.mean(answers) - 1) / 9 * 100 for answers in ACSI_ANSWERS]
    return index, statistics.stdev(scores) / math.sqrt(len(scores))


def _rows(client, url):
    download = client.get(url + "?download=comparisons")
    return list(csv.DictReader(io.StringIO(download.content.decode())))


def test_service_page_shows_survey_measures_with_the_respondents_figures(
    analyst_a_client, surveyed
):
    url = f"/staff/agencies/alpha/benchmarks/services/{surveyed.pk}/"
    first = analyst_a_client.get(url)  # the worker prepares the index; the rest shows now
    assert first.status_code == 200
    assert "being prepared in the background" in first.content.decode()
    page = prepared_get(analyst_a_client, url)
    assert page.status_code == 200 and "Figures as of" in page.content.decode()
    period = _this_fiscal_year()
    rows = _rows(analyst_a_client, url)
    index, error = _acsi_expected()
    acsi = next(row for row in rows if row["Own measure"] == "ACSI-style index")
    assert (acsi["Period"], acsi["Value"], acsi["n"]) == (period, f"{index:.1f}", "3")
    assert acsi["Compared with"] == "Federal average"
    gap = index - FEDERAL_ACSI
    half = 1.959963984540054 * math.sqrt(error**2 + FEDERAL_ERROR**2)
    assert acsi["Gap"] == f"{gap:.1f}"
    # The CSV writes a leading minus behind a quote, so no spreadsheet reads it as a formula.
    interval = acsi["95% interval of the gap"].removeprefix("'")
    assert interval == f"{gap - half:.1f} to {gap + half:.1f}"
    agree = next(row for row in rows if row["Own measure"] == "A-11 satisfaction: percent agree")
    positive = sum(score >= 4 for score in SATISFACTION)
    assert (agree["Period"], agree["Value"], agree["n"]) == (
        period,
        f"{100 * positive / len(SATISFACTION):.1f}",
        "3",
    )
    points = next(row for row in rows if row["Own measure"] == "A-11 satisfaction: point scale")
    assert points["Value"] == f"{statistics.mean(SATISFACTION):.1f}"


def test_agency_page_lists_the_periods_of_the_prepared_index(analyst_a_client, service):
    acsi = _live(service, "acsi")
    _submit(acsi, service, {"acsi_satisfaction": 9, "acsi_expectations": 8, "acsi_ideal": 7}, "a")
    body = prepared_get(analyst_a_client, "/staff/agencies/alpha/benchmarks/").content.decode()
    assert _this_fiscal_year() in body and "None yet" not in body


@pytest.mark.parametrize("page", ["", "services/{service}/"])
def test_benchmark_pages_read_no_raw_answer_or_response(analyst_a_client, surveyed, page):
    url = "/staff/agencies/alpha/benchmarks/" + page.format(service=surveyed.pk)
    assert prepared_get(analyst_a_client, url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert analyst_a_client.get(url).status_code == 200
    raw = [f'"{model._meta.db_table}"' for model in (Answer, Response)]
    read = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in read if any(table in sql for table in raw)]


def test_prepared_index_gives_the_same_measures_as_asking_every_provider(surveyed):
    built = respondent_measures_build(surveyed.agency, {}, "")
    prepared = prepared_measures(data=json.loads(json.dumps(built.data)))  # as stored
    assert own_measures(service=surveyed, prepared=prepared) == own_measures(service=surveyed)
    assert any(measure.metric == "acsi_index" for measure in prepared[surveyed.pk])


def test_comparisons_api_reads_the_prepared_index_and_no_raw_answer(client, analyst_a, surveyed):
    """Until the worker's first build the API leaves the index out and says when to ask again;
    then it gives the index the pages give, without reading an answer in the request."""
    _token, raw = token_create(user=analyst_a, name="test")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/benchmarks/services/{surveyed.pk}/comparisons"
    period = {"period": _this_fiscal_year()}
    first = client.get(url, period, **bearer)
    assert first.status_code == 200 and first["Retry-After"] == "5"
    assert first["Prepared-Status"] == "preparing"
    metrics = {row["measure"]["metric"] for row in first.json()["items"]}
    assert "acsi_index" not in metrics and metrics
    prepared_work()
    with CaptureQueriesContext(connection) as queries:
        ready = client.get(url, period, **bearer)
    assert ready.status_code == 200 and not ready.has_header("Retry-After")
    assert ready["Prepared-Status"] == "ready"
    acsi = next(r for r in ready.json()["items"] if r["measure"]["metric"] == "acsi_index")
    index, _error = _acsi_expected()
    assert acsi["measure"]["value"] == pytest.approx(index)
    assert acsi["measure"]["n"] == len(ACSI_ANSWERS)
    raw_tables = [f'"{model._meta.db_table}"' for model in (Answer, Response)]
    read = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in read if any(table in sql for table in raw_tables)]


def test_comparisons_api_says_when_the_index_could_not_be_prepared(client, analyst_a, surveyed):
    _token, raw = token_create(user=analyst_a, name="test")
    url = f"/api/v1/benchmarks/services/{surveyed.pk}/comparisons"
    client.get(url, {"period": _this_fiscal_year()}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    PreparedFile.objects.update(status=PreparedFileStatus.FAILED, error="boom")
    failed = client.get(url, {"period": _this_fiscal_year()}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert failed.status_code == 200 and failed["Prepared-Status"] == "failed"
    assert not failed.has_header("Retry-After")
    metrics = {row["measure"]["metric"] for row in failed.json()["items"]}
    assert "acsi_index" not in metrics and metrics
