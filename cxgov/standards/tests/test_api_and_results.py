"""The events API, results per period, and missed-period notifications."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from cxgov.core.calendar import AgencyCalendar
from cxgov.core.models import Agency, Role, User
from cxgov.core.services import token_create
from cxgov.standards.models import MissedPeriod
from cxgov.standards.results import PeriodCounts, results_from_counts
from cxgov.standards.selectors import standard_results
from cxgov.testing.approvals import review_and_publish
from cxgov.testing.factories import MembershipFactory, ServiceFactory, StandardFactory


def _bearer(user: User) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _events(client: Client, standard_id: int, events: list[dict], headers: dict[str, str]):
    return client.post(
        f"/api/v1/standards/{standard_id}/events",
        {"events": events},
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_api_batch_stores_good_events_and_reports_bad_ones(client: Client, admin_a: User) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=admin_a.memberships.first().agency))
    response = _events(
        client,
        standard.pk,
        [
            {"id": "1", "start": "2026-03-02T09:00", "end": "2026-03-03T09:00"},
            {"id": "2", "start": "yesterday"},
        ],
        _bearer(admin_a),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 1
    assert body["errors"] == [{"row": 2, "field": "start", "reason": '"yesterday" is not a date.'}]
    page = client.get(f"/api/v1/standards/{standard.pk}/results", **_bearer(admin_a)).json()
    results = page["items"]
    assert results[0]["n"] == 1 and results[0]["met"] == 1


@pytest.mark.django_db
def test_another_agencys_standard_is_not_found(
    client: Client, handler_b: User, agency_a: Agency
) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    response = _events(
        client, standard.pk, [{"id": "1", "start": "2026-03-02"}], _bearer(handler_b)
    )
    assert response.status_code == 404
    response = client.get(f"/api/v1/standards/{standard.pk}/results", **_bearer(handler_b))
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_analyst_cannot_send_events(client: Client, analyst_a: User, agency_a: Agency) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    response = _events(
        client, standard.pk, [{"id": "1", "start": "2026-03-02"}], _bearer(analyst_a)
    )
    assert response.status_code == 404


def test_result_carries_wilson_interval_and_verdict() -> None:
    counts = [
        PeriodCounts(start=date(2026, 1, 1), end=date(2026, 1, 31), label="2026-01", n=10, met=8)
    ]
    [result] = results_from_counts(counts, target=0.9, threshold=None, today=date(2026, 3, 1))
    assert result.share == 0.8
    assert result.ci_low == pytest.approx(0.4902, abs=1e-4)
    # 80% is below the 90% target, but the interval (49% to 94%) holds the target.
    assert result.status == "unclear"
    assert str(result.status_label) == "Too close to call"
    assert result.closed


@pytest.mark.parametrize(
    ("met", "n", "status"),
    [
        (980, 1000, "met"),  # interval 96.9% to 98.7%: all above 90%
        (19, 20, "unclear"),  # 95% is above 90%, but the interval starts at 76.4%
        (95, 100, "unclear"),  # interval 88.8% to 97.8% still holds 90%
        (50, 100, "not_met"),  # interval 40.4% to 59.6%: all below
        (80, 100, "not_met"),  # interval 71.1% to 86.7%: all below
    ],
)
def test_verdict_is_judged_by_the_interval_not_the_point(met: int, n: int, status: str) -> None:
    counts = [PeriodCounts(start=date(2026, 1, 1), end=date(2026, 1, 31), label="m", n=n, met=met)]
    [result] = results_from_counts(counts, target=0.9, threshold=None, today=date(2026, 3, 1))
    assert result.status == status


def test_small_periods_get_no_verdict_and_trend_needs_significance() -> None:
    counts = [
        PeriodCounts(start=date(2026, 1, 1), end=date(2026, 1, 31), label="a", n=100, met=40),
        PeriodCounts(start=date(2026, 2, 1), end=date(2026, 2, 28), label="b", n=100, met=60),
        PeriodCounts(start=date(2026, 3, 1), end=date(2026, 3, 31), label="c", n=100, met=62),
        PeriodCounts(start=date(2026, 4, 1), end=date(2026, 4, 30), label="d", n=5, met=5),
    ]
    results = results_from_counts(counts, target=0.5, threshold=None, today=date(2026, 4, 15))
    assert [r.trend for r in results[:3]] == ["", "up", "steady"]
    assert results[3].status == "too_few"
    assert not results[3].closed


def test_periods_follow_the_federal_fiscal_year() -> None:
    period_bounds = AgencyCalendar(time_zone="America/New_York").period_bounds
    assert period_bounds("quarter", date(2025, 11, 5)) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        "FY2026 Q1",
    )
    assert period_bounds("fiscal_year", date(2026, 9, 30))[2] == "FY2026"
    assert period_bounds("month", date(2026, 12, 31)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        "2026-12",
    )


@pytest.mark.django_db
def test_missed_closed_period_notifies_the_service_manager_once(
    client: Client, admin_a: User, agency_a: Agency, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    manager = MembershipFactory(agency=agency_a, role=Role.SERVICE_MANAGER).user
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=1, target="0.9")
    events = [
        {
            "id": str(i),
            "start": "2026-01-05T09:00",
            "end": "2026-01-05T10:00" if i < 5 else "2026-01-20T09:00",
        }
        for i in range(20)
    ]
    headers = _bearer(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        _events(client, standard.pk, events, headers)
    with django_capture_on_commit_callbacks(execute=True):
        _events(client, standard.pk, events, headers)
    assert MissedPeriod.objects.filter(standard=standard).count() == 1
    assert [sorted(message.to) for message in mail.outbox] == [
        sorted([admin_a.email, manager.email])
    ]
    january = standard_results(standard=standard)[0]
    assert january.status == "not_met" and january.n == 20 and january.met == 5


@pytest.mark.django_db
@pytest.mark.parametrize("posted_first", [True, False])
def test_events_sent_to_a_draft_are_judged_when_it_is_posted(
    client: Client,
    admin_a: User,
    admin_a_client: Client,
    agency_a: Agency,
    settings,
    django_capture_on_commit_callbacks,
    posted_first: bool,
) -> None:
    """Posting a standard judges the periods it already has: the same flag and the same
    notice as when the events came after posting."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    manager = MembershipFactory(agency=agency_a, role=Role.SERVICE_MANAGER).user
    standard = StandardFactory(
        service=ServiceFactory(agency=agency_a), threshold=1, target="0.9", status="draft"
    )
    events = [
        {
            "id": str(i),
            "start": "2026-01-05T09:00",
            "end": "2026-01-05T10:00" if i < 5 else "2026-01-20T09:00",
        }
        for i in range(20)
    ]
    approver = Client()
    approver.force_login(manager)

    def post() -> None:
        review_and_publish(
            author=admin_a_client,
            approver=approver,
            slug="alpha",
            kind="standard",
            object_id=standard.pk,
        )

    with django_capture_on_commit_callbacks(execute=True):
        if posted_first:
            post()
        assert _events(client, standard.pk, events, _bearer(admin_a)).status_code == 200
        if not posted_first:
            assert MissedPeriod.objects.filter(standard=standard).count() == 0
            post()
    misses = list(MissedPeriod.objects.filter(standard=standard))
    assert [(miss.period_start, miss.n) for miss in misses] == [(date(2026, 1, 1), 20)]
    notices = [m for m in mail.outbox if m.subject.startswith("Service standard missed")]
    assert [sorted(message.to) for message in notices] == [sorted([admin_a.email, manager.email])]
