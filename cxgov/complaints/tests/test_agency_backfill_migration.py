"""Rows stored before complaint children and webhook deliveries carried their agency get it
from their complaint or event when the database migrates (decision 0070)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cxgov.complaints.models import IntakeKey, Message, Transition
from cxgov.webhooks.models import Attempt, Delivery

BEFORE = [
    ("complaints", "0012_complaint_tracking_number_unique_per_agency"),
    ("webhooks", "0001_webhook_subscriptions_and_deliveries"),
]


@pytest.fixture
def executor(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    yield executor
    # Whatever the test did, leave the database at the latest state for the tests after it.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_stored_rows_get_the_agency_of_their_complaint_or_event(executor) -> None:
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for model in (Transition, Message):
        assert set(model.objects.values_list("complaint_id", "agency_id")) == {
            (mine.pk, ours.pk),
            (other.pk, theirs.pk),
        }
    assert IntakeKey.objects.get().agency_id == ours.pk
    assert Delivery.objects.get().agency_id == theirs.pk
    assert Attempt.objects.get().agency_id == theirs.pk
