"""The members page in Chromium with JavaScript off: an administrator invites a member and
changes a role on accessible pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import MemberInvitation, Membership, Role
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_invites_and_changes_a_role_on_accessible_pages_without_javascript(
    browser, page_without_js, demo_data, live_server
):
    page = page_without_js
    site = live_server.url
    sign_in(page, site, "admin@fba.example.gov")
    page.goto(site + "/staff/agencies/fba/")
    click_and_load(page, page.get_by_role("link", name="Members and invitations"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("cell", name="handler@fba.example.gov", exact=True)).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)

    click_and_load(page, page.get_by_role("link", name="Invite a member"))
    page.get_by_label("Email address").fill("new.analyst@fba.example.gov")
    page.get_by_label("Role").select_option(Role.CX_ANALYST.value)
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The invitation is on its way")).to_be_visible()
    expect(page.get_by_role("cell", name="new.analyst@fba.example.gov", exact=True)).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)
    assert MemberInvitation.objects.filter(email="new.analyst@fba.example.gov").exists()

    click_and_load(page, page.get_by_role("link", name="Hugo Handler"))
    assert_no_axe_violations_as_served(browser, page)
    page.get_by_label("Role").select_option(Role.SERVICE_MANAGER.value)
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The role of handler@fba.example.gov is saved.")).to_be_visible()
    handler = Membership.objects.get(user__email="handler@fba.example.gov", agency__slug="fba")
    assert handler.role == Role.SERVICE_MANAGER
