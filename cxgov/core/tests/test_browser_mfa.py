"""Two-step sign-in pages in Chromium: axe-clean, usable 320 px wide, and without JavaScript."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from cxgov.core.services import recovery_codes_replace
from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load
from cxgov.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def _fits_320(page: Page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{page.url} scrolls sideways at 320 px"


def _password_step(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_load(page, page.get_by_role("button", name="Sign in"))


def test_enrolment_and_recovery_code_pages_have_no_axe_violations_at_320_px(
    page, live_server, analyst_a
):
    page.set_viewport_size({"width": 320, "height": 800})
    _password_step(page, live_server.url, analyst_a.email)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    assert_no_axe_violations(page)
    _fits_320(page)

    device = TOTPDevice.objects.get(user=analyst_a, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_role("textbox", name="Code").fill(code)
    click_and_load(page, page.get_by_role("button", name="Turn on two-step sign-in"))
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    assert_no_axe_violations(page)
    _fits_320(page)

    page.goto(live_server.url + "/accounts/two-factor/recovery-codes/")
    expect(page.get_by_test_id("codes-left")).to_have_text("You have 10 unused recovery codes.")
    assert_no_axe_violations(page)
    _fits_320(page)

    page.goto(live_server.url + "/es/accounts/two-factor/recovery-codes/")
    expect(page.get_by_role("heading", name="Códigos de recuperación", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    _fits_320(page)


def test_a_recovery_code_signs_in_and_new_codes_are_made_without_javascript(
    browser, page_without_js, live_server, analyst_a
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 800})
    TOTPDevice.objects.create(user=analyst_a, name="Authenticator app", confirmed=True)
    codes = recovery_codes_replace(user=analyst_a)
    _password_step(page, live_server.url, analyst_a.email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)
    _fits_320(page)

    page.get_by_role("textbox", name="Code").fill(codes[0])
    click_and_load(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", name="Staff home")).to_be_visible()
    click_and_load(page, page.get_by_role("link", name="Recovery codes for two-step sign-in"))
    expect(page.get_by_test_id("codes-left")).to_have_text("You have 9 unused recovery codes.")

    click_and_load(page, page.get_by_role("button", name="Make new recovery codes"))
    expect(page.get_by_role("heading", name="Your new recovery codes")).to_be_visible()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    assert codes[1] not in page.content()
    assert_no_axe_violations_as_served(browser, page)
    _fits_320(page)
