"""Shared steps for browser tests: demo data on a live server, signing in."""

from __future__ import annotations

import os

from django.core.management import call_command
from playwright.sync_api import Page

from cxgov.core.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def load_demo() -> None:
    call_command("load_demo", verbosity=0)


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
