"""The maturity pages in a real Chromium without JavaScript, checked by axe in English and
Spanish: an administrator fills in the form, reads the year's page, and oversight reads the
agencies side by side."""

from __future__ import annotations

import pytest

from cxgov.core.models import Membership, Role, User
from cxgov.core.permissions import Can
from cxgov.core.services import site_grant_give
from cxgov.maturity.services import field_key
from cxgov.site.demo import DEMO_PASSWORD
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_assessment_is_filled_in_and_read_without_javascript_in_both_languages(
    browser, page_without_js, live_server, agency_a, agency_b
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    admin = User.objects.create_user("maturity-admin@alpha.example.gov", DEMO_PASSWORD)
    Membership.objects.create(user=admin, agency=agency_a, role=Role.AGENCY_ADMIN)
    sign_in(page, live_server.url, admin.email)
    edit = live_server.url + "/staff/agencies/alpha/maturity/2024/edit/"
    page.goto(edit)
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator(f"#id_{field_key('measurement.feedback', 'score')}").select_option("4")
    page.locator(f"#id_{field_key('measurement.feedback', 'url')}").fill("javascript:alert(1)")
    click_and_load(page, page.get_by_role("button", name="Save"))
    assert page.get_by_role("alert").is_visible()
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator(f"#id_{field_key('measurement.feedback', 'url')}").fill("https://example.gov/cx")
    click_and_load(page, page.get_by_role("button", name="Save"))
    assert page.url.endswith("/staff/agencies/alpha/maturity/2024/")
    assert page.locator("#maturity-trend").is_visible()
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(live_server.url + "/es/staff/agencies/alpha/maturity/2024/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    overseer = User.objects.create_user("maturity-omb@oversight.example.gov", DEMO_PASSWORD)
    site_grant_give(user=overseer, need=Can.OVERSEE_GOVERNMENT)
    page.context.clear_cookies()
    sign_in(page, live_server.url, overseer.email)
    for prefix in ("", "/es"):
        page.goto(live_server.url + prefix + "/staff/oversight/maturity/?fiscal_year=2024")
        table = page.locator("#maturity-by-agency")
        assert "Agency Alpha" in table.inner_text() and "Agency Bravo" in table.inner_text()
        assert_no_axe_violations_as_served(browser, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
