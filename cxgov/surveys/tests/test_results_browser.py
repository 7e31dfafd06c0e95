"""A CX analyst reads survey results and key drivers in Chromium; axe checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import User
from cxgov.surveys.models import Response, Survey
from cxgov.surveys.services import population_margin_save
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_reads_results_filters_and_key_drivers(demo_data, page, live_server) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v1")
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + "/staff/agencies/fba/")
    page.get_by_role("link", name="Survey results").click()
    page.wait_for_url("**/results/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=survey.title).click()
    page.wait_for_url(f"**/results/{survey.pk}/")
    expect(page.get_by_role("heading", name=f"Results of {survey.title}")).to_be_visible()
    assert page.locator("svg[role='img']").count() >= 1
    assert_no_axe_violations(page)

    page.locator("#id_language").select_option("es")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**language=es**")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Key drivers and priority matrix").click()
    page.wait_for_url(f"**/results/{survey.pk}/drivers/**")
    # The analysis for these filters was never asked for: reading the page asks for nothing and
    # offers the button, which asks the worker (here the immediate task backend, run when the
    # POST commits).
    expect(page.get_by_role("heading", name="Not computed yet")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Compute this analysis").click()
    page.wait_for_url(f"**/results/{survey.pk}/drivers/**")
    page.reload()
    expect(page.get_by_role("img", name="Priority matrix")).to_be_visible()
    assert page.get_by_role("table").count() == 1
    assert_no_axe_violations(page)

    page.locator("#id_outcome").select_option("satisfaction")
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_url("**outcome=satisfaction**")
    assert_no_axe_violations(page)

    for path in (
        f"/es/staff/agencies/fba/results/{survey.pk}/",
        "/staff/agencies/fba/results/oversight/",
    ):
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)


def test_results_page_works_without_javascript(demo_data, page_without_js, live_server) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v2")
    page = page_without_js
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + f"/staff/agencies/fba/results/{survey.pk}/")
    page.locator("#id_channel").select_option("phone")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**channel=phone**")
    assert page.get_by_role("heading", name="Comments").is_visible()
    assert page.get_by_text("Download “Summary by question” as CSV").is_visible()
    assert page.locator("#id_channel").input_value() == "phone"


def test_weighted_figures_are_prepared_then_shown_and_refreshed(
    demo_data, page, live_server
) -> None:
    survey = Survey.objects.get(agency__slug="fba", template="a11_v1")
    channels = set(Response.objects.filter(survey=survey).values_list("channel", flat=True))
    population_margin_save(
        actor=User.objects.get(email="admin@fba.example.gov"),
        survey=survey,
        variable="channel",
        counts=dict.fromkeys(sorted(channels), 1000),
    )
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + f"/staff/agencies/fba/results/{survey.pk}/")
    expect(page.get_by_role("heading", name="Weighted to the population")).to_be_visible()
    # The first reader asks the worker (the immediate task backend here) for the raking; the
    # section says so or, once it has run, shows the figures. Either state passes axe.
    assert_no_axe_violations(page)
    page.reload()
    expect(page.get_by_text("population margins; the filters then choose a group")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Refresh the figures").click()
    page.wait_for_url(f"**/results/{survey.pk}/**")
    expect(page.get_by_text("The figures are being brought up to date.")).to_be_visible()
    assert_no_axe_violations(page)
