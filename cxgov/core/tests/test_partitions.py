"""Monthly partitions: the audit log is partitioned on PostgreSQL, kept plain on SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cxgov.core.models import AuditEvent
from cxgov.core.partitions import (
    month_add,
    partition_name,
    partitioned_tables,
    partitions_create,
    partitions_drop_before,
)
from cxgov.core.services import audit_log_partitions_purge, audit_record
from cxgov.registry.services import retention_purge

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps plain tables: no partitions"
)


def _partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall()]


def _partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s",  # noqa: S608
            [event.pk],
        )
        return str(cursor.fetchone()[0])


def _event_at(when: datetime) -> AuditEvent:
    return AuditEvent.objects.create(action="test.partitions", created_at=when)


@on_postgresql
def test_audit_log_is_partitioned_by_month_of_created_at():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE]
        )
        assert cursor.fetchone()[0] == 1
    assert (TABLE, "created_at") in [(t.name, t.column) for t in partitioned_tables()]
    assert f"{TABLE}_default" in _partitions()


@on_postgresql
def test_an_event_lands_in_its_months_partition():
    partitions_create(months_ahead=1, today=date(2026, 3, 10))
    event = _event_at(datetime(2026, 4, 30, 23, 59, tzinfo=UTC))
    assert _partition_of(event) == "core_auditevent_p2026_04"
    assert AuditEvent.objects.get(pk=event.pk).action == "test.partitions"


@on_postgresql
def test_events_far_in_the_past_or_future_go_to_the_default_partition():
    past = _event_at(datetime(1999, 1, 1, tzinfo=UTC))
    future = _event_at(datetime(2199, 1, 1, tzinfo=UTC))
    assert _partition_of(past) == _partition_of(future) == f"{TABLE}_default"


@on_postgresql
def test_create_partitions_makes_the_months_ahead_once():
    today = date.today().replace(day=1)
    out = StringIO()
    call_command("create_partitions", "--months-ahead", "6", stdout=out)
    names = _partitions()
    for offset in range(7):
        assert partition_name(table=TABLE, month=month_add(today, offset)) in names
    again = StringIO()
    call_command("create_partitions", "--months-ahead", "6", stdout=again)
    assert "0 partitions created" in again.getvalue()
    assert _partitions() == names


@on_postgresql
def test_a_new_months_partition_takes_the_rows_the_default_partition_held():
    event = _event_at(datetime(2040, 5, 6, tzinfo=UTC))
    assert _partition_of(event) == f"{TABLE}_default"
    assert "core_auditevent_p2040_05" in partitions_create(months_ahead=0, today=date(2040, 5, 1))
    assert _partition_of(event) == "core_auditevent_p2040_05"


@on_postgresql
def test_drop_before_removes_whole_old_months_and_keeps_recent_rows():
    partitions_create(months_ahead=2, today=date(2011, 1, 1))
    old = _event_at(datetime(2011, 1, 15, tzinfo=UTC))
    kept = _event_at(datetime(2011, 2, 1, tzinfo=UTC))
    stray = _event_at(datetime(1990, 6, 1, tzinfo=UTC))
    dropped = partitions_drop_before(table=TABLE, before=date(2011, 2, 20))
    assert "core_auditevent_p2011_01" in dropped
    assert "core_auditevent_p2011_02" not in dropped
    assert set(_partitions()).isdisjoint(dropped)
    assert not AuditEvent.objects.filter(pk__in=[old.pk, stray.pk]).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


@on_postgresql
def test_retention_purge_drops_old_audit_months_and_records_it(settings):
    settings.AUDIT_LOG_RETENTION_MONTHS = 12
    now = datetime(2021, 6, 15, tzinfo=UTC)
    partitions_create(months_ahead=14, today=date(2020, 5, 1))
    old = _event_at(datetime(2020, 5, 20, tzinfo=UTC))
    kept = _event_at(datetime(2020, 6, 1, tzinfo=UTC))
    assert audit_log_partitions_purge(now=now, dry_run=True) == ["core_auditevent_p2020_05"]
    # Partitions stay until a purge that is not a dry run.
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    report = retention_purge(now=now)
    assert "core_auditevent_p2020_05" in report.audit_partitions
    assert "core_auditevent_p2020_06" not in report.audit_partitions
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    record = AuditEvent.objects.get(action="audit.partitions_drop")
    assert record.data["before"] == "2020-06-01"
    assert "core_auditevent_p2020_05" in record.data["partitions"]


def test_audit_log_is_kept_for_ever_by_default():
    audit_record(actor=None, action="test.partitions")
    assert audit_log_partitions_purge(now=datetime(2099, 1, 1, tzinfo=UTC)) == []
    assert AuditEvent.objects.filter(action="test.partitions").exists()


def test_create_partitions_on_sqlite_changes_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL behaviour is tested above")
    out = StringIO()
    call_command("create_partitions", stdout=out)
    assert "keeps plain tables" in out.getvalue()
    assert partitioned_tables() == []
    assert partitions_create() == []
    assert partitions_drop_before(table=TABLE, before=date(2099, 1, 1)) == []
    event = audit_record(actor=None, action="test.partitions")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
