"""The audit log records every write and cannot be changed from the application."""

from __future__ import annotations

import pytest

from cxgov.core.models import AuditEvent, Membership
from cxgov.core.services import audit_record, membership_grant

pytestmark = pytest.mark.django_db


def test_membership_grant_writes_one_audit_event(admin_a, agency_a, handler_b):
    membership_grant(user=handler_b, agency=agency_a, role="cx_analyst", actor=admin_a)
    membership_grant(user=handler_b, agency=agency_a, role="cx_analyst", actor=admin_a)
    events = AuditEvent.objects.filter(action="membership.grant", agency=agency_a)
    assert events.count() == 1
    assert events.get().actor == admin_a
    assert events.get().data == {"user": handler_b.email, "role": "cx_analyst"}


def test_audit_event_cannot_be_edited(admin_a):
    event = audit_record(actor=admin_a, action="test.something")
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()


def test_audit_events_cannot_be_deleted_one_or_in_bulk(admin_a):
    event = audit_record(actor=admin_a, action="test.something")
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_system_writes_are_attributed_to_system():
    event = audit_record(actor=None, action="test.system")
    assert event.actor_label == "system"


def test_an_event_about_an_agency_record_belongs_to_its_agency(admin_a, agency_a, agency_b):
    membership = Membership.objects.get(user=admin_a, agency=agency_a)
    assert audit_record(actor=admin_a, action="test.target", target=membership).agency == agency_a
    named = audit_record(actor=admin_a, action="test.named", agency=agency_b, target=membership)
    assert named.agency == agency_b
    # A user belongs to no agency: the event has none.
    assert audit_record(actor=admin_a, action="test.user", target=admin_a).agency is None
