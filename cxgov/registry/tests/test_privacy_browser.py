"""The data retention and export page in Chromium with axe-core, in English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.registry.models import RetentionPolicy
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_admin_sets_retention_without_axe_violations(demo_data, page, live_server, prefix):
    sign_in(page, live_server.url, "admin@fba.example.gov")
    page.goto(f"{live_server.url}{prefix}/staff/agencies/fba/data/")
    assert_no_axe_violations(page)
    page.locator("#id_survey_ip_days").fill("-3")
    click_and_load(page, page.locator("form.usa-form button[type=submit]"))
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_survey_ip_days").fill("14")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/staff/agencies/fba/data/")
    assert RetentionPolicy.objects.get(agency__slug="fba").survey_ip_days == 14
