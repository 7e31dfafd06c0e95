"""Training on the agency's own history, suggestions with confidence, corrections count."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cxgov.complaints.models import Category, ClassifierModel
from cxgov.complaints.selectors import labelled_complaints
from cxgov.complaints.services import complaint_categorize, complaint_create
from cxgov.testing.data import shared_path

pytestmark = pytest.mark.django_db
CFPB = "cfpb/elvus_Consumer_Complaints_2016-2020_268rows.csv"


def _history(agency):
    payments = Category.objects.create(agency=agency, name="Payments")
    offices = Category.objects.create(agency=agency, name="Offices")
    for i in range(15):
        complaint_create(
            agency=agency,
            category=payments,
            send_acknowledgment=False,
            what_happened=f"My benefit payment {i} is late and the deposit never arrived",
        )
        complaint_create(
            agency=agency,
            category=offices,
            send_acknowledgment=False,
            what_happened=f"The field office {i} was closed and the waiting room rude",
        )
    return payments, offices


def test_command_prints_held_out_accuracy_and_macro_f1(agency_a):
    _history(agency_a)
    out = io.StringIO()
    call_command("train_complaint_classifier", agency="alpha", stdout=out)
    text = out.getvalue()
    assert "held-out accuracy: 1.000" in text
    assert "held-out macro F1: 1.000" in text
    stored = ClassifierModel.objects.get()
    assert stored.version == 1 and bytes(stored.model)


def test_new_complaints_get_a_suggestion_and_staff_correction_feeds_training(
    agency_a, handler_a, django_capture_on_commit_callbacks
):
    payments, offices = _history(agency_a)
    call_command("train_complaint_classifier", agency="alpha", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        new = complaint_create(
            agency=agency_a,
            what_happened="The deposit of my payment is late",
            send_acknowledgment=False,
        )
    new.refresh_from_db()
    assert new.suggested_category == payments
    assert 0.5 < new.suggested_confidence <= 1
    assert new.category is None
    complaint_categorize(complaint=new, actor=handler_a, category=offices)
    _texts, labels = labelled_complaints(agency=agency_a)
    assert labels[-1] == str(offices.pk)
    call_command("train_complaint_classifier", agency="alpha", stdout=io.StringIO())
    assert ClassifierModel.objects.count() == 2


def test_too_little_history_is_a_clear_error(agency_a):
    with pytest.raises(CommandError, match="at least 10"):
        call_command("train_complaint_classifier", agency="alpha", stdout=io.StringIO())


def test_trains_on_imported_cfpb_narratives(agency_a):
    call_command(
        "import_complaints",
        str(shared_path(CFPB)),
        format="cfpb",
        agency="alpha",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("train_complaint_classifier", agency="alpha", stdout=out)
    assert "held-out macro F1:" in out.getvalue()
