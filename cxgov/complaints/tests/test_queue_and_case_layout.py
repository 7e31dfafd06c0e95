"""The staff queue uses the page's full width with the columns handlers sort by, and long
words wrap on the case page instead of widening it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from cxgov.complaints.models import Complaint
from cxgov.complaints.services import complaint_create
from cxgov.core.addresses import PostalAddress

from .test_inclusive_forms import _parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(agency_a, service_a, handler_a):
    complaint = complaint_create(
        agency=agency_a,
        service=service_a,
        what_happened="My benefit payment is two months late and nobody answers the phone.",
        contact_name="Maria Lopez",
        contact_preference="postal_mail",
        postal=PostalAddress(
            line_1="12 Elm Street", city="Springfield", state="IL", zip_code="62701"
        ),
        send_acknowledgment=False,
    )
    Complaint.objects.filter(pk=complaint.pk).update(assignee=handler_a)
    return complaint


def test_queue_is_full_width_with_subject_service_status_due_and_assignee(handler_a_client, filed):
    body = handler_a_client.get("/staff/agencies/alpha/complaints/").content.decode()
    assert "usa-form--large" not in body
    for heading in ("Tracking number", "Subject", "Service", "Status", "Respond by", "Assigned to"):
        assert f'<th scope="col">{heading}</th>' in body
    assert "My benefit payment is two months late and nobody answers" in body
    assert "Apply for benefits" in body
    assert "handler@alpha.example.gov" in body
    assert filed.respond_due_at.strftime("%Y-%m-%d") in body
    tags = _parse(body)
    number_cells = [
        attrs for tag, attrs in tags.tags if attrs.get("data-label") == "Tracking number"
    ]
    assert number_cells and all("text-no-wrap" in a["class"].split() for a in number_cells)
    forms = [
        attrs for tag, attrs in tags.tags if tag == "form" and "usa-form" in attrs.get("class", "")
    ]
    assert forms and all("maxw-none" in attrs["class"].split() for attrs in forms)


def test_queue_subject_of_a_single_long_word_is_cut_and_wraps(handler_a_client, agency_a):
    complaint_create(agency=agency_a, what_happened="x" * 10_000, send_acknowledgment=False)
    body = handler_a_client.get("/staff/agencies/alpha/complaints/").content.decode()
    assert "x" * 100 not in body


def test_case_page_shows_the_mailing_address_to_its_handler(handler_a_client, filed):
    body = handler_a_client.get(f"/staff/agencies/alpha/complaints/{filed.pk}/").content.decode()
    assert "Mailing address" in body
    assert "12 Elm Street<br>Springfield, IL 62701" in body


def test_case_page_is_not_open_to_another_agency(handler_b_client, filed):
    url = f"/staff/agencies/alpha/complaints/{filed.pk}/"
    assert handler_b_client.get(url).status_code == 404


def test_a_ten_thousand_character_word_wraps_on_the_case_page(handler_a_client, agency_a):
    word = "a" * 10_000
    complaint = complaint_create(agency=agency_a, what_happened=word, send_acknowledgment=False)
    body = handler_a_client.get(
        f"/staff/agencies/alpha/complaints/{complaint.pk}/"
    ).content.decode()
    at = body.index(word)
    opening = body.rindex("<p", 0, at)
    assert 'class="cx-narrative"' in body[opening:at]
    css = (Path(django_settings.BASE_DIR) / "static" / "cxgov" / "site.css").read_text()
    rule = css[css.index(".cx-narrative") :]
    assert "overflow-wrap: anywhere" in rule[: rule.index("}")]
