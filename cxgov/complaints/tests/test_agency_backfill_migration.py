"""Rows stored before complaint children and webhook deliveries carried their agency get it
from their complaint or event when the database migrates (decision 0070)."""

from __future__ import annotations

import pytest

from cxgov.complaints.models import IntakeKey, Message, Transition
from cxgov.testing.migrations import migrate_to_before, migrate_to_latest
from cxgov.webhooks.models import Attempt, Delivery

BEFORE = [
    ("complaints", "0012_complaint_tracking_number_unique_per_agency"),
    ("webhooks", "0001_webhook_subscriptions_and_deliveries"),
]


@pytest.mark.usefixtures("migrating_database")
def test_stored_rows_get_the_agency_of_their_complaint_or_event() -> None:
    old = migrate_to_before(BEFORE)
    agency_model = old.get_model("core", "Agency")
    ours = agency_model.objects.create(name="Ours", slug="ours")
    theirs = agency_model.objects.create(name="Theirs", slug="theirs")
    complaints = old.get_model("complaints", "Complaint")
    mine = complaints.objects.create(agency=ours, tracking_number="C-1", what_happened="x")
    other = complaints.objects.create(agency=theirs, tracking_number="C-1", what_happened="y")
    for complaint in (mine, other):
        old.get_model("complaints", "Transition").objects.create(
            complaint=complaint, to_status="received"
        )
        old.get_model("complaints", "Message").objects.create(
            complaint=complaint, direction="to_customer", body="hi"
        )
    old.get_model("complaints", "IntakeKey").objects.create(
        complaint=mine, key_hash="k", request_hash="r"
    )
    subscription = old.get_model("webhooks", "Subscription").objects.create(
        agency=theirs, name="hook", url="https://example.com/hook", secret="s"
    )
    event = old.get_model("webhooks", "Event").objects.create(
        agency=theirs, type="complaint.created", object_type="complaint", object_id="1"
    )
    delivery = old.get_model("webhooks", "Delivery").objects.create(
        subscription=subscription, event=event, body="{}"
    )
    old.get_model("webhooks", "Attempt").objects.create(delivery=delivery, number=1)

    migrate_to_latest()

    for model in (Transition, Message):
        assert set(model.objects.values_list("complaint_id", "agency_id")) == {
            (mine.pk, ours.pk),
            (other.pk, theirs.pk),
        }
    assert IntakeKey.objects.get().agency_id == ours.pk
    assert Delivery.objects.get().agency_id == theirs.pk
    assert Attempt.objects.get().agency_id == theirs.pk
