"""Standards events older than EVENT_RETENTION_MONTHS go by whole months; the daily rollups of
those days stay and are never counted again (decision 0074)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from cxgov.core.models import AuditEvent
from cxgov.core.partitions import partitions_create
from cxgov.standards.ingest import day_counts, events_parse, rows_table
from cxgov.standards.models import DailyRollup, Standard, StandardEvent
from cxgov.standards.services import events_ingest, events_months_purge, standard_recompute
from cxgov.standards.tests.stored import events_and_rollups, ingest_events
from cxgov.testing.factories import AgencyFactory, ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db

# With one month kept in mid-March, February is the first month kept.
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _file(path: Path, rows: list[str]) -> Path:
    path.write_text("id,start,end\n" + "\n".join(rows) + "\n")
    return path


def _new_standard() -> Standard:
    return StandardFactory(
        service=ServiceFactory(agency=AgencyFactory()),
        threshold=10,
        threshold_unit="calendar_days",
        calendar="24x7",
    )


@pytest.fixture
def standard(settings: Any, tmp_path: Path) -> Standard:
    settings.EVENT_RETENTION_MONTHS = 1
    partitions_create(months_ahead=3, today=date(2026, 1, 1))
    standard = _new_standard()
    rows = [
        "J-1,2026-01-12T09:00:00Z,2026-01-13T09:00:00Z",
        "J-2,2026-01-12T10:00:00Z,2026-01-30T10:00:00Z",
        "F-1,2026-02-03T09:00:00Z,2026-02-04T09:00:00Z",
    ]
    with time_machine.travel(datetime(2026, 2, 20, tzinfo=UTC), tick=False):
        ingest_events(_file(tmp_path / "events.csv", rows), standard)
    return standard


def _january(standard: Standard) -> list[tuple]:
    return list(
        DailyRollup.objects.filter(standard=standard, day__lt=date(2026, 2, 1))
        .order_by("day")
        .values_list("day", "total", "met", "histogram")
    )


def test_events_past_the_retention_go_and_their_days_keep_their_counts(
    standard: Standard,
) -> None:
    january = _january(standard)
    assert len(january) == 2
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", stdout=out)
    assert "events: removed" in out.getvalue()
    if connection.vendor == "postgresql":
        assert "standards_standardevent_p2026_01" in out.getvalue()
    assert list(
        StandardEvent.objects.filter(standard=standard).values_list("event_id", flat=True)
    ) == ["F-1"]
    assert _january(standard) == january
    record = AuditEvent.objects.get(action="events.months_purge")
    assert record.data["before"] == "2026-02-01"


def test_a_recount_after_the_purge_leaves_the_days_that_went_as_they_were(
    standard: Standard,
) -> None:
    _, rollups = events_and_rollups(standard)
    events_months_purge(now=NOW)
    with time_machine.travel(NOW, tick=False):
        standard_recompute(actor=None, standard=standard)
    assert events_and_rollups(standard)[1] == rollups


def test_a_late_event_of_a_month_that_went_does_not_recount_its_day(
    standard: Standard, tmp_path: Path
) -> None:
    january = _january(standard)
    events_months_purge(now=NOW)
    late = ["J-3,2026-01-02T11:00:00Z,2026-01-13T11:00:00Z", "F-2,2026-02-05T09:00:00Z,"]
    with time_machine.travel(NOW, tick=False):
        ingest_events(_file(tmp_path / "late.csv", late), standard)
    # A recount of 13 January from what is stored would have found J-3 alone, not met.
    assert _january(standard) == january
    assert DailyRollup.objects.get(standard=standard, day=date(2026, 2, 5)).still_open == 1


def test_a_first_load_of_history_older_than_the_months_kept_counts_every_day(
    settings: Any, tmp_path: Path
) -> None:
    settings.EVENT_RETENTION_MONTHS = 1
    standard = _new_standard()
    rows = ["H-1,2025-06-02T09:00:00Z,2025-06-03T09:00:00Z", "H-2,2025-06-02T09:00:00Z,"]
    path = _file(tmp_path / "history.csv", rows)
    with time_machine.travel(NOW, tick=False):
        ingest_events(path, standard)
        first = _january_and_before(standard)
        # The same file again changes nothing: those days are counted and final.
        ingest_events(path, standard)
    assert first == [(date(2025, 6, 2), 0, 0, 1), (date(2025, 6, 3), 1, 1, 0)]
    assert _january_and_before(standard) == first


def test_counts_summed_elsewhere_leave_the_final_days_as_they_were(standard: Standard) -> None:
    january = _january(standard)
    later = datetime(2026, 6, 15, tzinfo=UTC)
    events_months_purge(now=later)
    assert not StandardEvent.objects.filter(standard=standard).exists()
    rows = rows_table(
        [
            {"id": "J-3", "start": "2026-01-02T11:00:00Z", "end": "2026-01-13T11:00:00Z"},
            {"id": "J-4", "start": "2026-06-01T11:00:00Z", "end": "2026-06-02T11:00:00Z"},
        ]
    )
    with time_machine.travel(later, tick=False):
        batch = events_parse(rows, standard=standard, mapping={})
        # With no stored events, the counts summed with the batch (as on Dask) are written.
        events_ingest(actor=None, standard=standard, batch=batch, rollups=day_counts(batch))
    assert _january(standard) == january
    assert DailyRollup.objects.get(standard=standard, day=date(2026, 6, 2)).met == 1


def _january_and_before(standard: Standard) -> list[tuple]:
    return list(
        DailyRollup.objects.filter(standard=standard)
        .order_by("day")
        .values_list("day", "total", "met", "still_open")
    )


def test_a_dry_run_removes_no_event(standard: Standard) -> None:
    assert events_months_purge(now=NOW, dry_run=True)
    assert StandardEvent.objects.filter(standard=standard).count() == 3
    assert not AuditEvent.objects.filter(action="events.months_purge").exists()


def test_events_are_kept_for_ever_by_default(standard: Standard, settings: Any) -> None:
    settings.EVENT_RETENTION_MONTHS = 0
    assert events_months_purge(now=datetime(2099, 1, 1, tzinfo=UTC)) == []
    assert StandardEvent.objects.filter(standard=standard).count() == 3
