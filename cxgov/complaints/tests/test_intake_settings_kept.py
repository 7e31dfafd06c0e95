"""Intake reads its agency's routing rules, SLA policies, closed days, classifier and webhook
subscriptions once per settings version (decision 0065): a change through any write path is
seen by the very next complaint, in this process and in any other."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxgov.complaints.models import Complaint, Team
from cxgov.complaints.services import (
    complaint_create,
    routing_rule_create,
    sla_policy_save,
    team_create,
)
from cxgov.core import agency_settings
from cxgov.core.services import closure_add
from cxgov.webhooks import transport
from cxgov.webhooks.models import Event
from cxgov.webhooks.services import subscription_create, subscription_disable

pytestmark = pytest.mark.django_db

# A Monday morning at the agency (America/New_York): one business day to acknowledge.
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def _file(agency, text: str = "My deposit is late", **extra) -> Complaint:
    return complaint_create(agency=agency, what_happened=text, send_acknowledgment=False, **extra)


def _other_process() -> None:
    """What another web process has: the shared cache, but nothing this process kept."""
    agency_settings._KEPT.clear()


def test_a_routing_rule_added_through_its_service_routes_the_very_next_complaint(agency_a, admin_a):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    assert _file(agency_a).team_id is None
    routing_rule_create(agency=agency_a, actor=admin_a, team=team, keywords="deposit")
    assert _file(agency_a).team == team


def test_a_routing_rule_added_through_the_staff_form_routes_the_very_next_complaint(
    admin_a_client, admin_a, agency_a
):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    assert _file(agency_a).team_id is None
    response = admin_a_client.post(
        "/staff/agencies/alpha/complaints/setup/",
        {"kind": "rule", "rule-team": team.pk, "rule-keywords": "deposit", "rule-position": 0},
    )
    assert response.status_code == 302
    assert _file(agency_a).team == team


def test_a_deleted_team_takes_its_rules_out_of_routing_at_once(agency_a, admin_a):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    routing_rule_create(agency=agency_a, actor=admin_a, team=team, keywords="deposit")
    assert _file(agency_a).team == team
    Team.objects.filter(pk=team.pk).delete()
    assert _file(agency_a).team_id is None


def test_an_sla_policy_saved_through_its_service_times_the_very_next_complaint(agency_a, admin_a):
    before = _file(agency_a, received_at=MONDAY)
    sla_policy_save(
        agency=agency_a, actor=admin_a, acknowledge_business_days=1, respond_days=5, final_days=20
    )
    after = _file(agency_a, received_at=MONDAY)
    assert after.respond_due_at < before.respond_due_at


def test_a_closed_day_added_through_its_service_moves_the_very_next_deadline(agency_a, admin_a):
    before = _file(agency_a, received_at=MONDAY)
    closure_add(actor=admin_a, agency=agency_a, day=date(2026, 3, 3), name="Storm", recompute=False)
    after = _file(agency_a, received_at=MONDAY)
    assert after.acknowledge_due_at.date() > before.acknowledge_due_at.date()


def test_another_process_sees_a_change_made_here_and_reads_the_shared_copy(agency_a, admin_a):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    _file(agency_a)
    routing_rule_create(agency=agency_a, actor=admin_a, team=team, keywords="deposit")
    _other_process()
    assert _file(agency_a).team == team
    _other_process()
    with CaptureQueriesContext(connection) as queries:
        assert _file(agency_a).team_id == team.pk
    assert not any("routingrule" in query["sql"] for query in queries.captured_queries)


def test_a_process_that_kept_old_settings_sees_a_change_made_elsewhere(agency_a, admin_a):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    assert _file(agency_a).team_id is None
    kept = dict(agency_settings._KEPT)
    routing_rule_create(agency=agency_a, actor=admin_a, team=team, keywords="deposit")
    # This process kept what it read before; the change was made by another one.
    agency_settings._KEPT.update(kept)
    assert _file(agency_a).team == team


def test_settings_survive_a_lost_version_by_reading_again(agency_a, admin_a):
    team = team_create(agency=agency_a, actor=admin_a, name="Payments")
    routing_rule_create(agency=agency_a, actor=admin_a, team=team, keywords="deposit")
    assert _file(agency_a).team == team
    cache.clear()
    assert _file(agency_a).team == team


def test_a_webhook_subscription_added_or_turned_off_counts_from_the_very_next_complaint(
    agency_a, admin_a, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(transport, "post", lambda **_: transport.PostResult(True, 204, "", "", 1))
    with django_capture_on_commit_callbacks(execute=True):
        _file(agency_a)
    assert not Event.objects.exists()
    subscription, _secret = subscription_create(
        agency=agency_a,
        actor=admin_a,
        name="crm",
        url="https://93.184.215.14/hooks",
        events=["complaint.created"],
        areas=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _file(agency_a)
    assert Event.objects.count() == 1
    subscription_disable(actor=admin_a, subscription=subscription)
    with django_capture_on_commit_callbacks(execute=True):
        _file(agency_a)
    assert Event.objects.count() == 1
