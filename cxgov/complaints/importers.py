"""Read the CFPB Consumer Complaint Database CSV export (18-column classic or 16-column current).

Every row is parsed first; any bad row stops the import with a list of (row, field, reason),
and nothing is written. Valid files go to `services.complaints_import` in one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from .models import Channel

REQUIRED = (
    "Date received",
    "Product",
    "Issue",
    "Submitted via",
    "Company response to consumer",
    "Timely response?",
    "Complaint ID",
)
CHANNELS = {
    "web": Channel.WEB,
    "web referral": Channel.WEB,
    "phone": Channel.PHONE,
    "postal mail": Channel.POSTAL_MAIL,
    "fax": Channel.POSTAL_MAIL,
    "email": Channel.EMAIL,
    "referral": Channel.IMPORT,
}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.reason}"


class ComplaintImportError(Exception):
    """The file was refused; `errors` says where and why."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:20]))
        self.errors = errors


@dataclass
class ImportedComplaint:
    """One parsed CFPB row."""

    source_id: str
    received: date
    product: str
    issue: str
    narrative: str
    consent: bool
    channel: str
    submitted_via: str
    company_response: str
    timely: bool | None
    disputed: bool
    in_progress: bool
    extra: dict[str, str] = field(default_factory=dict)


def _date(raw: str) -> date | None:
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _yes_no(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value == "yes":
        return True
    if value == "no":
        return False
    return None


def parse_cfpb(content: bytes | str) -> list[ImportedComplaint]:
    """Parse a CFPB export; raise ComplaintImportError listing every bad row."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ComplaintImportError([RowError(0, "file", "is not UTF-8 text")]) from None
    else:
        text = content.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ComplaintImportError(
            [RowError(1, name, "column is missing from the header") for name in missing]
        )
    reader.fieldnames = header
    rows: list[ImportedComplaint] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    try:
        for number, raw in enumerate(reader, start=2):
            if number > MAX_ROWS:
                errors.append(RowError(number, "file", f"has more than {MAX_ROWS} rows"))
                break
            row = {key: (value or "").strip() for key, value in raw.items() if key}
            if None in raw:
                errors.append(RowError(number, "row", "has more fields than the header"))
                continue
            received = _date(row["Date received"])
            if received is None:
                errors.append(RowError(number, "Date received", "is not a date"))
            for name in ("Product", "Issue", "Complaint ID"):
                if not row[name]:
                    errors.append(RowError(number, name, "is empty"))
            if row["Complaint ID"] in seen:
                errors.append(RowError(number, "Complaint ID", "appears twice in the file"))
            seen.add(row["Complaint ID"])
            timely_raw = row["Timely response?"]
            timely = _yes_no(timely_raw)
            if timely_raw and timely is None:
                errors.append(RowError(number, "Timely response?", "is not Yes or No"))
            via = row["Submitted via"]
            if received is None or not row["Product"] or not row["Issue"]:
                continue
            rows.append(
                ImportedComplaint(
                    source_id=row["Complaint ID"][:100],
                    received=received,
                    product=row["Product"][:200],
                    issue=row["Issue"][:200],
                    narrative=row.get("Consumer complaint narrative", ""),
                    consent=row.get("Consumer consent provided?", "") == "Consent provided",
                    channel=CHANNELS.get(via.lower(), Channel.IMPORT),
                    submitted_via=via[:40],
                    company_response=row["Company response to consumer"][:200],
                    timely=timely,
                    disputed=_yes_no(row.get("Consumer disputed?", "")) is True,
                    in_progress=row["Company response to consumer"].lower() == "in progress",
                    extra={
                        key: row.get(key, "")[:200]
                        for key in ("Sub-product", "Sub-issue", "Company", "State", "Tags")
                        if row.get(key)
                    },
                )
            )
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "file", f"is not valid CSV ({error})"))
    if errors:
        raise ComplaintImportError(errors)
    return rows
