"""The public site in English and Spanish, without an account."""

from __future__ import annotations

import pytest

from cxgov.registry.models import ServiceStatus
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_home_lists_agencies_with_published_service_counts(client):
    agency = AgencyFactory(name="Bureau of Examples", mission="We make examples.")
    ServiceFactory(agency=agency)
    ServiceFactory(agency=agency, status=ServiceStatus.DRAFT)
    page = client.get("/").content.decode()
    assert "Bureau of Examples" in page
    assert "We make examples." in page
    assert "1 service" in page
    assert "An official website of the United States government" in page


def test_home_in_spanish_uses_spanish_names(client):
    AgencyFactory(name="Bureau of Examples", name_es="Oficina de Ejemplos")
    response = client.get("/es/")
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Oficina de Ejemplos" in page
    assert "Un sitio oficial del Gobierno de Estados Unidos" in page
    assert "Presentar una queja" in page


def test_unprefixed_address_stays_english_whatever_the_browser_prefers(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page


def test_language_switcher_links_to_the_same_page(client):
    english = client.get("/feedback/").content.decode()
    spanish = client.get("/es/feedback/").content.decode()
    assert 'href="/es/feedback/"' in english
    assert 'href="/feedback/"' in spanish


def test_footer_links_to_feedback_and_complaints(client):
    page = client.get("/").content.decode()
    assert 'href="/feedback/"' in page
    assert 'href="/complaints/"' in page
    assert client.get("/feedback/").status_code == 200
    assert client.get("/complaints/").status_code == 200


def test_skip_link_points_at_main_content(client):
    page = client.get("/").content.decode()
    assert 'href="#main-content"' in page
    assert 'id="main-content"' in page
