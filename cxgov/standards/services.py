"""Every write of the standards app: standards, their versions, events, rollups, results."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.approvals import status_approval_state
from cxgov.core.bulk import planner_statistics_refresh
from cxgov.core.models import Agency, Membership, User
from cxgov.core.partitions import retained_from
from cxgov.core.permissions import Can, roles_with
from cxgov.core.selectors import agency_calendar
from cxgov.core.services import audit_record, fields_save, months_purge, object_create
from cxgov.core.signals import send_after_commit
from cxgov.core.tasks import task_enqueue_with_write
from cxgov.insights.business_time import HISTOGRAM_SIZE
from cxgov.registry.models import Service
from cxgov.standards.ingest import DayCounts, EventBatch, events_measure
from cxgov.standards.models import (
    CalendarKind,
    DailyRollup,
    ElapsedQuantile,
    MissedPeriod,
    ReportedResult,
    ResultSource,
    Standard,
    StandardEvent,
    StandardStatus,
    StandardVersion,
    events_version_new,
)
from cxgov.standards.signals import period_missed
from cxgov.standards.tasks import standard_quantiles_prepare_task

WRITE_BATCH = 2000
# Columns of a standard that only a change of its events writes (`_events_changed`).
EVENTS_OWNED = ("results_updated_at", "events_version")
# Rows formatted and sent per write of a COPY.
COPY_ROWS = 200_000
_EPOCH = date(1970, 1, 1)

logger = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "as_tuple"):
        return str(value)
    return value if isinstance(value, str | int | float | bool | list | dict | None) else str(value)


def _snapshot(standard: Standard) -> dict[str, Any]:
    return {key: _plain(value) for key, value in model_to_dict(standard).items()}


@transaction.atomic
def standard_create(
    *, actor: User | None, service: Service, statement: str, target: Any, **fields: Any
) -> Standard:
    """Create a draft standard for a service."""
    standard = Standard(
        agency=service.agency, service=service, statement=statement, target=target, **fields
    )
    if standard.status == StandardStatus.POSTED:
        standard.posted_at = timezone.now()
    return object_create(
        actor=actor, instance=standard, action="standard.create", agency=standard.agency
    )


@transaction.atomic
def standard_update(*, actor: User | None, standard: Standard, **fields: Any) -> dict[str, Any]:
    """Change a standard; the previous wording and rules are kept as a version."""
    # Read the stored row: a bound form may already have changed the instance in memory.
    before = _snapshot(Standard.objects.get(pk=standard.pk))
    for name, value in fields.items():
        setattr(standard, name, value)
    standard.full_clean()
    changed = {
        key: [before[key], value]
        for key, value in _snapshot(standard).items()
        if before.get(key) != value
    }
    if not changed:
        return {}
    StandardVersion.objects.create(standard=standard, version=standard.version, snapshot=before)
    standard.version += 1
    # The columns events writes own are left as stored: this instance may predate a file.
    standard.save(
        update_fields=[
            field.name
            for field in Standard._meta.concrete_fields
            if not field.primary_key and field.name not in EVENTS_OWNED
        ]
    )
    if "period" in changed:  # other spans: the worker keeps their quantiles
        task_enqueue_with_write(standard_quantiles_prepare_task, standard_id=standard.pk)
    audit_record(
        actor=actor,
        action="standard.update",
        target=standard,
        data=changed,
    )
    standard_misses_check(actor=actor, standard=standard)
    return changed


def _set_status(*, actor: User | None, standard: Standard, status: str) -> Standard:
    previous = standard.status
    standard.status = status
    if status == StandardStatus.POSTED and standard.posted_at is None:
        standard.posted_at = timezone.now()
    standard.save(update_fields=["status", "posted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"standard.{status}",
        target=standard,
        data={"status": [previous, status]},
    )
    # Results gathered while it was a draft are judged now, as they would have been if the
    # events had come after posting.
    standard_misses_check(actor=actor, standard=standard)
    return standard


# The key of standards among the kinds of publishable records (`core.approvals`).
APPROVAL_KIND = "standard"


@transaction.atomic
def standard_post(*, actor: User | None, standard: Standard) -> Standard:
    """Post a standard publicly: the publish step of its approval (`core.approvals`)."""
    return _set_status(actor=actor, standard=standard, status=StandardStatus.POSTED)


@transaction.atomic
def standard_unpost(*, actor: User | None, standard: Standard, reason: str) -> Standard:
    """Take a posted standard off the public pages (the unpublish step of its approval)."""
    if standard.status != StandardStatus.POSTED:
        raise ValidationError(_("Only a posted standard can be taken down."))
    fields_save(
        actor=actor,
        instance=standard,
        fields={"status": StandardStatus.DRAFT},
        action="standard.unpost",
        data={"status": [StandardStatus.POSTED, StandardStatus.DRAFT], "reason": reason},
    )
    return standard


# Where a standard with no approval row yet stands: published while it is posted.
standard_approval_state = status_approval_state(published={StandardStatus.POSTED})


@transaction.atomic
def standard_retire(*, actor: User | None, standard: Standard) -> Standard:
    """Retire a standard; it and its results stay readable."""
    return _set_status(actor=actor, standard=standard, status=StandardStatus.RETIRED)


def _aware(values: np.ndarray) -> list[datetime | None]:
    return [
        datetime.fromtimestamp(float(value), UTC) if np.isfinite(value) else None
        for value in values
    ]


_EVENT_COLUMNS = (
    "standard_id",
    "event_id",
    "channel",
    "outcome",
    "started_at",
    "ended_at",
    "due_at",
    "pauses",
    "elapsed",
    "met",
    "day",
    "bucket",
    "received_at",
    "agency_id",
)


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(StandardEvent._meta.db_table)
    columns = ", ".join(quote(name) for name in _EVENT_COLUMNS)
    marks = ", ".join(["%s"] * len(_EVENT_COLUMNS))
    # Only our own column names, quoted by the backend, are put into the text; values are
    # passed as parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608


# The class of the advisory lock that keeps one writer of a standard's events at a time.
EVENTS_LOCK_CLASS = 6802


def _events_write_lock(standard: Standard, *, shared: bool = False) -> None:
    """Wait for the other writers of the standard's events, until this transaction ends.

    Events have no unique key (partitions, decision 0073): a resent id is found and replaced
    by the writer, so two writers must not store the same id at once. Writers that hold the
    lock shared write at the same time: only the batches of one split file may, whose ids
    differ (`events_write`'s `disjoint`).
    """
    if connection.vendor != "postgresql":
        # SQLite transactions start IMMEDIATE (config/database.py): one writer at a time.
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [EVENTS_LOCK_CLASS, standard.pk % 2**31])


def _instants_for_db(values: np.ndarray) -> list[Any]:
    """Instants as the database driver takes them: SQLite text in UTC, else aware datetimes."""
    if connection.vendor != "sqlite":
        return _aware(values)
    finite = np.isfinite(values)
    micros = np.where(finite, np.round(values * 1e6), 0).astype("datetime64[us]")
    text = np.char.replace(np.datetime_as_string(micros, unit="us"), "T", " ")
    return [str(item) if ok else None for item, ok in zip(text, finite, strict=True)]


@transaction.atomic
def events_ingest(
    *,
    actor: User | None,
    standard: Standard,
    batch: EventBatch,
    source: str = "",
    rollups: DayCounts | None = None,
) -> dict[str, int]:
    """Store a parsed batch (an id already stored is replaced) and refresh the touched days.

    Rows are written with one multi-row upsert per chunk rather than model instances: this is
    the hot path of bulk feeds (see bench/standards_ingest.py). `rollups`, the batch's own
    daily counts (summed on Dask workers), are written as they are when the standard had no
    events before; otherwise the touched days are counted again from the stored events.
    """
    # Taken before the look at stored events, so no other writer changes the answer.
    _events_write_lock(standard)
    fresh = rollups is not None and not StandardEvent.objects.filter(standard=standard).exists()
    replaced, days_touched = events_write(standard=standard, batch=batch)
    if fresh and rollups is not None:
        _rollups_write(standard=standard, rollups=rollups)
    else:
        _rollups_rebuild(standard=standard, days=days_touched)
    return events_ingest_finish(
        actor=actor,
        standard=standard,
        summary={
            "rows": batch.rows_read,
            "accepted": batch.accepted,
            "replaced": replaced,
            "rejected": batch.rejected,
        },
        source=source,
    )


def events_ingest_finish(
    *, actor: User | None, standard: Standard, summary: dict[str, int], source: str
) -> dict[str, int]:
    """What follows stored events and rebuilt rollups: statistics, the audit, missed periods."""
    # Exact quantiles read the events by an index-only scan (decision 0047).
    planner_statistics_refresh(
        tables=[StandardEvent, DailyRollup], rows=summary["accepted"], visibility=True
    )
    audit_record(
        actor=actor,
        action="standard.events_ingest",
        target=standard,
        data={**summary, "source": source},
    )
    standard_misses_check(actor=actor, standard=standard)
    return summary


@transaction.atomic
def events_write(
    *, standard: Standard, batch: EventBatch, disjoint: bool = False
) -> tuple[int, set[date]]:
    """Store a parsed batch's events, each replacing any stored event with its id, without
    touching rollups. Writers of one standard take turns, except `disjoint` ones: writers
    whose ids no other disjoint writer of the standard holds now (the batches of one split
    file, `services_batches`), which write side by side.

    Returns how many stored events it replaced and every day whose rollup it changes (the
    events' days and the days the replaced events were on).
    """
    _events_write_lock(standard, shared=disjoint)
    days_touched: set[date] = set()
    replaced = 0
    # With no stored events nothing can be replaced, so the lookups can be skipped.
    has_events = StandardEvent.objects.filter(standard=standard).exists()
    if connection.vendor == "postgresql":
        return _events_copy(standard=standard, batch=batch, replacing=has_events)
    received = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _insert_sql()
    with connection.cursor() as cursor:
        for low in range(0, batch.accepted, WRITE_BATCH):
            high = min(low + WRITE_BATCH, batch.accepted)
            # Python values are made a chunk at a time so a large file needs little memory.
            days = (
                np.datetime64("1970-01-01") + batch.days[low:high].astype("timedelta64[D]")
            ).astype(object)
            chunk_ids = batch.ids[low:high].tolist()
            if has_events:
                previous = StandardEvent.objects.filter(standard=standard, event_id__in=chunk_ids)
                previous_days = list(previous.values_list("day", flat=True))
                replaced += len(previous_days)
                days_touched.update(previous_days)
                previous.delete()
            days_touched.update(days)
            elapsed = batch.elapsed[low:high]
            met = batch.met[low:high]
            rows = zip(
                chunk_ids,
                [str(value)[:40] for value in batch.channels[low:high]],
                [str(value)[:100] for value in batch.outcomes[low:high]],
                _instants_for_db(batch.starts[low:high]),
                _instants_for_db(batch.ends[low:high]),
                _instants_for_db(batch.dues[low:high]),
                [json.dumps(batch.pauses.get(i, [])) for i in range(low, high)],
                [float(v) if np.isfinite(v) else None for v in elapsed],
                [None if v < 0 else bool(v) for v in met],
                [connection.ops.adapt_datefield_value(day) for day in days],
                batch.buckets[low:high].tolist(),
                strict=True,
            )
            cursor.executemany(
                sql, [(standard.pk, *row, received, standard.agency_id) for row in rows]
            )
    return replaced, days_touched


def _events_copy(
    *, standard: Standard, batch: EventBatch, replacing: bool
) -> tuple[int, set[date]]:
    """Write a batch with PostgreSQL's COPY, as `events_write` does with INSERTs.

    The rows are formatted as CSV column-wise by polars, and the column list comes from the
    model, so a column added to the table needs only its values here. When stored events may
    be replaced, the rows are copied into a scratch table first, the stored events with their
    ids deleted, and the rows inserted from it.
    """
    instants = {
        name: pl.Series(np.where(np.isfinite(values), np.round(values * 1e6), np.nan))
        .cast(pl.Int64, strict=False)
        .cast(pl.Datetime("us"))
        for name, values in (
            ("started_at", batch.starts),
            ("ended_at", batch.ends),
            ("due_at", batch.dues),
        )
    }
    pauses = np.full(batch.accepted, "[]", dtype=object)
    for position, intervals in batch.pauses.items():
        pauses[position] = json.dumps(intervals)
    values: dict[str, Any] = {
        "standard_id": pl.repeat(standard.pk, batch.accepted, eager=True, dtype=pl.Int64),
        "agency_id": pl.repeat(standard.agency_id, batch.accepted, eager=True, dtype=pl.Int64),
        "event_id": pl.Series(batch.ids, dtype=pl.Utf8),
        "channel": pl.Series(batch.channels, dtype=pl.Utf8).str.slice(0, 40),
        "outcome": pl.Series(batch.outcomes, dtype=pl.Utf8).str.slice(0, 100),
        **instants,
        "pauses": pl.Series(pauses, dtype=pl.Utf8),
        "elapsed": pl.Series(batch.elapsed).fill_nan(None),
        "met": pl.Series(batch.met).replace_strict({1: True, 0: False, -1: None}),
        "day": pl.Series(batch.days).cast(pl.Int32).cast(pl.Date),
        "bucket": pl.Series(batch.buckets).cast(pl.Int32),
        "received_at": pl.repeat(timezone.now().replace(tzinfo=None), batch.accepted, eager=True),
    }
    fields = [field for field in StandardEvent._meta.concrete_fields if not field.primary_key]
    table = pl.DataFrame({field.column: values[field.attname] for field in fields})
    quote = connection.ops.quote_name
    events = quote(StandardEvent._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    target = quote("cxgov_events_in") if replacing else events
    days = {_EPOCH + timedelta(days=int(day)) for day in np.unique(batch.days)}
    replaced = 0
    # Only our own column and table names, quoted by the backend, are put into the text.
    with transaction.atomic(), connection.cursor() as cursor:
        if replacing:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "  # noqa: S608  # nosec B608
                f"SELECT {columns} FROM {events} WITH NO DATA"
            )
        copy_sql = f"COPY {target} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(copy_sql) as copy:
            for low in range(0, table.height, COPY_ROWS):
                copy.write(
                    table.slice(low, COPY_ROWS).write_csv(
                        include_header=False,
                        null_value="\\N",
                        datetime_format="%Y-%m-%d %H:%M:%S%.6f+00",
                        date_format="%Y-%m-%d",
                    )
                )
        if replacing:
            day = quote("day")
            cursor.execute(
                f"WITH gone AS (DELETE FROM {events} e USING {target} n "  # noqa: S608  # nosec B608
                f"WHERE e.{quote('standard_id')} = %s AND e.{quote('agency_id')} = %s "
                f"AND e.{quote('event_id')} = n.{quote('event_id')} RETURNING e.{day}) "
                f"SELECT {day}, count(*) FROM gone GROUP BY {day}",
                [standard.pk, standard.agency_id],
            )
            for gone_day, count in cursor.fetchall():
                days.add(gone_day)
                replaced += count
            cursor.execute(
                f"INSERT INTO {events} ({columns}) SELECT {columns} FROM {target}"  # noqa: S608  # nosec B608
            )
            cursor.execute(f"DROP TABLE {target}")
    return replaced, days


def _days_final(*, standard: Standard, days: Iterable[date]) -> set[date]:
    """Those of `days` whose rollups are final: counted already, and before the months whose
    raw events are kept (settings.EVENT_RETENTION_MONTHS), so their events may be gone to the
    retention purge and a recount could only lose counts (decision 0074)."""
    before = retained_from(months=settings.EVENT_RETENTION_MONTHS)
    old = {day for day in days if before is not None and day < before}
    if not old:
        return set()
    counted = DailyRollup.objects.filter(standard=standard, day__gte=min(old), day__lte=max(old))
    return old & set(counted.values_list("day", flat=True))


def _rollups_rebuild(*, standard: Standard, days: Iterable[date] | None) -> int:
    """Recount the given days (all days if None) from the stored raw events."""
    events = StandardEvent.objects.filter(standard=standard)
    rollups = DailyRollup.objects.filter(standard=standard)
    before = retained_from(months=settings.EVENT_RETENTION_MONTHS)
    if before is not None:
        # The days counted before the months kept stay as they are (`_days_final`).
        final = DailyRollup.objects.filter(standard=standard, day__lt=before).values("day")
        events = events.exclude(day__in=final)
        rollups = rollups.exclude(day__lt=before)
    day_list = None if days is None else sorted(set(days))
    if day_list is not None:
        if not day_list:
            return 0
        # A range query, then the exact days: the list can be long.
        events = events.filter(day__gte=day_list[0], day__lte=day_list[-1])
        rollups = (
            rollups.filter(day__in=day_list)
            if len(day_list) < 500
            else rollups.filter(day__gte=day_list[0], day__lte=day_list[-1])
        )
    groups = (
        events.values("day", "bucket")
        .annotate(
            closed=Count("id", filter=Q(ended_at__isnull=False)),
            met_count=Count("id", filter=Q(met=True)),
            open_count=Count("id", filter=Q(ended_at__isnull=True)),
        )
        .order_by("day", "bucket")
    )
    by_day: dict[date, DailyRollup] = {}
    for group in groups:
        rollup = by_day.get(group["day"])
        if rollup is None:
            rollup = DailyRollup(
                standard=standard,
                agency_id=standard.agency_id,
                day=group["day"],
                histogram=[0] * HISTOGRAM_SIZE,
            )
            by_day[group["day"]] = rollup
        rollup.total += group["closed"]
        rollup.met += group["met_count"]
        rollup.still_open += group["open_count"]
        rollup.histogram[group["bucket"]] += group["closed"]
    if days is not None and len(set(days)) < 500:
        keep_days = set(days)
        by_day = {day: rollup for day, rollup in by_day.items() if day in keep_days}
    rollups.delete()
    DailyRollup.objects.bulk_create(by_day.values(), batch_size=WRITE_BATCH)
    _events_changed(standard, days=day_list)
    return len(by_day)


def _rollups_write(*, standard: Standard, rollups: DayCounts) -> int:
    """Store daily counts summed elsewhere in place of those days' rollups."""
    days = [_EPOCH + timedelta(days=int(day)) for day in rollups.days]
    final = _days_final(standard=standard, days=days)
    if final:
        keep = np.array([day not in final for day in days], dtype=bool)
        rollups = DayCounts(days=rollups.days[keep], counts=rollups.counts[keep])
        days = [day for day in days if day not in final]
    DailyRollup.objects.filter(standard=standard, day__in=days).delete()
    DailyRollup.objects.bulk_create(
        (
            DailyRollup(
                standard=standard,
                agency_id=standard.agency_id,
                day=day,
                total=int(row[0]),
                met=int(row[1]),
                still_open=int(row[2]),
                histogram=row[3:].tolist(),
            )
            for day, row in zip(days, rollups.counts, strict=True)
        ),
        batch_size=WRITE_BATCH,
    )
    _events_changed(standard, days=days)
    return len(days)


def _events_changed(standard: Standard, *, days: Sequence[date] | None) -> None:
    """Mark the standard's results as changed and its events as another version. The kept
    quantiles (`ElapsedQuantile`) of spans clear of the changed `days` (all days if None)
    move to the new version; the others go, and the worker keeps them again."""
    stored = Standard.objects.filter(pk=standard.pk).values_list("events_version", flat=True)
    before = stored.first()
    standard.events_version = events_version_new()
    standard.results_updated_at = timezone.now()
    kept = ElapsedQuantile.objects.filter(standard=standard)
    if days:
        first, last = min(days), max(days)
        clear = kept.filter(version=before).exclude(first__lte=last, last__gte=first)
        clear.update(version=standard.events_version)
    kept.exclude(version=standard.events_version).delete()
    stored.update(
        results_updated_at=standard.results_updated_at, events_version=standard.events_version
    )
    task_enqueue_with_write(standard_quantiles_prepare_task, standard_id=standard.pk)


def standard_quantiles_prepare(*, standard_id: int) -> int:
    """Keep the median and 90th percentile of each of the standard's periods not kept yet for
    its present events, read from them in one statement; how many were kept. A standard gone
    since keeps none. Another worker that kept one first wins, with the same value."""
    from cxgov.standards.selectors import standard_quantiles_computed

    found = Standard.objects.select_related("agency").filter(pk=standard_id).first()
    if found is None:
        return 0
    computed = standard_quantiles_computed(standard=found)
    ElapsedQuantile.objects.bulk_create(
        [
            ElapsedQuantile(
                agency_id=found.agency_id,
                standard=found,
                version=found.events_version,
                first=first,
                last=last,
                share=share,
                value=value,
            )
            for (_standard_id, first, last, share), value in computed.items()
        ],
        ignore_conflicts=True,
    )
    return len(computed)


def standard_quantiles_prepare_all() -> int:
    """Keep the missing quantiles of every events standard; how many were kept. A standard
    whose periods are all kept costs two small reads (its rollups and its kept rows). One
    that fails is logged and left to the next run; the others are kept."""
    standards = Standard.objects.filter(source=ResultSource.EVENTS).values_list("pk", flat=True)
    kept = 0
    for standard_id in list(standards):
        try:
            with transaction.atomic():
                kept += standard_quantiles_prepare(standard_id=standard_id)
        except Exception:  # one standard's failure must not hold back every other's
            logger.exception("Quantiles of standard %s were not kept", standard_id)
    return kept


def rollups_rebuild(*, standard: Standard, days: Iterable[date] | None) -> int:
    """Recount the given days (all days if None) from the stored raw events."""
    return _rollups_rebuild(standard=standard, days=days)


@transaction.atomic
def standard_recompute(*, actor: User | None, standard: Standard) -> int:
    """Rebuild every daily rollup of a standard from its raw events; returns the day count."""
    count = _rollups_rebuild(standard=standard, days=None)
    audit_record(
        actor=actor,
        action="standard.recompute",
        target=standard,
        data={"days": count},
    )
    standard_misses_check(actor=actor, standard=standard)
    return count


@transaction.atomic
def reported_result_record(
    *,
    actor: User | None,
    standard: Standard,
    period_start: date,
    period_end: date,
    label: str,
    volume_meeting_target: int | None,
    total_volume: int | None,
    target_met: bool | None = None,
    assessed: bool = True,
    comments: str = "",
) -> ReportedResult:
    """Enter or correct the reported result of one period."""
    if period_end < period_start:
        raise ValueError("The period must end on or after its start.")
    if (
        volume_meeting_target is not None
        and total_volume is not None
        and volume_meeting_target > total_volume
    ):
        raise ValueError("The volume meeting the target cannot exceed the total volume.")
    result, _created = ReportedResult.objects.update_or_create(
        standard=standard,
        period_start=period_start,
        defaults={
            "period_end": period_end,
            "label": label,
            "volume_meeting_target": volume_meeting_target,
            "total_volume": total_volume,
            "target_met": target_met,
            "assessed": assessed,
            "comments": comments,
        },
    )
    Standard.objects.filter(pk=standard.pk).update(results_updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="standard.result_record",
        target=standard,
        data={
            "period": label,
            "volume_meeting_target": volume_meeting_target,
            "total_volume": total_volume,
        },
    )
    standard_misses_check(actor=actor, standard=standard)
    return result


@transaction.atomic
def missed_period_record(
    *,
    actor: User | None,
    standard: Standard,
    period_start: date,
    period_end: date,
    share: float,
    n: int,
) -> MissedPeriod | None:
    """Flag a closed period that missed its target and email the service managers, once."""
    miss, created = MissedPeriod.objects.get_or_create(
        standard=standard,
        period_start=period_start,
        defaults={"period_end": period_end, "share": share, "n": n},
    )
    if not created:
        return None
    audit_record(
        actor=actor,
        action="standard.period_missed",
        target=standard,
        data={"period_start": period_start.isoformat(), "share": share, "n": n},
    )
    send_after_commit(period_missed, sender=MissedPeriod, miss=miss)
    recipients = list(
        Membership.objects.active()
        .filter(agency=standard.agency, role__in=roles_with(Can.EDIT_STANDARDS))
        .values_list("user__email", flat=True)
        .distinct()
    )
    if recipients:
        from cxgov.core.tasks import email_send

        body = (
            f"The standard “{standard.statement}” of {standard.service.name} missed its target "
            f"for {period_start:%Y-%m-%d} to {period_end:%Y-%m-%d}: {share:.1%} of {n} met it, "
            f"against a target of {float(standard.target):.0%}."
        )
        transaction.on_commit(
            lambda: email_send.enqueue(
                subject=f"Service standard missed: {standard.service.name}",
                body=body,
                to=recipients,
            )
        )
    return miss


@transaction.atomic
def missed_period_acknowledge(*, actor: User | None, miss: MissedPeriod) -> MissedPeriod:
    """Clear the dashboard flag of a missed period."""
    miss.acknowledged_at = timezone.now()
    miss.save(update_fields=["acknowledged_at"])
    audit_record(
        actor=actor,
        action="standard.miss_acknowledge",
        target=miss.standard,
        data={"period_start": miss.period_start.isoformat()},
    )
    return miss


def day_from_number(number: int) -> date:
    """A local day from its count of days since 1970-01-01."""
    return _EPOCH + timedelta(days=int(number))


@transaction.atomic
def standard_misses_check(*, actor: User | None, standard: Standard) -> list[MissedPeriod]:
    """Flag (and notify, once) every closed period of a posted standard that missed its target.

    Every write that changes a standard's results or its status ends here (events, a
    recompute, a reported result, a change of the standard, posting it), so a period is
    judged the same whatever order the events and the posting came in.
    """
    from cxgov.standards.selectors import standard_results

    if standard.status != StandardStatus.POSTED:
        return []
    flagged = []
    for result in standard_results(standard=standard):
        if result.closed and result.status == "not_met":
            miss = missed_period_record(
                actor=actor,
                standard=standard,
                period_start=result.start,
                period_end=result.end,
                share=result.share if result.share is not None else 0.0,
                n=result.n,
            )
            if miss is not None:
                flagged.append(miss)
    return flagged


# --- the agency's closed days changed -----------------------------------------------------


def _instant(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else np.nan


def events_reclock(*, standard: Standard, first: date, last: date) -> int:
    """Compute again the elapsed time, verdict and bucket of the standard's closed events whose
    span touches a local day from `first` to `last`, on the calendar as it is now, and recount
    the days they are counted on; returns how many events changed. Running it twice changes
    nothing the second time."""
    span_start, span_end = agency_calendar(agency=standard.agency).span(first, last)
    events = list(
        StandardEvent.objects.filter(
            standard=standard,
            ended_at__isnull=False,
            started_at__lt=span_end,
            ended_at__gte=span_start,
        ).order_by("pk")
    )
    if not events:
        return 0
    owners: list[int] = []
    pause_starts: list[float] = []
    pause_ends: list[float] = []
    for position, event in enumerate(events):
        for pause in event.pauses or []:
            owners.append(position)
            pause_starts.append(float(pause[0]))
            pause_ends.append(float(pause[1]))
    elapsed, met, buckets = events_measure(
        standard=standard,
        starts=np.asarray([_instant(event.started_at) for event in events]),
        ends=np.asarray([_instant(event.ended_at) for event in events]),
        dues=np.asarray([_instant(event.due_at) for event in events]),
        pause_event=np.asarray(owners, dtype=np.int64),
        pause_starts=np.asarray(pause_starts, dtype=np.float64),
        pause_ends=np.asarray(pause_ends, dtype=np.float64),
    )
    changed = []
    for event, value, verdict, bucket in zip(events, elapsed, met, buckets, strict=True):
        new_elapsed = float(value) if np.isfinite(value) else None
        new_met = None if verdict < 0 else bool(verdict)
        new_bucket = int(bucket)
        if (event.elapsed, event.met, event.bucket) == (new_elapsed, new_met, new_bucket):
            continue
        event.elapsed, event.met, event.bucket = new_elapsed, new_met, new_bucket
        changed.append(event)
    if changed:
        StandardEvent.objects.bulk_update(
            changed, ["elapsed", "met", "bucket"], batch_size=WRITE_BATCH
        )
        _rollups_rebuild(standard=standard, days={event.day for event in changed})
    return len(changed)


def _misses_cleared(*, actor: User | None, standard: Standard) -> int:
    """Take away the flags of periods no longer judged short of their target (their results
    changed under them); each is audited. Returns how many."""
    from cxgov.standards.selectors import standard_results

    judged_again = {
        result.start for result in standard_results(standard=standard) if result.status != "not_met"
    }
    cleared = list(MissedPeriod.objects.filter(standard=standard, period_start__in=judged_again))
    for miss in cleared:
        audit_record(
            actor=actor,
            action="standard.period_miss_cleared",
            target=standard,
            data={"period_start": miss.period_start.isoformat(), "share": miss.share},
        )
        miss.delete()
    return len(cleared)


@transaction.atomic
def standards_reclock(
    *, actor: User | None, agency: Agency, first: date, last: date
) -> dict[str, int]:
    """The agency's closed days changed between `first` and `last`: the events of its
    business-day standards spanning them are measured again (`events_reclock`), and each
    standard that changed has its periods judged again, a period that now misses flagged and
    notified, one that now meets its target unflagged. Counts for the one audit event of the
    change (`core.services.agency_calendar_recompute`)."""
    standards = Standard.objects.filter(
        agency=agency, source=ResultSource.EVENTS, calendar=CalendarKind.BUSINESS_DAYS
    ).select_related("agency", "service")
    counts = {"events": 0, "standards": 0, "flagged": 0, "unflagged": 0}
    for standard in standards:
        changed = events_reclock(standard=standard, first=first, last=last)
        if not changed:
            continue
        counts["events"] += changed
        counts["standards"] += 1
        counts["unflagged"] += _misses_cleared(actor=actor, standard=standard)
        counts["flagged"] += len(standard_misses_check(actor=actor, standard=standard))
    return counts


def events_months_purge(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Remove raw events of whole months older than settings.EVENT_RETENTION_MONTHS; daily
    rollups stay and those days are never counted again (decision 0074). 0 keeps them all."""
    return months_purge(
        tables=[(StandardEvent, "day")],
        months=settings.EVENT_RETENTION_MONTHS,
        action="events.months_purge",
        now=now,
        dry_run=dry_run,
    )
