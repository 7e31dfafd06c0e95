"""One way to import a file, for every importer.

- `read_table(source, required=...)` reads bytes, a path or an upload (CSV in any common
  encoding and delimiter, XLSX, gzip) within `IMPORT_MAX_BYTES` and `IMPORT_MAX_ROWS`, and
  returns a `Table` of `Row`s numbered as a spreadsheet numbers them (header = row 1). It
  raises `FileRejectedError` for a file that cannot be read at all.
- `Row` gives typed cells (`text`, `whole`, `decimal`, `date`, `flag`) and records `RowError`s
  (`fail`: rejects the row) and warnings (`warn`: does not).
- `ImportReport` is the one report: rows read, a `Tally` per kind of record, errors,
  warnings, `as_text()` for commands and `includes/import_report.html` for pages.
- `rows_keep_first` keeps the first row of each key and warns on the repeats.
- `parse_settle` gathers the rows' problems into the report; `records_apply` writes records in
  one transaction (all or nothing, or `keep_valid`), and `rejected_rows_csv` returns the
  rejected rows with their reasons.
- `frames.read_frame` reads the same files (and Parquet) into columns for importers that
  parse whole columns at once, within the same limits; `frames.Frame` numbers its rows alike.
- `read_parquet(source)` reads a Parquet file within the same limits, checking its row counts
  and page sizes before unpacking anything (`parquet_check`).
- `upload_help` and `UPLOAD_ACCEPT` describe the policy on an upload field.
"""

from cxgov.core.imports.applying import (
    database_reason,
    parse_settle,
    records_apply,
    rejected_rows_csv,
)
from cxgov.core.imports.errors import FileRejectedError, RowError, shown
from cxgov.core.imports.parquet import parquet_check, read_parquet
from cxgov.core.imports.reading import (
    UPLOAD_ACCEPT,
    Row,
    Source,
    Table,
    decode,
    max_bytes,
    max_rows,
    normalise_header,
    read_bytes,
    read_table,
    rows_keep_first,
    upload_help,
    upload_help_text,
)
from cxgov.core.imports.report import CREATED, UNCHANGED, UPDATED, ImportReport, Tally

__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "UPLOAD_ACCEPT",
    "FileRejectedError",
    "ImportReport",
    "Row",
    "RowError",
    "Source",
    "Table",
    "Tally",
    "database_reason",
    "decode",
    "max_bytes",
    "max_rows",
    "normalise_header",
    "parquet_check",
    "parse_settle",
    "read_bytes",
    "read_parquet",
    "read_table",
    "records_apply",
    "rejected_rows_csv",
    "rows_keep_first",
    "shown",
    "upload_help",
    "upload_help_text",
]
