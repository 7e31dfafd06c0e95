"""Writing parsed records: one transaction per file, all or nothing unless valid rows are kept.

Every record is written in its own savepoint, so a record the database refuses becomes that
record's error. At the end the whole file's transaction is committed, or rolled back on a dry
run or when a record failed and the caller did not ask to keep the valid rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from cxgov.core.imports.errors import RowError
from cxgov.core.imports.reading import Table
from cxgov.core.imports.report import ImportReport
from cxgov.core.tables import csv_text

Record = TypeVar("Record")


class _RollbackError(Exception):
    """Raised inside the file's transaction to undo it."""


def database_reason(exc: Exception) -> str:
    """Why the database or a model's validation refused a record, in the user's language."""
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return "; ".join(
            " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("The database refused the row.")


def records_apply(
    *,
    report: ImportReport,
    records: Sequence[Record],
    write: Callable[[Record], None],
    row_of: Callable[[Record], int],
    dry_run: bool = False,
    keep_valid: bool = False,
    on_undo: Callable[[], Callable[[], None]] | None = None,
) -> None:
    """Write every record through `write` in one transaction and settle the report.

    `row_of` gives a record's first row for an error. `on_undo`, when given, is called before
    each record and returns a function that restores the caller's caches if that record fails.
    """
    failed: list[RowError] = []
    try:
        with transaction.atomic():
            for record in records:
                saved = report.snapshot()
                restore = on_undo() if on_undo is not None else None
                try:
                    with transaction.atomic():
                        write(record)
                except (ValidationError, IntegrityError, DataError) as exc:
                    report.restore(saved)
                    if restore is not None:
                        restore()
                    failed.append(RowError(row_of(record), "", database_reason(exc)))
            if dry_run or (failed and not keep_valid):
                raise _RollbackError
    except _RollbackError:
        pass
    report.errors = sorted(report.errors + failed, key=lambda error: error.row)
    if failed and not keep_valid:
        report.rejected = True
        report.clear_tallies()
    report.applied = not dry_run and not report.rejected


def parse_settle(*, report: ImportReport, table: Table, keep_valid: bool) -> bool:
    """Gather the rows' errors and warnings into the report; whether writing may go ahead.

    A file with a bad row is rejected as a whole unless `keep_valid`; then the rejected rows
    are offered as a CSV with their reasons.
    """
    report.rows_read = len(table.rows)
    for row in table.rows:
        report.errors += row.errors
        report.warnings += row.warnings
    report.errors.sort(key=lambda error: error.row)
    if report.errors and not keep_valid:
        report.rejected = True
        return False
    if report.errors:
        report.rejected_rows_csv = rejected_rows_csv(table, report.errors)
    return True


def rejected_rows_csv(table: Table, errors: Iterable[RowError]) -> str:
    """The rejected rows as the file had them, each with its row number, column and reason."""
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        if error.row > 0:
            by_row.setdefault(error.row, []).append(error)
    width = len(table.header)
    rows = [
        [
            *(row.raw + [""] * width)[:width],
            row.number,
            "; ".join(dict.fromkeys(error.column for error in by_row[row.number] if error.column)),
            "; ".join(error.reason for error in by_row[row.number]),
        ]
        for row in table.rows
        if row.number in by_row
    ]
    header = [*table.header, _("rejected row"), _("rejected column"), _("rejected reason")]
    return csv_text(header, rows)
