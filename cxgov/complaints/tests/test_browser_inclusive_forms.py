"""A person who wants a letter files a complaint without an email address, in Chromium with
JavaScript off, and the form passes axe before and after its errors."""

from __future__ import annotations

import pytest

from cxgov.complaints.models import Complaint
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agency():
    agency = AgencyFactory(name="Agency Alpha", slug="alpha")
    ServiceFactory(agency=agency, name="Apply for benefits", slug="apply")
    return agency


def test_person_files_by_mail_without_email_and_javascript(
    browser, page_without_js, live_server, agency
):
    page = page_without_js
    page.goto(f"{live_server.url}/agencies/alpha/complaints/new/")
    assert_no_axe_violations_as_served(browser, page)
    # One visible control per choice: the native radio is moved off screen by USWDS.
    radios = page.locator("input[name=contact_preference]")
    assert radios.count() == 3
    assert all(box is None or box["x"] < 0 for box in (r.bounding_box() for r in radios.all()))

    page.locator("#id_what_happened").fill("My letters about my claim are never answered.")
    page.locator("label[for=id_contact_preference_2]").click()
    page.locator("#id_postal_line_1").fill("12 Elm Street")
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert page.get_by_role("alert").first.is_visible()
    assert "Give the city of your mailing address." in page.content()
    assert_no_axe_violations_as_served(browser, page)

    page.locator("#id_postal_city").fill("Springfield")
    page.locator("#id_postal_state").select_option("IL")
    page.locator("#id_postal_zip").fill("62701")
    click_and_load(page, page.locator("main form button[type=submit]"))
    number = page.locator("#tracking-number").inner_text().strip()
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.contact_email == ""
    assert complaint.postal_address == "12 Elm Street\nSpringfield, IL 62701"
