"""Events are partitioned by the month of their day on PostgreSQL, and an event id is stored
once per standard without a unique key (decision 0073)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections

from cxgov.core.partitions import partitioned_tables, partitions_create
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import DailyRollup, EventFileRun, Standard, StandardEvent
from cxgov.standards.services import EVENTS_LOCK_CLASS, events_ingest
from cxgov.standards.services_batches import batch_writes_beside_its_run, event_file_batch_ingest
from cxgov.standards.tests.stored import ingest_events
from cxgov.testing.factories import AgencyFactory, ServiceFactory, StandardFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps plain tables: no partitions"
)


def _standard() -> Standard:
    return StandardFactory(
        service=ServiceFactory(agency=AgencyFactory()),
        threshold=10,
        threshold_unit="calendar_days",
        calendar="24x7",
    )


def _file(path: Path, rows: list[str]) -> Path:
    path.write_text("id,start,end\n" + "\n".join(rows) + "\n")
    return path


def _partition_of(standard: Standard, event_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM standards_standardevent "
            "WHERE standard_id = %s AND event_id = %s",
            [standard.pk, event_id],
        )
        return str(cursor.fetchone()[0])


@on_postgresql
@pytest.mark.django_db
def test_events_are_partitioned_by_the_month_of_their_day() -> None:
    tables = {(table.name, table.column) for table in partitioned_tables()}
    assert ("standards_standardevent", "day") in tables


@pytest.mark.django_db
def test_an_open_event_closed_in_the_next_month_moves_there_and_is_stored_once(
    tmp_path: Path,
) -> None:
    standard = _standard()
    partitions_create(months_ahead=2, today=date(2026, 3, 1))
    ingest_events(_file(tmp_path / "open.csv", ["A-1,2026-03-30T09:00:00Z,"]), standard)
    ingest_events(
        _file(
            tmp_path / "closed.csv",
            ["A-1,2026-03-30T09:00:00Z,2026-04-02T09:00:00Z", "A-2,2026-04-01T09:00:00Z,"],
        ),
        standard,
    )
    stored = StandardEvent.objects.filter(standard=standard)
    assert sorted(stored.values_list("event_id", "day")) == [
        ("A-1", date(2026, 4, 2)),
        ("A-2", date(2026, 4, 1)),
    ]
    # The March day the open event was counted on is counted again: nothing is left there.
    assert not DailyRollup.objects.filter(standard=standard, day=date(2026, 3, 30)).exists()
    assert DailyRollup.objects.get(standard=standard, day=date(2026, 4, 2)).total == 1
    if connection.vendor == "postgresql":
        assert _partition_of(standard, "A-1") == "standards_standardevent_p2026_04"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_ids_at_once_store_each_id_once() -> None:
    standard = _standard()
    rows = [
        {"id": f"E-{n}", "start": "2026-05-04T09:00:00Z", "end": "2026-05-05T09:00:00Z"}
        for n in range(500)
    ]
    ready = threading.Barrier(2)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            batch = events_parse(rows_table(rows), standard=standard, mapping={})
            ready.wait(timeout=30)
            events_ingest(actor=None, standard=standard, batch=batch)
        except BaseException as failure:  # reported by the test below
            failures.append(failure)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert failures == []
    assert StandardEvent.objects.filter(standard=standard).count() == 500
    assert DailyRollup.objects.get(standard=standard, day=date(2026, 5, 5)).total == 500


def _advisory_modes(standard: Standard) -> set[str]:
    """The modes in which this connection holds the standard's events lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            "AND classid = %s AND objid = %s",
            [EVENTS_LOCK_CLASS, standard.pk],
        )
        return {mode for (mode,) in cursor.fetchall()}


@pytest.mark.django_db
def test_only_the_batches_of_the_oldest_unfinished_run_write_side_by_side(
    tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    standard = _standard()
    rows = [f"B-{n},2026-05-04T09:00:00Z,2026-05-05T09:00:00Z" for n in range(40)]
    path = _file(tmp_path / "events.csv", rows)
    ingest_events(path, standard, "--batches", "2")
    ingest_events(path, standard, "--batches", "2")
    first, later = EventFileRun.objects.filter(standard=standard).order_by("pk")
    assert all(batch_writes_beside_its_run(batch) for batch in first.parts.all())
    # The later run repeats the first one's ids: its batches wait their turn.
    assert not any(batch_writes_beside_its_run(batch) for batch in later.parts.all())
    for batch in first.parts.all():
        assert event_file_batch_ingest(batch_id=batch.pk, worker="one")
    if connection.vendor == "postgresql":
        # Held until the test's transaction ends, as a worker's until its batch commits.
        assert _advisory_modes(standard) == {"ShareLock"}
    assert all(batch_writes_beside_its_run(batch) for batch in later.parts.all())
    for batch in later.parts.all():
        assert event_file_batch_ingest(batch_id=batch.pk, worker="one")
    assert StandardEvent.objects.filter(standard=standard).count() == 40
    assert DailyRollup.objects.get(standard=standard, day=date(2026, 5, 5)).total == 40
