"""One calendar per agency: federal holidays with their observed days, the agency's closed days
(page, import, audit) and complaint deadlines that skip them."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.services import complaint_create
from cxgov.core.calendar import AgencyCalendar
from cxgov.core.closures import closures_import
from cxgov.core.models import Agency, AgencyClosure, AuditEvent
from cxgov.core.selectors import agency_calendar

ET = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("day", "open_for_business"),
    [
        # 4 July 2026 is a Saturday: observed on Friday 3 July.
        (date(2026, 7, 3), False),
        (date(2026, 7, 2), True),
        # 4 July 2027 is a Sunday: observed on Monday 5 July.
        (date(2027, 7, 5), False),
        (date(2027, 7, 6), True),
        # Christmas 2027 is a Saturday: observed on Friday 24 December.
        (date(2027, 12, 24), False),
        # Juneteenth, Thanksgiving (fourth Thursday), Labor Day (first Monday).
        (date(2026, 6, 19), False),
        (date(2026, 11, 26), False),
        (date(2026, 9, 7), False),
        (date(2026, 11, 27), True),
    ],
)
def test_federal_holidays_close_their_observed_weekday(day: date, open_for_business: bool):
    assert AgencyCalendar(time_zone="America/New_York").is_business_day(day) is open_for_business


def test_a_closure_is_skipped_like_a_holiday():
    calendar = AgencyCalendar(
        time_zone="America/New_York", closures={date(2026, 12, 24): "Executive order"}
    )
    assert not calendar.is_business_day(date(2026, 12, 24))
    # Wednesday 23 December + 1 business day: not the closed 24th, not Christmas, so Monday.
    assert calendar.add_business_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert calendar.business_days_between(date(2026, 12, 23), date(2026, 12, 28)) == 1


def test_the_fiscal_year_follows_the_agency_start_month():
    pacific = AgencyCalendar(time_zone="America/Los_Angeles")
    late_answer = datetime(2025, 10, 1, 5, 30, tzinfo=ZoneInfo("UTC"))  # 22:30 PDT on 30 Sep
    assert pacific.local_date(late_answer) == date(2025, 9, 30)
    assert str(pacific.fiscal_quarter(late_answer)) == "FY2025 Q4"
    july = AgencyCalendar(time_zone="America/Los_Angeles", fiscal_year_start_month=7)
    assert july.fiscal_year_bounds(2026) == (date(2025, 7, 1), date(2026, 6, 30))
    assert july.period_bounds("quarter", date(2025, 9, 30)) == (
        date(2025, 7, 1),
        date(2025, 9, 30),
        "FY2026 Q1",
    )
    assert july.federal().fiscal_year(date(2025, 9, 30)) == 2025


# --- the staff page -----------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=ET), tick=False)
def test_complaint_received_before_a_closure_gets_its_deadline_pushed_by_it(
    admin_a_client: Client, agency_a: Agency
):
    before = complaint_create(
        agency=agency_a, what_happened="My payment never arrived.", send_acknowledgment=False
    )
    # Tuesday 24 November + 1 business day: Wednesday 25.
    assert before.acknowledge_due_at.astimezone(ET).date() == date(2026, 11, 25)
    response = admin_a_client.post(
        "/staff/agencies/alpha/calendar/",
        {"day": "2026-11-25", "name": "Executive order", "reason": "EO 14999"},
    )
    assert response.status_code == 302
    after = complaint_create(
        agency=agency_a, what_happened="My payment never arrived.", send_acknowledgment=False
    )
    # Wednesday closed, Thursday is Thanksgiving: Friday 27.
    assert after.acknowledge_due_at.astimezone(ET).date() == date(2026, 11, 27)
    closure = AgencyClosure.objects.get(agency=agency_a)
    assert AuditEvent.objects.filter(action="agency.closure_add", agency=agency_a).exists()
    page = admin_a_client.get("/staff/agencies/alpha/calendar/").content.decode()
    assert "Executive order" in page and "EO 14999" in page
    removed = admin_a_client.post(f"/staff/agencies/alpha/calendar/closures/{closure.pk}/remove/")
    assert removed.status_code == 302
    assert not AgencyClosure.objects.filter(agency=agency_a).exists()
    assert AuditEvent.objects.filter(action="agency.closure_remove", agency=agency_a).exists()


@pytest.mark.django_db
def test_the_same_day_cannot_be_closed_twice(admin_a_client: Client, agency_a: Agency):
    form = {"day": "2026-12-24", "name": "Executive order"}
    assert admin_a_client.post("/staff/agencies/alpha/calendar/", form).status_code == 302
    again = admin_a_client.post("/staff/agencies/alpha/calendar/", form)
    assert again.status_code == 400
    assert "already closed on 2026-12-24" in again.content.decode()


@pytest.mark.django_db
def test_only_calendar_managers_change_closures(
    analyst_a_client: Client, admin_a_client: Client, handler_b_client: Client, agency_a: Agency
):
    form = {"day": "2026-12-24", "name": "Executive order"}
    assert analyst_a_client.get("/staff/agencies/alpha/calendar/").status_code == 200
    assert (
        "Add a closed day"
        not in analyst_a_client.get("/staff/agencies/alpha/calendar/").content.decode()
    )
    assert analyst_a_client.post("/staff/agencies/alpha/calendar/", form).status_code == 404
    assert handler_b_client.get("/staff/agencies/alpha/calendar/").status_code == 404
    assert not AgencyClosure.objects.exists()


@pytest.mark.django_db
def test_fiscal_year_start_is_set_on_the_calendar_page(admin_a_client: Client, agency_a: Agency):
    response = admin_a_client.post(
        "/staff/agencies/alpha/calendar/", {"fiscal_year_start_month": "7"}
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.fiscal_year_start_month == 7
    assert agency_calendar(agency=agency_a).fiscal_year(date(2026, 7, 1)) == 2027


# --- the import ---------------------------------------------------------------------------

GOOD_AND_BAD = (
    "date,name,reason\n"
    "2026-12-24,Christmas Eve,Executive order 14999\n"
    "12/31/2026,New Year's Eve,\n"
    "2026-02-30,Bad day,\n"
    "2026-12-26,,no name\n"
    "2026-12-24,Repeated,\n"
)


@pytest.mark.django_db
def test_import_reports_bad_rows_by_row_column_and_reason_and_keeps_good_ones(
    admin_a_client: Client, agency_a: Agency
):
    upload = io.BytesIO(GOOD_AND_BAD.encode())
    upload.name = "closures.csv"
    response = admin_a_client.post(
        "/staff/agencies/alpha/calendar/import/",
        {"file": upload, "format": "cxgov", "skip_invalid": "on"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-02-30" in page
    report = closures_import(
        actor=None,
        agency=agency_a,
        file=GOOD_AND_BAD.encode(),
        dry_run=True,
        keep_valid=True,
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "date"), (5, "name")]
    assert [(w.row, w.column) for w in report.warnings] == [(6, "date")]
    assert dict(AgencyClosure.objects.values_list("day", "name")) == {
        date(2026, 12, 24): "Christmas Eve",
        date(2026, 12, 31): "New Year's Eve",
    }


@pytest.mark.django_db
def test_import_of_a_bad_file_changes_nothing_unless_asked(agency_a: Agency):
    report = closures_import(actor=None, agency=agency_a, file=GOOD_AND_BAD.encode())
    assert report.rejected and not report.applied
    assert not AgencyClosure.objects.exists()
    again = closures_import(
        actor=None, agency=agency_a, file=GOOD_AND_BAD.encode(), keep_valid=True
    )
    assert again.applied and again.closures.created == 2
    twice = closures_import(
        actor=None, agency=agency_a, file=GOOD_AND_BAD.encode(), keep_valid=True
    )
    assert twice.closures.created == 0 and twice.closures.unchanged == 2


HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_cell = st.one_of(
    st.text(max_size=40),
    st.dates().map(date.isoformat),
    st.sampled_from(["2026-02-30", "13/01/2026", "=cmd|' /C calc'!A0", "", "9999-12-31"]),
)


def _import_in_savepoint(agency: Agency, data: bytes | str) -> None:
    """Import with the good rows kept, check the report's promises, then undo."""
    with transaction.atomic():
        before = AgencyClosure.objects.count()
        report = closures_import(actor=None, agency=agency, file=data, keep_valid=True)
        assert report.rows_rejected <= report.rows_read
        if report.rejected:
            assert report.errors and not report.applied
            assert AgencyClosure.objects.count() == before
        elif report.applied:
            assert AgencyClosure.objects.count() == before + report.closures.created
        for error in report.errors:
            assert error.reason
            assert str(error).startswith(("row ", "file"))
        transaction.set_rollback(True)


@pytest.mark.django_db
@HOSTILE
@given(data=st.binary(max_size=400))
def test_random_bytes_never_raise(agency_a: Agency, data: bytes):
    _import_in_savepoint(agency_a, data)


@pytest.mark.django_db
@HOSTILE
@given(rows=st.lists(st.tuples(_cell, _cell, _cell), max_size=8))
def test_hostile_rows_are_reported_never_raised(agency_a: Agency, rows):
    text = "date,name,reason\n" + "\n".join(
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows
    )
    _import_in_savepoint(agency_a, text)
