"""Responses older than RESPONSE_RETENTION_MONTHS go by whole months, with their answers and
submission ids; the rollups of those days stay and are final (decision 0074)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from cxgov.core.models import Agency, AuditEvent
from cxgov.core.partitions import partitions_create
from cxgov.registry.services import retention_purge
from cxgov.surveys.models import Answer, AnswerRollup, Response, ResponseRollup, Submission, Survey
from cxgov.surveys.rollups import rollups_fold, rollups_rebuild
from cxgov.surveys.services import response_submit, responses_months_purge
from cxgov.surveys.tests.results_factories import mixed_survey, quarters_in_step

pytestmark = pytest.mark.django_db

ANSWERS = {"sat": "4", "why": ["ease", "staff"], "visits": 2}
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
# With two months kept in mid-April, February is the first month kept.
OLD = datetime(2026, 1, 20, 15, 0, tzinfo=UTC)
KEPT = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)


def _submit(survey: Survey, at: datetime, submission_id: str) -> Response:
    with time_machine.travel(at, tick=False):
        response = response_submit(survey=survey, answers=ANSWERS, submission_id=submission_id)
    rollups_fold(survey_id=survey.pk)
    return response


def _rollups(survey: Survey) -> tuple[list[tuple], list[tuple]]:
    answers = AnswerRollup.objects.filter(survey=survey).order_by("day", "question", "value_key")
    responses = ResponseRollup.objects.filter(survey=survey).order_by("day")
    return (
        list(answers.values_list("day", "question", "value_key", "count", "total")),
        list(responses.values_list("day", "count")),
    )


@pytest.fixture
def survey(agency_a: Agency, settings: Any) -> Survey:
    settings.RESPONSE_RETENTION_MONTHS = 2
    partitions_create(months_ahead=4, today=date(2026, 1, 1))
    return mixed_survey(agency_a)


def test_responses_past_the_retention_go_with_their_answers_and_submission_ids(
    survey: Survey,
) -> None:
    old = _submit(survey, OLD, "january")
    kept = _submit(survey, KEPT, "february")
    rollups_before = _rollups(survey)

    report = retention_purge(now=NOW)

    assert report.responses_months
    if connection.vendor == "postgresql":
        assert "surveys_response_p2026_01" in report.responses_months
        assert "surveys_answer_p2026_01" in report.responses_months
        assert "surveys_response_p2026_02" not in report.responses_months
    assert list(Response.objects.filter(survey=survey)) == [kept]
    assert not Answer.objects.filter(response_id=old.pk).exists()
    assert Answer.objects.filter(response_id=kept.pk).count() == 4
    assert list(
        Submission.objects.filter(survey=survey).values_list("submission_id", flat=True)
    ) == ["february"]
    # The counts stay: results of January still read them.
    assert _rollups(survey) == rollups_before
    record = AuditEvent.objects.get(action="responses.months_purge")
    assert record.data["before"] == "2026-02-01"
    assert record.data["removed"] == report.responses_months


def test_a_dry_run_says_what_would_go_and_removes_nothing(survey: Survey) -> None:
    _submit(survey, OLD, "january")
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "responses: would remove" in out.getvalue()
    assert responses_months_purge(now=NOW, dry_run=True)
    assert Response.objects.filter(survey=survey).count() == 1
    assert Submission.objects.filter(survey=survey).count() == 1
    assert not AuditEvent.objects.filter(action="responses.months_purge").exists()


def test_a_rebuild_after_the_purge_keeps_the_counts_of_the_months_that_went(
    survey: Survey,
) -> None:
    _submit(survey, OLD, "january")
    _submit(survey, KEPT, "february")
    rollups_before = _rollups(survey)
    responses_months_purge(now=NOW)

    with time_machine.travel(NOW, tick=False):
        result = rollups_rebuild(survey=survey)

    assert result.responses == 1
    assert _rollups(survey) == rollups_before
    assert quarters_in_step(survey)


def test_a_resend_of_a_purged_submission_is_stored_again(survey: Survey) -> None:
    old = _submit(survey, OLD, "january")
    responses_months_purge(now=NOW)
    with time_machine.travel(NOW, tick=False):
        again = response_submit(survey=survey, answers=ANSWERS, submission_id="january")
    assert again.pk != old.pk
    assert Submission.objects.get(survey=survey).response_id == again.pk


def test_responses_are_kept_for_ever_by_default(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    _submit(survey, datetime(2001, 1, 1, tzinfo=UTC), "ancient")
    assert responses_months_purge(now=NOW) == []
    assert Response.objects.filter(survey=survey).count() == 1
