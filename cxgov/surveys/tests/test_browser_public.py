"""A person answers the A-11 v2 survey in Chromium, JavaScript on and off, English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.surveys.models import Response, Survey
from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey_url(live_server, a11_survey: Survey) -> str:
    return f"{live_server.url}{{lang}}/surveys/{a11_survey.public_id}/"


@pytest.mark.parametrize(
    ("lang", "trust", "group", "driver"),
    [
        ("", "1", "What went well?", "went_well-employee"),
        ("/es", "0", "¿Qué no salió tan bien?", "went_poorly-efficiency"),
    ],
)
def test_answer_with_javascript_shows_only_the_relevant_group(
    page, survey_url: str, lang: str, trust: str, group: str, driver: str
) -> None:
    page.goto(survey_url.format(lang=lang))
    assert page.locator("[data-show-if]").nth(0).is_hidden()
    assert page.locator("[data-show-if]").nth(1).is_hidden()
    assert_no_axe_violations(page)
    page.locator(f"label[for='q-trust-{trust}']").click()
    expect(page.get_by_role("group", name=group)).to_be_visible()
    expect(page.locator("[data-show-if]:visible")).to_have_count(1)
    page.locator(f"label[for='q-{driver}']").click()
    assert_no_axe_violations(page)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/thanks/")
    assert_no_axe_violations(page)
    response = Response.objects.get()
    assert response.language == ("es" if lang else "en")
    assert response.answers.count() == 2


@pytest.mark.parametrize("lang", ["", "/es"])
def test_answer_without_javascript_shows_both_groups_with_hints(
    browser, page_without_js, survey_url: str, lang: str
) -> None:
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(survey_url.format(lang=lang))
    assert page.locator("[data-show-if]").nth(0).is_visible()
    assert page.locator("[data-show-if]").nth(1).is_visible()
    assert_no_axe_violations_as_served(browser, page)
    # Submitting with nothing chosen shows an accessible error beside the question.
    click_and_load(page, page.locator("button[type=submit]"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)
    for choice in ("trust-1", "went_well-ease", "went_poorly-ease"):
        page.locator(f"label[for='q-{choice}']").click()
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/thanks/")
    response = Response.objects.get()
    # The "didn't go well" group was not asked after a thumbs up, so it is not kept.
    assert sorted(response.answers.values_list("question__key", flat=True)) == [
        "trust",
        "went_well",
    ]
