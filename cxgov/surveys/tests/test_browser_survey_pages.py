"""Multi-page surveys in Chromium at 390 px: branching, piping, save, resume and submit with
JavaScript on and off, in English and Spanish; the A-11 v2 pages each fit one phone screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from cxgov.surveys.models import Response, Survey
from cxgov.testing.browser import assert_no_axe_violations, assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WORDS = {
    "": {"next": "Next", "save": "Save and finish later", "submit": "Submit"},
    "/es": {"next": "Siguiente", "save": "Guardar y terminar después", "submit": "Enviar"},
}


def _press(page: Page, name: str, *, javascript: bool) -> None:
    button = page.get_by_role("button", name=name, exact=True)
    if javascript:
        button.click()
    else:
        click_and_load(page, button)


def _axe(browser: Browser, page: Page, *, javascript: bool) -> None:
    if javascript:
        assert_no_axe_violations(page)
    else:
        assert_no_axe_violations_as_served(browser, page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["", "/es"], ids=["en", "es"])
def test_answer_save_resume_and_submit_a_branching_survey(
    browser: Browser, live_server, flow_survey: Survey, lang: str, javascript: bool
) -> None:
    context = browser.new_context(bypass_csp=True, java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    words = WORDS[lang]
    page.goto(
        f"{live_server.url}{lang}/surveys/{flow_survey.public_id}/?service=apply&channel=website"
    )
    _axe(browser, page, javascript=javascript)
    page.locator("label[for='q-visit-office']").click()
    page.locator("label[for='q-score-4']").click()
    page.locator("#q-nickname").fill("<b>Mine</b>")
    _press(page, words["next"], javascript=javascript)
    wait = page.locator("#q-office_wait")
    expect(wait).to_be_visible()
    expect(page.locator("#q-praise")).to_have_count(0)
    _axe(browser, page, javascript=javascript)
    wait.fill("12")
    _press(page, words["save"], javascript=javascript)
    link = page.locator("#resume-link")
    expect(link).to_be_visible()
    _axe(browser, page, javascript=javascript)
    resume = link.inner_text()
    context.close()

    # A new browser (no cookies) opens the private link and finds page 2 as it was left.
    context = browser.new_context(bypass_csp=True, java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    page.goto(resume)
    expect(page.locator("#q-office_wait")).to_have_value("12")
    _press(page, words["next"], javascript=javascript)
    comments = page.locator("#q-comments")
    expect(comments).to_be_visible()
    label = page.locator("label[for='q-comments']")
    expect(label).to_contain_text("<b>Mine</b>")
    expect(label).to_contain_text("Apply for benefits")
    _axe(browser, page, javascript=javascript)
    comments.fill("Fine")
    _press(page, words["submit"], javascript=javascript)
    page.wait_for_url("**/thanks/")
    context.close()
    response = Response.objects.get()
    assert (response.language, response.channel, response.service.slug) == (
        "es" if lang else "en",
        "website",
        "apply",
    )
    answers = dict(response.answers.values_list("question__key", "value_text"))
    assert answers == {
        "visit": "office",
        "score": "",
        "nickname": "<b>Mine</b>",
        "office_wait": "",
        "comments": "Fine",
    }


def test_each_a11_v2_page_fits_one_phone_screen(
    browser: Browser, live_server, a11_survey: Survey
) -> None:
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/surveys/{a11_survey.public_id}/")
    heights = []
    for choose in ("label[for='q-trust-0']", "label[for='q-went_poorly-efficiency']", ""):
        expect(page.locator("#survey-progress")).to_be_visible()
        heights.append(page.locator("form[data-survey-form]").bounding_box()["height"])
        assert_no_axe_violations(page)
        if choose:
            page.locator(choose).click()
            page.get_by_role("button", name="Next", exact=True).click()
            expect(page.locator("#survey-progress")).to_contain_text(f"{len(heights) + 1} of 3")
    assert len(heights) == 3
    assert max(heights) <= PHONE["height"], heights
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url("**/thanks/")
    assert sorted(Response.objects.get().answers.values_list("question__key", flat=True)) == [
        "trust",
        "went_poorly",
    ]
    context.close()
