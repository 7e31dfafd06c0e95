"""Tables shown on pages and offered as CSV: one cell rule, one writer, one page helper.

Every CSV the project writes (staff and public downloads, feeds, zips, commands) goes through
`csv_lines`, so no cell reaches a spreadsheet as a live formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, overload

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Link:
    """A table cell that links; in CSV it is its text, or its address if `csv_url`."""

    text: str
    url: str
    csv_url: bool = False

    def __str__(self) -> str:
        return self.url if self.csv_url else self.text


@dataclass
class Table:
    """A table shown on a page and offered as a CSV download under `?download=<id>`."""

    id: str
    caption: str
    header: Sequence[str]
    rows: list[list[Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The table as JSON-ready values, for a page's prepared figures (decision 0063)."""
        return {
            "id": self.id,
            "caption": str(self.caption),
            "header": [str(name) for name in self.header],
            "rows": [[_cell_to_json(cell) for cell in row] for row in self.rows],
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Table:
        """The table `to_json` wrote."""
        return cls(
            value["id"],
            value["caption"],
            list(value["header"]),
            [[_cell_from_json(cell) for cell in row] for row in value["rows"]],
        )


def _cell_to_json(cell: Any) -> Any:
    """Text and numbers as they are (a page formats them as before), a link as a small object,
    anything else (lazy translations, decimals, dates) as the text it shows."""
    if cell is None or isinstance(cell, str | int | float):
        return cell
    if isinstance(cell, Link):
        return {"link": cell.text, "url": cell.url, "csv_url": cell.csv_url}
    return str(cell)


def _cell_from_json(cell: Any) -> Any:
    if isinstance(cell, dict):
        return Link(cell["link"], cell["url"], cell["csv_url"])
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cell(value: Any) -> str:
    """A cell as text that a spreadsheet will not run as a formula.

    A leading = @ tab or carriage return is always quoted; a leading + or - only when the cell
    is not a plain signed number, so "-1.5" stays a number.
    """
    text = "" if value is None else str(value)
    first = text[:1]
    if first in {"=", "@", "\t", "\r"} or (first in {"+", "-"} and not _is_number(text)):
        return "'" + text
    return text


def csv_row(row: Iterable[Any]) -> list[str]:
    """Every cell of a row made safe by `csv_cell`."""
    return [csv_cell(cell) for cell in row]


def dict_rows(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """Rows given as dicts, as lists in the order of `columns` (a missing key is empty)."""
    for row in rows:
        yield [row.get(column, "") for column in columns]


class _Echo:
    """A file that hands back what is written, so `csv.writer` yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, line_end: str = "\r\n"
) -> Iterator[str]:
    """CSV text line by line: the header (if any), then each row, every cell made safe."""
    writer = csv.writer(_Echo(), lineterminator=line_end)
    if header is not None:
        yield writer.writerow(csv_row(header))
    for row in rows:
        yield writer.writerow(csv_row(row))


def csv_text(
    header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, line_end: str = "\r\n"
) -> str:
    """CSV text: the header, then each row with every cell made safe by `csv_cell`."""
    return "".join(csv_lines(header, rows, line_end=line_end))


def _attach(
    response: HttpResponse | StreamingHttpResponse | FileResponse, filename: str, inline: bool
) -> None:
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'


def csv_response(
    header: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    inline: bool = False,
    line_end: str = "\r\n",
) -> HttpResponse:
    """A CSV download built in memory."""
    return file_response(
        csv_text(header, rows, line_end=line_end),
        content_type=CSV_TYPE,
        filename=filename,
        inline=inline,
    )


@overload
def file_response(
    content: bytes | str, *, content_type: str, filename: str, inline: bool = False
) -> HttpResponse: ...


@overload
def file_response(
    content: IO[bytes], *, content_type: str, filename: str, inline: bool = False
) -> FileResponse: ...


def file_response(
    content: bytes | str | IO[bytes],
    *,
    content_type: str,
    filename: str,
    inline: bool = False,
) -> HttpResponse | FileResponse:
    """A file (PDF, zip, image, a data file), as a download or shown `inline`.

    Bytes or text built in memory are sent whole; an open binary file (a temporary file the
    caller built) is streamed in blocks and closed when sent.
    """
    response: HttpResponse | FileResponse
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    _attach(response, filename, inline)
    return response


def csv_stream_response(
    header: Sequence[Any] | None,
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    line_end: str = "\r\n",
) -> StreamingHttpResponse:
    """A CSV download sent line by line, for files too large to hold in memory."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, line_end=line_end), content_type=CSV_TYPE
    )
    _attach(response, filename, False)
    return response


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as a CSV download named `<filename>-<table id>.csv`."""
    return csv_response(table.header, table.rows, filename=f"{filename}-{table.id}.csv")


def page_query(request: HttpRequest) -> str:
    """The filters of this request as a query string, without paging or download."""
    params = request.GET.copy()
    for name in ("download", "page"):
        params.pop(name, None)
    return params.urlencode()


def tables_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    tables: Sequence[Table],
    filename: str,
    status: int = 200,
) -> HttpResponse:
    """Render a staff page with its tables, or one table as CSV when `?download=<id>` asks.

    The page's filters are in `query`, so its download links keep them.
    """
    wanted = request.GET.get("download")
    if wanted:
        for table in tables:
            if table.id == wanted:
                return table_csv_response(table, filename)
        raise Http404
    context = {
        "query": page_query(request),
        **context,
        "tables": {table.id: table for table in tables},
        "nav_section": "staff",
    }
    return render(request, template, context, status=status)
