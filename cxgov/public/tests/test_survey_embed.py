"""The survey page for an agency's iframe: framed only by the survey's sites, same intake."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cxgov.core.models import Agency
from cxgov.surveys.models import Response, Survey
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.factories import cleared

pytestmark = pytest.mark.django_db

SITES = ["https://www.alpha.example.gov", "https://help.alpha.example.gov:8443"]


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def survey(agency_a: Agency) -> Survey:
    survey = survey_create(
        actor=None, agency=agency_a, template="a11_v2", omb_control_number="1234-5678"
    )
    survey = survey_publish(actor=None, survey=cleared(survey))
    survey.allowed_origins = SITES
    survey.save(update_fields=["allowed_origins"])
    return survey


def _url(survey: Survey, prefix: str = "") -> str:
    return f"{prefix}/surveys/{survey.public_id}/embed/"


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    (directive,) = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def test_embed_may_be_framed_by_exactly_the_surveys_sites(client: Client, survey: Survey) -> None:
    response = client.get(_url(survey))
    assert response.status_code == 200
    assert _frame_ancestors(response) == "frame-ancestors " + " ".join(SITES)
    assert "X-Frame-Options" not in response
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_embed_of_a_survey_without_sites_may_not_be_framed(client: Client, survey: Survey) -> None:
    survey.allowed_origins = []
    survey.save(update_fields=["allowed_origins"])
    response = client.get(_url(survey))
    assert response.status_code == 200
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert "X-Frame-Options" not in response


def test_a_stored_origin_of_the_wrong_shape_never_reaches_the_header(
    client: Client, survey: Survey
) -> None:
    survey.allowed_origins = [SITES[0], "https://x.example.gov; script-src *"]
    survey.save(update_fields=["allowed_origins"])
    response = client.get(_url(survey))
    assert _frame_ancestors(response) == f"frame-ancestors {SITES[0]}"
    assert "script-src *" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/surveys/{id}/", "/surveys/{id}/thanks/", "/"])
def test_other_pages_still_refuse_every_frame(client: Client, survey: Survey, path: str) -> None:
    response = client.get(path.format(id=survey.public_id))
    assert response["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


def test_embed_shows_the_form_without_site_header_or_script(client: Client, survey: Survey) -> None:
    page = client.get(_url(survey)).content.decode()
    assert "This interaction increased my trust in Agency Alpha." in page
    assert 'name="submission_id"' in page and 'name="website_url"' in page
    assert f'action="/surveys/{survey.public_id}/embed/"' in page
    assert "usa-header" not in page and "usa-footer" not in page and "<script" not in page
    assert "uswds.min.css" in page
    assert "csrfmiddlewaretoken" not in page
    assert "1234-5678" in page


def test_submitting_in_the_frame_stores_one_response_even_when_resent(
    survey: Survey,
) -> None:
    # A cross-site frame sends no CSRF cookie: the form must work without one.
    client = Client(enforce_csrf_checks=True)
    answers = {"submission_id": "embed-1", "q-trust": "1", "q-went_well": ["ease"]}
    first = client.post(_url(survey), answers)
    again = client.post(_url(survey), answers)
    for reply in (first, again):
        assert reply.status_code == 200
        assert "Thank you. Your answers were saved." in reply.content.decode()
        assert _frame_ancestors(reply) == "frame-ancestors " + " ".join(SITES)
        assert "X-Frame-Options" not in reply
    response = Response.objects.get()
    assert response.survey_id == survey.pk
    assert "/embed/" in response.page_url


def test_missing_answer_comes_back_beside_the_question_in_the_frame(
    client: Client, survey: Survey
) -> None:
    reply = client.post(_url(survey), {"submission_id": "embed-2", "q-comments": "keep me"})
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "Answer this question." in page and "keep me" in page
    assert 'value="embed-2"' in page
    assert "Traceback" not in page
    assert "X-Frame-Options" not in reply
    assert _frame_ancestors(reply) == "frame-ancestors " + " ".join(SITES)
    assert Response.objects.count() == 0


def test_honeypot_is_refused_in_the_frame(client: Client, survey: Survey) -> None:
    reply = client.post(_url(survey), {"q-trust": "1", "website_url": "x"})
    assert reply.status_code == 400
    assert "automated" in reply.content.decode()
    assert Response.objects.count() == 0


def test_spanish_embed_uses_spanish_text_and_stores_spanish(client: Client, survey: Survey) -> None:
    page = client.get(_url(survey, "/es"))
    assert 'lang="es"' in page.content.decode()
    assert "Esta interacción aumentó mi confianza" in page.content.decode()
    assert f'action="/es/surveys/{survey.public_id}/embed/"' in page.content.decode()
    reply = client.post(_url(survey, "/es"), {"submission_id": "es-1", "q-trust": "1"})
    assert reply.status_code == 200
    assert Response.objects.get().language == "es"


def test_closed_survey_says_so_in_the_frame_and_unknown_is_not_found(
    client: Client, survey: Survey
) -> None:
    assert client.get("/surveys/no-such-survey/embed/").status_code == 404
    survey.status = "closed"
    survey.save(update_fields=["status"])
    response = client.get(_url(survey))
    page = response.content.decode()
    assert "This survey is closed" in page and "<form" not in page
    assert _frame_ancestors(response) == "frame-ancestors " + " ".join(SITES)


def test_draft_survey_embed_is_not_found(client: Client, agency_a: Agency) -> None:
    draft = survey_create(actor=None, agency=agency_a, template="acsi")
    assert client.get(_url(draft)).status_code == 404


def test_staff_survey_page_shows_the_iframe_snippet_and_its_sites(
    admin_a_client: Client, survey: Survey
) -> None:
    page = admin_a_client.get(
        reverse(
            "surveys:survey_detail", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
        )
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/surveys/{survey.public_id}/embed/&quot; title=&quot;{survey.title}&quot;" in html
    assert "&lt;iframe src=" in html
    assert SITES[0] in html
