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


def test_a_plan_is_reviewed_by_a_second_member_published_then_unpublished(
    browser, page, page_without_js, demo_site
):
    """The manager edits the plan and sends it for review; the administrator, in a browser
    without JavaScript, approves and publishes it, then unpublishes it: the public page goes."""
    plan = Plan.objects.get(agency__slug="fba")
    review = demo_site + f"/staff/agencies/fba/reviews/plan/{plan.pk}/"
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
    click_and_load(page, page.get_by_role("link", name="Open the review"))
    page.get_by_label("Comment (optional)").fill("Training text rewritten <b>for</b> FY review.")
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.locator("[data-approval-state]")).to_have_text("In review")
    # The manager may approve plans, but not one they sent for review themselves.
    click_and_load(page, page.get_by_role("button", name="Approve"))
    expect(
        page.get_by_text("You sent this for review: another member approves it.")
    ).to_be_visible()
    expect(page.locator("[data-approval-state]")).to_have_text("In review")
    assert_no_axe_violations(page)
    page.goto(demo_site + f"/es/staff/agencies/fba/reviews/plan/{plan.pk}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_no_axe_violations(page)

    second = page_without_js
    sign_in(second, demo_site, "admin@fba.example.gov")
    second.goto(demo_site + "/staff/agencies/fba/reviews/")
    click_and_load(second, second.get_by_role("link", name=f"fiscal year {plan.year}"))
    expect(second.get_by_text("Training text rewritten <b>for</b> FY review.")).to_be_visible()
    click_and_load(second, second.get_by_role("button", name="Approve"))
    expect(second.locator("[data-approval-state]")).to_have_text("Approved")
    click_and_load(second, second.get_by_role("button", name="Publish"))
    expect(second.locator("[data-approval-state]")).to_have_text("Published")
    assert_no_axe_violations_as_served(browser, second)
    assert plan.versions.count() == 2

    page.goto(demo_site + f"/staff/agencies/fba/plans/{plan.pk}/")
    page.get_by_role("link", name="What changed since version 1").click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("del").first).to_be_visible()
    assert_no_axe_violations(page)
    public = second.context.new_page()
    public.goto(demo_site + "/agencies/fba/plan/")
    expect(public.get_by_text("Every new staff member takes a course.")).to_be_visible()

    second.goto(review)
    second.get_by_label("Why (required)").fill("A result in the standards section was wrong.")
    click_and_load(second, second.get_by_role("button", name="Unpublish"))
    expect(second.locator("[data-approval-state]")).to_have_text("Unpublished")
    for prefix in ("", "/es"):
        answer = public.goto(demo_site + prefix + "/agencies/fba/plan/")
        assert answer is not None and answer.status == 404
        public.goto(demo_site + prefix + "/agencies/fba/")
        expect(public.locator(f'a[href="{prefix}/agencies/fba/plan/"]')).to_have_count(0)
