"""Responses, answers and rollup rows carry their survey's agency (decision 0069)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cxgov.core.models import Agency
from cxgov.surveys.models import (
    Answer,
    AnswerQuarterRollup,
    AnswerRollup,
    Response,
    ResponseQuarterRollup,
    ResponseRollup,
    Survey,
)
from cxgov.surveys.rollups import rollups_fold, rollups_rebuild
from cxgov.surveys.services import (
    BatchItem,
    SubmissionContext,
    response_batch_submit,
    response_submit,
)
from cxgov.surveys.tests.results_factories import bulk, mixed_survey
from cxgov.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SURVEY_ROWS = (
    Response,
    Answer,
    AnswerRollup,
    ResponseRollup,
    AnswerQuarterRollup,
    ResponseQuarterRollup,
)


def agencies_of(survey: Survey) -> dict[str, set[int]]:
    """The agencies named by each kind of row of the survey."""
    return {
        model.__name__: set(model.objects.filter(survey=survey).values_list("agency_id", flat=True))
        for model in SURVEY_ROWS
    }


def only(agency: Agency) -> dict[str, set[int]]:
    """Rows of every kind, all of the agency."""
    return {model.__name__: {agency.pk} for model in SURVEY_ROWS}


def answers(n: int) -> dict[str, object]:
    return {"sat": str(1 + n % 5), "why": ["ease", "staff"][: 1 + n % 2], "visits": n}


def test_single_and_batch_intake_and_the_fold_give_every_row_the_surveys_agency(
    agency_a: Agency,
) -> None:
    other = AgencyFactory(slug="other-agency")
    survey = mixed_survey(agency_a)
    elsewhere = mixed_survey(other, title="Elsewhere")
    for n in range(3):
        response_submit(survey=survey, answers=answers(n), submission_id=f"one-{n}")
        response_submit(survey=elsewhere, answers=answers(n), submission_id=f"one-{n}")
    response_batch_submit(
        actor=None,
        survey=survey,
        items=[
            BatchItem(answers=answers(n), submission_id=f"batch-{n}", context=SubmissionContext())
            for n in range(3)
        ],
    )
    assert {r.agency_id for r in Response.objects.filter(survey=survey)} == {agency_a.pk}

    rollups_fold(survey_id=survey.pk)
    rollups_fold(survey_id=elsewhere.pk)

    assert agencies_of(survey) == only(agency_a)
    assert agencies_of(elsewhere) == only(other)
    assert Response.objects.filter(survey=survey).count() == 6


def test_bulk_intake_and_a_rebuild_give_every_row_the_surveys_agency(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    first = datetime(2025, 11, 3, 15, tzinfo=UTC)
    bulk(survey, [(answers(n), first + timedelta(days=40 * n)) for n in range(5)])
    assert agencies_of(survey) == only(agency_a)

    rollups_rebuild(survey=survey)

    assert agencies_of(survey) == only(agency_a)
    assert AnswerQuarterRollup.objects.filter(survey=survey).exists()
