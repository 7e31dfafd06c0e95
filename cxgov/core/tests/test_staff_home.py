"""The staff home's "Needs your attention": each role sees exactly the items it may act on,
counted with the list pages' own selectors and linked to those lists filtered, in English and
Spanish, in a number of queries that does not grow with the number of items."""

from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cxgov.a11.models import Collection
from cxgov.a11.selectors import report_due_window
from cxgov.actions.models import ActionItem
from cxgov.complaints.models import Complaint, Team
from cxgov.core.models import Agency, Role, User
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.standards.models import MissedPeriod
from cxgov.testing.factories import (
    ClearanceFactory,
    MembershipFactory,
    ServiceFactory,
    StandardFactory,
    UserFactory,
)

# Ten days after the end of FY2026 Q4 (30 September 2026): its A-11 reports are due.
REPORTING_DAY = date(2026, 10, 10)


def _person(agency: Agency, role: Role) -> User:
    user = UserFactory(email=f"{role.value}@alpha.example.gov")
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def _complaint(agency: Agency, n: int, **fields: object) -> Complaint:
    return Complaint.objects.create(
        agency=agency,
        tracking_number=f"C-HOME-{n:04d}",
        what_happened="The office was closed when the sign said open.",
        **fields,
    )


def _overdue() -> dict[str, object]:
    return {"status": "received", "respond_due_at": timezone.now() - timedelta(days=1)}


@pytest.fixture
def people(agency_a: Agency) -> dict[str, User]:
    return {
        "admin": _person(agency_a, Role.AGENCY_ADMIN),
        "handler": _person(agency_a, Role.COMPLAINT_HANDLER),
        "frontline": _person(agency_a, Role.FRONTLINE_EMPLOYEE),
        "analyst": _person(agency_a, Role.CX_ANALYST),
    }


def _seed(agency: Agency, people: dict[str, User], *, first: int = 0, copies: int = 1) -> None:
    """`copies` of each item: an overdue case of the handler's team, one of another team
    assigned to the front-line employee (and another unassigned: only administrators see it), a
    narrative waiting, a missed period, an expiring clearance, an overdue action, and services
    without an A-11 report."""
    mine, _ = Team.objects.get_or_create(agency=agency, name="Benefits desk")
    mine.members.add(people["handler"])
    other, _ = Team.objects.get_or_create(agency=agency, name="Mail room")
    for n in range(first, first + copies):
        _complaint(
            agency,
            n * 10 + 1,
            team=mine,
            consent_to_publish=True,
            narrative_review="pending",
            **_overdue(),
        )
        _complaint(agency, n * 10 + 2, team=other, assignee=people["frontline"], **_overdue())
        _complaint(agency, n * 10 + 3, team=other, **_overdue())
        _complaint(
            agency,
            n * 10 + 4,
            team=mine,
            status="received",
            respond_due_at=timezone.now() + timedelta(days=3),
        )
        standard = StandardFactory(service=ServiceFactory(agency=agency))
        MissedPeriod.objects.create(
            standard=standard,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 7, 31),
            share=0.5,
            n=40,
        )
        ClearanceFactory(agency=agency, expires_on=timezone.localdate() + timedelta(days=20))
        ActionItem.objects.create(
            agency=agency,
            title=f"Extend hours {n}",
            owner=people["analyst"],
            due_date=timezone.localdate() - timedelta(days=2),
        )
        reported = ServiceFactory(agency=agency)
        Collection.objects.create(
            agency=agency, service=reported, fiscal_year=2026, quarter=4, status="not_reported"
        )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home(user: User, prefix: str = "") -> tuple[str, dict[str, tuple[int | None, str]]]:
    with mock.patch("cxgov.a11.notices.timezone", localdate=lambda: REPORTING_DAY):
        response = _client(user).get(f"{prefix}/staff/")
    assert response.status_code == 200
    notices = {notice.key: (notice.count, notice.url) for notice in response.context["notices"]}
    return response.content.decode(), notices


EXPECTED = {
    "admin": {
        "complaints.overdue": 3,
        "complaints.narratives": 1,
        "standards.missed": 1,
        "surveys.clearance": None,
        "actions.overdue": 1,
        "a11.due": 1,
    },
    "handler": {"complaints.overdue": 1, "complaints.narratives": 1},
    "frontline": {"complaints.overdue": 1},
    "analyst": {"surveys.clearance": None, "actions.overdue": 1, "a11.due": 1},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_exactly_what_it_may_act_on(agency_a, people, who):
    _seed(agency_a, people)
    _, notices = _home(people[who])
    assert {key: count for key, (count, _url) in notices.items()} == EXPECTED[who]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_count_links_to_its_list_showing_exactly_those_items(agency_a, people, who):
    _seed(agency_a, people)
    user = people[who]
    _, notices = _home(user)
    client = _client(user)
    for key, (_count, url) in notices.items():
        assert client.get(url).status_code == 200, key
    if "complaints.overdue" in notices:
        count, url = notices["complaints.overdue"]
        page = client.get(url).content.decode()
        assert len(set(re.findall(r"C-HOME-\d{4}", page))) == count
        assert "C-HOME-0004" not in page  # open, not yet due
    if "actions.overdue" in notices:
        page = client.get(notices["actions.overdue"][1]).content.decode()
        assert "Extend hours 0" in page


def test_the_items_read_in_english_and_spanish(agency_a, people):
    _seed(agency_a, people)
    english, _ = _home(people["admin"])
    assert "3 complaints are past their response deadline." in english
    assert "1 complaint narrative is waiting for review." in english
    assert "1 period missed its standard&#x27;s target." in english
    assert "1 action is past its due date." in english
    assert "1 service has not submitted its A-11 report for FY2026 Q4" in english
    spanish, notices = _home(people["admin"], "/es")
    assert "Necesita su atención" in spanish
    assert "3 quejas superaron su plazo de respuesta." in spanish
    assert "1 relato de queja espera revisión." in spanish
    assert "1 período no alcanzó la meta de su estándar." in spanish
    assert "1 acción superó su fecha límite." in spanish
    assert "1 servicio no ha presentado su informe A-11 de FY2026 Q4" in spanish
    assert notices["complaints.overdue"][1].startswith("/es/staff/")


def test_nothing_waiting_says_so(agency_a, people):
    page, notices = _home(people["frontline"])
    assert notices == {}
    assert "Nothing needs your attention now." in page


def test_a11_reports_are_due_for_30_days_after_the_quarter_ends():
    q4 = FiscalQuarter(2026, 4)
    assert report_due_window(date(2026, 10, 1)) == (q4, date(2026, 10, 30))
    assert report_due_window(date(2026, 10, 30)) == (q4, date(2026, 10, 30))
    assert report_due_window(date(2026, 10, 31)) is None
    assert report_due_window(date(2026, 9, 30)) is None


def _queries(user: User) -> int:
    with CaptureQueriesContext(connection) as captured:
        _home(user)
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_home_costs_the_same_queries_for_one_item_or_many(agency_a, people, who):
    _seed(agency_a, people)
    few = _queries(people[who])
    _seed(agency_a, people, first=1, copies=5)
    _, notices = _home(people[who])
    six = {key: None if count is None else 6 * count for key, count in EXPECTED[who].items()}
    assert {key: count for key, (count, _url) in notices.items()} == six
    assert _queries(people[who]) == few
