"""Tracking numbers are unique within their agency, so complaints can be distributed by agency;
the public status page still finds a complaint by its number alone (decision 0070)."""

from __future__ import annotations

from datetime import date
from itertools import chain, repeat

import pytest
from django.db import IntegrityError, transaction

from cxgov.complaints import services
from cxgov.complaints.importers import ImportedComplaint
from cxgov.complaints.models import Channel, Complaint
from cxgov.complaints.selectors import (
    complaint_by_tracking_number,
    complaint_public_lookup,
    complaint_public_lookup_by_contact,
)
from cxgov.complaints.services import complaint_create, complaints_import

STATUS = "/complaints/status/"


def _filed(agency, email: str = "a@example.com", **extra) -> Complaint:
    return complaint_create(
        agency=agency,
        what_happened="My refund never came.",
        contact_email=email,
        send_acknowledgment=False,
        **extra,
    )


def test_a_tracking_number_still_opens_its_complaint_on_the_public_status_page(client, agency_a):
    complaint = _filed(agency_a)
    found = client.post(
        STATUS, {"tracking_number": complaint.tracking_number.lower(), "email": "a@example.com"}
    )
    assert found.status_code == 302
    page = client.get(found["Location"])
    assert page.status_code == 200
    assert complaint.tracking_number in page.content.decode()


def test_one_agency_never_holds_a_tracking_number_twice(agency_a):
    first = _filed(agency_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.create(
            agency=agency_a, tracking_number=first.tracking_number, what_happened="again"
        )


def test_a_number_two_agencies_hold_opens_each_customer_their_own_complaint(agency_a, agency_b):
    ours = _filed(agency_a, email="a@example.com")
    theirs = _filed(agency_b, email="b@example.com")
    Complaint.objects.filter(pk=theirs.pk).update(tracking_number=ours.tracking_number)
    number = ours.tracking_number
    assert complaint_public_lookup(tracking_number=number, email="a@example.com") == ours
    assert complaint_public_lookup(tracking_number=number, email="b@example.com") == theirs
    assert complaint_public_lookup(tracking_number=number, email="c@example.com") is None
    # Without an agency, a shared number names no complaint rather than a guessed one.
    assert complaint_by_tracking_number(tracking_number=number) is None
    assert complaint_by_tracking_number(tracking_number=number, agency=agency_b) == theirs


def test_a_shared_number_is_told_apart_by_phone_or_zip_too(agency_a, agency_b):
    ours = complaint_create(
        agency=agency_a,
        what_happened="x",
        contact_phone="555-010-2030",
        channel=Channel.PHONE,
        send_acknowledgment=False,
    )
    theirs = complaint_create(
        agency=agency_b,
        what_happened="x",
        contact_phone="555-010-9999",
        channel=Channel.PHONE,
        send_acknowledgment=False,
    )
    Complaint.objects.filter(pk=theirs.pk).update(tracking_number=ours.tracking_number)
    number = ours.tracking_number
    assert complaint_public_lookup_by_contact(tracking_number=number, contact="5550102030") == ours
    assert (
        complaint_public_lookup_by_contact(tracking_number=number, contact="5550109999") == theirs
    )


def test_an_import_draws_again_a_number_another_agency_holds(agency_a, agency_b, monkeypatch):
    held = _filed(agency_b).tracking_number
    fresh = iter(["C-AAAA-AAAA-AAAA", "C-BBBB-BBBB-BBBB"])
    draws = chain(repeat(held, 1), fresh)
    monkeypatch.setattr(services, "tracking_number_new", lambda: next(draws))
    row = ImportedComplaint(
        row=1,
        source_id="123",
        received=date(2024, 5, 1),
        product="Mortgage",
        issue="Escrow",
        narrative="",
        consent=False,
        channel=Channel.WEB,
        submitted_via="Web",
        company_response="Closed with explanation",
        timely=True,
        disputed=False,
        in_progress=False,
    )
    complaints_import(agency=agency_a, rows=[row], actor=None)
    imported = Complaint.objects.get(agency=agency_a, source_ref="123")
    assert imported.tracking_number == "C-AAAA-AAAA-AAAA"
    assert complaint_by_tracking_number(tracking_number=held).agency_id == agency_b.pk
