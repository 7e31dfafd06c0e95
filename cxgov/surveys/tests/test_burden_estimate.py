"""The agency's own expected collection (respondents × frequency × minutes) for an instrument's
PRA request package: entered on a staff form, checked, audited, and used by the JSON and PDF
package, which say where each figure came from."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from cxgov.core.models import Agency, AuditEvent, Role
from cxgov.surveys.models import Survey
from cxgov.surveys.services import survey_create
from cxgov.testing.data import REPOSITORY
from cxgov.testing.factories import ClearanceFactory, cleared

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (REPOSITORY / "docs/formats/pra-request-package.schema.json").read_text(encoding="utf-8")
)


def _survey(agency: Agency, *, minutes: int = 3) -> Survey:
    survey = survey_create(actor=None, agency=agency, template="a11_v2")
    ClearanceFactory(agency=agency, kind="generic", control_number="1090-0007")
    cleared(survey, minutes=minutes, control_number="1090-0007")
    return survey


def _form(survey: Survey, prefix: str = "") -> str:
    return f"{prefix}/staff/agencies/alpha/surveys/{survey.pk}/pra-request/estimate/"


def _package(client: Client, survey: Survey, prefix: str = "") -> dict:
    response = client.get(f"{prefix}/staff/agencies/alpha/surveys/{survey.pk}/pra-request/json/")
    assert response.status_code == 200
    package = response.json()
    errors = [error.message for error in Draft202012Validator(SCHEMA).iter_errors(package)]
    assert not errors, errors
    return package


def test_the_entered_respondents_frequency_and_minutes_make_the_burden(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = _survey(agency_a, minutes=3)
    assert analyst_a_client.get(_form(survey)).status_code == 200
    response = analyst_a_client.post(
        _form(survey),
        {"expected_respondents": "1200", "responses_per_respondent": "2", "expected_minutes": "5"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/agencies/alpha/surveys/{survey.pk}/"
    burden = _package(analyst_a_client, survey)["burden"]
    assert burden["expected_respondents"] == 1200
    assert burden["responses_per_respondent"] == 2
    assert burden["expected_responses"] == 2400
    assert burden["expected_responses_source"] == "agency_estimate"
    assert (burden["minutes_per_response"], burden["minutes_per_response_source"]) == (
        5,
        "agency_estimate",
    )
    assert burden["hours"] == pytest.approx(2400 * 5 / 60)
    event = AuditEvent.objects.get(action="survey.burden_estimate")
    assert event.target_id == str(survey.pk)
    assert event.data["expected_respondents"] == [None, 1200]
    page = analyst_a_client.get(f"/staff/agencies/alpha/surveys/{survey.pk}/").content.decode()
    assert "1200 respondents a year" in page


def test_without_own_minutes_the_survey_minutes_are_used_and_said(
    admin_a_client: Client, agency_a: Agency
) -> None:
    survey = _survey(agency_a, minutes=3)
    admin_a_client.post(
        _form(survey), {"expected_respondents": "90", "responses_per_respondent": "1"}
    )
    burden = _package(admin_a_client, survey)["burden"]
    assert (burden["expected_responses"], burden["expected_responses_source"]) == (
        90,
        "agency_estimate",
    )
    assert (burden["minutes_per_response"], burden["minutes_per_response_source"]) == (
        3,
        "survey_settings",
    )
    assert burden["hours"] == pytest.approx(4.5)


def test_clearing_the_estimate_falls_back_to_past_responses(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = _survey(agency_a)
    analyst_a_client.post(
        _form(survey), {"expected_respondents": "50", "responses_per_respondent": "4"}
    )
    response = analyst_a_client.post(
        _form(survey),
        {"expected_respondents": "", "responses_per_respondent": "", "expected_minutes": ""},
    )
    assert response.status_code == 302
    burden = _package(analyst_a_client, survey)["burden"]
    assert burden["expected_responses_source"] == "past_responses"
    assert (burden["expected_respondents"], burden["responses_per_respondent"]) == (None, None)
    assert burden["expected_responses"] == 0
    assert AuditEvent.objects.filter(action="survey.burden_estimate").count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"expected_respondents": "abc", "responses_per_respondent": "1"},
            "expected_respondents",
            "Enter a whole number",
        ),
        (
            {"expected_respondents": "12.5", "responses_per_respondent": "1"},
            "expected_respondents",
            "Enter a whole number",
        ),
        (
            {"expected_respondents": "1,200", "responses_per_respondent": "1"},
            "expected_respondents",
            "Enter a whole number",
        ),
        (
            {"expected_respondents": "0", "responses_per_respondent": "1"},
            "expected_respondents",
            "1 or more",
        ),
        (
            {"expected_respondents": "-5", "responses_per_respondent": "1"},
            "expected_respondents",
            "1 or more",
        ),
        (
            {"expected_respondents": "999999999999", "responses_per_respondent": "1"},
            "expected_respondents",
            "at most",
        ),
        (
            {"expected_respondents": "10", "responses_per_respondent": "366"},
            "responses_per_respondent",
            "at most 365",
        ),
        (
            {
                "expected_respondents": "10",
                "responses_per_respondent": "1",
                "expected_minutes": "601",
            },
            "expected_minutes",
            "at most 600",
        ),
        ({"expected_respondents": "10"}, "responses_per_respondent", "or neither"),
        ({"responses_per_respondent": "2"}, "expected_respondents", "or neither"),
        (
            {"expected_respondents": "<script>1</script>", "responses_per_respondent": "1"},
            "expected_respondents",
            "Enter a whole number",
        ),
    ],
)
def test_bad_numbers_are_refused_with_a_clear_error_and_nothing_saved(
    analyst_a_client: Client, agency_a: Agency, data: dict, field: str, message: str
) -> None:
    survey = _survey(agency_a)
    response = analyst_a_client.post(_form(survey), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "<script>1</script>" not in response.content.decode()
    survey.refresh_from_db()
    assert (survey.expected_respondents, survey.responses_per_respondent) == (None, None)
    assert survey.expected_minutes is None
    assert not AuditEvent.objects.filter(action="survey.burden_estimate").exists()


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.FRONTLINE_EMPLOYEE, Role.OVERSIGHT])
def test_roles_that_do_not_manage_clearances_cannot_enter_it(
    role_a_client, agency_a: Agency, role: Role
) -> None:
    survey = _survey(agency_a)
    client = role_a_client(role)
    assert client.get(_form(survey)).status_code == 404
    post = client.post(
        _form(survey), {"expected_respondents": "5", "responses_per_respondent": "1"}
    )
    assert post.status_code == 404
    survey.refresh_from_db()
    assert survey.expected_respondents is None


def test_another_agencys_survey_is_404(analyst_a_client: Client, agency_b: Agency) -> None:
    survey = survey_create(actor=None, agency=agency_b, template="a11_v2")
    url = f"/staff/agencies/{agency_b.slug}/surveys/{survey.pk}/pra-request/estimate/"
    assert analyst_a_client.get(url).status_code == 404


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    binary = shutil.which("pdftotext")
    assert binary, "pdftotext is missing (apt-get install poppler-utils)"
    path = tmp_path / "package.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
        [binary, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("prefix", "respondents", "basis", "hours"),
    [
        ("", "Expected respondents per year", "The agency expects 1200 respondents", "200.0"),
        ("/es", "Personas encuestadas previstas al año", "La agencia prevé 1200", "200,0"),
    ],
)
def test_the_pdf_shows_the_entered_estimate_in_both_languages(
    analyst_a_client: Client,
    agency_a: Agency,
    tmp_path: Path,
    prefix: str,
    respondents: str,
    basis: str,
    hours: str,
) -> None:
    survey = _survey(agency_a)
    analyst_a_client.post(
        _form(survey),
        {"expected_respondents": "1200", "responses_per_respondent": "2", "expected_minutes": "5"},
    )
    response = analyst_a_client.get(
        f"{prefix}/staff/agencies/alpha/surveys/{survey.pk}/pra-request/pdf/"
    )
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.content, tmp_path).split())
    assert respondents in text
    assert basis in text
    assert hours in text
