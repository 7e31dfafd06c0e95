"""The survey report pages in Chromium with axe-core, in English and Spanish, on demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst(demo_data, page, live_server):
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    return live_server.url


def _open(page, url: str) -> None:
    """Open a page; when its figures are being prepared (decision 0063), the waiting page is
    checked and its reload link followed, as a reader would."""
    page.goto(url)
    reload = page.locator("main a.usa-button", has_text=re.compile("Reload|Volver a cargar"))
    if reload.count():
        assert_no_axe_violations(page)
        click_and_load(page, reload)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_report_pages_have_no_axe_violations(page, analyst, prefix):
    base = f"{analyst}{prefix}/staff/agencies/fba/reports"
    # The quarter's driver analyses are not stored by the demo: its page offers the button.
    for path in ("/", "/fy2026/", "/fy2026-q1/", "/fy2026-q4/edit/"):
        _open(page, base + path)
        assert_no_axe_violations(page)
    expect(page.locator("#drivers-missing")).to_have_count(0)
    _open(page, base + "/fy2026-q1/")
    expect(page.locator("#drivers-missing button")).to_be_visible()


def test_analyst_writes_what_we_heard_and_sees_it_in_the_report(page, analyst):
    _open(page, f"{analyst}/staff/agencies/fba/reports/fy2026/")
    click_and_load(page, page.get_by_role("link", name="Write or edit the written sections"))
    page.get_by_label("What we heard", exact=True).fill("Callers told us the hold times were long.")
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The written sections of the report were saved.")).to_be_visible()
    expect(page.get_by_text("Callers told us the hold times were long.")).to_be_visible()
    expect(page.get_by_role("heading", name="Key drivers")).to_be_visible()
    assert_no_axe_violations(page)
