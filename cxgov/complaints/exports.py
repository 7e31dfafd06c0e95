"""Public anonymised complaint data with CFPB-like columns.

No contact details ever; the narrative only as `selectors.narrative_published` allows: with
consent, after the agency's response (or its waiting period), scrubbed and approved by a
reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from cxgov.core.calendar import AgencyCalendar
from cxgov.core.tables import dict_rows

from .models import Complaint, ComplaintSettings, Review
from .selectors import narrative_published

COLUMNS = [
    "Date received",
    "Product",
    "Issue",
    "Service",
    "Consumer complaint narrative",
    "Company response to consumer",
    "Timely response?",
    "Consumer disputed?",
    "Consumer consent provided?",
    "Submitted via",
    "Status",
    "Complaint ID",
]


def public_row(
    complaint: Complaint, *, settings: ComplaintSettings, now: datetime, calendar: AgencyCalendar
) -> dict[str, str]:
    """One complaint as the public may see it (`settings` and `calendar` of its agency: the
    date received is the agency's local date)."""
    category = complaint.category
    product = issue = ""
    if category is not None:
        product, issue = (
            (category.parent.name, category.name) if category.parent else (category.name, "")
        )
    consent = complaint.consent_to_publish and bool(complaint.what_happened)
    timely = "" if complaint.timely is None else ("Yes" if complaint.timely else "No")
    disputed = {Review.DISPUTED: "Yes", Review.ACCEPTED: "No"}.get(complaint.review, "N/A")
    return {
        "Date received": calendar.local_date(complaint.received_at).isoformat(),
        "Product": product,
        "Issue": issue,
        "Service": complaint.service.name if complaint.service else "",
        "Consumer complaint narrative": narrative_published(
            complaint=complaint, settings=settings, now=now
        ),
        "Company response to consumer": complaint.company_response
        or complaint.get_status_display(),
        "Timely response?": timely,
        "Consumer disputed?": disputed,
        "Consumer consent provided?": "Consent provided" if consent else "Consent not provided",
        "Submitted via": complaint.get_channel_display(),
        "Status": complaint.status,
        "Complaint ID": str(complaint.pk),
    }


def public_csv_rows(
    complaints: Iterable[Complaint],
    *,
    settings: ComplaintSettings,
    now: datetime,
    calendar: AgencyCalendar,
) -> Iterator[list[str]]:
    """The CSV rows under `COLUMNS`, one complaint at a time, for a streaming response."""
    return dict_rows(
        COLUMNS,
        (
            public_row(complaint, settings=settings, now=now, calendar=calendar)
            for complaint in complaints
        ),
    )


def public_json_rows(
    complaints: Iterable[Complaint],
    *,
    settings: ComplaintSettings,
    now: datetime,
    calendar: AgencyCalendar,
) -> list[dict[str, str]]:
    return [
        public_row(complaint, settings=settings, now=now, calendar=calendar)
        for complaint in complaints
    ]
