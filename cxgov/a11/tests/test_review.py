"""An A-11 report on the one approval path: approving it submits it, read only for good."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.a11.models import CollectionStatus
from cxgov.a11.tests.factories import ready_collection
from cxgov.testing.approvals import review_step

pytestmark = pytest.mark.django_db


def test_an_a11_report_approved_is_submitted_for_good(
    analyst_a_client: Client, admin_a_client: Client, thumbs_survey, service_a
) -> None:
    collection = ready_collection(service=service_a, survey=thumbs_survey)
    step = {"slug": "alpha", "kind": "a11_report", "object_id": collection.pk}
    review_step(analyst_a_client, act="submit", **step)
    review_step(admin_a_client, act="approve", **step)
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.SUBMITTED
    said = review_step(admin_a_client, act="return", body="Change a figure.", **step)
    assert said == ["A submitted report stays as it was submitted: it cannot return to draft."]
    review_step(admin_a_client, act="publish", **step)
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.PUBLISHED
    review_step(admin_a_client, act="unpublish", body="Published too early.", **step)
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.SUBMITTED
    page = analyst_a_client.get(f"/staff/agencies/alpha/a11/collections/{collection.pk}/")
    assert "What the agency reported" in page.content.decode()
