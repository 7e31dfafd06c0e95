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
        f"{base}narratives/",
        f"{base}narratives/?state=approved",
    )
    for url in pages:
        page.goto(url)
        assert_no_axe_violations(page)
    # The review queue shows consented demo narratives side by side, as a reviewer needs.
    page.goto(f"{base}narratives/")
    expect(page.get_by_role("button", name="Approve this text").first).to_be_visible()


def test_staff_and_customer_close_the_loop_without_javascript(
    demo_data, browser, page_without_js, live_server
):
    """A question, the customer's answer with a file, the response, the dispute, reopened."""
    from cxgov.complaints.models import Complaint, Status
    from cxgov.complaints.services import complaint_create
    from cxgov.core.models import Agency

    complaint = complaint_create(
        agency=Agency.objects.get(slug="fba"),
        what_happened="My refund never arrived.",
        contact_email="loop@example.com",
        send_acknowledgment=False,
    )
    base = live_server.url
    staff_context = browser.new_context(java_script_enabled=False, locale="en-US")
    staff = staff_context.new_page()
    customer = page_without_js
    case_url = f"{base}/staff/agencies/fba/complaints/{complaint.pk}/"
    try:
        sign_in(staff, base, "admin@fba.example.gov")
        staff.goto(case_url)
        staff.locator("#id_message-body").fill("Which bank account did you give us?")
        staff.locator("label[for=id_message-await_reply]").click()
        click_and_load(staff, staff.get_by_role("button", name="Send message"))

        customer.goto(f"{base}/complaints/status/")
        customer.locator("#id_tracking_number").fill(complaint.tracking_number)
        customer.locator("#id_email").fill("loop@example.com")
        click_and_load(customer, customer.locator("main form button[type=submit]"))
        expect(customer.locator("#write")).to_have_text("We are waiting for your reply")
        assert "Which bank account did you give us?" in customer.content()
        customer.locator("#id_body").fill("The one ending in 1234. My statement is attached.")
        customer.locator("#id_attachments").set_input_files(
            {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}
        )
        click_and_load(customer, customer.get_by_role("button", name="Send message"))
        expect(customer.locator("#complaint-status")).to_have_text("In progress")
        assert_no_axe_violations_as_served(browser, customer)

        staff.goto(case_url)
        assert "From the customer" in staff.content()
        assert "statement.pdf" in staff.content()
        staff.locator("#id_respond-category").select_option("closed_with_relief")
        staff.locator("#id_respond-body").fill("We sent the refund again on May 2.")
        click_and_load(staff, staff.get_by_role("button", name="Send response"))

        customer.reload()
        expect(customer.locator("#response-text")).to_contain_text("We sent the refund again")
        assert "Closed with relief" in customer.content()
        assert_no_axe_violations_as_served(browser, customer)
        customer.locator("label[for=id_decision_1]").click()
        customer.locator("#id_comment").fill("It still has not arrived.")
        click_and_load(customer, customer.get_by_role("button", name="Send review"))
        expect(customer.locator("#complaint-status")).to_have_text("In progress")
    finally:
        staff_context.close()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.review == "disputed"
    assert Complaint.objects.get(pk=complaint.pk).messages.count() == 4
