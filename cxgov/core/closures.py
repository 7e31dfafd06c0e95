"""The agency's closed days from a CSV or XLSX file, on the import framework.

Columns: `date` (ISO, or M/D/YYYY), `name` and optional `reason`. Each bad row is reported by
its row, column and reason; with `keep_valid` the good rows are saved and the bad ones offered
back as a CSV. A day already closed takes the file's name and reason, so a file imported twice
changes nothing. The new closed days move open complaint deadlines and standards' elapsed times
through one background recompute per file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cxgov.core.imports import (
    FileRejectedError,
    ImportReport,
    Row,
    RowError,
    Source,
    parse_settle,
    read_table,
    records_apply,
    rows_keep_first,
    shown,
)
from cxgov.core.models import Agency, AgencyClosure, User
from cxgov.core.services import calendar_recompute_request, closure_save

FORMATS = ("cxgov",)
COLUMNS = ("date", "name", "reason")
_NAME_LIMIT = AgencyClosure._meta.get_field("name").max_length
_REASON_LIMIT = AgencyClosure._meta.get_field("reason").max_length
# Closures further from today than this are data errors (a year typed wrong), not plans.
FIRST_YEAR = 1990
LAST_YEAR = 2100


@dataclass(frozen=True)
class ClosureRecord:
    row: int
    day: date
    name: str
    reason: str


def _limited(row: Row, column: str, *, limit: int | None, required: bool = False) -> str:
    value = row.text(column, required=required)
    if limit is not None and len(value) > limit:
        row.fail(
            column,
            _("The text has %(length)s characters; at most %(limit)s fit.")
            % {"length": len(value), "limit": limit},
        )
    return value


def _parse(row: Row) -> ClosureRecord | None:
    day = row.date("date", formats=("%m/%d/%Y",), required=True)
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        row.fail(
            "date",
            _("%(value)s is not a year from %(first)s to %(last)s.")
            % {"value": shown(row.get("date")), "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    name = _limited(row, "name", limit=_NAME_LIMIT, required=True)
    reason = _limited(row, "reason", limit=_REASON_LIMIT)
    if not row.ok or day is None:
        return None
    return ClosureRecord(row=row.number, day=day, name=name, reason=reason)


def closures_import(
    *,
    actor: User | None,
    agency: Agency,
    file: Source,
    format: str = "cxgov",
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import closed days into the agency; bad input becomes row errors, never an exception."""
    report = ImportReport(format=format, dry_run=dry_run, kinds={"closures": _("Closed days")})
    if format not in FORMATS:
        return report.fail(
            RowError(0, "", _("%(value)s is not a format.") % {"value": shown(format)})
        )
    try:
        table = read_table(file, required=("date", "name"))
    except FileRejectedError as exc:
        return report.fail(exc.error)
    unknown = [name for name in table.columns if name and name not in COLUMNS]
    if unknown:
        report.warnings.append(
            RowError(0, "", _("Ignored unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        )
    records = rows_keep_first(
        ((row, _parse(row)) for row in table.rows),
        key=lambda record: record.day,
        column="date",
        repeated=lambda first: (
            _("The same date is on row %(row)s; this row is left out.") % {"row": first}
        ),
    )
    if not parse_settle(report=report, table=table, keep_valid=keep_valid):
        return report
    if not records:
        return report.fail(RowError(0, "", _("No row could be imported.")))

    added: list[date] = []

    def write(record: ClosureRecord) -> None:
        outcome = closure_save(
            actor=actor,
            agency=agency,
            day=record.day,
            name=record.name,
            reason=record.reason,
            recompute=False,
        )
        if outcome == "created":
            added.append(record.day)
        report.count("closures", outcome)

    # The file's new closed days are recomputed by one task, queued with the rows it stores.
    with transaction.atomic():
        records_apply(
            report=report,
            records=records,
            write=write,
            row_of=lambda record: record.row,
            dry_run=dry_run,
            keep_valid=keep_valid,
        )
        if report.applied and added:
            calendar_recompute_request(
                actor=actor, agency=agency, first=min(added), last=max(added)
            )
    return report
