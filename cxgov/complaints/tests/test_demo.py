"""The demo agency's complaints: every status, overdue and disputed ones, a trained model."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cxgov.complaints.demo import demo_load as complaints_demo_load
from cxgov.complaints.models import ClassifierModel, Complaint, Status

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_overdue_disputed_and_a_classifier(demo_data):
    complaints = Complaint.objects.filter(agency__slug="fba")
    assert set(complaints.values_list("status", flat=True)) == set(Status.values)
    assert complaints.filter(review="disputed").count() == 2
    assert complaints.filter(
        status__in=["acknowledged", "in_progress"],
        responded_at__isnull=True,
        respond_due_at__lt=timezone.now(),
    ).exists()
    assert ClassifierModel.objects.filter(agency__slug="fba").exists()
    assert complaints.filter(suggested_category__isnull=False).exists()
    count = complaints.count()
    complaints_demo_load()
    assert Complaint.objects.filter(agency__slug="fba").count() == count
