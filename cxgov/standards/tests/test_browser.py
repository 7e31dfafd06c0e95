"""Standards pages in a real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import pytest

from cxgov.testing.browser import (
    assert_no_axe_violations,
    assert_no_axe_violations_as_served,
)
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(demo_data, live_server):
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_public_standards_page_has_no_axe_violations(page, demo_site, prefix):
    page.goto(demo_site + prefix + "/agencies/fba/")
    # The link's text is translated with the rest of the catalogue; follow it by address.
    page.locator(f'a[href="{prefix}/agencies/fba/standards/"]').first.click()
    page.wait_for_url(f"**{prefix}/agencies/fba/standards/")
    assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
    assert page.locator("table").first.is_visible()
    assert_no_axe_violations(page)


def test_service_standards_page_without_javascript(browser, page_without_js, demo_site):
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + "/agencies/fba/services/apply-for-retirement-benefits/standards/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our service standards"
    assert_no_axe_violations_as_served(browser, page)


def test_staff_standards_list_has_no_axe_violations(page, demo_site):
    sign_in(page, demo_site, "manager@fba.example.gov")
    page.goto(demo_site + "/staff/agencies/fba/standards/")
    assert page.get_by_role("heading", name="Periods that missed their target").is_visible()
    assert_no_axe_violations(page)
    click_and_load(
        page, page.get_by_role("link", name="We decide 80% of retirement applications").first
    )
    click_and_load(page, page.get_by_role("link", name="Upload events"))
    assert_no_axe_violations(page)
