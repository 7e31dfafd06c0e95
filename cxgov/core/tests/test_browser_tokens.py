"""The API tokens page in Chromium: create a read token with an expiry, no axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import ApiToken, Role
from cxgov.site.demo import DEMO_PASSWORD
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in
from cxgov.testing.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_creates_a_read_token_with_an_expiry_on_an_accessible_page(page, live_server):
    user = UserFactory(email="analyst@alpha.example.gov")
    user.set_password(DEMO_PASSWORD)
    user.save()
    MembershipFactory(user=user, agency=AgencyFactory(slug="alpha"), role=Role.CX_ANALYST)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/staff/tokens/")
    assert_no_axe_violations(page)
    page.get_by_label("Token name").fill("Dashboard")
    expect(page.get_by_label("Read only")).to_be_checked()
    # USWDS draws the box on the label; the input itself is hidden.
    page.locator("label.usa-checkbox__label", has_text="Complaints").click()
    expect(page.get_by_label("Complaints")).to_be_checked()
    page.get_by_label("Expires after (days)").fill("7")
    click_and_load(page, page.get_by_role("button", name="Create token"))
    expect(page.get_by_test_id("new-token")).to_be_visible()
    expect(page.get_by_role("cell", name="Read only")).to_be_visible()
    assert_no_axe_violations(page)
    expect(page.get_by_role("cell", name="Complaints")).to_be_visible()
    assert ApiToken.objects.get().scope == "read"
    assert ApiToken.objects.get().areas == ["complaints"]
