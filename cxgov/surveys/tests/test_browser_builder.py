"""A CX analyst builds a survey in Chromium; axe checks each builder page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.surveys.models import Survey
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_builds_previews_and_publishes_a_survey(
    demo_data, page, page_without_js, live_server
) -> None:
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + "/staff/agencies/fba/surveys/")
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="Create a survey"))
    assert_no_axe_violations(page)
    page.locator("label[for='id_template_1']").click()
    page.locator("#id_title").fill("Phone line check-in")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/surveys/*/")
    assert_no_axe_violations(page)
    survey = Survey.objects.get(title="Phone line check-in")

    click_and_load(page, page.get_by_role("link", name="Add a question"))
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.locator(".usa-error-message").count() >= 2
    assert_no_axe_violations(page)
    page.locator("#id_key").fill("wait")
    page.locator("#id_kind").select_option("yes_no")
    page.locator("#id_text").fill("Did you wait more than 10 minutes?")
    page.locator("#id_text_es").fill("¿Esperó más de 10 minutos?")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/surveys/*/#questions")
    click_and_load(page, page.get_by_role("button", name="Move wait up"))

    click_and_load(page, page.get_by_role("link", name="Preview"))
    expect(page.get_by_text("Did you wait more than 10 minutes?")).to_be_visible()
    assert_no_axe_violations(page)
    page.go_back()
    # A public survey is refused review until it has a PRA clearance, then published under one
    # by a second member.
    click_and_load(page, page.get_by_role("link", name="Send for review and publish"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("needs a current Paperwork Reduction Act clearance")).to_be_visible()
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="Open the record itself"))
    click_and_load(page, page.get_by_role("link", name="Settings"))
    page.locator("#id_clearance").select_option(
        label="Generic clearance for customer experience surveys (1234-0042)"
    )
    page.locator("#id_burden_minutes").fill("3")
    click_and_load(page, page.get_by_role("button", name="Save"))
    click_and_load(page, page.get_by_role("link", name="Send for review and publish"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    second = page_without_js
    sign_in(second, live_server.url, "admin@fba.example.gov")
    second.goto(live_server.url + f"/staff/agencies/fba/reviews/survey/{survey.pk}/")
    click_and_load(second, second.get_by_role("button", name="Approve"))
    click_and_load(second, second.get_by_role("button", name="Publish"))
    expect(second.get_by_text("Published: the public can see it now.")).to_be_visible()
    survey.refresh_from_db()
    assert survey.status == "live"
    for prefix, statement in (
        ("", "estimated to average 3 minutes per response"),
        ("/es", "un promedio de 3 minutos por respuesta"),
    ):
        page.goto(f"{live_server.url}{prefix}/surveys/{survey.public_id}/")
        pra = page.locator("section", has_text="1234-0042")
        expect(pra).to_contain_text(statement)
        assert_no_axe_violations(page)
    for path in ("responses/", "settings/", "invitations/"):
        page.goto(live_server.url + f"/staff/agencies/fba/surveys/{survey.pk}/{path}")
        assert_no_axe_violations(page)
    # The demo's survey with thousands of responses, and the public "Give feedback" links.
    demo = Survey.objects.get(agency__slug="fba", template="a11_v2")
    page.goto(live_server.url + f"/staff/agencies/fba/surveys/{demo.pk}/responses/?channel=phone")
    assert_no_axe_violations(page)
    for prefix in ("", "/es"):
        page.goto(live_server.url + prefix + "/feedback/")
        page.locator(f"a[href='{prefix}/surveys/{demo.public_id}/']").click()
        page.wait_for_url(f"**/surveys/{demo.public_id}/")
        assert_no_axe_violations(page)
