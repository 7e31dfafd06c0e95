"""Reading a Parquet upload within the import limits, checked before anything is unpacked.

A Parquet file is small when its data repeat, and unpacks to far more: a file of a few hundred
kilobytes can hold millions of rows or one cell of hundreds of megabytes. Before polars reads a
byte of data, the file's own description is checked: the footer's row counts, and the header of
every page, whose sizes the decoder must honour (`IMPORT_MAX_ROWS` rows and values per column,
`IMPORT_MAX_BYTES` unpacked). The table polars then builds shares repeated values, so its full
size is checked once more before any importer works on it.

The footer and page headers are Thrift "compact protocol" structures; the small reader below
decodes only what the checks need, with bounds on every length it reads.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from cxgov.core.imports.errors import FileRejectedError
from cxgov.core.imports.reading import Source, max_bytes, max_rows, read_bytes, too_big

MAGIC = b"PAR1"
_MAX_DEPTH = 16


class _MalformedError(Exception):
    """The bytes are not the Thrift structure they should be."""


class _Compact:
    """A reader of Thrift compact-protocol structs: {field id: value}, lists as lists."""

    def __init__(self, data: bytes, position: int = 0, end: int | None = None) -> None:
        self.data = data
        self.position = position
        self.end = len(data) if end is None else min(end, len(data))

    def _byte(self) -> int:
        if self.position >= self.end:
            raise _MalformedError
        value = self.data[self.position]
        self.position += 1
        return value

    def _varint(self) -> int:
        result = shift = 0
        while True:
            byte = self._byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise _MalformedError

    def _zigzag(self) -> int:
        value = self._varint()
        return (value >> 1) ^ -(value & 1)

    def _take(self, size: int) -> bytes:
        if size < 0 or self.position + size > self.end:
            raise _MalformedError
        chunk = self.data[self.position : self.position + size]
        self.position += size
        return chunk

    def _value(self, kind: int, depth: int) -> Any:
        if kind in (1, 2):
            return kind == 1
        if kind == 3:
            return struct.unpack("b", self._take(1))[0]
        if kind in (4, 5, 6):
            return self._zigzag()
        if kind == 7:
            return struct.unpack("<d", self._take(8))[0]
        if kind == 8:
            return self._take(self._varint())
        if kind in (9, 10):
            header = self._byte()
            size = header >> 4 if header >> 4 != 15 else self._varint()
            element = header & 0x0F
            if size > self.end - self.position:  # every element takes at least a byte
                raise _MalformedError
            if element in (1, 2):
                return [self._byte() == 1 for _index in range(size)]
            return [self._value(element, depth + 1) for _index in range(size)]
        if kind == 11:
            size = self._varint()
            if size == 0:
                return {}
            types = self._byte()
            if 2 * size > self.end - self.position:
                raise _MalformedError
            return {
                self._value(types >> 4, depth + 1): self._value(types & 0x0F, depth + 1)
                for _index in range(size)
            }
        if kind == 12:
            return self.read_struct(depth + 1)
        raise _MalformedError

    def read_struct(self, depth: int = 0) -> dict[int, Any]:
        if depth > _MAX_DEPTH:
            raise _MalformedError
        fields: dict[int, Any] = {}
        last = 0
        while True:
            header = self._byte()
            kind = header & 0x0F
            if kind == 0:
                return fields
            delta = header >> 4
            last = last + delta if delta else self._zigzag()
            fields[last] = self._value(kind, depth)


def _footer(data: bytes) -> dict[int, Any]:
    if len(data) < 12 or not data.startswith(MAGIC) or not data.endswith(MAGIC):
        raise FileRejectedError(_("The file is not a Parquet file."))
    (length,) = struct.unpack("<I", data[-8:-4])
    if length <= 0 or length > len(data) - 12:
        raise FileRejectedError(_("The Parquet file is damaged: its footer cannot be read."))
    return _Compact(data, len(data) - 8 - length, len(data) - 8).read_struct()


def _page_totals(data: bytes, chunk: dict[int, Any]) -> tuple[int, int]:
    """(bytes unpacked, values) of one column chunk, summed from its page headers."""
    first = chunk.get(9, 0)
    if chunk.get(11):
        first = min(first, chunk[11])
    end = first + chunk.get(7, 0)
    if first < 4 or end > len(data) - 8:
        raise _MalformedError
    unpacked = values = 0
    position = first
    while position < end:
        reader = _Compact(data, position, end)
        page = reader.read_struct()
        size, stored = page.get(2, -1), page.get(3, -1)
        if size < 0 or stored < 0:
            raise _MalformedError
        unpacked += size
        for header in (5, 8):  # data pages, version 1 and 2
            if header in page:
                values += max(0, page[header].get(1, 0))
        position = reader.position + stored
    return unpacked, values


def parquet_check(data: bytes) -> int:
    """The rows of a Parquet file, refused if it would unpack to more rows or bytes than an
    import takes."""
    row_limit, byte_limit = max_rows(), max_bytes()
    try:
        footer = _footer(data)
        groups = footer.get(4, [])
        rows = max(footer.get(3, 0), sum(group.get(3, 0) for group in groups))
        if rows > row_limit:
            raise _rows_over(row_limit)
        unpacked = 0
        for group in groups:
            for column in group.get(1, []):
                chunk = column.get(3, {})
                chunk_bytes, chunk_values = _page_totals(data, chunk)
                unpacked += max(chunk_bytes, chunk.get(6, 0))
                if max(chunk_values, chunk.get(5, 0)) > row_limit:
                    raise _rows_over(row_limit)
                if unpacked > byte_limit:
                    raise too_big(unpacked=True)
    except (_MalformedError, AttributeError, TypeError) as exc:
        raise FileRejectedError(
            _("The Parquet file is damaged: its description of its own contents cannot be read.")
        ) from exc
    return int(rows)


def _rows_over(limit: int) -> FileRejectedError:
    return FileRejectedError(
        _("The file has more than %(n)s data rows; split it into smaller files.") % {"n": limit}
    )


def read_parquet(source: Source) -> pl.DataFrame:
    """A Parquet upload as a table, within `IMPORT_MAX_ROWS` and `IMPORT_MAX_BYTES` unpacked."""
    data = read_bytes(source)
    if isinstance(data, str):
        raise FileRejectedError(_("The file is not a Parquet file."))
    parquet_check(data)
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FileRejectedError(_("The file cannot be read as Parquet.")) from exc
    if frame.height > max_rows():
        raise _rows_over(max_rows())
    if frame.estimated_size() > max_bytes():
        raise too_big(unpacked=True)
    return frame
