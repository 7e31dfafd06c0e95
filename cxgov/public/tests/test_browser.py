"""The pages in a real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.site.demo import DEMO_PASSWORD
from cxgov.testing.browser import (
    assert_no_axe_violations,
    assert_no_axe_violations_as_served,
)
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(demo_data, live_server):
    return live_server.url


def test_home_page_has_banner_and_no_axe_violations(page, demo_site):
    page.goto(demo_site + "/")
    assert page.locator(".usa-banner").is_visible()
    assert page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("Federal Benefits Administration").first.is_visible()
    expect(page.get_by_role("heading", name="Every service and how it is doing")).to_be_visible()
    assert_no_axe_violations(page)


def test_spanish_page_has_no_axe_violations(page, demo_site):
    page.goto(demo_site + "/")
    # The switcher is a disclosure: open it, then pick the language.
    page.locator(".cx-language__toggle").click()
    page.get_by_role("link", name="Español").first.click()
    page.wait_for_url("**/es/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_text("Administración Federal de Beneficios").first.is_visible()
    expect(page.get_by_role("heading", name="Todos los servicios y cómo les va")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("prefix", "heading", "button"),
    [
        ("", "Every service and how it is doing", "Show services"),
        ("/es", "Todos los servicios y cómo les va", "Mostrar servicios"),
    ],
)
def test_home_service_catalogue_filters_without_javascript_at_320_px(
    browser, page_without_js, demo_site, prefix, heading, button
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(demo_site + prefix + "/")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.locator("#id_agency").select_option("fba")
    click_and_load(page, page.get_by_role("button", name=button))
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("#catalogue .usa-collection__item").first).to_be_visible()
    assert "agency=fba" in page.url
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "the home page scrolls sideways at 320 px"
    )
    assert_no_axe_violations_as_served(browser, page)


def test_staff_signs_in_and_staff_home_has_no_axe_violations(page, demo_site):
    page.goto(demo_site + "/accounts/login/")
    assert_no_axe_violations(page)
    sign_in(page, demo_site, "analyst@fba.example.gov")
    expect(page.get_by_role("cell", name="CX analyst")).to_be_visible()
    assert_no_axe_violations(page)


def test_sign_in_error_is_accessible(page, demo_site):
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("Email address").fill("analyst@fba.example.gov")
    page.get_by_label("Password").fill("wrong")
    click_and_load(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


def test_pages_work_without_javascript(browser, page_without_js, demo_site):
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + "/es/")
    # Without JavaScript the navigation shows inline, so every link is reachable on a phone.
    page.get_by_role("link", name="Presentar una queja").first.click()
    page.wait_for_url("**/es/complaints/")
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("Email address").fill("admin@fba.example.gov")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    expect(page.get_by_role("heading", name="Staff home")).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_service_page_ways_to_get_help_has_no_axe_violations(page, demo_site, prefix):
    page.goto(demo_site + prefix + "/agencies/fba/")
    page.get_by_role(
        "link",
        name="Solicitar beneficios de jubilación" if prefix else "Apply for retirement benefits",
        exact=True,
    ).click()
    page.wait_for_url("**/services/apply-for-retirement-benefits/")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    # Three of the four channels keep hours; mail has none, so it shows no open status.
    assert page.locator(".cx-open-status").count() == 3
    assert_no_axe_violations(page)


def test_service_page_without_javascript_on_a_phone(browser, page_without_js, demo_site):
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + "/es/agencies/fba/services/apply-for-retirement-benefits/")
    assert page.get_by_role("link", name="1-800-555-0100").first.is_visible()
    assert_no_axe_violations_as_served(browser, page)


def test_idle_staff_are_warned_before_sign_out_and_can_stay(demo_data, page, live_server, settings):
    settings.SESSION_COOKIE_AGE = 6  # the warning shows at half the session for short sessions
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    dialog.wait_for(state="visible", timeout=10_000)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    expect(page.get_by_role("heading", name="Staff home")).to_be_visible()
