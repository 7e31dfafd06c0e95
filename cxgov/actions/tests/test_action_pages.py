"""Action plan pages over HTTP: create, change, status, filters, CSV and who sees what."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cxgov.actions.forms import source_token
from cxgov.actions.models import ActionItem, ActionStatus, SourceKind
from cxgov.actions.selectors import Suggestion
from cxgov.actions.tests.factories import ActionItemFactory, ActionSourceFactory
from cxgov.core.models import AuditEvent, Role
from cxgov.testing.factories import MembershipFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/staff/agencies/alpha/actions/"


def _form(owner, **extra):
    return {
        "title": "Shorten the phone queue",
        "description": "Add two agents at lunchtime.",
        "owner": owner.pk,
        "due_date": "2027-01-15",
        "service": "",
        "other_source": "",
        "source": "",
        **extra,
    }


def test_analyst_adds_an_action_with_what_prompted_it(analyst_a_client, analyst_a, agency_a):
    suggestion = Suggestion(
        kind=SourceKind.MISSED_STANDARD,
        label="We answer 80% of calls in 5 minutes (FY2026 Q4)",
        detail="",
        reference={"standard_id": 7, "period_start": "2026-07-01", "n": 400},
    )
    token = source_token(agency=agency_a, suggestion=suggestion)
    page = analyst_a_client.get(BASE + "new/", {"source": token})
    assert page.status_code == 200
    assert "We answer 80% of calls in 5 minutes (FY2026 Q4)" in page.content.decode()
    response = analyst_a_client.post(
        BASE + "new/", _form(analyst_a, source=token, other_source="Team meeting")
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert action.status == ActionStatus.OPEN and action.closed_at is None
    assert action.created_by == analyst_a
    links = [(s.kind, s.label, s.reference) for s in action.sources.all()]
    assert links == [
        (
            "missed_standard",
            "We answer 80% of calls in 5 minutes (FY2026 Q4)",
            {"standard_id": 7, "period_start": "2026-07-01", "n": 400},
        ),
        ("other", "Team meeting", {}),
    ]
    event = AuditEvent.objects.get(action="action.create")
    assert event.agency == agency_a and event.actor == analyst_a
    assert event.data["sources"] == ["missed_standard", "other"]


def test_forged_or_foreign_source_token_is_refused(analyst_a_client, analyst_a, agency_a, agency_b):
    foreign = source_token(
        agency=agency_b,
        suggestion=Suggestion(kind="complaint_theme", label="x", detail="", reference={}),
    )
    for token in (foreign, foreign[:-3] + "abc", "not-a-token"):
        response = analyst_a_client.post(BASE + "new/", _form(analyst_a, source=token))
        assert response.status_code == 400
        assert "The link to what prompted this action is damaged" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_owner_must_be_a_member_of_the_agency(analyst_a_client, handler_b, agency_a):
    response = analyst_a_client.post(BASE + "new/", _form(handler_b))
    assert response.status_code == 400
    assert 'href="#id_owner"' in response.content.decode()
    assert not ActionItem.objects.exists()


def test_owner_check_holds_in_the_service_too(analyst_a, handler_b, agency_a):
    from django.core.exceptions import ValidationError

    from cxgov.actions.services import action_create

    with pytest.raises(ValidationError) as error:
        action_create(
            actor=analyst_a, agency=agency_a, title="x", owner=handler_b, due_date=date(2027, 1, 1)
        )
    assert "owner" in error.value.message_dict


def test_status_done_closes_and_reopening_clears_closed_at(analyst_a_client, analyst_a, agency_a):
    action = ActionItemFactory(agency=agency_a, owner=analyst_a)
    url = f"{BASE}{action.pk}/status/"
    assert analyst_a_client.post(url, {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.closed_at is not None
    analyst_a_client.post(url, {"status": "in_progress"})
    action.refresh_from_db()
    assert action.status == "in_progress" and action.closed_at is None
    assert [e.data for e in AuditEvent.objects.filter(action="action.status").order_by("id")] == [
        {"from": "open", "to": "done"},
        {"from": "done", "to": "in_progress"},
    ]
    analyst_a_client.post(url, {"status": "finished"})
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_edit_changes_owner_and_due_date_and_is_audited(
    admin_a_client, admin_a, analyst_a, agency_a
):
    action = ActionItemFactory(agency=agency_a, owner=analyst_a, title="Old title")
    response = admin_a_client.post(
        f"{BASE}{action.pk}/edit/", _form(admin_a, title="New title", due_date="2027-03-01")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner, action.due_date) == (
        "New title",
        admin_a,
        date(2027, 3, 1),
    )
    changed = AuditEvent.objects.get(action="action.update").data["changed"]
    assert set(changed) == {"title", "owner", "due_date", "description"}


def test_other_agency_and_missing_actions_are_not_found(handler_b_client, analyst_a, agency_a):
    action = ActionItemFactory(agency=agency_a, owner=analyst_a)
    for url in (
        BASE,
        BASE + "new/",
        f"{BASE}{action.pk}/",
        f"{BASE}{action.pk}/edit/",
        BASE + "suggested/",
        BASE + "employee-themes/",
    ):
        assert handler_b_client.get(url).status_code == 404
    assert (
        handler_b_client.post(f"{BASE}{action.pk}/status/", {"status": "done"}).status_code == 404
    )


def test_frontline_employee_sees_only_actions_prompted_by_employees(client, agency_a, analyst_a):
    frontline = UserFactory()
    MembershipFactory(user=frontline, agency=agency_a, role=Role.FRONTLINE_EMPLOYEE)
    from_idea = ActionItemFactory(agency=agency_a, owner=analyst_a, title="From an idea")
    ActionSourceFactory(action=from_idea, kind=SourceKind.EMPLOYEE_IDEA, label="Evening hours")
    other = ActionItemFactory(agency=agency_a, owner=analyst_a, title="From a complaint")
    ActionSourceFactory(action=other, kind=SourceKind.COMPLAINT_THEME, label="hold times")
    client.force_login(frontline)
    page = client.get(BASE).content.decode()
    assert "From an idea" in page and "From a complaint" not in page
    assert client.get(f"{BASE}{from_idea.pk}/").status_code == 200
    assert client.get(f"{BASE}{other.pk}/").status_code == 404
    assert client.get(BASE + "new/").status_code == 404
    assert client.get(f"{BASE}{from_idea.pk}/edit/").status_code == 404


def test_list_filters_overdue_and_kind_and_csv_matches(analyst_a_client, analyst_a, agency_a):
    today = timezone.localdate()
    service = ServiceFactory(agency=agency_a, slug="passports")
    late = ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Late one",
        due_date=today - timedelta(days=3),
        service=service,
    )
    ActionSourceFactory(action=late, kind=SourceKind.DRIVER_GAP, label="Ease")
    ActionItemFactory(
        agency=agency_a, owner=analyst_a, title="Due later", due_date=today + timedelta(days=9)
    )
    ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        title="Finished late",
        due_date=today - timedelta(days=9),
        status="done",
        closed_at=timezone.now(),
    )
    overdue = analyst_a_client.get(BASE, {"overdue": "on"}).content.decode()
    assert "Late one" in overdue and "Due later" not in overdue and "Finished late" not in overdue
    by_kind = analyst_a_client.get(BASE, {"kind": "driver_gap"}).content.decode()
    assert "Late one" in by_kind and "Due later" not in by_kind
    still_open = analyst_a_client.get(BASE, {"status": "open_any"}).content.decode()
    assert "2 actions" in still_open
    response = analyst_a_client.get(BASE, {"status": "open_any", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["title"], r["overdue"], r["service"], r["prompted_by"]) for r in rows] == [
        ("Late one", "yes", "passports", "driver_gap: Ease"),
        ("Due later", "no", "", ""),
    ]
    assert analyst_a_client.get(BASE, {"status": "bogus"}).status_code == 400


def test_csv_defuses_formulas(analyst_a_client, analyst_a, agency_a):
    ActionItemFactory(agency=agency_a, owner=analyst_a, title="=HYPERLINK(1)")
    body = analyst_a_client.get(BASE, {"format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in body
