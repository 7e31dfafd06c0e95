"""The fold of new responses into the rollups: exactly once, all or nothing, as they are then."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

from cxgov.core.models import Agency
from cxgov.surveys import rollups
from cxgov.surveys.models import (
    AnswerQuarterRollup,
    AnswerRollup,
    Response,
    ResponseQuarterRollup,
    ResponseRollup,
    RollupWatermark,
    Survey,
)
from cxgov.surveys.results.estimates import response_counts, survey_results
from cxgov.surveys.rollups import rollups_fold, rollups_fold_due, rollups_rebuild
from cxgov.surveys.services import (
    BatchItem,
    SubmissionContext,
    response_batch_submit,
    response_delete,
    response_mark,
    response_submit,
)
from cxgov.surveys.tasks import rollups_fold_task
from cxgov.surveys.tests.results_factories import mixed_survey
from cxgov.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ROLLUP_MODELS = (AnswerRollup, ResponseRollup, AnswerQuarterRollup, ResponseQuarterRollup)


def rollup_rows(survey: Survey) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row of the survey, both levels, without ids."""
    rows = {}
    for model in ROLLUP_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        rows[model.__name__] = sorted(
            model.objects.filter(survey=survey).values_list(*names), key=repr
        )
    return rows


def rebuilt_rows(survey: Survey) -> dict[str, list[tuple[Any, ...]]]:
    rollups_rebuild(survey=survey)
    return rollup_rows(survey)


def submit(survey: Survey, n: int, *, prefix: str = "s") -> Response:
    return response_submit(
        survey=survey,
        answers={"sat": str(1 + n % 5), "why": ["ease", "staff"][: 1 + n % 2]},
        submission_id=f"{prefix}-{n}",
        context=SubmissionContext(language="en"),
    )


def watermark(survey: Survey) -> RollupWatermark:
    return RollupWatermark.objects.get(survey=survey)


def test_intake_stores_responses_and_leaves_the_rollups_to_the_fold(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    responses = [submit(survey, n) for n in range(5)]
    assert not ResponseRollup.objects.filter(survey=survey).exists()
    assert watermark(survey).fold_requested

    assert rollups_fold(survey_id=survey.pk) == 5
    assert watermark(survey).folded_through == max(r.pk for r in responses)
    assert not watermark(survey).fold_requested
    assert response_counts(survey=survey) == 5


def test_folding_twice_counts_each_response_once(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    for n in range(6):
        submit(survey, n)
    rollups_fold(survey_id=survey.pk)
    once = rollup_rows(survey)
    assert rollups_fold(survey_id=survey.pk) == 0
    assert rollup_rows(survey) == once == rebuilt_rows(survey)


def test_intake_queues_one_fold_until_it_has_run(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    with mock.patch("cxgov.surveys.services.task_enqueue_with_write") as enqueue:
        for n in range(3):
            submit(survey, n)
        response_batch_submit(
            actor=None,
            survey=survey,
            items=[
                BatchItem(answers={"sat": "4"}, submission_id=f"b-{n}", context=SubmissionContext())
                for n in range(3)
            ],
        )
        folds = [c for c in enqueue.call_args_list if c.args[0] is rollups_fold_task]
        assert len(folds) == 1
        assert folds[0].kwargs == {"survey_id": survey.pk}
        rollups_fold(survey_id=survey.pk)
        submit(survey, 9)
        folds = [c for c in enqueue.call_args_list if c.args[0] is rollups_fold_task]
        assert len(folds) == 2


def test_a_fold_in_steps_folds_every_response(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    for n in range(7):
        submit(survey, n)
    assert rollups_fold(survey_id=survey.pk, limit=2) == 7
    assert not watermark(survey).fold_requested
    assert rollup_rows(survey) == rebuilt_rows(survey)


def test_responses_marked_or_deleted_before_their_fold_are_not_counted(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    responses = [submit(survey, n) for n in range(4)]
    response_mark(actor=None, response=responses[0], spam=True)
    response_delete(actor=None, response=responses[1])
    # Marked and restored before the fold: counted, once.
    response_mark(actor=None, response=responses[2], spam=True)
    response_mark(actor=None, response=responses[2], spam=False)
    assert not ResponseRollup.objects.filter(survey=survey).exists()

    rollups_fold(survey_id=survey.pk)
    assert response_counts(survey=survey) == 2
    assert rollup_rows(survey) == rebuilt_rows(survey)


def test_responses_marked_or_deleted_after_their_fold_leave_the_rollups(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    responses = [submit(survey, n) for n in range(4)]
    rollups_fold(survey_id=survey.pk)
    response_mark(actor=None, response=responses[0], spam=True)
    response_delete(actor=None, response=responses[1])
    assert response_counts(survey=survey) == 2
    response_delete(actor=None, response=responses[1], restore=True)
    assert response_counts(survey=survey) == 3
    assert rollups_fold(survey_id=survey.pk) == 0
    assert rollup_rows(survey) == rebuilt_rows(survey)


def test_a_fold_that_dies_after_writing_rollups_leaves_nothing_and_the_next_one_finishes(
    agency_a: Agency,
) -> None:
    survey = mixed_survey(agency_a)
    for n in range(3):
        submit(survey, n)
    rollups_fold(survey_id=survey.pk)
    folded = rollup_rows(survey)
    for n in range(3, 8):
        submit(survey, n)

    # The worker dies after the rollup rows are written, before the watermark moves.
    with (
        mock.patch.object(rollups, "_watermark_advance", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        rollups_fold(survey_id=survey.pk, limit=2)
    assert rollup_rows(survey) == folded
    assert watermark(survey).fold_requested

    assert rollups_fold(survey_id=survey.pk) == 5
    assert rollup_rows(survey) == rebuilt_rows(survey)


def test_the_periodic_fold_folds_every_survey_with_a_fold_requested() -> None:
    agency = AgencyFactory()
    first, second = mixed_survey(agency, title="First"), mixed_survey(agency, title="Second")
    submit(first, 1)
    submit(second, 2)
    submit(second, 3)
    assert rollups_fold_due() == 3
    assert rollups_fold_due() == 0
    assert response_counts(survey=first) == 1
    assert response_counts(survey=second) == 2


def test_a_rebuild_counts_responses_not_folded_yet_and_the_fold_does_not_add_them_again(
    agency_a: Agency,
) -> None:
    survey = mixed_survey(agency_a)
    for n in range(4):
        submit(survey, n)
    rebuilt = rebuilt_rows(survey)
    assert rollups_fold(survey_id=survey.pk) == 0
    assert rollup_rows(survey) == rebuilt
    assert response_counts(survey=survey) == 4


def test_results_after_the_fold_equal_results_after_a_rebuild(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    responses = [submit(survey, n) for n in range(10)]
    rollups_fold(survey_id=survey.pk)
    response_mark(actor=None, response=responses[3], spam=True)
    submit(survey, 11)
    rollups_fold(survey_id=survey.pk)
    folded = survey_results(survey=survey)
    rollups_rebuild(survey=survey)
    assert survey_results(survey=survey) == folded


def test_a_repeated_submission_id_answers_with_the_stored_response(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    first = submit(survey, 1)
    # The unique constraint refuses the second insert; the stored response is the answer.
    assert submit(survey, 1).pk == first.pk
    assert Response.objects.filter(survey=survey).count() == 1
    rollups_fold(survey_id=survey.pk)
    assert response_counts(survey=survey) == 1


# --- PostgreSQL: concurrent folds and intake ------------------------------------------------


def _in_thread(work: Any) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_concurrent_folds_and_intake_count_every_response_exactly_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    survey = mixed_survey(AgencyFactory(), title="Concurrent")
    errors: list[BaseException] = []

    def guarded(work: Any) -> Any:
        def run() -> None:
            try:
                work()
            except BaseException as error:
                errors.append(error)

        return run

    def intake(writer: int) -> None:
        for n in range(15):
            submit(survey, n, prefix=f"w{writer}")

    def fold() -> None:
        for _ in range(10):
            rollups_fold(survey_id=survey.pk, limit=3)

    threads = [_in_thread(guarded(lambda w=w: intake(w))) for w in range(3)]
    threads += [_in_thread(guarded(fold)) for _ in range(3)]
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    rollups_fold(survey_id=survey.pk)
    assert response_counts(survey=survey) == 45
    folded = rollup_rows(survey)
    assert folded == rebuilt_rows(survey)


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_never_count_a_response_twice() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    survey = mixed_survey(AgencyFactory(), title="Two folds")
    for n in range(40):
        submit(survey, n)
    barrier = threading.Barrier(4)

    def fold() -> None:
        barrier.wait(timeout=30)
        rollups_fold(survey_id=survey.pk, limit=7)

    for thread in [_in_thread(fold) for _ in range(4)]:
        thread.join(timeout=120)
    assert response_counts(survey=survey) == 40
    assert rollup_rows(survey) == rebuilt_rows(survey)
