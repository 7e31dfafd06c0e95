"""The definition import and the quota pages, and the polite page of a full quota cell: no axe
violations in English and Spanish, without JavaScript, on a 320 px phone with no sideways
scroll. (The survey's staff page, with the versions list, is the builder's and is checked with
it.)"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cxgov.surveys.models import Quota, Survey, SurveyStatus
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, url: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, (url, wide)


def test_definition_import_and_quota_pages_are_accessible_without_javascript(
    browser, page_without_js, demo_data, live_server
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    survey = (
        Survey.objects.filter(agency__slug="fba", status=SurveyStatus.LIVE, audience="customer")
        .order_by("pk")
        .first()
    )
    assert survey is not None and survey.versions.exists()
    Quota.objects.create(
        survey=survey,
        segment="channel",
        value="kiosk",
        limit=5,
        count=5,
        closed_at=timezone.now(),
    )
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    base = f"/staff/agencies/fba/surveys/{survey.pk}/"
    for prefix in ("", "/es"):
        for path in (f"{base}quotas/", "/staff/agencies/fba/surveys/import/"):
            url = f"{live_server.url}{prefix}{path}"
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            _fits(page, url)
            assert_no_axe_violations_as_served(browser, page)
        # The quota form sent back with its reason.
        page.goto(f"{live_server.url}{prefix}{base}quotas/")
        page.locator("#id_segment").select_option("service")
        page.locator("#id_value").fill("no-such-service")
        page.locator("#id_limit").fill("10")
        page.get_by_role("button", name="Save" if not prefix else "Guardar").click()
        expect(page.locator(".usa-error-message, .usa-alert--error").first).to_be_visible()
        assert_no_axe_violations_as_served(browser, page)

    for prefix, words in (("", "enough answers"), ("/es", "suficientes respuestas")):
        url = f"{live_server.url}{prefix}/surveys/{survey.public_id}/?channel=kiosk"
        page.goto(url)
        assert words in page.content()
        assert page.locator("form input[name^='q-']").count() == 0
        _fits(page, url)
        assert_no_axe_violations_as_served(browser, page)
