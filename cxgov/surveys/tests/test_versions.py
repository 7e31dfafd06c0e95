"""Versions: a survey gets version 1 when it goes live and a new version after each change of a
live survey's definition; every intake path stores the version answered; staff see the versions
with their response counts and download each one's definition."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cxgov.core.models import Agency, User
from cxgov.surveys.definition import survey_definition
from cxgov.surveys.models import Response, Survey, SurveyVersion
from cxgov.surveys.services import (
    BatchItem,
    BulkResponse,
    SubmissionContext,
    question_add,
    question_update,
    response_batch_submit,
    response_bulk_create,
    response_submit,
    survey_close,
    survey_create,
    survey_update,
)

pytestmark = pytest.mark.django_db

ANSWERS = {"trust": "1"}


def test_publishing_makes_version_one_with_the_definition(a11_survey: Survey) -> None:
    [version] = a11_survey.versions.all()
    assert version.number == 1
    assert version.definition == survey_definition(a11_survey)


def test_each_effective_change_of_a_live_survey_makes_a_new_version(
    a11_survey: Survey, analyst_a: User
) -> None:
    question = a11_survey.questions.get(key="trust")
    question_update(actor=analyst_a, question=question, text="I trust you more now.")
    survey_update(actor=analyst_a, survey=a11_survey, title_es="Encuesta nueva")
    # Settings outside the document and an unchanged save make none.
    survey_update(actor=analyst_a, survey=a11_survey, burden_minutes=4)
    question_update(actor=analyst_a, question=question, text="I trust you more now.")
    numbers = list(a11_survey.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    latest = a11_survey.versions.get(number=3)
    assert latest.published_by == analyst_a
    assert latest.definition["title_es"] == "Encuesta nueva"
    assert latest.definition["questions"][0]["text"] == "I trust you more now."


def test_a_draft_has_no_versions_and_adding_questions_to_it_makes_none(agency_a: Agency) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="blank", title="Draft")
    question_add(actor=None, survey=survey, key="q1", kind="short_text", text="Hello?")
    assert not SurveyVersion.objects.exists()


def test_every_intake_path_records_the_version_answered(a11_survey: Survey) -> None:
    single = response_submit(survey=a11_survey, answers=ANSWERS)
    [outcome] = response_batch_submit(
        actor=None,
        survey=a11_survey,
        items=[BatchItem(answers=ANSWERS, submission_id="b-1", context=SubmissionContext())],
    )
    response_bulk_create(
        actor=None,
        survey=a11_survey,
        rows=[
            BulkResponse(
                answers=ANSWERS,
                submitted_at=timezone.now() - timedelta(days=1),
                context=SubmissionContext(source="import"),
            )
        ],
    )
    version = a11_survey.versions.get()
    assert single.version == version and outcome.response.version == version
    assert set(Response.objects.values_list("version", flat=True)) == {version.pk}
    question_update(actor=None, question=a11_survey.questions.get(key="trust"), text="More trust?")
    later = response_submit(survey=a11_survey, answers=ANSWERS, submission_id="later")
    assert later.version.number == 2


def test_a_survey_published_before_versions_gets_one_on_its_next_response(
    a11_survey: Survey,
) -> None:
    a11_survey.versions.all().delete()
    response = response_submit(survey=a11_survey, answers=ANSWERS)
    assert response.version is not None and response.version.number == 1


def test_the_survey_page_records_the_version(client: Client, a11_survey: Survey) -> None:
    reply = client.post(
        f"/surveys/{a11_survey.public_id}/",
        {"q-trust": "1", "submission_id": "page-1"},
    )
    assert reply.status_code == 302
    assert Response.objects.get(submission_id="page-1").version.number == 1


def test_staff_see_versions_with_counts_and_download_each_definition(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    response_submit(survey=a11_survey, answers=ANSWERS)
    question_update(actor=None, question=a11_survey.questions.get(key="trust"), text="More trust?")
    page = analyst_a_client.get(f"/staff/agencies/alpha/surveys/{a11_survey.pk}/")
    text = page.content.decode()
    assert "Download version 2 (JSON)" in text and "Download version 1 (JSON)" in text
    first = analyst_a_client.get(
        f"/staff/agencies/alpha/surveys/{a11_survey.pk}/versions/1/definition.json"
    )
    body = b"".join(first.streaming_content) if first.streaming else first.content
    assert json.loads(body) == a11_survey.versions.get(number=1).definition
    missing = analyst_a_client.get(
        f"/staff/agencies/alpha/surveys/{a11_survey.pk}/versions/9/definition.json"
    )
    assert missing.status_code == 404


def test_closing_a_survey_makes_no_version(a11_survey: Survey) -> None:
    survey_close(actor=None, survey=a11_survey)
    survey_update(actor=None, survey=a11_survey, title="Closed now")
    assert a11_survey.versions.count() == 1
