"""The survey report pages in Chromium with axe-core, in English and Spanish, on demo data."""

from __future__ import annotations

import pytest

from cxgov.core.demo import DEMO_PASSWORD
from cxgov.core.models import Role
from cxgov.core.services import membership_grant, user_create
from cxgov.core.testing.browser import assert_no_axe_violations
from cxgov.core.testing.browser_helpers import sign_in
from cxgov.registry.demo import demo_load as registry_demo_load
from cxgov.surveys.demo import demo_load as surveys_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst(page, live_server):
    # Only the demo parts the report reads most: the inventory, one analyst, the surveys.
    agencies = registry_demo_load()
    user = user_create(email="analyst@fba.example.gov", password=DEMO_PASSWORD)
    membership_grant(user=user, agency=agencies["fba"], role=Role.CX_ANALYST)
    surveys_demo_load()
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_report_pages_have_no_axe_violations(page, analyst, prefix):
    base = f"{analyst}{prefix}/staff/agencies/fba/reports"
    for path in ("/", "/fy2026/", "/fy2026-q4/edit/"):
        page.goto(base + path)
        assert_no_axe_violations(page)


def test_analyst_writes_what_we_heard_and_sees_it_in_the_report(page, analyst):
    page.goto(f"{analyst}/staff/agencies/fba/reports/fy2026/")
    page.get_by_role("link", name="Write or edit the written sections").click()
    page.get_by_label("What we heard", exact=True).fill("Callers told us the hold times were long.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The written sections of the report were saved.").is_visible()
    assert page.get_by_text("Callers told us the hold times were long.").is_visible()
    assert page.get_by_role("heading", name="Key drivers").is_visible()
    assert_no_axe_violations(page)
