"""The iframe survey page in a real Chromium, with axe-core checking WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import Agency
from cxgov.surveys.models import Survey
from cxgov.surveys.services import survey_create, survey_publish
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load
from cxgov.testing.factories import cleared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embed_url(live_server, agency_a: Agency) -> str:
    survey: Survey = survey_publish(
        actor=None, survey=cleared(survey_create(actor=None, agency=agency_a, template="a11_v2"))
    )
    return f"{live_server.url}/surveys/{survey.public_id}/embed/"


@pytest.mark.parametrize("language", ["en", "es"])
def test_embed_page_and_its_errors_have_no_axe_violations(
    embed_url: str, page, language: str
) -> None:
    url = embed_url.replace("/surveys/", "/es/surveys/") if language == "es" else embed_url
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).inner_text()
    assert_no_axe_violations(page)
    next_page = "Siguiente" if language == "es" else "Next"
    click_and_load(page, page.get_by_role("button", name=next_page, exact=True))
    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_axe_violations(page)
