"""The one import report: rows read, what was created, updated or left unchanged, what was
rejected and why, and warnings. Pages render it with `includes/import_report.html`; commands
print `as_text()`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from cxgov.core.imports.errors import RowError

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Tally:
    """How many records of one kind an import created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)

    def __str__(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or a rejected file, would have done).

    `kinds` names the kinds of record the importer writes, in the order the report shows them,
    with their translated labels; each has a `Tally`, also readable as an attribute
    (`report.services.created`). `errors` rejected rows or the file; `warnings` did not stop a
    row. `applied` is true when the changes were committed; `rejected` when nothing was because
    of errors. `rejected_rows_csv` holds the rejected rows with their reasons when valid rows
    were kept.
    """

    format: str = ""
    kinds: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    rows_read: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rejected: bool = False
    applied: bool = False
    rejected_rows_csv: str = ""

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.tallies.setdefault(kind, Tally())

    def __getattr__(self, name: str) -> Tally:
        tallies = self.__dict__.get("tallies")
        if tallies is None or name not in tallies:
            raise AttributeError(name)
        return tallies[name]

    def tally(self, kind: str) -> Tally:
        """The tally of one kind of record, added on first use."""
        return self.tallies.setdefault(kind, Tally())

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.tally(kind).add(outcome, n)

    def snapshot(self) -> dict[str, Tally]:
        """A copy of the tallies, to restore when a record's writes are undone."""
        return {kind: replace(tally) for kind, tally in self.tallies.items()}

    def restore(self, tallies: dict[str, Tally]) -> None:
        self.tallies = tallies

    def clear_tallies(self) -> None:
        """Nothing was written, so nothing was created or updated either."""
        self.tallies = {kind: Tally() for kind in self.tallies}

    @property
    def notes(self) -> list[RowError]:
        """The warnings (an older name some callers use)."""
        return self.warnings

    @property
    def rows_rejected(self) -> int:
        """How many data rows were not imported."""
        return len({error.row for error in self.errors if error.row > 0})

    @property
    def created(self) -> int:
        return sum(tally.created for tally in self.tallies.values())

    @property
    def updated(self) -> int:
        return sum(tally.updated for tally in self.tallies.values())

    @property
    def unchanged(self) -> int:
        return sum(tally.unchanged for tally in self.tallies.values())

    @property
    def summary_rows(self) -> list[tuple[Any, Tally]]:
        """(label, tally) per kind of record, for the results table of a page."""
        return [(self.kinds.get(kind, kind), tally) for kind, tally in self.tallies.items()]

    @property
    def rejected_rows_href(self) -> str:
        """The rejected rows as a `data:` address a page can offer for download, or blank."""
        if not self.rejected_rows_csv:
            return ""
        encoded = base64.b64encode(self.rejected_rows_csv.encode("utf-8-sig")).decode("ascii")
        return f"data:text/csv;charset=utf-8;base64,{encoded}"

    def fail(self, error: RowError) -> ImportReport:
        """Reject the whole file for one reason; returns the report for a short `return`."""
        self.errors.append(error)
        self.rejected = True
        return self

    def summary_lines(self) -> list[str]:
        """The report as lines, as a command prints them."""
        lines = [f"{kind}: {tally}" for kind, tally in self.tallies.items()]
        lines.append(_("rows read: %(n)s") % {"n": self.rows_read})
        lines.append(_("rows rejected: %(n)s") % {"n": self.rows_rejected})
        lines += [str(error) for error in self.errors[:500]]
        if len(self.errors) > 500:
            lines.append(_("… and %(n)s more problems") % {"n": len(self.errors) - 500})
        lines += [_("warning: %(w)s") % {"w": warning} for warning in self.warnings[:500]]
        if len(self.warnings) > 500:
            lines.append(_("… and %(n)s more warnings") % {"n": len(self.warnings) - 500})
        return lines

    def as_text(self) -> str:
        """The report as plain text for a command's output."""
        return "\n".join(self.summary_lines())
