"""A closed day added or removed (on the staff calendar page or by import) moves the deadlines
of open complaints whose clocks run across it and the stored elapsed times of standards' events
spanning it, with the standard's missed-period flag; closed complaints keep their record."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cxgov.complaints.models import Complaint, SlaPolicy, Status
from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency, AgencyClosure, AuditEvent
from cxgov.core.services import agency_calendar_recompute
from cxgov.standards import services as standard_services
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import MissedPeriod, Standard, StandardEvent
from cxgov.testing.factories import ServiceFactory, StandardFactory

ET = ZoneInfo("America/New_York")
# Monday 2 March 2026, 10:00 Eastern; no federal holiday falls in March.
RECEIVED = datetime(2026, 3, 2, 10, tzinfo=ET)
CLOSED_DAY = date(2026, 3, 4)  # a Wednesday
# March is over (so its period is judged) and nothing here depends on the real date.
NOW = datetime(2026, 4, 7, 12, tzinfo=ET)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def complaints(agency_a: Agency) -> tuple[Complaint, Complaint]:
    """An open complaint and a closed one, both received on Monday 2 March, every clock in
    business days: respond within 5 (Monday 9 March), finally within 10 (Monday 16 March)."""
    SlaPolicy.objects.create(
        agency=agency_a,
        acknowledge_business_days=1,
        respond_days=5,
        final_days=10,
        respond_in_business_days=True,
    )

    def filed() -> Complaint:
        return complaint_create(
            agency=agency_a,
            what_happened="My permit renewal is stuck.",
            received_at=RECEIVED,
            send_acknowledgment=False,
        )

    still_open, closed = filed(), filed()
    Complaint.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, closed_at=datetime(2026, 3, 20, 12, tzinfo=ET), final_timely=False
    )
    return still_open, closed


def _days(complaint: Complaint) -> tuple[date, date, date]:
    complaint.refresh_from_db()
    return (
        complaint.acknowledge_due_at.astimezone(ET).date(),
        complaint.respond_due_at.astimezone(ET).date(),
        complaint.final_due_at.astimezone(ET).date(),
    )


@pytest.fixture
def standard(agency_a: Agency) -> Standard:
    """A posted standard, 5 business days at 90%, counted by month: in March 12 of 24 cases
    took 5 business days and 3 hours (Monday 2 March 09:00 to Monday 9 March 12:00), one day
    more than an agency closed on Wednesday 4 March would count."""
    standard = StandardFactory(
        service=ServiceFactory(agency=agency_a),
        threshold=5.0,
        target="0.9000",
        period="month",
    )
    rows = [
        {
            "id": f"slow-{n}",
            "start": "2026-03-02T09:00:00-05:00",
            "end": "2026-03-09T12:00:00-04:00",
        }
        for n in range(12)
    ] + [
        {
            "id": f"quick-{n}",
            "start": "2026-03-02T09:00:00-05:00",
            "end": "2026-03-03T09:00:00-05:00",
        }
        for n in range(12)
    ]
    standard_services.events_ingest(
        actor=None, standard=standard, batch=events_parse(rows_table(rows), standard=standard)
    )
    return standard


def _slow_elapsed(standard: Standard) -> float:
    return StandardEvent.objects.get(standard=standard, event_id="slow-0").elapsed


def _march_missed(standard: Standard) -> bool:
    return MissedPeriod.objects.filter(standard=standard, period_start=date(2026, 3, 1)).exists()


def test_a_closed_day_added_on_the_page_moves_open_deadlines_and_removing_it_moves_them_back(
    admin_a_client: Client,
    agency_a: Agency,
    complaints: tuple[Complaint, Complaint],
    standard: Standard,
    django_capture_on_commit_callbacks,
):
    still_open, closed = complaints
    assert _days(still_open) == (date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 16))
    closed_before = _days(closed)
    assert _slow_elapsed(standard) == pytest.approx(5.125)
    assert _march_missed(standard)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_a_client.post(
            "/staff/agencies/alpha/calendar/",
            {"day": CLOSED_DAY.isoformat(), "name": "Executive order"},
        )
    assert response.status_code == 302
    # The acknowledgment was due before the closed day; the other clocks move by one day.
    assert _days(still_open) == (date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17))
    assert _days(closed) == closed_before
    assert _slow_elapsed(standard) == pytest.approx(4.125)
    assert not _march_missed(standard)
    recomputed = AuditEvent.objects.get(action="agency.calendar_recompute", agency=agency_a)
    assert recomputed.data["first"] == recomputed.data["last"] == "2026-03-04"
    assert recomputed.data["complaints.deadlines"] == {"complaints": 1}
    assert recomputed.data["standards.elapsed"]["events"] == 12
    assert recomputed.data["standards.elapsed"]["unflagged"] == 1

    closure = AgencyClosure.objects.get(agency=agency_a, day=CLOSED_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        removed = admin_a_client.post(
            f"/staff/agencies/alpha/calendar/closures/{closure.pk}/remove/"
        )
    assert removed.status_code == 302
    assert _days(still_open) == (date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 16))
    assert _days(closed) == closed_before
    assert _slow_elapsed(standard) == pytest.approx(5.125)
    assert _march_missed(standard)
    assert AuditEvent.objects.filter(action="agency.calendar_recompute").count() == 2


def test_a_closed_day_imported_moves_open_deadlines_once_per_file(
    admin_a_client: Client,
    agency_a: Agency,
    complaints: tuple[Complaint, Complaint],
    standard: Standard,
    django_capture_on_commit_callbacks,
):
    still_open, closed = complaints
    closed_before = _days(closed)
    upload = b"date,name\n2026-03-04,Executive order\n2026-03-27,Office move\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_a_client.post(
            "/staff/agencies/alpha/calendar/import/",
            {"file": _file(upload), "format": "cxgov"},
        )
    assert response.status_code in (200, 302)
    assert AgencyClosure.objects.filter(agency=agency_a).count() == 2
    # One recompute for the file (one audit event), over its first to last new closed day.
    recomputed = AuditEvent.objects.get(action="agency.calendar_recompute", agency=agency_a)
    assert (recomputed.data["first"], recomputed.data["last"]) == ("2026-03-04", "2026-03-27")
    assert _days(still_open) == (date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17))
    assert _days(closed) == closed_before
    assert _slow_elapsed(standard) == pytest.approx(4.125)
    assert not _march_missed(standard)

    # The same file again adds nothing, queues nothing and moves nothing.
    with django_capture_on_commit_callbacks(execute=True) as again:
        admin_a_client.post(
            "/staff/agencies/alpha/calendar/import/",
            {"file": _file(upload), "format": "cxgov"},
        )
    assert again == []
    assert _days(still_open) == (date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17))


def test_a_dry_run_import_queues_no_recompute(
    admin_a_client: Client, agency_a: Agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_a_client.post(
            "/staff/agencies/alpha/calendar/import/",
            {
                "file": _file(b"date,name\n2026-03-04,Executive order\n"),
                "format": "cxgov",
                "dry_run": "on",
            },
        )
    assert response.status_code == 200
    assert callbacks == []
    assert not AgencyClosure.objects.exists()


def test_the_recompute_is_idempotent_and_audited_only_when_something_moved(
    agency_a: Agency, complaints: tuple[Complaint, Complaint], standard: Standard
):
    still_open, _closed = complaints
    AgencyClosure.objects.create(agency=agency_a, day=CLOSED_DAY, name="Executive order")
    first = agency_calendar_recompute(
        actor=None, agency=agency_a, first=CLOSED_DAY, last=CLOSED_DAY
    )
    moved = _days(still_open)
    second = agency_calendar_recompute(
        actor=None, agency=agency_a, first=CLOSED_DAY, last=CLOSED_DAY
    )
    assert first["complaints.deadlines"] == {"complaints": 1}
    assert first["standards.elapsed"]["events"] == 12
    assert second == {
        "complaints.deadlines": {"complaints": 0},
        "standards.elapsed": {"events": 0, "standards": 0, "flagged": 0, "unflagged": 0},
    }
    assert _days(still_open) == moved
    assert AuditEvent.objects.filter(action="agency.calendar_recompute").count() == 1


def test_a_closed_day_outside_every_clock_moves_nothing(
    agency_a: Agency, complaints: tuple[Complaint, Complaint], standard: Standard
):
    still_open, _closed = complaints
    before = _days(still_open)
    late = date(2026, 3, 31)
    AgencyClosure.objects.create(agency=agency_a, day=late, name="Office move")
    found = agency_calendar_recompute(actor=None, agency=agency_a, first=late, last=late)
    assert found["complaints.deadlines"] == {"complaints": 0}
    assert found["standards.elapsed"]["events"] == 0
    assert _days(still_open) == before
    assert not AuditEvent.objects.filter(action="agency.calendar_recompute").exists()


def test_another_agencys_closed_day_moves_nothing_here(
    agency_a: Agency,
    agency_b: Agency,
    complaints: tuple[Complaint, Complaint],
    standard: Standard,
):
    still_open, _closed = complaints
    before = _days(still_open)
    AgencyClosure.objects.create(agency=agency_b, day=CLOSED_DAY, name="Executive order")
    agency_calendar_recompute(actor=None, agency=agency_b, first=CLOSED_DAY, last=CLOSED_DAY)
    assert _days(still_open) == before
    assert _slow_elapsed(standard) == pytest.approx(5.125)


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("closures.csv", data, content_type="text/csv")


def test_a_complaint_awaiting_the_customer_is_set_again_when_its_pause_ends(
    agency_a: Agency, complaints: tuple[Complaint, Complaint]
):
    still_open, _closed = complaints
    before = _days(still_open)
    Complaint.objects.filter(pk=still_open.pk).update(status=Status.AWAITING_CUSTOMER)
    AgencyClosure.objects.create(agency=agency_a, day=CLOSED_DAY, name="Executive order")
    found = agency_calendar_recompute(
        actor=None, agency=agency_a, first=CLOSED_DAY, last=CLOSED_DAY
    )
    assert found["complaints.deadlines"] == {"complaints": 0}
    assert _days(still_open) == before
