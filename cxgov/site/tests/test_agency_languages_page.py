"""The translations page chooses the languages the agency offers (decision 0061)."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role

pytestmark = pytest.mark.django_db

PAGE = "/staff/agencies/alpha/translations/"


def test_the_agency_chooses_its_languages_and_english_stays(admin_a_client: Client, agency_a):
    page = admin_a_client.get(PAGE, secure=True).content.decode()
    assert 'name="languages" value="es"' in page and "checked" in page
    response = admin_a_client.post(
        PAGE, {"languages_form": "1", "languages": ["ar", "zh-hant"]}, secure=True
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.languages == ["en", "zh-hant", "ar"]


def test_no_language_ticked_leaves_english(admin_a_client: Client, agency_a: Agency):
    admin_a_client.post(PAGE, {"languages_form": "1"}, secure=True)
    agency_a.refresh_from_db()
    assert agency_a.languages == ["en"]


@pytest.mark.parametrize("code", ["xx", "en-gb", "<script>", "es" * 100])
def test_a_language_the_site_does_not_know_is_refused(admin_a_client: Client, agency_a, code):
    response = admin_a_client.post(
        PAGE, {"languages_form": "1", "languages": ["es", code]}, secure=True
    )
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    agency_a.refresh_from_db()
    assert agency_a.languages == ["en", "es"]


def test_members_who_may_not_manage_translations_cannot_choose(role_a_client, agency_a):
    client = role_a_client(Role.FRONTLINE_EMPLOYEE)
    response = client.post(PAGE, {"languages_form": "1", "languages": ["ar"]}, secure=True)
    assert response.status_code in (403, 404)
    agency_a.refresh_from_db()
    assert agency_a.languages == ["en", "es"]
