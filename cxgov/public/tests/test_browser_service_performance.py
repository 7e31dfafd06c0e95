"""The service performance page and the agency page's headlines in Chromium: axe in English
and Spanish, without JavaScript, and at 320 px with no sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/agencies/fba/services/apply-for-retirement-benefits/performance/"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo_site(demo_data, live_server):
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_performance_page_has_no_axe_violations(page, demo_site, prefix):
    page.goto(demo_site + prefix + "/agencies/fba/")
    page.get_by_role(
        "link",
        name="Cómo le va a Solicitar beneficios de jubilación"
        if prefix
        else "How Apply for retirement benefits is doing",
    ).click()
    page.wait_for_url("**" + PAGE)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("table").first).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", [PAGE, "/agencies/fba/"])
@pytest.mark.parametrize("prefix", ["", "/es"])
def test_performance_and_agency_pages_at_320_px_without_javascript(
    browser, page_without_js, demo_site, prefix, path
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(demo_site + prefix + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the page scrolls sideways at 320 px"
    assert_no_axe_violations_as_served(browser, page)
