"""An analyst and oversight use the A-11 pages in Chromium; axe checks each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.a11.models import Collection
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUARTER = "?fiscal_year=2026&quarter=4"


def test_collection_list_and_checklist_have_no_axe_violations(
    demo_data, page, page_without_js, live_server
) -> None:
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    base = live_server.url + "/staff/agencies/fba/a11/"
    page.goto(base + QUARTER)
    assert page.get_by_role("heading", level=1).inner_text().endswith("FY2026 Q4")
    assert_no_axe_violations(page)

    draft = Collection.objects.get(agency__slug="fba", fiscal_year=2026, quarter=4, status="draft")
    page.get_by_role("link", name=f"Open the report for {draft.service.name}").click()
    page.wait_for_url(f"**/a11/collections/{draft.pk}/")
    expect(page.get_by_text("Enter the number of customers served this quarter.")).to_be_visible()
    assert_no_axe_violations(page)

    click_and_load(page, page.get_by_role("link", name="Open the review"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Enter the number of customers served this quarter.")).to_be_visible()
    assert_no_axe_violations(page)
    draft.refresh_from_db()
    assert draft.status == "draft"
    click_and_load(page, page.get_by_role("link", name="Open the record itself"))

    page.locator("#id_volume_of_customers").fill("250000")
    page.locator("#id_volume_offered").fill("12000")
    page.locator("#id_channel").select_option("website")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Ready to submit")).to_be_visible()
    click_and_load(page, page.get_by_role("link", name="Open the review"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    # A second member's approval submits it; from then on its page shows it read only.
    second = page_without_js
    sign_in(second, live_server.url, "admin@fba.example.gov")
    second.goto(live_server.url + f"/staff/agencies/fba/reviews/a11_report/{draft.pk}/")
    click_and_load(second, second.get_by_role("button", name="Approve"))
    expect(second.locator("[data-approval-state]")).to_have_text("Approved")
    draft.refresh_from_db()
    assert draft.status == "submitted"
    page.goto(live_server.url + f"/staff/agencies/fba/a11/collections/{draft.pk}/")
    expect(page.get_by_text("What the agency reported")).to_be_visible()
    assert_no_axe_violations(page)

    for path in ("import/", "export/"):
        page.goto(base + path)
        assert_no_axe_violations(page)
    page.goto(live_server.url + "/es/staff/agencies/fba/a11/" + QUARTER)
    assert_no_axe_violations(page)


def test_oversight_page_has_no_axe_violations(demo_data, page, live_server) -> None:
    sign_in(page, live_server.url, "oversight@omb.example.gov")
    page.goto(live_server.url + "/staff/agencies/fba/a11/oversight/" + QUARTER)
    assert page.get_by_text("Reporting within A-11 guidelines").first.is_visible()
    assert_no_axe_violations(page)
