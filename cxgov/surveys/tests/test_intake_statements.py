"""One `response_submit` sends a fixed, small number of statements (issue #17, decision 0071).

Counted, not timed: each statement is a round trip, and on a loaded database the round trips
are what a single response costs. A new query per response shows here before it shows in
`bench/intake.py`.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxgov.surveys.models import DriverRun, Response, Survey
from cxgov.surveys.rollups import rollups_fold, rollups_rebuild
from cxgov.surveys.selectors import survey_public
from cxgov.surveys.services import SubmissionContext, response_submit

pytestmark = pytest.mark.django_db

# The address's hourly count, the service, the version with whether there are quotas, the fold
# lock (PostgreSQL only) and flag, the response, its submission id (decision 0073), its
# answers and the audit event. The driver analyses are marked stale by the fold.
STATEMENTS_CAP = 9 if connection.vendor == "postgresql" else 8


def _submit(survey: Survey, submission_id: str) -> Response:
    return response_submit(
        survey=survey,
        answers={"trust": "1", "went_well": ["ease", "employee"], "comments": "Quick."},
        submission_id=submission_id,
        context=SubmissionContext(service="apply", channel="website", ip_address="203.0.113.9"),
    )


def _statements_of_one_submit(survey: Survey, submission_id: str) -> list[str]:
    # The survey as the public form and the widget load it, with its agency.
    fresh = survey_public(public_id=survey.public_id)
    with CaptureQueriesContext(connection) as captured:
        response = _submit(fresh, submission_id)
    assert response.pk is not None
    # Inside the test's transaction the intake's BEGIN and COMMIT are a savepoint pair.
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_one_response_submit_sends_at_most_the_capped_statements(a11_survey: Survey) -> None:
    _submit(a11_survey, "warm-1")
    statements = _statements_of_one_submit(a11_survey, "counted-1")
    assert len(statements) <= STATEMENTS_CAP, "\n".join(statements)


def test_a_survey_with_driver_analyses_leaves_them_to_the_fold(a11_survey: Survey) -> None:
    """Intake neither reads nor locks the analyses, so concurrent responses to one survey do
    not wait for each other's commit; the fold that adds them marks the analyses stale."""
    _submit(a11_survey, "warm-1")
    DriverRun.objects.create(survey=a11_survey, key="k", spec={}, seed=1, stale=False)
    statements = _statements_of_one_submit(a11_survey, "counted-1")
    assert len(statements) <= STATEMENTS_CAP, "\n".join(statements)
    assert not [sql for sql in statements if '"surveys_driverrun"' in sql]
    assert not DriverRun.objects.get(survey=a11_survey).stale
    rollups_fold(survey_id=a11_survey.pk)
    assert DriverRun.objects.get(survey=a11_survey).stale


def test_the_questions_are_not_read_again_for_each_response(a11_survey: Survey) -> None:
    _submit(a11_survey, "warm-1")
    statements = _statements_of_one_submit(a11_survey, "counted-1")
    assert not [sql for sql in statements if '"surveys_question"' in sql.split("WHERE")[0]]


def test_a_rebuild_past_unfolded_responses_marks_the_analyses_stale(a11_survey: Survey) -> None:
    """A rebuild moves the watermark past responses no fold reached, so it marks them itself."""
    _submit(a11_survey, "warm-1")
    DriverRun.objects.create(survey=a11_survey, key="k", spec={}, seed=1, stale=False)
    _submit(a11_survey, "counted-1")
    rollups_rebuild(survey=a11_survey)
    assert DriverRun.objects.get(survey=a11_survey).stale
