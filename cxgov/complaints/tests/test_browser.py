"""A person files a complaint and checks it in Chromium, JS on and off, English and Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import Role
from cxgov.testing.browser import (
    assert_no_axe_violations,
    assert_no_axe_violations_as_served,
)
from cxgov.testing.browser_helpers import click_and_load, sign_in
from cxgov.testing.factories import (
    PASSWORD,
    AgencyFactory,
    MembershipFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agency():
    agency = AgencyFactory(name="Agency Alpha", slug="alpha")
    ServiceFactory(agency=agency, name="Apply for benefits", slug="apply")
    return agency


def _file_and_track(page, base, check):
    page.goto(f"{base}/agencies/alpha/complaints/new/?service=apply")
    check(page)
    page.locator("#id_what_happened").fill("My benefit payment is two months late.")
    page.locator("#id_desired_resolution").fill("Pay what is owed.")
    page.locator("#id_contact_email").fill("maria@example.com")
    page.locator("label[for=id_consent_to_publish]").click()
    click_and_load(page, page.locator("main form button[type=submit]"))
    number = page.locator("#tracking-number").inner_text().strip()
    assert number.startswith("C-")
    check(page)
    page.goto(f"{base}/complaints/status/")
    check(page)
    page.locator("#id_tracking_number").fill(number.lower())
    page.locator("#id_email").fill("Maria@Example.com")
    click_and_load(page, page.locator("main form button[type=submit]"))
    expect(page.locator("#complaint-status")).to_be_visible()
    assert number in page.content()
    check(page)
    return number


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_person_files_and_tracks_a_complaint_with_javascript(page, live_server, agency, prefix):
    _file_and_track(page, live_server.url + prefix, assert_no_axe_violations)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_person_files_and_tracks_a_complaint_without_javascript(
    browser, page_without_js, live_server, agency, prefix
):
    _file_and_track(
        page_without_js,
        live_server.url + prefix,
        lambda p: assert_no_axe_violations_as_served(browser, p),
    )


def test_form_errors_are_announced_and_accessible(page, live_server, agency):
    page.goto(f"{live_server.url}/agencies/alpha/complaints/new/")
    click_and_load(page, page.locator("main form button[type=submit]"))
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_queue_and_case_pages_have_no_axe_violations(page, live_server, agency, prefix):
    from cxgov.complaints.services import complaint_create

    handler = UserFactory(email="handler@alpha.example.gov")
    MembershipFactory(user=handler, agency=agency, role=Role.COMPLAINT_HANDLER)
    complaint = complaint_create(
        agency=agency, what_happened="Lost form", send_acknowledgment=False
    )
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[type=email]").fill(handler.email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/")
    base = f"{live_server.url}{prefix}/staff/agencies/alpha/complaints/"
    for url in (base, f"{base}{complaint.pk}/", f"{base}new/"):
        page.goto(url)
        assert_no_axe_violations(page)


def test_demo_staff_pages_have_no_axe_violations(demo_data, page, live_server):
    from cxgov.complaints.models import Complaint

    sign_in(page, live_server.url, "admin@fba.example.gov")
    disputed = Complaint.objects.filter(agency__slug="fba", review="disputed").first()
    base = f"{live_server.url}/staff/agencies/fba/complaints/"
    pages = (
        base,
        f"{base}analytics/",
        f"{base}setup/",
        f"{base}{disputed.pk}/",
        f"{base}{disputed.pk}/split/",
        f"{base}narratives/",
        f"{base}narratives/?state=approved",
    )
    for url in pages:
        page.goto(url)
        assert_no_axe_violations(page)
    # The review queue shows consented demo narratives side by side, as a reviewer needs.
    page.goto(f"{base}narratives/")
    expect(page.get_by_role("button", name="Approve this text").first).to_be_visible()


def _in(language: str, text: str) -> str:
    """`text` as the site shows it in `language`."""
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(text))


@pytest.mark.parametrize(
    ("javascript", "prefix"),
    [(False, ""), (True, ""), (True, "/es"), (False, "/es")],
    ids=["no-js-en", "js-en", "js-es", "no-js-es"],
)
def test_staff_and_customer_close_the_loop(demo_data, browser, live_server, javascript, prefix):
    """Filed by mail without email, a question, the customer's answer with a file (looked up
    with the ZIP code), the response with its category, the dispute, and the case reopened,
    with axe on every page of both sides."""
    from cxgov.complaints.models import Complaint, Status

    language = "es" if prefix else "en"
    base = live_server.url
    staff_context = browser.new_context(bypass_csp=True, java_script_enabled=javascript)
    customer_context = browser.new_context(
        bypass_csp=True, java_script_enabled=javascript, locale="es-US" if prefix else "en-US"
    )
    staff, customer = staff_context.new_page(), customer_context.new_page()

    def check(page):  # type: ignore[no-untyped-def]
        if javascript:
            assert_no_axe_violations(page)
        else:
            assert_no_axe_violations_as_served(browser, page)

    def submit(page, form: str) -> None:  # type: ignore[no-untyped-def]
        click_and_load(page, page.locator(f"main {form} button[type=submit]").first)
        check(page)

    try:
        # The customer files by mail, without an email address.
        customer.goto(f"{base}{prefix}/agencies/fba/complaints/new/")
        check(customer)
        customer.locator("#id_what_happened").fill("My refund never arrived.")
        customer.locator("label[for=id_contact_preference_2]").click()
        customer.locator("#id_postal_line_1").fill("12 Elm Street")
        customer.locator("#id_postal_city").fill("Springfield")
        customer.locator("#id_postal_state").select_option("IL")
        customer.locator("#id_postal_zip").fill("62701")
        submit(customer, "form")
        number = customer.locator("#tracking-number").inner_text().strip()
        complaint = Complaint.objects.get(tracking_number=number)
        assert complaint.contact_email == "" and complaint.postal_zip == "62701"
        case_url = f"{base}{prefix}/staff/agencies/fba/complaints/{complaint.pk}/"

        # Staff ask a question and wait for the answer.
        sign_in(staff, base, "admin@fba.example.gov")
        staff.goto(case_url)
        check(staff)
        staff.locator("#id_message-body").fill("Which bank account did you give us?")
        staff.locator("label[for=id_message-await_reply]").click()
        submit(staff, "form[action$='/messages/']")

        # The customer looks the complaint up with its number and ZIP code, and answers.
        customer.goto(f"{base}{prefix}/complaints/status/")
        check(customer)
        customer.locator("#id_tracking_number").fill(number.lower())
        customer.locator("#id_phone_or_zip").fill("62701")
        submit(customer, "form")
        expect(customer.locator("#write")).to_have_text(
            _in(language, "We are waiting for your reply")
        )
        expect(customer.get_by_text("Which bank account did you give us?")).to_be_visible()
        customer.locator("#id_body").fill("The one ending in 1234. My statement is attached.")
        customer.locator("#id_attachments").set_input_files(
            {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}
        )
        submit(customer, "form[action$='/reply/']")
        expect(customer.locator("#complaint-status")).to_have_text(
            str(_in(language, "In progress"))
        )

        # Staff see the answer and its file, and respond with a category.
        staff.goto(case_url)
        check(staff)
        expect(staff.get_by_text("statement.pdf")).to_be_visible()
        staff.locator("#id_respond-category").select_option("closed_with_relief")
        staff.locator("#id_respond-body").fill("We sent the refund again on May 2.")
        submit(staff, "form[action$='/response/']")

        # The customer reads the response and disputes it: the case reopens.
        customer.reload()
        check(customer)
        expect(customer.locator("#response-text")).to_contain_text("We sent the refund again")
        expect(customer.locator("#our-response")).to_be_visible()
        assert _in(language, "Closed with relief") in customer.content()
        customer.locator("label[for=id_decision_1]").click()
        customer.locator("#id_comment").fill("It still has not arrived.")
        submit(customer, "form:has(#id_decision_1)")
        expect(customer.locator("#complaint-status")).to_have_text(_in(language, "In progress"))
        staff.goto(case_url)
        check(staff)
        expect(staff.get_by_text("It still has not arrived.")).to_be_visible()
    finally:
        staff_context.close()
        customer_context.close()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.review == "disputed"
    assert complaint.messages.count() == 4
    assert complaint.messages.filter(attachments__original_name="statement.pdf").exists()
