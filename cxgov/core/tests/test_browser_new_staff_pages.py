"""Staff pages for members, the calendar, webhooks, canned responses and narrative review: no
axe violations in English and Spanish, without JavaScript, on a 320 px phone."""

from __future__ import annotations

import pytest

from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = (
    "members/",
    "members/invite/",
    "calendar/",
    "calendar/import/",
    "webhooks/",
    "webhooks/new/",
    "complaints/canned/",
    "complaints/canned/new/",
    "complaints/narratives/",
)


def test_new_staff_pages_are_accessible_in_both_languages_on_a_phone_without_javascript(
    browser, page_without_js, demo_data, live_server
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, live_server.url, "admin@fba.example.gov")
    for prefix in ("", "/es"):
        for path in PAGES:
            url = f"{live_server.url}{prefix}/staff/agencies/fba/{path}"
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en")
            assert_no_axe_violations_as_served(browser, page)
