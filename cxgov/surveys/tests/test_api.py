"""POST /api/v1/surveys/{id}/responses: an agency token submits through the same intake."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from cxgov.core.models import User
from cxgov.core.services import token_create
from cxgov.surveys.models import Response, Survey
from cxgov.surveys.services import SubmissionContext, response_submit
from cxgov.surveys.validation import SubmissionError

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="ivr")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client: Client, survey: Survey, body: dict, headers: dict[str, str]):
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_ivr_batch_response_is_stored_once(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    body = {
        "submission_id": "ivr-20261124-001",
        "answers": {"trust": 0, "went_poorly": ["efficiency"]},
        "context": {"channel": "automated_phone", "service": "apply", "language": "es"},
    }
    first = _post(client, a11_survey, body, headers)
    assert first.status_code == 201, first.content
    again = _post(client, a11_survey, body, headers)
    assert again.json()["id"] == first.json()["id"]
    response = Response.objects.get()
    assert (response.source, response.channel, response.language) == (
        "api",
        "automated_phone",
        "es",
    )


def test_bad_answers_get_422_naming_the_question(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    reply = _post(
        client, a11_survey, {"submission_id": "x", "answers": {"trust": 7}}, _bearer(analyst_a)
    )
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["loc"][-1] == "trust"
    assert Response.objects.count() == 0


def test_another_agency_and_no_token_are_refused(
    client: Client, handler_b: User, a11_survey: Survey
) -> None:
    body = {"submission_id": "x", "answers": {"trust": 1}}
    assert _post(client, a11_survey, body, _bearer(handler_b)).status_code == 404
    assert _post(client, a11_survey, body, {}).status_code == 401
    assert (
        client.get(f"/api/v1/surveys/{a11_survey.pk}/responses", **_bearer(handler_b)).status_code
        == 404
    )


def test_employee_survey_responses_are_never_listed_whatever_their_number(
    client: Client, analyst_a: User, employee_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    for n in range(6):
        response_submit(
            survey=employee_survey,
            answers={"resources": 4},
            access_code="team-2026",
            submission_id=f"e{n}",
        )
    listing = client.get(f"/api/v1/surveys/{employee_survey.pk}/responses", **headers).json()
    assert listing == {
        "count": None,
        "suppressed": True,
        "threshold": 5,
        "responses": [],
        "next_cursor": None,
        "next": None,
    }


def test_response_list_reads_each_response_with_utc_times(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    filed = _post(client, a11_survey, {"submission_id": "p-1", "answers": {"trust": 1}}, headers)
    listing = client.get(f"/api/v1/surveys/{a11_survey.pk}/responses", **headers).json()
    assert filed.status_code == 201, filed.content
    [row] = listing["responses"]
    assert row["id"] == filed.json()["id"]
    assert row["submitted"] == filed.json()["submitted_at"]
    assert row["submitted"].endswith("Z")
    assert row["answers"] == [{"question": "trust", "value": "1"}]


@override_settings(SURVEY_RATE_LIMIT_PER_HOUR=2, API_WRITES_PER_MINUTE=0)
def test_api_responses_count_against_the_public_forms_hourly_limit_per_survey(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    headers = _bearer(analyst_a)
    for n in range(2):
        body = {"submission_id": f"app-{n}", "answers": {"trust": 1}}
        assert _post(client, a11_survey, body, headers).status_code == 201
    refused = _post(
        client, a11_survey, {"submission_id": "app-2", "answers": {"trust": 1}}, headers
    )
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many responses to this survey from this address this hour: try again in "
        "the next hour."
    }
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert Response.objects.count() == 2
    # One counter per survey and address, whichever way the answers come in.
    with pytest.raises(SubmissionError) as public:
        response_submit(
            survey=a11_survey,
            answers={"trust": 1},
            context=SubmissionContext(ip_address="127.0.0.1"),
        )
    assert public.value.code == "rate_limited"


@pytest.mark.parametrize(
    "role", ["service_manager", "complaint_handler", "frontline_employee", "oversight"]
)
def test_roles_that_do_not_bring_in_responses_get_404_and_store_nothing(
    client: Client, agency_a, a11_survey: Survey, role: str
) -> None:
    from cxgov.core.models import Membership

    user = User.objects.create_user(f"{role}@alpha.example.gov", "pw-5d0c1f")
    Membership.objects.create(user=user, agency=agency_a, role=role)
    body = {"submission_id": "x", "answers": {"trust": 1}}
    reply = _post(client, a11_survey, body, _bearer(user))
    assert (reply.status_code, reply.json()) == (404, {"detail": "Not found."})
    assert Response.objects.count() == 0
