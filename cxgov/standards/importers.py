"""Import posted standards and their reported results from CSV: cxgov or Canada's SS file.

The file is read through `cxgov.core.imports`. Every row is parsed and checked first; if any row
is bad nothing is written and every bad row is reported with its spreadsheet row number
(header = row 1), column and reason. Good files are applied in one transaction through
`cxgov.standards.services`. A file with several fiscal years keeps each year's result as
history; the standard itself takes the latest year's wording and target. Re-importing a file
changes nothing new: standards are matched by (service, standard id), results by (standard,
period start).

The cxgov format has the columns of the `/standards.csv` feed (see `FEED_COLUMNS`) plus
`agency` (the agency's short name) and optional `period_start`, `period_end` (ISO dates).
Canada's format is the Government of Canada service standards file; services are matched by
the Service Inventory id stored by `cxgov import_services --format canada-si`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cxgov.core.imports import (
    CREATED,
    UPDATED,
    FileRejectedError,
    ImportReport,
    RowError,
    Source,
    read_table,
    records_apply,
    rejected_rows_csv,
    shown,
)
from cxgov.core.imports.frames import Frame, read_frame
from cxgov.core.models import Agency, User
from cxgov.registry import services as registry
from cxgov.registry.models import Service
from cxgov.standards import services
from cxgov.standards.ingest import DayCounts, EventBatch, events_parse
from cxgov.standards.models import ResultSource, Standard, StandardKind, StandardStatus

FORMATS = ("cxgov", "canada-ss")
_KINDS = {choice.value for choice in StandardKind}


@dataclass
class StandardRecord:
    row: int
    agency_slug: str
    agency_name: str
    service_id: str
    standard_id: str
    statement: str
    statement_es: str
    kind: str
    channel_code: str
    target: Decimal
    period_start: date
    period_end: date
    label: str
    volume_meeting_target: int | None
    total_volume: int | None
    target_met: bool | None
    assessed: bool
    comments: str = ""


def _report() -> ImportReport:
    return ImportReport(
        kinds={
            "agencies": _("Agencies"),
            "standards": _("Service standards"),
            "results": _("Reported results"),
        }
    )


def _whole(value: str, row: int, column: str, problems: list[RowError]) -> int | None:
    if value == "":
        return None
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        problems.append(RowError(row, column, f'"{value[:40]}" is not a whole number'))
        return None
    if number < 0:
        problems.append(RowError(row, column, "cannot be negative"))
        return None
    return number


def _target(value: str, row: int, problems: list[RowError]) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(RowError(row, "target", f'"{value[:40]}" is not a number'))
        return Decimal(0)
    if number > 1 and number <= 100:
        number = number / 100
    if not 0 <= number <= 1:
        problems.append(RowError(row, "target", "must be a share between 0 and 1"))
        return Decimal(0)
    return number.quantize(Decimal("0.0001"))


def _yes_no(value: str, row: int, column: str, problems: list[RowError]) -> bool | None:
    answer = value.upper()
    if answer in ("", "NA", "N/A"):
        return None
    if answer in ("Y", "YES", "TRUE"):
        return True
    if answer in ("N", "NO", "FALSE"):
        return False
    problems.append(RowError(row, column, f'"{value[:20]}" is not Y or N'))
    return None


def _canada_period(value: str, row: int, problems: list[RowError]) -> tuple[date, date]:
    # Canada's fiscal year runs from 1 April to 31 March, written "2023-2024".
    try:
        first, second = (int(part) for part in value.split("-"))
        if second != first + 1:
            raise ValueError
        return date(first, 4, 1), date(second, 3, 31)
    except ValueError:
        problems.append(RowError(row, "fiscal_yr", f'"{value[:20]}" is not like 2023-2024'))
        return date(1970, 1, 1), date(1970, 1, 1)


def _iso(value: str, row: int, column: str, problems: list[RowError]) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(RowError(row, column, f'"{value[:20]}" is not a date like 2026-01-31'))
        return date(1970, 1, 1)


def _record(cells: dict[str, str], row: int, fmt: str, problems: list[RowError]) -> StandardRecord:
    def need(column: str) -> str:
        value = cells.get(column, "")
        if not value:
            problems.append(RowError(row, column, "is blank, but it is required"))
        return value

    kind = cells.get("type", "").upper() or "OTH"
    if kind not in _KINDS:
        problems.append(
            RowError(row, "type", f'"{kind[:10]}" is not one of {", ".join(sorted(_KINDS))}')
        )
    statement = need("service_standard_en")
    met = _whole(cells.get("volume_meeting_target", ""), row, "volume_meeting_target", problems)
    total = _whole(cells.get("total_volume", ""), row, "total_volume", problems)
    if met is not None and total is not None and met > total:
        problems.append(RowError(row, "volume_meeting_target", "is more than total_volume"))
    target_met = _yes_no(cells.get("target_met", ""), row, "target_met", problems)
    if fmt == "canada-ss":
        start, end = _canada_period(need("fiscal_yr"), row, problems)
        label = cells.get("fiscal_yr", "")
        agency_slug = need("owner_org")
        agency_name = cells.get("owner_org_title", "").split(" | ")[0].strip()
        statement_es = ""
        comments = cells.get("comments_en", "")
    else:
        start = _iso(need("period_start"), row, "period_start", problems)
        end = _iso(need("period_end"), row, "period_end", problems)
        label = cells.get("period", "") or f"{start.isoformat()}/{end.isoformat()}"
        agency_slug = need("agency")
        agency_name = agency_slug
        statement_es = cells.get("service_standard_es", "")
        comments = ""
    return StandardRecord(
        row=row,
        agency_slug=agency_slug,
        agency_name=agency_name,
        service_id=need("service_id"),
        standard_id=need("service_standard_id")[:100],
        statement=statement,
        statement_es=statement_es,
        kind=kind,
        channel_code=cells.get("channel", "")[:20],
        target=_target(need("target"), row, problems),
        period_start=start,
        period_end=end,
        label=label[:40],
        volume_meeting_target=met,
        total_volume=total,
        target_met=target_met,
        # Canada leaves target_met blank when a standard was not assessed that year.
        assessed=not (fmt == "canada-ss" and target_met is None),
        comments=comments,
    )


def _find_service(agency: Agency | None, record: StandardRecord, fmt: str) -> Service | None:
    if agency is None:
        return None
    services_found = Service.objects.filter(agency=agency)
    if fmt == "canada-ss":
        return services_found.filter(source="canada-si", source_id=record.service_id).first()
    by_source = services_found.filter(source_id=record.service_id).first()
    if by_source is not None:
        return by_source
    slug = record.service_id.split("/")[-1]
    return services_found.filter(slug=slug).first()


def standards_import(
    *,
    actor: User | None,
    file: Source,
    format: str,
    create_agencies: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row, then apply all of them in one transaction (or none, if any is bad)."""
    report = _report()
    report.format, report.dry_run = format, dry_run
    if format not in FORMATS:
        return report.fail(RowError(0, "", _("%(v)s is not a format.") % {"v": shown(format)}))
    try:
        table = read_table(file)
    except FileRejectedError as exc:
        return report.fail(exc.error)
    report.rows_read = len(table.rows)
    problems = report.errors
    records = [
        _record({k: v.strip() for k, v in row.cells.items()}, row.number, format, problems)
        for row in table.rows
    ]
    problems += [error for row in table.rows for error in row.errors]
    # Oldest period first, so a standard ends with the latest year's wording and target.
    records.sort(key=lambda record: (record.period_start, record.row))
    agencies = {
        agency.slug: agency
        for agency in Agency.objects.filter(slug__in={r.agency_slug for r in records})
    }
    missing_agencies = {r.agency_slug for r in records} - set(agencies) - {""}
    if missing_agencies and not create_agencies:
        for record in records:
            if record.agency_slug in missing_agencies:
                problems.append(
                    RowError(
                        record.row,
                        "agency",
                        f'no agency "{record.agency_slug}"; use --create-agencies',
                    )
                )
    if problems:
        return _rejected(report)
    with transaction.atomic():
        for slug in sorted(missing_agencies):
            name = next(r.agency_name for r in records if r.agency_slug == slug) or slug
            agencies[slug] = registry.agency_create(
                actor=actor, name=name[:200], slug=slug, source=format, source_id=slug
            )
            report.count("agencies", "created")
        matched: list[tuple[StandardRecord, Service]] = []
        for record in records:
            service = _find_service(agencies.get(record.agency_slug), record, format)
            if service is None:
                problems.append(
                    RowError(
                        record.row,
                        "service_id",
                        f'no service with id "{record.service_id[:40]}" in {record.agency_slug}; '
                        "import the service inventory first",
                    )
                )
            else:
                matched.append((record, service))
        if problems:
            transaction.set_rollback(True)
            return _rejected(report)
        for record, service in matched:
            _apply(actor=actor, record=record, service=service, format=format, report=report)
        if dry_run:
            transaction.set_rollback(True)
    report.applied = not dry_run
    return report


def _rejected(report: ImportReport) -> ImportReport:
    report.errors.sort(key=lambda error: error.row)
    report.rejected = True
    report.clear_tallies()
    return report


def _apply(
    *,
    actor: User | None,
    record: StandardRecord,
    service: Service,
    format: str,
    report: ImportReport,
) -> None:
    fields: dict[str, Any] = {
        "statement": record.statement,
        "statement_es": record.statement_es,
        "kind": record.kind,
        "channel_code": record.channel_code,
        "target": record.target,
    }
    standard = Standard.objects.filter(service=service, source_id=record.standard_id).first()
    if standard is None:
        standard = services.standard_create(
            actor=actor,
            service=service,
            source=ResultSource.REPORTED,
            imported_from=format,
            source_id=record.standard_id,
            status=StandardStatus.POSTED,
            threshold=None,
            **fields,
        )
        report.count("standards", "created")
    elif services.standard_update(actor=actor, standard=standard, **fields):
        report.count("standards", "updated")
    else:
        report.count("standards", "unchanged")
    services.reported_result_record(
        actor=actor,
        standard=standard,
        period_start=record.period_start,
        period_end=record.period_end,
        label=record.label,
        volume_meeting_target=record.volume_meeting_target,
        total_volume=record.total_volume,
        target_met=record.target_met,
        assessed=record.assessed,
        comments=record.comments,
    )
    report.count("results", "created")


# --- transaction events ----------------------------------------------------------------------


# An engine's read of an events file: the parsed events, the frame their bad rows come from, and
# the daily counts when the engine summed them already (None: counted from the database).
EventsRead = tuple[EventBatch, Frame, DayCounts | None]


def events_file_read(
    *, file: Source, standard: Standard, mapping: dict[str, str] | None = None
) -> EventsRead:
    """The local engine: read and parse the whole file in this process."""
    frame = read_frame(file)
    return events_parse(frame, standard=standard, mapping=mapping), frame, None


def events_import(
    *,
    actor: User | None,
    standard: Standard,
    file: Source,
    mapping: dict[str, str] | None = None,
    source: str = "",
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import an events file (CSV, XLSX, Parquet, gzip) for a standard.

    All or nothing unless `keep_valid`, which stores the good rows and offers the bad ones as a
    CSV with their reasons. A dry run does the same work and reports it, then writes nothing.
    """
    return events_import_with(
        read=partial(events_file_read, file=file, standard=standard, mapping=mapping),
        actor=actor,
        standard=standard,
        source=source,
        dry_run=dry_run,
        keep_valid=keep_valid,
    )


def events_import_with(
    *,
    read: Callable[[], EventsRead],
    actor: User | None,
    standard: Standard,
    source: str = "",
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import the events `read` returns, whichever engine reads them (`dask_ingest` too); a file
    it refuses fails the report."""
    report = ImportReport(format="events", kinds={"events": _("Events")}, dry_run=dry_run)
    try:
        batch, frame, rollups = read()
    except FileRejectedError as exc:
        return report.fail(exc.error)
    return events_apply(
        actor=actor,
        standard=standard,
        batch=batch,
        frame=frame,
        report=report,
        source=source,
        dry_run=dry_run,
        keep_valid=keep_valid,
        rollups=rollups,
    )


def events_apply(
    *,
    actor: User | None,
    standard: Standard,
    batch: EventBatch,
    frame: Frame,
    report: ImportReport | None = None,
    source: str = "",
    dry_run: bool = False,
    keep_valid: bool = False,
    rollups: DayCounts | None = None,
) -> ImportReport:
    """Settle a parsed batch into the report and store its good events (an API batch too).

    `rollups`: the batch's daily counts when summed already (`dask_ingest`).
    """
    report = report or ImportReport(format="events", kinds={"events": _("Events")})
    report.rows_read = batch.rows_read
    report.errors, report.warnings = list(batch.errors), list(batch.warnings)
    if report.errors and not keep_valid:
        report.rejected = True
        return report
    if report.errors:
        report.rejected_rows_csv = rejected_rows_csv(frame.rows_table(report.errors), report.errors)

    def write(good: EventBatch) -> None:
        summary = services.events_ingest(
            actor=actor, standard=standard, batch=good, source=source, rollups=rollups
        )
        report.count("events", CREATED, summary["accepted"] - summary["replaced"])
        report.count("events", UPDATED, summary["replaced"])

    records_apply(
        report=report,
        records=[batch] if batch.accepted else [],
        write=write,
        row_of=lambda _batch: 0,
        dry_run=dry_run,
        keep_valid=keep_valid,
    )
    return report
