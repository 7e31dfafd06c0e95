"""Plan pages in a real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.plans.models import Plan
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
def test_public_plan_has_no_axe_violations(page, demo_site, prefix):
    page.goto(demo_site + prefix + "/agencies/fba/")
    page.locator(f'a[href="{prefix}/agencies/fba/plan/"]').first.click()
    page.wait_for_url(f"**{prefix}/agencies/fba/plan/")
    assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
    plan = Plan.objects.get(agency__slug="fba")
    assert str(plan.year) in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#plan-standards").is_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_public_plan_works_without_javascript(browser, page_without_js, demo_site, prefix):
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + prefix + "/agencies/fba/plan/")
    page.locator('a[href="#plan-complaints"]').click()
    assert page.locator(f'a[href="{prefix}/agencies/fba/complaints/new/"]').is_visible()
    assert page.locator(f'a[href="{prefix}/agencies/fba/plan.pdf"]').is_visible()
    assert_no_axe_violations_as_served(browser, page)


def test_editor_history_and_changes_have_no_axe_violations(page, demo_site):
    plan = Plan.objects.get(agency__slug="fba")
    sign_in(page, demo_site, "manager@fba.example.gov")
    page.goto(demo_site + f"/staff/agencies/fba/plans/{plan.pk}/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Training for the staff who serve you").click()
    page.get_by_label("Text in English").fill(
        "Every new staff member takes a course. Notwithstanding organizational "
        "considerations, comprehensive interdepartmental coordination necessitates "
        "individualized administrative determinations."
    )
    click_and_load(page, page.get_by_role("button", name="Save the section"))
    expect(page.locator("mark").first).to_be_visible()
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="Back to the plan"))
    click_and_load(page, page.get_by_role("button", name="Publish a new version"))
    page.get_by_role("link", name="What changed since version 1").click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("del").first).to_be_visible()
    assert_no_axe_violations(page)
