"""Responses one by one are for those who run the surveys (agency admins, CX analysts); every
other role reads results only and gets the page a missing survey gets. Employee survey answers
are listed to nobody: their results show groups of at least the suppression threshold, and
comments scrubbed of personal details."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role
from cxgov.core.services import token_create
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import BulkResponse, SubmissionContext, response_bulk_create
from cxgov.testing.access import answers_like_missing
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

READERS = {Role.AGENCY_ADMIN, Role.CX_ANALYST}
RESULT_READERS = {Role.AGENCY_ADMIN, Role.CX_ANALYST, Role.OVERSIGHT}


def _base(survey: Survey) -> str:
    return f"/staff/agencies/{survey.agency.slug}/surveys/{survey.pk}/"


def _missing(url: str, survey: Survey) -> str:
    return url.replace(f"/surveys/{survey.pk}/", "/surveys/999999/")


def _respond(survey: Survey, answers: list[dict]) -> None:
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers=given,
                submitted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
                submission_id=f"s-{n}",
                context=SubmissionContext(source="import"),
            )
            for n, given in enumerate(answers)
        ],
    )
    rollups_fold_due()


@pytest.mark.parametrize("role", list(Role))
def test_only_survey_runners_read_and_export_responses(
    role_a_client, a11_survey: Survey, role: Role
) -> None:
    _respond(a11_survey, [{"trust": 1, "comments": "Ask for Dana Whitfield"}])
    client: Client = role_a_client(role)
    for url in (_base(a11_survey) + "responses/", _base(a11_survey) + "responses.csv"):
        got = client.get(url)
        if role in READERS:
            assert got.status_code == 200, (url, role)
        else:
            missing = client.get(_missing(url, a11_survey))
            assert answers_like_missing(got, missing), (url, role)


@pytest.mark.parametrize("role", list(Role))
def test_the_survey_page_links_to_responses_and_results_only_for_those_who_may_open_them(
    role_a_client, a11_survey: Survey, role: Role
) -> None:
    page = role_a_client(role).get(_base(a11_survey)).content.decode()
    assert page.count(_base(a11_survey) + "responses/") == (role in READERS)
    results = f"/staff/agencies/alpha/results/{a11_survey.pk}/"
    assert (results in page) == (role in RESULT_READERS)


@pytest.mark.parametrize("role", list(Role))
def test_the_api_lists_responses_only_to_survey_runners(
    client: Client, agency_a: Agency, a11_survey: Survey, role: Role
) -> None:
    _respond(a11_survey, [{"trust": 1}])
    user = UserFactory(email=f"api-{role.value}@alpha.example.gov")
    MembershipFactory(user=user, agency=agency_a, role=role)
    _token, secret = token_create(user=user, name="reader")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    got = client.get(f"/api/v1/surveys/{a11_survey.pk}/responses", **headers)
    if role in READERS:
        assert got.status_code == 200 and got.json()["count"] == 1
    else:
        missing = client.get("/api/v1/surveys/999999/responses", **headers)
        assert (got.status_code, got.content) == (404, missing.content)


def _employee_answers(count: int) -> list[dict]:
    return [
        {
            "resources": 2,
            "team": "phone",
            "barriers": f"Call Dana at 202-555-01{n:02d} about the queue",
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("role", list(Role))
def test_employee_answers_are_listed_to_nobody(
    role_a_client, employee_survey: Survey, role: Role
) -> None:
    _respond(employee_survey, _employee_answers(8))
    client = role_a_client(role)
    page = client.get(_base(employee_survey) + "responses/")
    export = client.get(_base(employee_survey) + "responses.csv")
    if role in READERS:
        text = page.content.decode()
        rows = b"".join(export.streaming_content).decode().strip().splitlines()
        assert "never listed one by one" in text and "about the queue" not in text
        assert len(rows) == 2 and "about the queue" not in rows[1]
    else:
        assert page.status_code == export.status_code == 404
    survey_page = client.get(_base(employee_survey)).content.decode()
    assert _base(employee_survey) + "responses/" not in survey_page


@pytest.mark.parametrize("role", sorted(RESULT_READERS))
def test_employee_comments_show_scrubbed_and_only_from_groups_at_the_threshold(
    role_a_client, employee_survey: Survey, role: Role
) -> None:
    client = role_a_client(role)
    url = f"/staff/agencies/alpha/results/{employee_survey.pk}/"
    _respond(employee_survey, _employee_answers(4))
    under = client.get(url).content.decode()
    assert "about the queue" not in under and "fewer than 5 responses" in under
    response_bulk_create(
        actor=None,
        survey=employee_survey,
        rows=[
            BulkResponse(
                answers=_employee_answers(1)[0],
                submitted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
                submission_id="s-last",
                context=SubmissionContext(source="import"),
            )
        ],
    )
    rollups_fold_due()
    at = client.get(url).content.decode()
    assert "about the queue" in at
    assert "202-555-01" not in at and "[phone removed]" in at
