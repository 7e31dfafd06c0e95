"""The one problem type every import reports: which file, which row, which column, and why."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, one row or the whole file.

    `row` is the line number a person sees in a spreadsheet: the header is row 1, so the first
    data row is row 2, and a cell with line breaks still counts as one row. Row 0 means the file
    as a whole. `column` is the column's name as the file's header writes it, or blank for the
    whole row. `reason` is already translated into the language of the request or command.
    """

    row: int
    column: str
    reason: str
    file: str = ""

    def __str__(self) -> str:
        if self.row == 0:
            where = _("file")
        elif self.column:
            where = _("row %(row)s, column %(column)s") % {"row": self.row, "column": self.column}
        else:
            where = _("row %(row)s") % {"row": self.row}
        if self.file:
            where = f"{self.file}, {where}"
        return f"{where}: {self.reason}"


class FileRejectedError(Exception):
    """The file as a whole cannot be read; `error` says why (row 0)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.error = RowError(0, "", reason)


def shown(value: str) -> str:
    """A cell value quoted for a message: shortened, with line breaks and controls as spaces."""
    flat = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in value)
    return f'"{flat[:37]}..."' if len(flat) > 40 else f'"{flat}"'
