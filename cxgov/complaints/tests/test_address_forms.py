"""The barrier report and the staff entry form take a mailing address in the USWDS address
fields, required when the person asks for a letter, like the public complaint form."""

from __future__ import annotations

import pytest

from cxgov.complaints.models import Complaint

STAFF_NEW = "/staff/agencies/alpha/complaints/new/"
BARRIER = "/agencies/alpha/accessibility/report/"
ADDRESS = {
    "postal_line_1": "12 Elm Street",
    "postal_line_2": "Apt 3",
    "postal_city": "Springfield",
    "postal_state": "IL",
    "postal_zip": "627011234",
}


def _one_address_fieldset(page: str) -> None:
    assert page.count('id="address-hint"') == 1
    for name in ADDRESS:
        assert page.count(f'name="{name}"') == 1, name
    assert 'autocomplete="postal-code"' in page


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_barrier_report_by_letter_needs_no_email_but_an_address(client, agency_a, prefix):
    page = client.get(prefix + BARRIER).content.decode()
    _one_address_fieldset(page)
    base = {
        "page_url": "/apply",
        "what_happened": "The form times out.",
        "contact_preference": "postal_mail",
    }
    refused = client.post(prefix + BARRIER, base)
    assert refused.status_code == 400
    for name in ("postal_line_1", "postal_city", "postal_state", "postal_zip"):
        assert f'id="id_{name}_error"' in refused.content.decode()
    assert 'id="id_contact_email_error"' not in refused.content.decode()
    filed = client.post(prefix + BARRIER, {**base, **ADDRESS})
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.contact_email == ""
    assert complaint.postal_zip == "62701-1234"
    assert complaint.postal_address == "12 Elm Street\nApt 3\nSpringfield, IL 62701-1234"
    thanks = client.get(filed["Location"]).content.decode()
    assert complaint.tracking_number in thanks


def test_a_barrier_report_by_email_still_needs_the_email(client, agency_a):
    answer = client.post(
        BARRIER,
        {"page_url": "/apply", "what_happened": "x", "contact_preference": "email"},
    )
    assert answer.status_code == 400
    assert 'id="id_contact_email_error"' in answer.content.decode()


def test_staff_enter_a_letter_with_its_address_in_parts(handler_a_client, agency_a):
    page = handler_a_client.get(STAFF_NEW).content.decode()
    _one_address_fieldset(page)
    base = {
        "channel": "postal_mail",
        "what_happened": "A letter about a lost check",
        "contact_preference": "postal_mail",
    }
    refused = handler_a_client.post(STAFF_NEW, {**base, "postal_zip": "6270"})
    assert refused.status_code == 400
    body = refused.content.decode()
    for name in ("postal_line_1", "postal_city", "postal_state", "postal_zip"):
        assert f'id="id_{name}_error"' in body
    assert not Complaint.objects.exists()
    entered = handler_a_client.post(STAFF_NEW, {**base, **ADDRESS})
    assert entered.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.postal_line_1, complaint.postal_state) == ("12 Elm Street", "IL")
    assert complaint.postal_address == "12 Elm Street\nApt 3\nSpringfield, IL 62701-1234"


def test_staff_entry_asks_for_the_contact_the_person_chose(handler_a_client, agency_a):
    answer = handler_a_client.post(
        STAFF_NEW,
        {"channel": "phone", "what_happened": "Called", "contact_preference": "phone"},
    )
    assert answer.status_code == 400
    assert 'id="id_contact_phone_error"' in answer.content.decode()
