"""The embeddable widget: JSON definition, origin check and the same intake."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db

SITE = "https://www.example.gov"


@pytest.fixture
def widget_survey(a11_survey: Survey) -> Survey:
    a11_survey.allowed_origins = [SITE]
    a11_survey.save()
    return a11_survey


def test_definition_is_readable_by_an_allowed_site_only(
    client: Client, widget_survey: Survey
) -> None:
    url = f"/es/surveys/{widget_survey.public_id}/widget.json"
    allowed = client.get(url, HTTP_ORIGIN=SITE)
    assert allowed["Access-Control-Allow-Origin"] == SITE
    data = allowed.json()
    assert data["questions"][1]["text"] == "¿Qué salió bien?"
    assert data["questions"][1]["show_if"] == "q-trust"
    other = client.get(url, HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_submission_from_an_allowed_site_is_stored(client: Client, widget_survey: Survey) -> None:
    reply = client.post(
        f"/surveys/{widget_survey.public_id}/widget/",
        {
            "q-trust": "1",
            "q-went_well": ["ease"],
            "submission_id": "w-1",
            "channel": "website",
            "page": "https://www.example.gov/apply\x00?x=1",
        },
        HTTP_ORIGIN=SITE,
    )
    assert reply.status_code == 201
    assert reply.json()["ok"] is True
    response = Response.objects.get()
    assert (response.source, response.channel) == ("widget", "website")
    assert response.page_url == "https://www.example.gov/apply?x=1"


def test_submission_from_another_site_is_refused(client: Client, widget_survey: Survey) -> None:
    reply = client.post(
        f"/surveys/{widget_survey.public_id}/widget/",
        {"q-trust": "1"},
        HTTP_ORIGIN="https://evil.example.com",
    )
    assert reply.status_code == 403
    assert reply.json()["code"] == "origin"
    assert Response.objects.count() == 0


def test_missing_answer_comes_back_by_question(client: Client, widget_survey: Survey) -> None:
    reply = client.post(f"/surveys/{widget_survey.public_id}/widget/", {}, HTTP_ORIGIN=SITE)
    assert reply.status_code == 400
    assert reply.json()["errors"] == {"trust": "Answer this question."}
