"""Read the CFPB Consumer Complaint Database export (18-column classic or 16-column current).

The file is read through `cxgov.core.imports`, so any encoding, CSV or XLSX, and gzip are
accepted within the site's limits. A row is rejected only when it cannot be used: no
complaint id or a date received that is not a date. An empty product or issue is a warning and
the complaint is filed under "Product not given" or "Issue not given". Valid rows go to
`services.complaints_import` in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.imports import (
    FileRejectedError,
    ImportReport,
    Row,
    RowError,
    Source,
    Table,
    parse_settle,
    read_table,
    rows_keep_first,
    shown,
)
from cxgov.core.models import Agency, User

from .models import Channel

# Normalised names (see cxgov.core.imports.normalise_header) of the columns a file must have.
REQUIRED = ("date_received", "product", "complaint_id")
CHANNELS = {
    "web": Channel.WEB,
    "web referral": Channel.WEB,
    "phone": Channel.PHONE,
    "postal mail": Channel.POSTAL_MAIL,
    "fax": Channel.POSTAL_MAIL,
    "email": Channel.EMAIL,
    "referral": Channel.IMPORT,
}
# Stored as category names, so the same in every language.
PRODUCT_NOT_GIVEN = "Product not given"
ISSUE_NOT_GIVEN = "Issue not given"
_EXTRA = {
    "sub-product": "Sub-product",
    "sub-issue": "Sub-issue",
    "company": "Company",
    "state": "State",
    "tags": "Tags",
}
_LIMITS = {"product": 200, "issue": 200, "company_response_to_consumer": 200}


@dataclass
class ImportedComplaint:
    """One parsed CFPB row."""

    row: int
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
    extra: dict[str, object] = field(default_factory=dict)


def _yes_no(row: Row, column: str) -> bool | None:
    value = row.get(column).lower()
    if value in {"yes", "no"}:
        return value == "yes"
    if value not in {"", "n/a", "na"}:  # the export writes N/A where the question did not apply
        row.warn(
            column,
            _("%(value)s is not Yes or No, so it is left unknown.") % {"value": shown(value)},
        )
    return None


def _complaint(row: Row) -> ImportedComplaint | None:
    source_id = row.text("complaint_id", required=True)
    received = row.date("date_received", formats=("%m/%d/%Y", "%m/%d/%y"), required=True)
    product = row.get("product")
    if not product:
        row.warn(
            "product",
            _("No product is given: filed under “%(name)s”.") % {"name": PRODUCT_NOT_GIVEN},
        )
        product = PRODUCT_NOT_GIVEN
    issue = row.get("issue")
    if not issue:
        row.warn(
            "issue", _("No issue is given: filed under “%(name)s”.") % {"name": ISSUE_NOT_GIVEN}
        )
        issue = ISSUE_NOT_GIVEN
    if len(source_id) > 100:
        row.fail("complaint_id", _("The id is longer than 100 characters."))
    if received is None or not row.ok:
        return None
    via = row.get("submitted_via")
    response = row.get("company_response_to_consumer")
    extra: dict[str, object] = {
        label: row.get(name) for name, label in _EXTRA.items() if row.get(name)
    }
    complaint = ImportedComplaint(
        row=row.number,
        source_id=source_id,
        received=received,
        product=row.fit("product", product, limit=_LIMITS["product"]),
        issue=row.fit("issue", issue, limit=_LIMITS["issue"]),
        narrative=row.get("consumer_complaint_narrative"),
        consent=row.get("consumer_consent_provided?") == "Consent provided",
        channel=CHANNELS.get(via.lower(), Channel.IMPORT),
        submitted_via=via,
        company_response=row.fit("company_response_to_consumer", response, limit=200),
        timely=_yes_no(row, "timely_response?"),
        disputed=_yes_no(row, "consumer_disputed?") is True,
        in_progress=response.lower() == "in progress",
        extra=extra,
    )
    if row.kept:
        complaint.extra["full_text"] = dict(row.kept)
    return complaint


def cfpb_parse(table: Table) -> list[ImportedComplaint]:
    """The usable rows of a CFPB table; problems stay on the rows. A repeated id keeps the first."""
    return rows_keep_first(
        ((row, _complaint(row)) for row in table.rows),
        key=lambda complaint: complaint.source_id,
        column="complaint_id",
        repeated=lambda first: (
            _("The same complaint is already on row %(row)s; that row is kept.") % {"row": first}
        ),
    )


def cfpb_import(
    *,
    actor: User | None,
    agency: Agency,
    file: Source,
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import a CFPB export into an agency's complaints; all or nothing unless `keep_valid`."""
    from .services import complaints_import  # services imports this module's record type

    report = ImportReport(
        format="cfpb",
        dry_run=dry_run,
        kinds={"complaints": gettext_lazy("Complaints"), "categories": gettext_lazy("Categories")},
    )
    try:
        table = read_table(file, required=REQUIRED)
    except FileRejectedError as exc:
        return report.fail(exc.error)
    complaints = cfpb_parse(table)
    if not parse_settle(report=report, table=table, keep_valid=keep_valid):
        return report
    if not complaints:
        return report.fail(RowError(0, "", _("No row could be imported.")))
    with transaction.atomic():
        result = complaints_import(agency=agency, rows=complaints, actor=actor, source="cfpb")
        if dry_run:
            transaction.set_rollback(True)
    report.count("complaints", "created", result.created)
    report.count("complaints", "unchanged", result.skipped)
    report.count("categories", "created", result.categories_created)
    report.applied = not dry_run
    return report
