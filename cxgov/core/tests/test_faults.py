"""Oversized requests answer 413 and an unreachable database answers 503, never a stack trace."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from cxgov.core.services import token_create
from cxgov.surveys.models import Response
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import AgencyFactory, cleared

pytestmark = pytest.mark.django_db

BIG = "x" * 4096


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    settings.REQUEST_MAX_BYTES = 8192
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey():
    agency = AgencyFactory(slug="fba")
    draft = survey_create(actor=None, agency=agency, template="a11_v2")
    for question in draft.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    return survey_publish(actor=None, survey=cleared(draft))


@contextmanager
def database_down():
    """Every query fails the way a lost connection does."""
    lost = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch.object(CursorWrapper, "execute", side_effect=lost),
        mock.patch.object(CursorWrapper, "executemany", side_effect=lost),
    ):
        yield


# --- 413 ----------------------------------------------------------------------------------


def test_oversized_survey_answer_gets_a_413_page(client, survey):
    response = client.post(f"/surveys/{survey.public_id}/", {"q-comment": BIG})
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "2 KB" in page
    assert not Response.objects.exists()


def test_oversized_survey_answer_in_spanish_gets_the_page_in_spanish(client, survey):
    response = client.post(f"/es/surveys/{survey.public_id}/", {"q-comment": BIG})
    assert response.status_code == 413
    assert response["Content-Language"] == "es"
    assert '<html lang="es"' in response.content.decode()


def test_too_many_fields_on_the_survey_page_gets_413(client, survey):
    fields = {f"q-extra{n}": "1" for n in range(40)}
    response = client.post(f"/surveys/{survey.public_id}/", fields)
    assert response.status_code == 413


def test_oversized_widget_submission_gets_json_413(client, survey):
    response = client.post(f"/surveys/{survey.public_id}/widget/", {"q-comment": BIG})
    assert response.status_code == 413
    assert response.json()["ok"] is False
    assert "too large" in response.json()["detail"]


def test_complaint_form_with_a_too_large_attachment_gets_413(client):
    agency = AgencyFactory(slug="fba")
    upload = SimpleUploadedFile("photo.png", b"\x89PNG" + b"0" * 10_000, "image/png")
    response = client.post(
        f"/agencies/{agency.slug}/complaints/new/",
        {"what_happened": "The office was closed.", "attachments": upload},
    )
    assert response.status_code == 413
    assert "attached files included" in response.content.decode()


def test_complaint_form_with_oversized_text_gets_413(client):
    agency = AgencyFactory(slug="fba")
    response = client.post(
        f"/agencies/{agency.slug}/complaints/new/",
        "what_happened=" + BIG,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_open311_post_too_large_gets_a_spec_error_in_json_and_xml(client):
    AgencyFactory(slug="fba")
    body = {"jurisdiction_id": "fba", "description": BIG}
    as_json = client.post("/open311/v2/requests.json", body)
    assert as_json.status_code == 413
    assert as_json.json()[0]["code"] == 413
    as_xml = client.post("/open311/v2/requests.xml", body)
    assert as_xml.status_code == 413
    assert b"<code>413</code>" in as_xml.content


def test_api_post_too_large_gets_json_413(client, analyst_a):
    _token, raw = token_create(user=analyst_a, name="big")
    response = client.post(
        "/api/v1/complaints",
        {"agency": "alpha", "what_happened": BIG},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "too large" in response.json()["detail"]


def test_requests_within_the_limits_are_untouched(client, survey):
    response = client.post(
        f"/surveys/{survey.public_id}/", {"submission_id": "s1", "q-comment": "fine"}
    )
    assert response.status_code in (302, 400)


# --- 503 ----------------------------------------------------------------------------------


def test_survey_page_answers_503_with_retry_after_when_the_database_is_down(client, survey):
    url = f"/surveys/{survey.public_id}/"
    with database_down():
        response = client.post(url, {"submission_id": "s1", "q-satisfaction": "4"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Please try again in a few minutes." in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_survey_page_503_speaks_the_visitors_language(client, survey):
    with database_down():
        response = client.post(f"/es/surveys/{survey.public_id}/", {"submission_id": "s1"})
    assert response.status_code == 503
    assert '<html lang="es"' in response.content.decode()


def test_widget_gets_json_503_when_the_database_is_down(client, survey):
    with database_down():
        response = client.post(f"/surveys/{survey.public_id}/widget/", {"submission_id": "s1"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {
        "ok": False,
        "detail": "We could not save your answers right now. Please try again in a few minutes.",
    }


def test_api_response_submit_gets_json_503_when_the_database_is_down(client, analyst_a, survey):
    _token, raw = token_create(user=analyst_a, name="down")
    with database_down():
        response = client.post(
            f"/api/v1/surveys/{survey.pk}/responses",
            {"submission_id": "s1", "answers": {}},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "try again in a few minutes" in response.json()["detail"]


def test_complaint_form_answers_503_when_the_database_is_down(client):
    agency = AgencyFactory(slug="fba")
    with database_down():
        response = client.post(
            f"/agencies/{agency.slug}/complaints/new/", {"what_happened": "Closed."}
        )
    assert response.status_code == 503
    assert "Please try again in a few minutes." in response.content.decode()


def test_open311_post_answers_503_in_the_spec_error_format(client):
    AgencyFactory(slug="fba")
    with database_down():
        response = client.post("/open311/v2/requests.json", {"jurisdiction_id": "fba"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()[0]["code"] == 503


def test_staff_uploads_are_not_held_to_the_public_request_cap(admin_a_client):
    upload = SimpleUploadedFile("events.csv", b"id\n" + b"1\n" * 6000, "text/csv")
    response = admin_a_client.post("/staff/tokens/", {"name": "import", "file": upload})
    assert response.status_code != 413
