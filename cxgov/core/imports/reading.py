"""Reading an uploaded file into a table of rows, the same way for every import.

A file may be CSV (any common delimiter: comma, semicolon, tab or bar; LF, CRLF or CR line
ends), an Excel workbook (.xlsx, first sheet) or either of those compressed with gzip. CSV text
may be UTF-8 with or without a byte-order mark, UTF-16 with one, or Windows-1252/Latin-1 (the
fallback when the bytes are not UTF-8). The limits `IMPORT_MAX_BYTES` and `IMPORT_MAX_ROWS` come
from settings and apply to every import alike.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first data row is
row 2, a blank line still takes its number and a cell with line breaks counts as one row.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import re
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from cxgov.core.imports.errors import FileRejectedError, RowError, shown

Source = bytes | str | Path | IO[bytes] | IO[str]
T = TypeVar("T")

_DELIMITERS = ",;\t|"
_MEGABYTE = 1024 * 1024


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


# What an upload field accepts, for its `accept` attribute.
UPLOAD_ACCEPT = ".csv,.tsv,.txt,.xlsx,.gz,text/csv"


def upload_help_text() -> str:
    """The import policy in words, for an upload field's help text."""
    return _(
        "A CSV file in any common encoding, or an XLSX workbook; either may be gzipped. "
        "At most %(upload)s to upload, %(size)s once unzipped, and %(rows)s rows."
    ) % {
        "upload": filesizeformat(settings.REQUEST_MAX_BYTES),
        "size": filesizeformat(max_bytes()),
        "rows": number_format(max_rows(), force_grouping=True),
    }


# Read when the form is shown, so the text follows the settings.
upload_help = lazy(upload_help_text, str)()


def too_big(*, unpacked: bool = False) -> FileRejectedError:
    """The file is over `IMPORT_MAX_BYTES`, as stored or (`unpacked`) once unpacked."""
    size = max_bytes()
    if unpacked:
        limit = f"{round(size / _MEGABYTE)} MB" if size >= _MEGABYTE else f"{size} bytes"
        return FileRejectedError(
            _(
                "The file is larger than %(limit)s once unpacked (IMPORT_MAX_BYTES); split it "
                "into smaller files."
            )
            % {"limit": limit}
        )
    if size >= _MEGABYTE:
        return FileRejectedError(
            _("The file is larger than %(n)s MB.") % {"n": round(size / _MEGABYTE)}
        )
    return FileRejectedError(_("The file is larger than %(n)s bytes.") % {"n": size})


def too_many_rows() -> FileRejectedError:
    return FileRejectedError(
        _("The file has more than %(n)s data rows; split it into smaller files.")
        % {"n": max_rows()}
    )


def normalise_header(name: str) -> str:
    """A column name as importers look it up: trimmed, lower case, runs of spaces as one `_`."""
    return re.sub(r"\s+", "_", name.replace("\ufeff", "").strip().lower())


# --- bytes -----------------------------------------------------------------------------------


def read_bytes(source: Source) -> bytes | str:
    """The raw content of a path, an upload or a string, refused when over the size limit."""
    limit = max_bytes()
    try:
        if isinstance(source, Path):
            if source.stat().st_size > limit:
                raise too_big()
            data: bytes | str = source.read_bytes()
        elif isinstance(source, (bytes, str)):
            data = source
        else:
            if source.seekable():
                source.seek(0)  # an upload may have been read already, e.g. by a form check
            data = source.read(limit + 1)
    except OSError as exc:
        raise FileRejectedError(
            _("The file cannot be read (%(why)s).") % {"why": exc.strerror or exc}
        ) from exc
    if len(data) > limit:
        raise too_big()
    if isinstance(data, bytes) and data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limit)
    return data


def _gunzip(data: bytes, limit: int) -> bytes:
    # Unpacked as a stream and stopped one byte past the limit: a small gzip of repeated bytes
    # never gets to unpack in full.
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            content = unzipped.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FileRejectedError(
            _("The file looks compressed (gzip) but cannot be unpacked.")
        ) from exc
    if len(content) > limit:
        raise too_big(unpacked=True)
    return content


def decode(data: bytes) -> str:
    """Text from bytes: UTF-16 or UTF-8 by their byte-order mark, else UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRejectedError(_("The file says it is UTF-16 text but is not.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- the table -------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its cells by normalised column name, and what went wrong with it.

    `fail` records an error that rejects the row; `warn` a warning that does not. Both take the
    normalised column name and report the column as the file's header writes it.
    """

    number: int
    cells: dict[str, str]
    labels: dict[str, str]
    raw: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)

    def has(self, column: str) -> bool:
        """Whether the file has this column at all."""
        return column in self.labels

    def get(self, column: str) -> str:
        """The cell, trimmed; blank when the column is absent."""
        return self.cells.get(column, "").strip()

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, self.label(column) if column else "", reason))

    def warn(self, column: str, reason: str) -> None:
        self.warnings.append(RowError(self.number, self.label(column) if column else "", reason))

    @property
    def ok(self) -> bool:
        return not self.errors

    # Typed cells: each returns None for a blank cell and records an error for a bad one.

    def text(self, column: str, *, required: bool = False) -> str:
        """A text cell as written (trimmed), never cut; a blank required cell is an error."""
        value = self.get(column)
        if required and not value:
            self.fail(column, _("This cell is empty, but it is required."))
        return value

    def fit(self, column: str, value: str, *, limit: int | None) -> str:
        """Free text cut to a field that holds at most `limit` characters, never lost.

        The full text goes to `kept` (by the column as written), for the importer to store
        with the record's source details, and a warning says so.
        """
        if limit is None or len(value) <= limit:
            return value
        self.kept[self.label(column)] = value
        self.warn(
            column,
            _(
                "The text has %(length)s characters; the first %(limit)s are shown and the "
                "full text is kept with the imported details."
            )
            % {"length": len(value), "limit": limit},
        )
        return value[:limit]

    def whole(self, column: str, *, missing: Iterable[str] = ()) -> int | None:
        """A whole number of 0 or more (`1,234` and `12.0` accepted); `missing` values are None."""
        raw = self.get(column)
        if not raw or raw.upper() in {value.upper() for value in missing}:
            return None
        plain = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.0+)?", raw) else raw
        if not re.fullmatch(r"\d{1,18}(\.0+)?", plain):
            self.fail(
                column, _("%(value)s is not a whole number of 0 or more.") % {"value": shown(raw)}
            )
            return None
        return int(plain.split(".")[0])

    def decimal(self, column: str) -> Decimal | None:
        """A decimal number (a leading $ and thousands commas allowed)."""
        raw = self.get(column)
        if not raw:
            return None
        try:
            value = Decimal(raw.removeprefix("$").replace(",", "")) if len(raw) <= 40 else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.fail(column, _("%(value)s is not a number.") % {"value": shown(raw)})
            return None
        return value

    def date(
        self, column: str, *, formats: Iterable[str], required: bool = False
    ) -> datetime.date | None:
        """A date in one of `formats` (strptime patterns); ISO dates are always accepted."""
        raw = self.get(column)
        if not raw:
            if required:
                self.fail(column, _("This cell is empty, but it is required."))
            return None
        for pattern in (*formats, "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(
                    raw[:10] if pattern == "%Y-%m-%d" else raw, pattern
                ).date()
            except ValueError:
                continue
        self.fail(column, _("%(value)s is not a date.") % {"value": shown(raw)})
        return None

    def flag(self, column: str, *, default: bool | None = None) -> bool | None:
        """Yes or no (yes/no, y/n, true/false, 1/0); blank is `default`."""
        raw = self.get(column).lower()
        if not raw:
            return default
        if raw in {"yes", "y", "true", "t", "1"}:
            return True
        if raw in {"no", "n", "false", "f", "0"}:
            return False
        self.fail(column, _("%(value)s is not yes or no.") % {"value": shown(self.get(column))})
        return default


@dataclass
class Table:
    """A file's header (normalised names, and the names as written) and its non-blank rows."""

    columns: list[str]
    header: list[str]
    rows: list[Row]

    @property
    def labels(self) -> dict[str, str]:
        return dict(zip(self.columns, self.header, strict=True))


def rows_keep_first(
    parsed: Iterable[tuple[Row, T | None]],
    *,
    key: Callable[[T], Hashable],
    column: str,
    repeated: Callable[[int], str],
) -> list[T]:
    """The parsed records (None: a row already failed) whose key is new in the file.

    A record whose key an earlier row had is left out with a warning on its own row, at
    `column`, saying `repeated(number of the row kept)`.
    """
    kept: list[T] = []
    first: dict[Hashable, int] = {}
    for row, record in parsed:
        if record is None:
            continue
        if key(record) in first:
            row.warn(column, repeated(first[key(record)]))
            continue
        first[key(record)] = row.number
        kept.append(record)
    return kept


def read_table(
    source: Source,
    *,
    required: Iterable[str] = (),
    normalise: Callable[[str], str] = normalise_header,
    allow_empty: bool = False,
) -> Table:
    """The file as a table, or FileRejectedError saying in plain words why it cannot be read.

    `required` columns are given by their normalised names. `normalise` turns a header cell
    into the name importers use (for example removing a prefix some exports add).
    """
    records = file_records(read_bytes(source))
    return _table(records, required=list(required), normalise=normalise, allow_empty=allow_empty)


def file_records(data: bytes | str) -> Iterator[list[str]]:
    """The records (header first) of a file's content: a workbook's first sheet, or CSV."""
    if isinstance(data, bytes) and data.startswith(b"PK\x03\x04"):
        return iter(_xlsx_records(data))
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if "\x00" in text:
        raise FileRejectedError(
            _("The file contains NUL characters, so it is not a CSV text file.")
        )
    if not text.strip():
        raise FileRejectedError(_("The file is empty."))
    return _csv_records(text)


def _table(
    records: Iterator[list[str]],
    *,
    required: list[str],
    normalise: Callable[[str], str],
    allow_empty: bool,
) -> Table:
    written, columns = header_read(records, required=required, normalise=normalise)
    labels = {name: label for name, label in zip(columns, written, strict=True) if name}
    limit = max_rows()
    rows: list[Row] = []
    for number, values in enumerate(records, start=2):
        if not any(value.strip() for value in values):
            continue  # a blank line, as spreadsheets leave at the end
        if len(rows) >= limit:
            raise too_many_rows()
        cells = {name: value for name, value in zip(columns, values, strict=False) if name}
        row = Row(number, cells, labels, raw=values)
        if any(value.strip() for value in values[len(columns) :]):
            row.fail(
                "",
                _("The row has %(cells)s cells but the header names %(columns)s columns.")
                % {"cells": len(values), "columns": len(columns)},
            )
        rows.append(row)
    if not rows and not allow_empty:
        raise FileRejectedError(_("The file has a header but no data rows."))
    return Table(columns=columns, header=written, rows=rows)


def header_read(
    records: Iterator[list[str]], *, required: list[str], normalise: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    """The header's names as written and as normalised, checked; the records move past it."""
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header):
        raise FileRejectedError(_("The file is empty: it needs a header row naming the columns."))
    written = [cell.replace("\ufeff", "").strip() for cell in header]
    columns = [normalise(cell) for cell in written]
    header_check(columns, written, required=required)
    return written, columns


def header_check(columns: list[str], written: list[str], *, required: list[str]) -> None:
    """Refuse a header that repeats a column or lacks a required one."""
    seen: set[str] = set()
    for name, label in zip(columns, written, strict=True):
        if name and name in seen:
            raise FileRejectedError(
                _("The column %(name)s appears more than once in the header.") % {"name": label}
            )
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise FileRejectedError(
            _(
                "The file is missing required columns: %(names)s (the first row must name "
                "the columns; is this the right format?)"
            )
            % {"names": ", ".join(missing)}
        )


def _delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab | outside quotes."""
    first = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {char: first.count(char) for char in _DELIMITERS}
    best = max(counts, key=lambda char: counts[char])
    return best if counts[best] else ","


def _csv_records(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    record = 1
    try:
        for record, values in enumerate(reader, start=1):  # noqa: B007 (used after the loop)
            yield values
    except csv.Error as exc:
        raise FileRejectedError(_csv_problem(exc, row=record + 1)) from exc


def _csv_problem(exc: csv.Error, *, row: int) -> str:
    """Python's CSV error in plain words, at the spreadsheet row where reading stopped."""
    message = str(exc)
    if "unexpected end of data" in message:
        return _(
            'A quoted cell that starts in row %(row)s or after it is never closed (a " is missing).'
        ) % {"row": row}
    if "expected after" in message:
        return _("In row %(row)s, a closing quote is followed by more text in the same cell.") % {
            "row": row
        }
    if "field larger than field limit" in message:
        return _("A cell in row %(row)s is too long to be read.") % {"row": row}
    return _("The file cannot be read as CSV at row %(row)s.") % {"row": row}


def _xlsx_records(data: bytes) -> list[list[str]]:
    """The first sheet of a workbook, every cell as text."""
    from openpyxl import load_workbook  # imported here: only workbook uploads need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a zip that is not a workbook
        raise FileRejectedError(
            _("The file is a zip file but not an Excel workbook (.xlsx); save it as CSV or .xlsx.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        records = [
            [_xlsx_cell(value) for value in values] for values in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    if len(records) > max_rows() + 1:
        raise too_many_rows()
    return records


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
