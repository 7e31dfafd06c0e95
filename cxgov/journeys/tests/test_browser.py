"""The journey pages in a real Chromium without JavaScript, checked by axe in English and
Spanish: a service manager reads the list and a journey's time tax, adds a stage through the
form (a refused one first), and oversight reads the life experiences."""

from __future__ import annotations

import pytest

from cxgov.core.models import Membership, Role, User
from cxgov.core.permissions import Can
from cxgov.core.services import site_grant_give
from cxgov.journeys.services import (
    journey_create,
    journey_stage_create,
    life_experience_create,
    persona_create,
)
from cxgov.site.demo import DEMO_PASSWORD
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_pages_work_without_javascript_in_both_languages(
    browser, page_without_js, live_server, agency_a
):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 740})
    retiring = life_experience_create(actor=None, name="Approaching retirement")
    persona = persona_create(actor=None, agency=agency_a, name="Dana, retiring nurse")
    journey = journey_create(
        actor=None,
        agency=agency_a,
        title="Applying for a pension",
        persona=persona,
        life_experience=retiring,
    )
    journey_stage_create(
        actor=None, journey=journey, name="Gather documents", time_source="research", minutes=90
    )
    journey_stage_create(
        actor=None,
        journey=journey,
        name="Fill in the form",
        time_source="research",
        minutes=40,
        minutes_low=30,
        minutes_high=50,
    )
    manager = User.objects.create_user("journeys-manager@alpha.example.gov", DEMO_PASSWORD)
    Membership.objects.create(user=manager, agency=agency_a, role=Role.SERVICE_MANAGER)
    sign_in(page, live_server.url, manager.email)
    base = f"{live_server.url}/staff/agencies/alpha/journeys/"
    for prefix in ("", "/es"):
        page.goto(base.replace("/staff/", f"{prefix}/staff/"))
        assert "Applying for a pension" in page.locator("#journeys").inner_text()
        assert_no_axe_violations_as_served(browser, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.goto(base.replace("/staff/", f"{prefix}/staff/") + f"{journey.pk}/")
        assert page.locator("#time-tax-total").is_visible()
        assert "Gather documents" in page.locator("#costliest").inner_text()
        assert_no_axe_violations_as_served(browser, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(f"{base}{journey.pk}/stages/new/")
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    click_and_load(page, page.get_by_role("button", name="Save"))
    assert page.get_by_role("alert").first.is_visible()
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator("#id_name").fill("Wait for a decision")
    click_and_load(page, page.get_by_role("button", name="Save"))
    assert "Wait for a decision" in page.locator("#burden").inner_text()

    overseer = User.objects.create_user("journeys-omb@oversight.example.gov", DEMO_PASSWORD)
    site_grant_give(user=overseer, need=Can.OVERSEE_GOVERNMENT)
    page.context.clear_cookies()
    sign_in(page, live_server.url, overseer.email)
    for prefix in ("", "/es"):
        page.goto(f"{live_server.url}{prefix}/staff/oversight/life-experiences/")
        assert "Approaching retirement" in page.content()
        assert_no_axe_violations_as_served(browser, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
