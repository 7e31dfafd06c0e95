"""The PRA request package of a survey instrument: JSON valid against the documented schema,
the same content as a tagged PDF, in English and Spanish, for those who manage clearances."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator

from cxgov.core.models import Agency, Role, User
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
)
from cxgov.testing.data import REPOSITORY
from cxgov.testing.factories import ClearanceFactory, cleared

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (REPOSITORY / "docs/formats/pra-request-package.schema.json").read_text(encoding="utf-8")
)


def _survey(agency: Agency, *, responses: int = 0, minutes: int = 3) -> Survey:
    survey = survey_create(actor=None, agency=agency, template="a11_v2")
    generic = ClearanceFactory(agency=agency, kind="generic", control_number="1090-0007")
    cleared(survey, minutes=minutes, control_number="1090-0007")
    assert survey.clearance == generic
    if responses:
        response_bulk_create(
            actor=None,
            survey=survey,
            rows=[
                BulkResponse(
                    answers={"trust": 1},
                    submitted_at=timezone.now() - timedelta(days=n % 300 + 1),
                    submission_id=f"pkg-{n}",
                    context=SubmissionContext(source="import"),
                )
                for n in range(responses)
            ],
        )
        rollups_fold_due()
    return survey


def _url(survey: Survey, fmt: str, prefix: str = "") -> str:
    return f"{prefix}/staff/agencies/alpha/surveys/{survey.pk}/pra-request/{fmt}/"


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_json_package_follows_the_schema_and_estimates_the_burden(
    analyst_a_client: Client, agency_a: Agency, prefix: str
) -> None:
    survey = _survey(agency_a, responses=40, minutes=3)
    response = analyst_a_client.get(_url(survey, "json", prefix))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    package = response.json()
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(package), key=str)
    assert not errors, [error.message for error in errors]
    burden = package["burden"]
    assert (burden["expected_responses"], burden["minutes_per_response"]) == (40, 3)
    assert burden["expected_responses_source"] == "past_responses"
    assert burden["minutes_per_response_source"] == "survey_settings"
    assert burden["hours"] == pytest.approx(40 * 3 / 60)
    assert package["clearance"]["omb_control_number"] == "1090-0007"
    assert package["clearance"]["kind"] == "generic"
    keys = [question["key"] for question in package["questions"]]
    assert "trust" in keys
    trust = next(q for q in package["questions"] if q["key"] == "trust")
    assert [option["value"] for option in trust["options"]] == ["1", "0"]
    went_well = next(q for q in package["questions"] if q["key"] == "went_well")
    assert "effectiveness" in [option["value"] for option in went_well["options"]]
    assert package["collection_methods"][0]["method"] == "web_form"
    if prefix:
        assert trust["options"][0]["label"] == "Pulgar hacia arriba"
        assert package["burden"]["expected_responses_basis"].startswith("Respuestas")
    else:
        assert trust["options"][0]["label"] == "Thumbs up"


def test_a_survey_without_minutes_or_clearance_still_validates(
    admin_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    package = admin_a_client.get(_url(survey, "json")).json()
    assert not list(Draft202012Validator(SCHEMA).iter_errors(package))
    assert package["clearance"] is None
    assert package["burden"] == {
        **package["burden"],
        "expected_responses": 0,
        "minutes_per_response": None,
        "hours": None,
    }


def _run(tool: str, *args: str) -> str:
    binary = shutil.which(tool)
    assert binary, f"{tool} is missing (apt-get install poppler-utils)"
    return subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
        [binary, *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("prefix", "heading", "hours"),
    [("", "Burden estimate", "2.0"), ("/es", "Estimación de la carga", "2,0")],
)
def test_the_pdf_is_tagged_and_says_the_same(
    analyst_a_client: Client,
    agency_a: Agency,
    tmp_path: Path,
    prefix: str,
    heading: str,
    hours: str,
) -> None:
    survey = _survey(agency_a, responses=40, minutes=3)
    response = analyst_a_client.get(_url(survey, "pdf", prefix))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "package.pdf"
    path.write_bytes(response.content)
    assert re.search(r"^Tagged:\s+yes$", _run("pdfinfo", str(path)), re.MULTILINE)
    text = _run("pdftotext", str(path), "-")
    assert heading in text
    assert "1090-0007" in text
    assert hours in text  # 40 responses × 3 minutes = 2.0 hours


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.FRONTLINE_EMPLOYEE, Role.OVERSIGHT])
def test_roles_that_do_not_manage_clearances_get_404_and_no_links(
    role_a_client, agency_a: Agency, role: Role
) -> None:
    survey = _survey(agency_a)
    client = role_a_client(role)
    for fmt in ("json", "pdf"):
        assert client.get(_url(survey, fmt)).status_code == 404
    page = client.get(f"/staff/agencies/alpha/surveys/{survey.pk}/").content.decode()
    assert "pra-request" not in page


def test_the_survey_and_clearance_pages_link_the_packages(
    analyst_a_client: Client, agency_a: Agency, analyst_a: User
) -> None:
    survey = _survey(agency_a)
    assert survey.clearance is not None
    links = [_url(survey, "pdf"), _url(survey, "json")]
    survey_page = analyst_a_client.get(f"/staff/agencies/alpha/surveys/{survey.pk}/")
    clearance_page = analyst_a_client.get(
        f"/staff/agencies/alpha/surveys/clearances/{survey.clearance.pk}/"
    )
    for page in (survey_page.content.decode(), clearance_page.content.decode()):
        assert all(f'href="{link}"' in page for link in links)
    spanish = analyst_a_client.get(f"/es/staff/agencies/alpha/surveys/{survey.pk}/")
    assert f'href="{_url(survey, "json", "/es")}"' in spanish.content.decode()


def test_an_unknown_format_is_404(analyst_a_client: Client, agency_a: Agency) -> None:
    survey = _survey(agency_a)
    assert analyst_a_client.get(_url(survey, "docx")).status_code == 404
