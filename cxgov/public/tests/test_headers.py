"""Every public address answers with the security headers, in both languages."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from cxgov.testing.public_pages import public_page_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(demo_data: None) -> dict[str, str]:
    return public_page_paths()


def _public_url_names() -> set[str]:
    return {p.name for p in get_resolver("cxgov.public.urls").url_patterns if p.name}


def test_the_list_covers_every_public_page(public_urls):
    assert set(public_urls) == _public_url_names()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_every_public_page_sends_the_security_headers(client, public_urls, prefix):
    for name, path in public_urls.items():
        response = client.get(prefix + path, secure=True)
        assert response.status_code < 500, (name, response.status_code)
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Strict-Transport-Security"].startswith("max-age="), name
        assert "camera=()" in response["Permissions-Policy"], name
        # The widget's data and intake are read by scripts on other sites, never framed.
        if name not in {
            "survey_widget",
            "survey_widget_submit",
            "survey_widget_page",
            "survey_embed",
        }:
            assert response["X-Frame-Options"] == "DENY", name
            assert "frame-ancestors 'none'" in csp, name
        # The embed page is framed by the survey's own sites only (test_survey_embed.py).
        if name == "survey_embed":
            assert "X-Frame-Options" not in response, name
            assert "frame-ancestors" in csp, name


@pytest.mark.parametrize(
    "path",
    ["/standards.csv", "/standards.json", "/open311/v2/discovery.json", "/api/v1/openapi.json"],
)
def test_feeds_and_apis_send_the_headers_too(client, public_urls, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
