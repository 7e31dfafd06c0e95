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


NEXT = {"": "Next", "/es": "Siguiente"}
SUBMIT = {"": "Submit", "/es": "Enviar"}


@pytest.mark.parametrize(
    ("lang", "trust", "group", "driver", "other"),
    [
        ("", "1", "What went well?", "went_well-employee", "went_poorly"),
        ("/es", "0", "¿Qué no salió tan bien?", "went_poorly-efficiency", "went_well"),
    ],
)
def test_answer_with_javascript_asks_only_the_relevant_group(
    page, survey_url: str, lang: str, trust: str, group: str, driver: str, other: str
) -> None:
    page.goto(survey_url.format(lang=lang))
    expect(page.locator("input[name^='q-went_']")).to_have_count(0)
    assert_no_axe_violations(page)
    page.locator(f"label[for='q-trust-{trust}']").click()
    page.get_by_role("button", name=NEXT[lang], exact=True).click()
    expect(page.get_by_role("group", name=group)).to_be_visible()
    expect(page.locator(f"input[name='q-{other}']")).to_have_count(0)
    page.locator(f"label[for='q-{driver}']").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name=NEXT[lang], exact=True).click()
    page.get_by_role("button", name=SUBMIT[lang], exact=True).click()
    page.wait_for_url("**/thanks/")
    assert_no_axe_violations(page)
    response = Response.objects.get()
    assert response.language == ("es" if lang else "en")
    assert response.answers.count() == 2


@pytest.mark.parametrize("lang", ["", "/es"])
def test_answer_without_javascript_page_by_page_asks_only_the_relevant_group(
    browser, page_without_js, survey_url: str, lang: str
) -> None:
    page = page_without_js
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(survey_url.format(lang=lang))
    assert_no_axe_violations_as_served(browser, page)
    # Going on with nothing chosen shows an accessible error beside the question.
    click_and_load(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations_as_served(browser, page)
    page.locator("label[for='q-trust-1']").click()
    click_and_load(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    expect(page.locator("input[name='q-went_poorly']")).to_have_count(0)
    page.locator("label[for='q-went_well-ease']").click()
    assert_no_axe_violations_as_served(browser, page)
    click_and_load(page, page.get_by_role("button", name=NEXT[lang], exact=True))
    click_and_load(page, page.get_by_role("button", name=SUBMIT[lang], exact=True))
    page.wait_for_url("**/thanks/")
    response = Response.objects.get()
    assert sorted(response.answers.values_list("question__key", flat=True)) == [
        "trust",
        "went_well",
    ]
