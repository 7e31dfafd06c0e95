"""The oversight home and a report it opens, in Chromium with the demo data: axe-clean in
English and Spanish, with and without JavaScript, and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cxgov.a11.models import Collection
from cxgov.site.demo import DEMO_PASSWORD
from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUARTER = "?fiscal_year=2026&quarter=4"


def _fits(page: Page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{page.url} scrolls sideways at {page.viewport_size}"


def test_oversight_home_and_report_have_no_axe_violations(demo_data, page, live_server) -> None:
    sign_in(page, live_server.url, "oversight@omb.example.gov")
    click_and_load(page, page.get_by_role("link", name="Oversight", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oversight across government")
    page.goto(live_server.url + "/staff/oversight/" + QUARTER)
    expect(page.get_by_role("heading", name="Reporting calendar")).to_be_visible()
    assert_no_axe_violations(page)

    submitted = Collection.objects.filter(status="submitted", fiscal_year=2026, quarter=4).first()
    assert submitted is not None
    click_and_load(
        page, page.get_by_role("link", name=f"Open the report for {submitted.service.name}")
    )
    expect(page.get_by_role("heading", name="What the agency reported")).to_be_visible()
    assert_no_axe_violations(page)
    # Saving without choosing rates nothing and says so.
    click_and_load(page, page.get_by_role("button", name="Save rating"))
    expect(page.get_by_role("alert")).to_contain_text("no rating was saved")
    assert_no_axe_violations(page)
    submitted.refresh_from_db()
    assert submitted.rating == ""

    page.goto(live_server.url + "/es/staff/oversight/" + QUARTER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Supervisión de todo el gobierno")
    assert_no_axe_violations(page)
    page.goto(live_server.url + f"/es/staff/oversight/a11/{submitted.pk}/")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_oversight_home_without_javascript_fits_the_screen(
    demo_data, browser, page_without_js, live_server, width
) -> None:
    page = page_without_js
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("oversight@omb.example.gov")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    click_and_load(page, page.get_by_role("button", name="Sign in"))
    for path in ("/staff/oversight/", "/es/staff/oversight/"):
        page.goto(live_server.url + path + QUARTER)
        expect(
            page.get_by_role("heading", name="Reporting calendar").or_(
                page.get_by_role("heading", name="Calendario de informes")
            )
        ).to_be_visible()
        assert_no_axe_violations_as_served(browser, page)
        _fits(page)
