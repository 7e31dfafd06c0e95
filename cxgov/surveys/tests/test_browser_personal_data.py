"""Pages that changed with who reads personal data, in Chromium with axe: the employee survey's
response page (a notice, no rows) and the agency and survey pages oversight sees (no links to
response lists or the complaint queue)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.surveys.models import Audience, Survey
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_finds_employee_answers_only_as_results(demo_data, page, live_server) -> None:
    survey = Survey.objects.get(agency__slug="fba", audience=Audience.EMPLOYEE)
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + f"/staff/agencies/fba/surveys/{survey.pk}/responses/")
    expect(page.get_by_text("never listed one by one")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="See results"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_oversight_sees_no_links_to_personal_data(demo_data, page, live_server) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v2")
    sign_in(page, live_server.url, "oversight@omb.example.gov")
    page.goto(live_server.url + "/staff/agencies/fba/")
    expect(page.get_by_role("link", name="Complaint analytics")).to_be_visible()
    expect(page.get_by_role("link", name="Complaints queue")).to_have_count(0)
    assert_no_axe_violations(page)
    page.goto(live_server.url + f"/staff/agencies/fba/surveys/{survey.pk}/")
    expect(page.get_by_role("link", name="See results")).to_be_visible()
    expect(page.get_by_role("link", name="See responses")).to_have_count(0)
    assert_no_axe_violations(page)
    page.goto(live_server.url + "/staff/agencies/fba/complaints/analytics/")
    expect(page.get_by_role("link", name="Complaints", exact=True)).to_have_attribute(
        "href", "/staff/agencies/fba/complaints/analytics/"
    )
    assert_no_axe_violations(page)
