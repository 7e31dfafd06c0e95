"""The data retention and export page in Chromium with axe-core, in English and Spanish."""

from __future__ import annotations

import pytest

from cxgov.core.testing.browser import assert_no_axe_violations
from cxgov.core.testing.browser_helpers import load_demo, sign_in
from cxgov.registry.models import RetentionPolicy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_admin_sets_retention_without_axe_violations(page, live_server, prefix):
    load_demo()
    sign_in(page, live_server.url, "admin@fba.example.gov")
    page.goto(f"{live_server.url}{prefix}/staff/agencies/fba/data/")
    assert_no_axe_violations(page)
    page.locator("#id_survey_ip_days").fill("-3")
    page.locator("form.usa-form button[type=submit]").click()
    assert page.get_by_role("alert").first.is_visible()
    assert_no_axe_violations(page)
    page.locator("#id_survey_ip_days").fill("14")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/staff/agencies/fba/data/")
    assert RetentionPolicy.objects.get(agency__slug="fba").survey_ip_days == 14
