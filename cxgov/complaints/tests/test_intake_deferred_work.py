"""Intake does only what the complainant and the queue need at once: the category suggestion
arrives from the worker, the classifier is read once per version, and the queries of one
intake are capped so they cannot creep back."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from cxgov.complaints.models import (
    Category,
    ClassifierModel,
    Complaint,
    RoutingRule,
    SlaPolicy,
    Transition,
)
from cxgov.complaints.selectors import classifier_loaded
from cxgov.complaints.services import (
    TRACKING_DRAWS,
    complaint_categorize,
    complaint_classifier_train,
    complaint_create,
    team_create,
)

pytestmark = pytest.mark.django_db


def _trained(agency):
    payments = Category.objects.create(agency=agency, name="Payments")
    offices = Category.objects.create(agency=agency, name="Offices")
    for i in range(12):
        for category, text in (
            (payments, f"My benefit payment {i} is late and the deposit never arrived"),
            (offices, f"The field office {i} was closed and the waiting room rude"),
        ):
            complaint_create(
                agency=agency, category=category, what_happened=text, send_acknowledgment=False
            )
    complaint_classifier_train(agency=agency, actor=None)
    return payments, offices


def test_the_suggestion_arrives_once_the_worker_runs_the_queued_task(
    agency_a, django_capture_on_commit_callbacks
):
    payments, _offices = _trained(agency_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        complaint = complaint_create(
            agency=agency_a, what_happened="The deposit of my payment is late"
        )
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.tracking_number and stored.respond_due_at is not None
    assert stored.suggested_category is None
    for callback in queued:
        callback()
    stored.refresh_from_db()
    assert stored.suggested_category == payments
    assert 0.5 < stored.suggested_confidence <= 1


def test_a_category_staff_chose_before_the_worker_ran_is_not_overwritten(
    agency_a, handler_a, django_capture_on_commit_callbacks
):
    _payments, offices = _trained(agency_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        complaint = complaint_create(
            agency=agency_a,
            what_happened="The deposit of my payment is late",
            send_acknowledgment=False,
        )
    complaint_categorize(complaint=complaint, actor=handler_a, category=offices)
    for callback in queued:
        callback()
    complaint.refresh_from_db()
    assert complaint.category == offices
    assert complaint.suggested_category is None


def test_a_complaint_filed_with_a_category_or_without_a_classifier_queues_no_suggestion(
    agency_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        complaint_create(
            agency=agency_a, what_happened="No classifier yet", send_acknowledgment=False
        )
    assert len(queued) == 1  # only the change signal for webhooks
    payments, _offices = _trained(agency_a)
    with django_capture_on_commit_callbacks() as queued:
        complaint_create(
            agency=agency_a,
            category=payments,
            what_happened="Filed with a category",
            send_acknowledgment=False,
        )
    assert len(queued) == 1  # only the change signal for webhooks


def test_the_classifier_is_read_once_and_read_again_after_retraining(agency_a):
    _trained(agency_a)
    first = classifier_loaded(agency=agency_a)
    with CaptureQueriesContext(connection) as again:
        assert classifier_loaded(agency=agency_a) is first
    assert len(again.captured_queries) == 1
    assert "model" not in again.captured_queries[0]["sql"].split("FROM")[0].replace(
        "classifiermodel", ""
    )
    complaint_classifier_train(agency=agency_a, actor=None)
    retrained = classifier_loaded(agency=agency_a)
    assert retrained is not None and first is not None
    assert retrained.version == first.version + 1
    assert retrained.pk == ClassifierModel.objects.get(version=2).pk


def test_the_classifier_is_forgotten_when_the_agency_has_none_left(agency_a):
    _trained(agency_a)
    assert classifier_loaded(agency=agency_a) is not None
    ClassifierModel.objects.filter(agency=agency_a).delete()
    assert classifier_loaded(agency=agency_a) is None


def test_one_intake_with_routing_sla_and_a_classifier_stays_within_its_queries(
    agency_a, admin_a, django_assert_max_num_queries
):
    _trained(agency_a)
    team = team_create(agency=agency_a, actor=admin_a, name="Payments team")
    RoutingRule.objects.create(agency=agency_a, team=team, keywords="deposit", position=0)
    SlaPolicy.objects.create(agency=agency_a, respond_days=10)
    complaint_create(agency=agency_a, what_happened="The first since the rules changed")
    # The settings version (routing, SLA policy, closures and the classifier are kept under
    # it, decision 0065), the complaint, its transition, its audit event and, in this test's
    # transaction, a savepoint and its release: the queued tasks write no row here.
    with django_assert_max_num_queries(6):
        complaint = complaint_create(
            agency=agency_a,
            what_happened="The deposit of my payment is late",
            contact_email="maria@example.com",
        )
    assert complaint.team == team


def test_a_tracking_number_already_taken_is_drawn_again_and_the_complaint_filed(
    agency_a, monkeypatch
):
    taken = complaint_create(agency=agency_a, what_happened="First", send_acknowledgment=False)
    draws = iter([taken.tracking_number, "C-AAAA-BBBB-CCCC"])
    monkeypatch.setattr("cxgov.complaints.services.tracking_number_new", lambda: next(draws))
    second = complaint_create(agency=agency_a, what_happened="Second", send_acknowledgment=False)
    second.refresh_from_db()
    assert second.tracking_number == "C-AAAA-BBBB-CCCC"
    assert Complaint.objects.filter(tracking_number=taken.tracking_number).count() == 1
    assert second.transitions.count() == 1


def test_when_every_draw_is_taken_nothing_is_filed_and_the_database_error_is_raised(
    agency_a, monkeypatch
):
    taken = complaint_create(agency=agency_a, what_happened="First", send_acknowledgment=False)
    draws = []

    def again() -> str:
        draws.append(taken.tracking_number)
        return taken.tracking_number

    monkeypatch.setattr("cxgov.complaints.services.tracking_number_new", again)
    with pytest.raises(IntegrityError):
        complaint_create(agency=agency_a, what_happened="Second", send_acknowledgment=False)
    assert len(draws) == TRACKING_DRAWS
    assert Complaint.objects.filter(agency=agency_a).count() == 1
    assert Transition.objects.filter(complaint__agency=agency_a).count() == 1
