"""Stored key driver analyses are bounded, and their task survives a passing failure.

Every filter tried on the drivers page stores an analysis, and every stored one is recomputed
when responses change: a survey keeps only its most recently asked-for filtered analyses (the
unfiltered ones, which actions read, always stay). The task is retried after a failure and
dead-lettered when it keeps failing.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError

from cxgov.core.models import DeadLetter
from cxgov.surveys import services, tasks
from cxgov.surveys.models import DriverRun, Survey
from cxgov.surveys.results.queries import ResultFilters
from cxgov.surveys.results.selectors import driver_questions, driver_spec, outcome_questions
from cxgov.surveys.tests.test_results_pages import results_rows, results_survey  # noqa: F401

pytestmark = pytest.mark.django_db


def _spec(survey: Survey, filters: ResultFilters) -> dict:
    outcome = outcome_questions(survey=survey)[0]
    return driver_spec(outcome=outcome, drivers=driver_questions(survey=survey), filters=filters)


def test_storing_a_new_filtered_analysis_drops_the_oldest_beyond_the_limit(
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "_drivers_queue", lambda survey_id: None)
    monkeypatch.setattr(services, "DRIVER_RUNS_KEPT", 3)
    services.drivers_request(survey=results_survey, spec=_spec(results_survey, ResultFilters()))
    # The survey's first responses stored the unfiltered analysis of each outcome.
    unfiltered = set(DriverRun.objects.filter(survey=results_survey).values_list("pk", flat=True))
    assert len(unfiltered) >= 1
    runs = [
        services.drivers_request(
            survey=results_survey, spec=_spec(results_survey, ResultFilters(channel=f"c{n}"))
        )
        for n in range(6)
    ]
    kept = set(DriverRun.objects.filter(survey=results_survey).values_list("pk", flat=True))
    assert kept == {*unfiltered, *(run.pk for run in runs[-3:])}


def test_asking_again_for_a_stored_analysis_prunes_nothing(
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "_drivers_queue", lambda survey_id: None)
    monkeypatch.setattr(services, "DRIVER_RUNS_KEPT", 2)
    before = DriverRun.objects.filter(survey=results_survey).count()
    specs = [_spec(results_survey, ResultFilters(language=f"l{n}")) for n in range(2)]
    first = [services.drivers_request(survey=results_survey, spec=spec) for spec in specs]
    again = services.drivers_request(survey=results_survey, spec=specs[0])
    assert again.pk == first[0].pk
    assert DriverRun.objects.filter(survey=results_survey).count() == before + 2


def test_pruning_keeps_unfiltered_analyses_and_never_drops_the_newest(
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "_drivers_queue", lambda survey_id: None)
    before = DriverRun.objects.filter(survey=results_survey).count()
    for n in range(3):
        services.drivers_request(
            survey=results_survey, spec=_spec(results_survey, ResultFilters(channel=f"x{n}"))
        )
    # A limit of zero or less still keeps the analysis just asked for.
    assert services.drivers_prune(survey=results_survey, keep=-5) == 2
    assert DriverRun.objects.filter(survey=results_survey).count() == before + 1
    assert services.drivers_prune(survey=results_survey, keep=0) == 0
    assert DriverRun.objects.filter(survey=results_survey).count() == before + 1


def test_a_passing_failure_of_the_drivers_task_is_retried(
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def flaky(*, survey_id: int) -> int:
        calls.append(survey_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return 1

    monkeypatch.setattr(tasks, "drivers_compute", flaky)
    tasks.drivers_compute_task.enqueue(survey_id=results_survey.pk)
    assert calls == [results_survey.pk, results_survey.pk]
    assert not DeadLetter.objects.exists()


def test_a_drivers_task_that_keeps_failing_is_kept_as_a_dead_letter(
    results_survey: Survey,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    settings,
) -> None:
    settings.TASK_MAX_ATTEMPTS = 2

    def broken(*, survey_id: int) -> int:
        raise OperationalError("the database is down")

    monkeypatch.setattr(tasks, "drivers_compute", broken)
    tasks.drivers_compute_task.enqueue(survey_id=results_survey.pk)
    dead = DeadLetter.objects.get()
    assert dead.task_path == "cxgov.surveys.tasks.drivers_compute_task"
    assert dead.attempts == 2 and dead.kwargs == {"survey_id": results_survey.pk}
