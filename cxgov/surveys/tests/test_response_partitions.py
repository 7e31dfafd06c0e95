"""Responses and answers are partitioned by month on PostgreSQL; submission ids stay unique
through a table of their own (decision 0073)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection

from cxgov.core.models import Agency
from cxgov.core.partitions import partitioned_tables, partitions_create
from cxgov.surveys.models import Answer, Response, Submission, Survey
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import (
    ANSWERS_COPY_FROM,
    BatchItem,
    SubmissionContext,
    response_batch_submit,
    response_submit,
)
from cxgov.surveys.tests.results_factories import bulk, mixed_survey
from cxgov.testing.migrations import migrate_to_before, migrate_to_latest

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps plain tables: no partitions"
)
ANSWERS = {"sat": "4", "why": ["ease", "staff"], "visits": 2}


def partitions_holding(model: type[Response | Answer], ids: list[int]) -> set[str]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tableoid::regclass::text FROM {table} WHERE id = ANY(%s)",  # noqa: S608
            [ids],
        )
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
def test_responses_and_answers_are_partitioned_by_the_month_they_were_submitted() -> None:
    tables = {(table.name, table.column) for table in partitioned_tables()}
    assert ("surveys_response", "submitted_at") in tables
    assert ("surveys_answer", "submitted_at") in tables


@on_postgresql
def test_a_response_and_its_answers_land_in_the_partition_of_their_month(
    agency_a: Agency,
) -> None:
    partitions_create(months_ahead=1, today=date(2026, 3, 10))
    survey = mixed_survey(agency_a)
    bulk(survey, [(ANSWERS, datetime(2026, 4, 30, 23, 59, tzinfo=UTC))])
    response = Response.objects.get(survey=survey)
    answers = list(Answer.objects.filter(response=response).values_list("id", flat=True))
    assert len(answers) == 4
    assert partitions_holding(Response, [response.pk]) == {"surveys_response_p2026_04"}
    assert partitions_holding(Answer, answers) == {"surveys_answer_p2026_04"}


def test_a_resend_in_the_next_month_returns_the_stored_response(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    with time_machine.travel(datetime(2026, 4, 30, 23, 59, tzinfo=UTC), tick=False):
        first = response_submit(survey=survey, answers=ANSWERS, submission_id="month-end")
    with time_machine.travel(datetime(2026, 5, 1, 0, 1, tzinfo=UTC), tick=False):
        again = response_submit(survey=survey, answers=ANSWERS, submission_id="month-end")
        [outcome] = response_batch_submit(
            actor=None,
            survey=survey,
            items=[
                BatchItem(answers=ANSWERS, submission_id="month-end", context=SubmissionContext())
            ],
        )
    assert again.pk == first.pk == outcome.response.pk
    assert Response.objects.filter(survey=survey).count() == 1
    assert Submission.objects.get(survey=survey).response_id == first.pk


def test_every_answer_carries_its_responses_time(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    response_submit(survey=survey, answers=ANSWERS, submission_id="single")
    bulk(survey, [(ANSWERS, datetime(2025, 11, 3, 8, 0, tzinfo=UTC))])
    pairs = {
        (answer.submitted_at, answer.response.submitted_at)
        for answer in Answer.objects.filter(survey=survey).select_related("response")
    }
    assert len(pairs) == 2
    assert all(mine == theirs for mine, theirs in pairs)


def test_deleting_a_survey_deletes_its_responses_answers_and_submission_ids(
    agency_a: Agency,
) -> None:
    survey = mixed_survey(agency_a)
    kept = mixed_survey(agency_a, title="Kept")
    for target in (survey, kept):
        response_submit(survey=target, answers=ANSWERS, submission_id="same-id")
    rollups_fold(survey_id=survey.pk)
    # Answers and submission ids point at responses without a database constraint: Django
    # cascades the delete.
    survey.delete()
    assert not Response.objects.filter(survey_id=survey.pk).exists()
    assert not Answer.objects.filter(survey_id=survey.pk).exists()
    assert not Submission.objects.filter(survey_id=survey.pk).exists()
    assert Submission.objects.filter(survey=kept).count() == 1
    assert Answer.objects.filter(survey=kept).count() == 4


@pytest.mark.usefixtures("migrating_database")
def test_responses_stored_before_keep_their_submission_ids_and_answer_times() -> None:
    old = migrate_to_before([("surveys", "0016_survey_rows_carry_agency")])
    agency = old.get_model("core", "Agency").objects.create(name="Ours", slug="ours")
    survey = old.get_model("surveys", "Survey").objects.create(agency=agency, title="Old")
    question = old.get_model("surveys", "Question").objects.create(
        survey=survey, key="sat", kind="likert", text="How satisfied?"
    )
    when = datetime(2024, 2, 29, 10, 0, tzinfo=UTC)
    response = old.get_model("surveys", "Response").objects.create(
        survey=survey, agency=agency, submission_id="kept-1", submitted_at=when, source="web"
    )
    old.get_model("surveys", "Answer").objects.create(
        response=response, survey=survey, agency=agency, question=question, value_int=4
    )

    migrate_to_latest()

    assert Submission.objects.get().response_id == response.pk
    assert Answer.objects.get().submitted_at == when
    new_survey = Survey.objects.get(pk=survey.pk)
    again = response_submit(survey=new_survey, answers={"sat": "4"}, submission_id="kept-1")
    assert again.pk == response.pk
    if connection.vendor == "postgresql":
        assert partitions_holding(Response, [response.pk]) == {"surveys_response_p2024_02"}


def test_a_large_load_stores_the_same_answers_as_single_submissions(agency_a: Agency) -> None:
    """Past `ANSWERS_COPY_FROM` answers PostgreSQL gets them by COPY; the rows are the same."""
    answers = {"sat": "4", "why": ["ease", "staff"], "visits": "2.5", "comments": "Tab\there"}
    loaded, single = mixed_survey(agency_a), mixed_survey(agency_a, title="Single")
    when = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    count = ANSWERS_COPY_FROM // 4 + 1
    bulk(loaded, [(answers, when)] * count)
    with time_machine.travel(when, tick=False):
        response_submit(survey=single, answers=answers, submission_id="one")

    def stored(survey: Survey) -> list[tuple[object, ...]]:
        return sorted(
            Answer.objects.filter(survey=survey).values_list(
                "question__key", "value_int", "value_number", "value_text", "note", "submitted_at"
            )
        )

    assert Answer.objects.filter(survey=loaded).count() == 5 * count
    assert sorted(set(stored(loaded))) == stored(single)
