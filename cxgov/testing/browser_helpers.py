"""Shared steps for browser tests: following a link or posting a form, signing in."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from cxgov.site.demo import DEMO_PASSWORD


def click_and_load(page: Page, target: Locator) -> None:
    """Click a link or a form's button and wait until the page the server answers with loads.

    Reading the page straight after the click could still see the page that was clicked on.
    """
    with page.expect_navigation():
        target.click()


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
