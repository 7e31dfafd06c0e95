"""Tables shown on staff pages and offered as CSV: one cell rule, one writer, one page helper."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


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


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text: the header, then each row with every cell made safe by `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as a CSV download named `<filename>-<table id>.csv`."""
    response = HttpResponse(
        csv_text(table.header, table.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.id}.csv"'
    return response


def tables_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    tables: Sequence[Table],
    filename: str,
    status: int = 200,
) -> HttpResponse:
    """Render a staff page with its tables, or one table as CSV when `?download=<id>` asks."""
    wanted = request.GET.get("download")
    if wanted:
        for table in tables:
            if table.id == wanted:
                return table_csv_response(table, filename)
        raise Http404
    context = {**context, "tables": {table.id: table for table in tables}, "nav_section": "staff"}
    return render(request, template, context, status=status)
