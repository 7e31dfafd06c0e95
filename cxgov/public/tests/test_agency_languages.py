"""An agency's public pages come in the languages it offers; the switcher lists those in their
own names, marked with their language, and keeps the page (decision 0061)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import translate_url

from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency
from cxgov.testing.factories import ServiceFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(agency_a: Agency) -> Agency:
    agency_a.languages = ["en", "es", "zh-hans", "ar"]
    agency_a.save()
    ServiceFactory(agency=agency_a, slug="renew", name="Renew a permit")
    return agency_a


def _switcher(html: str) -> list[tuple[str, str, str, str]]:
    """(lang, hreflang, href, name) of each link in the language switcher."""
    found = re.search(r'<ul class="cx-language__list".*?</ul>', html, re.S)
    assert found, "no language switcher"
    return re.findall(
        r'<a class="usa-link" href="([^"]*)" lang="([^"]*)" hreflang="([^"]*)">([^<]*)</a>',
        found.group(0),
    )


def test_the_switcher_lists_the_agency_languages_in_their_own_names(client: Client, agency):
    html = client.get("/agencies/alpha/?tab=services", secure=True).content.decode()
    links = _switcher(html)
    assert [(lang, name) for _href, lang, _hreflang, name in links] == [
        ("es", "Español"),
        ("zh-hans", "简体中文"),
        ("ar", "العربيّة"),
    ]
    assert all(lang == hreflang for _href, lang, hreflang, _name in links)
    assert links[0][0] == "/es/agencies/alpha/?tab=services"
    assert '<span class="cx-language__current" lang="en" aria-current="page">English</span>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/agencies/alpha/services/renew/?from=qr&x=%C3%A9",
        "/es/agencies/alpha/services/renew/",
        "/feedback/",
        "/agencies/alpha/no-such-page/",
        "/agencies/no-such-agency/services/renew/",
    ],
)
def test_each_switcher_link_is_the_page_django_translates_the_address_to(
    client: Client, agency, path: str
):
    html = client.get(path, secure=True).content.decode()
    links = _switcher(html)
    assert links
    for href, lang, _hreflang, _name in links:
        assert href.replace("&amp;", "&") == translate_url(path, lang)


def test_site_wide_pages_list_every_language_an_agency_offers(client: Client, agency):
    html = client.get("/feedback/", secure=True).content.decode()
    assert [lang for _href, lang, _h, _n in _switcher(html)] == ["es", "zh-hans", "ar"]


def test_a_language_the_agency_does_not_offer_sends_to_the_english_page(client: Client, agency):
    response = client.get("/fr/agencies/alpha/services/renew/?from=qr", secure=True)
    assert response.status_code == 302
    assert response["Location"] == "/agencies/alpha/services/renew/?from=qr"
    page = client.get(response["Location"], secure=True).content.decode()
    assert '<html lang="en">' in page
    assert "This page is not offered in French, so it is shown in English." in page


def test_a_survey_follows_its_agency_languages(client: Client, agency):
    survey = SurveyFactory(agency=agency)
    assert client.get(f"/ar/surveys/{survey.public_id}/", secure=True).status_code == 200
    response = client.get(f"/ko/surveys/{survey.public_id}/", secure=True)
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/{survey.public_id}/"


def test_pages_found_by_tracking_number_never_tell_whether_it_exists(client: Client, agency):
    """A redirect for a real tracking number only would give the number away."""
    assert client.get("/fr/complaints/status/NOPE-1/", secure=True).status_code == 404
    assert client.get("/fr/complaints/status/", secure=True).status_code == 200


def test_arabic_pages_are_right_to_left_and_others_are_not(client: Client, agency):
    arabic = client.get("/ar/agencies/alpha/", secure=True).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "cxgov/rtl.css" in arabic
    spanish = client.get("/es/agencies/alpha/", secure=True).content.decode()
    assert '<html lang="es">' in spanish
    assert "rtl.css" not in spanish


def test_a_complaint_keeps_the_language_it_was_filed_in_when_the_agency_offers_it(agency):
    offered = complaint_create(agency=agency, what_happened="Lost form", language="zh-hans")
    assert offered.language == "zh-hans"
    not_offered = complaint_create(agency=agency, what_happened="Lost form", language="ko")
    assert not_offered.language == "en"


def test_the_tracking_number_stays_left_to_right_in_an_arabic_page():
    from django.template.loader import render_to_string
    from django.utils import translation

    class Complaint:
        tracking_number = "AA-2026-00042"
        contact_email = ""
        respond_due_at = None

    with translation.override("ar"):
        html = render_to_string(
            "public/complaints/_tracking_number.html", {"complaint": Complaint()}
        )
    assert '<bdi dir="ltr">AA-2026-00042</bdi>' in html
