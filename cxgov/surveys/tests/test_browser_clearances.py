"""The PRA clearance pages, the request package's expected-collection form and the staff
home's warnings: no axe violations in English and Spanish, without JavaScript, on a 320 px
phone with no sideways scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.surveys.models import Clearance, Survey
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clearance_pages_are_accessible_in_both_languages_on_a_phone_without_javascript(
    browser, page_without_js, demo_data, live_server
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    generic = Clearance.objects.get(agency__slug="fba", kind="generic")
    base = "/staff/agencies/fba/surveys/clearances/"
    instrument = Survey.objects.filter(clearance=generic).order_by("pk").first()
    assert instrument is not None
    estimate = f"/staff/agencies/fba/surveys/{instrument.pk}/pra-request/estimate/"
    paths = (
        base,
        f"{base}new/",
        f"{base}{generic.pk}/",
        f"{base}{generic.pk}/edit/",
        estimate,
        "/staff/",
    )
    for prefix in ("", "/es"):
        for path in paths:
            url = f"{live_server.url}{prefix}{path}"
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 320, (url, wide)
            assert_no_axe_violations_as_served(browser, page)
        # A form sent back with errors is checked too.
        page.goto(f"{live_server.url}{prefix}{base}new/")
        page.locator("#id_control_number").fill("12-34")
        page.get_by_role("button", name="Save" if not prefix else "Guardar").click()
        expect(page.locator(".usa-error-message").first).to_be_visible()
        assert_no_axe_violations_as_served(browser, page)
