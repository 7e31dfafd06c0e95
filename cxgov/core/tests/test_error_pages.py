"""Errors get plain-language pages in the site's design, never a stack trace."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_missing_page_explains_and_links_home(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "usa-banner" in page


def test_missing_page_in_spanish(client):
    page = client.get("/es/no/such/page/").content.decode()
    assert "Página no encontrada" in page


def test_expired_form_gets_a_plain_page(analyst_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst_a)
    response = client.post("/staff/tokens/", {"name": "x"})
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
