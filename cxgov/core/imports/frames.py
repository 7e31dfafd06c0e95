"""Reading a large file into columns instead of rows, within the same policy as `read_table`.

For importers that parse whole columns at once (standards events): the same bytes, encodings,
delimiters, gzip, workbooks, header checks, row numbers and limits as `read_table`, and Parquet
besides. A Parquet file is first checked from its own description (`parquet.parquet_check`:
rows and unpacked page sizes against `IMPORT_MAX_ROWS` and `IMPORT_MAX_BYTES`) and is then read
a slice at a time, so that values repeated from a dictionary cannot unpack past
`IMPORT_MAX_BYTES` either.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from cxgov.core.imports.errors import FileRejectedError, RowError
from cxgov.core.imports.parquet import MAGIC as PARQUET_MAGIC
from cxgov.core.imports.parquet import parquet_check
from cxgov.core.imports.reading import (
    Row,
    Source,
    Table,
    file_records,
    header_check,
    header_read,
    max_bytes,
    max_rows,
    normalise_header,
    read_bytes,
    too_big,
    too_many_rows,
)

# Unpacked bytes read from a Parquet file at a time; the slice shrinks when rows are wide.
_SLICE_BYTES = 4 * 1024 * 1024
_TEXT = (pl.String, pl.Categorical, pl.Enum)


@dataclass
class Frame:
    """A file's columns (by normalised name), its header as written, and each row's number.

    `numbers[i]` is the spreadsheet row of the i-th data row (header = row 1). `errors` holds
    rows already refused while reading (more cells than the header names).
    """

    data: pl.DataFrame
    header: list[str]
    numbers: np.ndarray
    errors: list[RowError] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, str]:
        return dict(zip(self.data.columns, self.header, strict=True))

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def rows_table(self, errors: Iterable[RowError]) -> Table:
        """The rows named by `errors` as a `Table`, for `rejected_rows_csv`."""
        wanted = np.isin(self.numbers, [error.row for error in errors])
        picked = self.data.filter(pl.Series(wanted)).select(pl.all().cast(pl.Utf8).fill_null(""))
        rows = [
            Row(int(number), {}, self.labels, raw=list(values))
            for number, values in zip(self.numbers[wanted], picked.iter_rows(), strict=True)
        ]
        return Table(columns=list(self.data.columns), header=self.header, rows=rows)


def frame_of(data: pl.DataFrame, *, first_row: int = 2) -> Frame:
    """A frame made in memory (an API batch, generated data), numbered from `first_row`."""
    return Frame(data, list(data.columns), np.arange(first_row, first_row + data.height))


def read_frame(source: Source, *, normalise: Callable[[str], str] = normalise_header) -> Frame:
    """The file as columns, or FileRejectedError saying in plain words why it cannot be read."""
    data = read_bytes(source)
    if isinstance(data, bytes) and data.startswith(PARQUET_MAGIC):
        return _parquet_frame(data, normalise=normalise)
    records = file_records(data)
    header, columns = header_read(records, required=[], normalise=normalise)
    cells: list[list[str]] = [[] for _column in columns]
    numbers: list[int] = []
    errors: list[RowError] = []
    width, limit = len(columns), max_rows()
    for number, values in enumerate(records, start=2):
        if not any(value.strip() for value in values):
            continue  # a blank line, as spreadsheets leave at the end
        if len(numbers) >= limit:
            raise too_many_rows()
        if any(value.strip() for value in values[width:]):
            errors.append(
                RowError(
                    number,
                    "",
                    _("The row has %(cells)s cells but the header names %(columns)s columns.")
                    % {"cells": len(values), "columns": width},
                )
            )
        values = values + [""] * (width - len(values))
        for column, value in zip(cells, values, strict=False):
            column.append(value)
        numbers.append(number)
    if not numbers:
        raise FileRejectedError(_("The file has a header but no data rows."))
    named = {
        name or f"column_{index + 1}": column
        for index, (name, column) in enumerate(zip(columns, cells, strict=True))
    }
    frame = pl.DataFrame(named, schema=dict.fromkeys(named, pl.Utf8))
    return Frame(frame, header, np.asarray(numbers, dtype=np.int64), errors)


def _parquet_frame(data: bytes, *, normalise: Callable[[str], str]) -> Frame:
    rows = parquet_check(data)
    if rows == 0:
        raise FileRejectedError(_("The file has a header but no data rows."))
    try:
        scan = pl.scan_parquet(io.BytesIO(data))
        header = list(scan.collect_schema().names())
        frame = _slices(scan, rows)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRejectedError(_("The file looks like Parquet but cannot be read.")) from exc
    columns = [normalise(name) for name in header]
    header_check(columns, header, required=[])
    return Frame(frame.rename(dict(zip(header, columns, strict=True))), header, _numbers(rows))


def _slices(scan: pl.LazyFrame, rows: int) -> pl.DataFrame:
    """The whole table, unpacked a slice at a time and refused once past the size limit."""
    limit, total, offset, step = max_bytes(), 0, 0, 1000
    parts = []
    while offset < rows:
        part = scan.slice(offset, step).collect()
        size = _unpacked(part)
        total += size
        if total > limit:
            raise too_big(unpacked=True)
        parts.append(part)
        offset += part.height or step
        step = int(min(50_000, max(100, step * _SLICE_BYTES // max(size, 1))))
    return pl.concat(parts, how="vertical")


def _unpacked(part: pl.DataFrame) -> int:
    """Bytes the slice takes once every text value is spelled out (dictionaries unpacked)."""
    nested = [name for name, kind in part.schema.items() if kind.is_nested()]
    if nested:
        raise FileRejectedError(
            _("The column %(name)s holds lists or records; only plain values can be read.")
            % {"name": nested[0]}
        )
    texts = [name for name, kind in part.schema.items() if kind in _TEXT]
    spelled = (
        part.select(
            pl.sum_horizontal(pl.col(name).cast(pl.Utf8).str.len_bytes().sum() for name in texts)
        ).item()
        if texts
        else 0
    )
    return int(spelled or 0) + int(part.drop(texts).estimated_size())


def _numbers(rows: int) -> np.ndarray:
    return np.arange(2, rows + 2)
