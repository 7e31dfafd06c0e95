"""The hosted survey page works as a plain HTML form, in English and Spanish."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db


def _url(survey: Survey, lang: str = "") -> str:
    return f"{'/es' if lang == 'es' else ''}/surveys/{survey.public_id}/"


def test_page_shows_trust_first_then_the_follow_up_its_answer_calls_for(
    client: Client, a11_survey: Survey
) -> None:
    page = client.get(_url(a11_survey)).content.decode()
    assert "This interaction increased my trust in Agency Alpha." in page
    assert "Page 1 of 3" in page and "What went well?" not in page
    assert "1234-5678" in page
    draft = re.search(r'name="draft" value="([^"]+)"', page)
    assert draft is None
    second = client.post(_url(a11_survey), {"flow": "1", "page": "1", "q-trust": "0"})
    html = second.content.decode()
    assert "What didn&#x27;t go so well?" in html and "What went well?" not in html
    assert "Page 2 of 3" in html


def test_spanish_page_uses_spanish_text(client: Client, a11_survey: Survey) -> None:
    page = client.post(_url(a11_survey, "es"), {"flow": "1", "page": "1", "q-trust": "1"})
    html = page.content.decode()
    assert "¿Qué salió bien?" in html
    assert 'lang="es"' in html


def test_submitting_the_form_stores_one_response_with_context(
    client: Client, a11_survey: Survey
) -> None:
    page = client.get(_url(a11_survey) + "?service=apply&channel=website&loc=OFFICE-12")
    assert page.status_code == 200
    reply = client.post(
        _url(a11_survey, "es"),
        {
            "submission_id": "form-1",
            "service": "apply",
            "channel": "website",
            "loc": "OFFICE-12",
            "q-trust": "0",
            "q-went_poorly": ["efficiency", "ease"],
            "q-went_well": ["ease"],
            "q-comments": "Too slow",
        },
    )
    assert reply.status_code == 302
    assert reply["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert (response.language, response.source, response.location_code) == ("es", "qr", "OFFICE-12")
    assert sorted(response.answers.values_list("question__key", "value_text")) == sorted(
        [
            ("comments", "Too slow"),
            ("trust", ""),
            ("went_poorly", "efficiency"),
            ("went_poorly", "ease"),
        ]
    )


def test_missing_answer_shows_a_field_error_and_keeps_what_was_typed(
    client: Client, a11_survey: Survey
) -> None:
    reply = client.post(_url(a11_survey), {"submission_id": "f2", "q-comments": "keep me"})
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "Answer this question." in page and "keep me" in page
    assert 'href="#q-trust-1"' in page
    assert Response.objects.count() == 0


def test_draft_survey_is_not_found(client: Client, agency_a) -> None:
    from cxgov.surveys.services import survey_create

    draft = survey_create(actor=None, agency=agency_a, template="acsi")
    assert client.get(_url(draft)).status_code == 404


def test_closed_survey_says_so(client: Client, a11_survey: Survey) -> None:
    a11_survey.status = "closed"
    a11_survey.save()
    page = client.get(_url(a11_survey)).content.decode()
    assert "This survey is closed" in page
    assert "<form" not in page.split("main-content")[1]


def test_honeypot_post_is_refused(client: Client, a11_survey: Survey) -> None:
    reply = client.post(_url(a11_survey), {"q-trust": "1", "website_url": "x"})
    assert reply.status_code == 400
    assert "automated" in reply.content.decode()


def test_employee_page_asks_for_the_code(client: Client, employee_survey: Survey) -> None:
    page = client.get(_url(employee_survey)).content.decode()
    assert 'name="access_code"' in page
    reply = client.post(_url(employee_survey), {"q-resources": "3", "access_code": "nope"})
    assert reply.status_code == 400
    assert "The access code is not right." in reply.content.decode()
    ok = client.post(_url(employee_survey), {"q-resources": "3", "access_code": "team-2026"})
    assert ok.status_code == 302


def test_give_feedback_page_links_to_live_customer_surveys(
    client: Client, a11_survey: Survey, employee_survey: Survey
) -> None:
    page = client.get("/feedback/").content.decode()
    assert f"/surveys/{a11_survey.public_id}/" in page
    assert f"/surveys/{employee_survey.public_id}/" not in page


form_values = st.one_of(st.text(max_size=60), st.lists(st.text(max_size=20), max_size=3))


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "q-trust",
                "q-went_well",
                "q-went_poorly",
                "q-comments",
                "q-comments_other",
                "q-contact_email",
                "submission_id",
                "service",
                "channel",
                "loc",
                "t",
                "website_url",
                "consent_to_contact",
                "q-unknown",
            ]
        ),
        form_values,
        max_size=8,
    )
)
def test_hostile_form_posts_get_a_page_never_a_crash(
    client: Client, a11_survey: Survey, data: dict
) -> None:
    before = Response.objects.count()
    reply = client.post(_url(a11_survey), data)
    assert reply.status_code in (302, 400, 429)
    if reply.status_code != 302:
        assert Response.objects.count() == before


@pytest.mark.parametrize(
    ("language", "closed", "not_open"),
    [
        ("es", "Esta encuesta está cerrada.", "Esta encuesta todavía no está abierta."),
        ("fr", "Cette enquête est close.", "Cette enquête n’est pas encore ouverte."),
    ],
)
def test_closed_and_unopened_surveys_say_so_in_the_page_language(
    client: Client, a11_survey: Survey, language: str, closed: str, not_open: str
) -> None:
    a11_survey.agency.languages = ["en", "es", "fr"]
    a11_survey.agency.save()
    url = f"/{language}/surveys/{a11_survey.public_id}/"
    a11_survey.status = "closed"
    a11_survey.save()
    assert closed in client.get(url).content.decode()
    a11_survey.status = "live"
    a11_survey.opens_at = timezone.now() + timedelta(days=3)
    a11_survey.save()
    page = client.get(url).content.decode()
    assert not_open in page and "This survey is not open yet." not in page
