"""Key driver analyses as background work: the task computes and stores them, pages only read.

The page asks for a missing analysis and says it is being computed (in English and Spanish); new
responses mark stored analyses stale and queue one task however many arrive; the stored result
records its seed, and the same seed gives the same intervals. 13 and 15 drivers (above exact
Shapley's 12) are computed with Johnson's relative weights instead of failing. An employee
survey's disclosure decision is made by the worker too, so the next page finds it in the cache.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.test import Client

from cxgov.core.models import Agency
from cxgov.insights import drivers as insight_drivers
from cxgov.insights.drivers import RESAMPLES, key_drivers
from cxgov.registry.models import Service
from cxgov.surveys import services
from cxgov.surveys.models import DriverRun, QuestionKind, Survey
from cxgov.surveys.results import disclosure
from cxgov.surveys.results import selectors as result_selectors
from cxgov.surveys.results.queries import ResultFilters
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    question_add,
    response_bulk_create,
    survey_create,
    survey_publish,
)
from cxgov.surveys.tasks import drivers_compute_task
from cxgov.surveys.tests.test_results_pages import results_rows, results_survey  # noqa: F401
from cxgov.testing.factories import cleared

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")


def _url(survey: Survey, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    return f"{prefix}/staff/agencies/{survey.agency.slug}/results/{survey.pk}/drivers/"


def _computed(client: Client, survey: Survey, url: str) -> None:
    client.post(url)
    drivers_compute_task.enqueue(survey_id=survey.pk)


def _csv(client: Client, url: str) -> list[list[str]]:
    reply = client.get(url + "?download=drivers")
    assert reply.status_code == 200
    return list(csv.reader(io.StringIO(reply.content.decode())))[1:]


def test_the_task_computes_and_the_page_reads_the_stored_result_without_computing(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    run = DriverRun.objects.filter(survey=results_survey, stale=False).order_by("pk").first()
    assert run is not None and run.result is not None  # the first outcome, trust, is shown
    assert run.seed is not None and run.computed_at is not None
    assert run.result["seed"] == run.seed and run.result["resamples"] == RESAMPLES
    refuse = mock.Mock(side_effect=AssertionError("drivers computed in the request"))
    with (
        mock.patch.object(result_selectors, "key_drivers", refuse),
        mock.patch.object(result_selectors, "answer_matrix", refuse),
        mock.patch.object(insight_drivers, "_shares", refuse),
    ):
        text = analyst_a_client.get(_url(results_survey)).content.decode()
        rows = _csv(analyst_a_client, _url(results_survey))
    refuse.assert_not_called()
    assert "40 responses answered" in text and "<svg" in text
    assert f"{RESAMPLES} bootstrap resamples drawn with seed {run.seed}" in text
    assert "Being computed" not in text
    assert len(rows) == 5


def test_a_missing_analysis_is_offered_and_computed_only_on_the_button(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    # A quarter: the worker stores the fiscal years' analyses itself, not the quarters'.
    url = _url(results_survey) + "?fiscal_year=2026&quarter=1"
    before = DriverRun.objects.filter(survey=results_survey).count()
    queued: list[int] = []
    monkeypatch.setattr(services, "_drivers_queue", queued.append)
    for _reading in range(2):
        text = analyst_a_client.get(url).content.decode()
        assert "Not computed yet" in text and "<svg" not in text
        assert "Compute this analysis" in text and 'method="post"' in text
    assert DriverRun.objects.filter(survey=results_survey).count() == before
    assert queued == []
    spanish = analyst_a_client.get(
        _url(results_survey, "es") + "?fiscal_year=2026&quarter=1&outcome=satisfaction"
    )
    assert "Calcular este análisis" in spanish.content.decode()
    for _press in range(2):
        reply = analyst_a_client.post(url)
        assert reply.status_code == 302 and reply["Location"] == url
    assert DriverRun.objects.filter(survey=results_survey).count() == before + 1
    assert queued == [results_survey.pk]
    assert "Being computed" in analyst_a_client.get(url).content.decode()
    monkeypatch.undo()
    drivers_compute_task.enqueue(survey_id=results_survey.pk)  # the worker runs the queued task
    ready = analyst_a_client.get(url).content.decode()
    assert "Being computed" not in ready and "Not computed yet" not in ready
    assert "Only 20 responses answered the outcome" in ready  # computed: too few in Q1


def test_the_button_needs_the_right_to_read_the_results(
    handler_b_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    before = DriverRun.objects.filter(survey=results_survey).count()
    assert handler_b_client.post(_url(results_survey) + "?fiscal_year=2026").status_code == 404
    assert DriverRun.objects.filter(survey=results_survey).count() == before


def test_new_responses_mark_analyses_stale_and_queue_one_task_for_a_burst(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
    service_a: Service,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    assert not DriverRun.objects.filter(survey=results_survey, stale=True).exists()
    queued: list[int] = []
    monkeypatch.setattr(services, "_drivers_queue", queued.append)
    for batch in range(3):
        rows = results_rows(service_a)[:5]
        for number, row in enumerate(rows):
            row.submission_id = f"more-{batch}-{number}"
        response_bulk_create(actor=None, survey=results_survey, rows=rows)
        rollups_fold_due()
    assert queued == [results_survey.pk]
    runs = DriverRun.objects.filter(survey=results_survey)
    assert all(run.stale and run.generation == 3 for run in runs)
    text = analyst_a_client.get(_url(results_survey)).content.decode()
    assert "Responses have changed since this analysis was computed" in text
    assert "40 responses answered" in text  # the last result, until the task runs
    monkeypatch.undo()
    drivers_compute_task.enqueue(survey_id=results_survey.pk)
    text = analyst_a_client.get(_url(results_survey)).content.decode()
    assert "55 responses answered" in text and "Responses have changed" not in text


def test_a_result_computed_from_older_responses_does_not_clear_a_newer_stale_mark(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    analyst_a_client.get(_url(results_survey))
    queued: list[int] = []
    monkeypatch.setattr(services, "_drivers_queue", queued.append)
    compute = result_selectors.driver_payload

    def while_responses_arrive(**kwargs):
        DriverRun.objects.filter(survey=results_survey).update(generation=99)
        return compute(**kwargs)

    monkeypatch.setattr(services, "driver_payload", while_responses_arrive)
    assert services.drivers_compute(survey_id=results_survey.pk) == 0
    assert DriverRun.objects.filter(survey=results_survey, stale=True).exists()
    assert queued == [results_survey.pk]  # queued again for the newer responses


def _wide_survey(agency: Agency, service: Service, k: int) -> Survey:
    survey = survey_create(actor=None, agency=agency, template="blank", services=[service])
    question_add(
        actor=None,
        survey=survey,
        key="trust",
        kind=QuestionKind.LIKERT,
        text="I trust them.",
        text_es="Confío en ellos.",
    )
    for j in range(k):
        question_add(
            actor=None,
            survey=survey,
            key=f"driver_{j}",
            kind=QuestionKind.LIKERT,
            text=f"Driver number {j}.",
            text_es=f"Factor número {j}.",
        )
    survey = survey_publish(actor=None, survey=cleared(survey))
    rng = np.random.default_rng(k)
    answers = rng.integers(1, 6, (80, k))
    trust = np.clip(np.rint(answers[:, :3].mean(axis=1) + rng.normal(0, 0.7, 80)), 1, 5)
    rows = [
        BulkResponse(
            answers={"trust": int(trust[i])}
            | {f"driver_{j}": int(answers[i, j]) for j in range(k)},
            submitted_at=datetime(2026, 1, 5, 12, tzinfo=EASTERN),
            submission_id=f"wide-{i}",
            context=SubmissionContext(service=service.slug),
        )
        for i in range(80)
    ]
    response_bulk_create(actor=None, survey=survey, rows=rows)
    rollups_fold_due()
    return survey


@pytest.mark.parametrize("k", [13, 15])
def test_more_drivers_than_exact_shapley_allows_are_computed_by_relative_weights(
    analyst_a_client: Client, agency_a: Agency, service_a: Service, k: int
) -> None:
    survey = _wide_survey(agency_a, service_a, k)
    _computed(analyst_a_client, survey, _url(survey))
    reply = analyst_a_client.get(_url(survey))
    assert reply.status_code == 200
    text = reply.content.decode()
    assert "80 responses answered" in text
    assert "Johnson&#x27;s relative weights" in text or "Johnson's relative weights" in text
    rows = _csv(analyst_a_client, _url(survey))
    assert len(rows) == k
    importance = [float(row[1]) for row in rows]
    assert sum(importance) == pytest.approx(100, abs=0.1 * k)
    for row in rows:
        assert float(row[2]) <= float(row[1]) + 0.05 and float(row[1]) <= float(row[3]) + 0.05


def _data(k: int, n: int = 300) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, (n, k)).astype(float)
    y = x @ np.linspace(1, 0.1, k) + rng.normal(0, 1, n)
    return y, {f"d{j}": x[:, j] for j in range(k)}


def test_the_same_seed_gives_identical_intervals_and_another_seed_other_ones() -> None:
    y, drivers = _data(6)
    first = key_drivers(outcome_name="t", outcome=y, drivers=drivers, seed=41)
    again = key_drivers(outcome_name="t", outcome=y, drivers=drivers, seed=41)
    other = key_drivers(outcome_name="t", outcome=y, drivers=drivers, seed=42)
    assert first.seed == 41 and first.resamples == RESAMPLES
    assert [(d.low, d.high) for d in first.drivers] == [(d.low, d.high) for d in again.drivers]
    assert [(d.low, d.high) for d in first.drivers] != [(d.low, d.high) for d in other.drivers]


def test_a_recomputed_analysis_over_the_same_responses_stores_the_same_intervals(
    analyst_a_client: Client,
    results_survey: Survey,  # noqa: F811
) -> None:
    _computed(analyst_a_client, results_survey, _url(results_survey))
    run = DriverRun.objects.filter(survey=results_survey).order_by("pk").first()
    assert run is not None and run.result is not None
    first = run.result
    DriverRun.objects.filter(pk=run.pk).update(stale=True)
    drivers_compute_task.enqueue(survey_id=results_survey.pk)
    run.refresh_from_db()
    assert run.result == first and not run.stale


@pytest.mark.parametrize("k", [13, 15])
def test_key_drivers_above_twelve_use_relative_weights_with_intervals(k: int) -> None:
    y, drivers = _data(k)
    analysis = key_drivers(outcome_name="t", outcome=y, drivers=drivers, bootstrap=200)
    assert analysis.method == insight_drivers.RELATIVE_WEIGHTS
    assert sum(d.relative_importance for d in analysis.drivers) == pytest.approx(1.0)
    for d in analysis.drivers:
        assert d.low <= d.relative_importance + 1e-9 <= d.high + 2e-9
    design = np.column_stack([np.ones(len(y)), *drivers.values()])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    full = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    assert analysis.r_squared == pytest.approx(full)


def test_relative_weights_come_close_to_exact_shapley_shares() -> None:
    y, drivers = _data(6)
    x = np.column_stack(list(drivers.values()))
    assert insight_drivers.relative_weights(x, y) == pytest.approx(
        insight_drivers.shapley_r2(x, y), abs=0.01
    )


def test_a_driver_that_does_not_vary_in_a_resample_adds_nothing_instead_of_failing() -> None:
    y, drivers = _data(3, n=40)
    drivers["constant"] = np.full(40, 3.0)
    drivers["copy"] = drivers["d0"] * 2
    analysis = key_drivers(outcome_name="t", outcome=y, drivers=drivers, bootstrap=50)
    by_name = {d.name: d for d in analysis.drivers}
    assert by_name["constant"].relative_importance == pytest.approx(0.0, abs=1e-9)
    assert by_name["d0"].relative_importance + by_name["copy"].relative_importance > 0.3


def test_employee_responses_have_the_worker_decide_disclosure_once_per_burst(
    employee_survey: Survey,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    moment = datetime(2025, 11, 4, 12, tzinfo=EASTERN)

    def respond(tag: str) -> None:
        rows = [
            BulkResponse(
                answers={"resources": 4},
                submitted_at=moment,
                submission_id=f"{tag}-{n}",
                context=SubmissionContext(source="import"),
            )
            for n in range(6)
        ]
        response_bulk_create(actor=None, survey=employee_survey, rows=rows)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        respond("first")
        respond("second")
    assert len(queued) == 2  # one rollup fold and one decision task for the burst
    for task in queued:
        task()  # the tasks run; the next burst queues its own
    with django_capture_on_commit_callbacks(execute=True) as again:
        respond("third")
    assert len(again) == 2
    refuse = mock.Mock(side_effect=AssertionError("decided in the request"))
    monkeypatch.setattr(disclosure, "_decide", refuse)
    survey = Survey.objects.get(pk=employee_survey.pk)
    decision = disclosure.survey_disclosure(survey)
    assert decision is not None and decision.respondents.shown(disclosure.view_of(ResultFilters()))
    refuse.assert_not_called()
