"""Action plan and scorecard pages in a real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(demo_data, live_server):
    return live_server.url


def test_action_list_form_and_suggestions_have_no_axe_violations(page, demo_site):
    sign_in(page, demo_site, "analyst@fba.example.gov")
    page.goto(demo_site + "/staff/agencies/fba/actions/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Action plan of Federal Benefits Administration"
    )
    assert page.get_by_role(
        "link", name="Cut the time the retirement application takes"
    ).is_visible()
    assert page.get_by_text("Overdue").first.is_visible()
    assert_no_axe_violations(page)
    page.locator("label[for=id_overdue]").click()
    click_and_load(page, page.get_by_role("button", name="Show"))
    expect(
        page.get_by_role("link", name="Cut the time the retirement application takes")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Clear the backlog behind the missed standard")
    ).to_have_count(0)
    page.goto(demo_site + "/staff/agencies/fba/actions/suggested/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Create action").first.click()
    expect(page.get_by_role("heading", name="Prompted by")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Due date").fill("2027-03-31")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Action added.")).to_be_visible()
    expect(page.get_by_text("Missed standard:")).to_be_visible()
    assert_no_axe_violations(page)


def test_employee_themes_have_no_axe_violations(page, demo_site):
    sign_in(page, demo_site, "analyst@fba.example.gov")
    page.goto(demo_site + "/staff/agencies/fba/actions/employee-themes/")
    page.get_by_role("link", name="Barriers and ideas").click()
    expect(page.get_by_role("link", name="Turn into an action").first).to_be_visible()
    assert "Jane Smith" not in page.content()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_scorecard_has_no_axe_violations(page, demo_site, prefix):
    sign_in(page, demo_site, "manager@fba.example.gov")
    page.goto(demo_site + prefix + "/staff/agencies/fba/reports/scorecard/")
    assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
    assert page.locator("table").first.is_visible()
    assert_no_axe_violations(page)


def test_scorecard_without_javascript(browser, page_without_js, demo_site):
    page = page_without_js
    sign_in(page, demo_site, "manager@fba.example.gov")
    page.goto(demo_site + "/staff/agencies/fba/reports/scorecard/?fiscal_year=2026&quarter=4")
    assert "FY2026 Q4" in page.get_by_role("heading", level=1).inner_text()
    assert_no_axe_violations_as_served(browser, page)
