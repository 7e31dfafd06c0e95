"""The annual CX action plan in a real Chromium, with axe-core checking WCAG 2.2 AA: the public
page in English and Spanish, reached from the agency page, and the staff pages that build it,
without JavaScript."""

from __future__ import annotations

import pytest

from cxgov.actions.models import ActionPlan
from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_action_plan_pages_have_no_axe_violations(
    browser, page, demo_data, live_server, prefix
):
    site = live_server.url
    page.set_viewport_size({"width": 320, "height": 740})
    page.goto(site + prefix + "/agencies/fba/")
    page.locator(f'a[href="{prefix}/agencies/fba/action-plan/"]').first.click()
    page.wait_for_url(f"**{prefix}/agencies/fba/action-plan/")
    assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
    plan = ActionPlan.objects.get(agency__slug="fba")
    assert str(plan.fiscal_year) in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#action-plan-delivered").is_visible()
    assert page.locator(f'a[href="{prefix}/agencies/fba/action-plan.pdf"]').is_visible()
    assert_no_axe_violations(page)

    sign_in(page, site, "manager@fba.example.gov")
    base = f"{site}{prefix}/staff/agencies/fba/actions/plans/"
    for path in ("", f"{plan.pk}/", f"{plan.pk}/edit/", f"{plan.pk}/items/", f"{plan.pk}/preview/"):
        page.goto(base + path)
        assert_no_axe_violations(page)
    assert_no_axe_violations_as_served(browser, page)
