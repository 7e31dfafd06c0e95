"""The translations page, one text's edit form and a French public page falling back to
English: no axe violations, no sideways scroll on a 320 px phone, without JavaScript."""

from __future__ import annotations

import pytest

from cxgov.core.models import Agency
from cxgov.registry.models import Service
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_translation_pages_and_the_fallback_note_on_a_phone_without_javascript(
    browser, page_without_js, demo_data, live_server, settings
):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French")]
    agency = Agency.objects.get(slug="fba")
    service = Service.objects.filter(agency=agency).order_by("pk").first()
    assert service is not None
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, live_server.url, "admin@fba.example.gov")
    base = f"{live_server.url}/staff/agencies/fba/translations/"
    for url in (
        base,
        f"{base}?language=fr",
        f"{live_server.url}/es/staff/agencies/fba/translations/",
        f"{base}fr/registry.service/{service.pk}/name/",
        f"{live_server.url}/fr/agencies/fba/services/{service.slug}/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
        assert_no_axe_violations_as_served(browser, page)

    assert page.locator("#untranslated-note").count() == 1
    assert page.locator("h1 [lang=en]").inner_text() == service.name
