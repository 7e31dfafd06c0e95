"""Import service inventories from CSV: our cxgov format, GSA Touchpoints and Canada's SI.

An import has two steps. Parsing turns each row into a plain, validated record without touching
the database. Applying writes the records through `cxgov.registry.services`, so every write
leaves its audit event. A file is one transaction: a file with a bad row changes nothing unless
the caller asks to skip invalid rows, and a dry run computes the same report, then rolls back.
Re-importing a file changes nothing: records are matched by the source's own ids.

The cxgov format is documented in docs/formats/services-cxgov.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Model
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cxgov.core.imports import (
    CREATED,
    UNCHANGED,
    UPDATED,
    FileRejectedError,
    ImportReport,
    Row,
    RowError,
    Source,
    Table,
    read_table,
    records_apply,
    rejected_rows_csv,
    shown,
)
from cxgov.core.languages import is_language_code
from cxgov.core.models import Agency, User
from cxgov.insights.calendars import spans_midnight
from cxgov.registry import services as registry
from cxgov.registry.models import (
    DIGITAL_KINDS,
    Channel,
    ChannelKind,
    CustomerSegment,
    Service,
    ServiceStatus,
)

FORMATS = ("cxgov", "touchpoints", "canada-si")

# The columns of the cxgov format, in the order an export writes them.
CXGOV_COLUMNS = (
    "agency_slug",
    "agency_name",
    "service_id",
    "service_name",
    "service_name_es",
    "description",
    "description_es",
    "kind",
    "hisp",
    "designated_for_improvement",
    "customers",
    "estimated_annual_customers",
    "status",
    "segments",
    "channel_id",
    "channel_kind",
    "channel_name",
    "channel_name_es",
    "channel_url",
    "channel_phone",
    "channel_tty",
    "channel_address",
    "channel_languages",
    "channel_hours",
    "channel_always_open",
    "channel_annual_volume",
    "channel_annual_enquiries",
    "channel_cost_per_transaction",
    "channel_is_digital",
)

MAX_WHOLE_NUMBER = 2**63 - 1  # the largest value a PositiveBigIntegerField holds
MAX_URL_LENGTH = 200  # Django's URLField default, which Channel.url uses


# --- the report ----------------------------------------------------------------------------


def _report(format: str, *, dry_run: bool) -> ImportReport:
    return ImportReport(
        format=format,
        dry_run=dry_run,
        kinds={
            "agencies": _("Agencies"),
            "services": _("Services"),
            "channels": _("Channels"),
            "segments": _("Customer segments"),
            "volumes": _("Yearly channel volumes"),
        },
    )


# --- plain records, the output of parsing --------------------------------------------------


@dataclass(frozen=True)
class AgencyRecord:
    """An agency named by a row. `fields` are kept in step with the file on every import."""

    slug: str
    name: str
    column: str  # where the file names the agency, for error messages
    source: str = ""
    source_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    create_fields: dict[str, Any] = field(default_factory=dict)
    name_column: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.source_id) if self.source else ("", self.slug)


@dataclass(frozen=True)
class SegmentRecord:
    """A customer segment; matched by source id when it has one, else by name."""

    name: str
    name_es: str = ""
    source_id: str = ""


@dataclass
class ChannelRecord:
    """A channel of a service. A blank source_id matches the service's channels by kind."""

    row: int
    kind: str
    source_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    create_fields: dict[str, Any] = field(default_factory=dict)
    hours: dict[int, list[tuple[time, time]]] | None = None  # None: leave the hours alone
    # fiscal year -> (annual volume, annual enquiries), kept as the channel's history
    history: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)


@dataclass
class ServiceRecord:
    """One service as read from one or more rows, with its agency, segments and channels.

    `fields` are set on every import; `create_fields` only when the service is created.
    `status` (when not None) is applied through the publish, archive and unpublish services.
    """

    rows: list[int]
    source: str
    source_id: str
    id_column: str
    agency: AgencyRecord | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    create_fields: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    segments: list[SegmentRecord] | None = None  # None: leave the segments alone
    channels: list[ChannelRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    match_any_source: bool = False


# --- reading cells -------------------------------------------------------------------------

_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SLUG = re.compile(r"[-a-z0-9_]+")
_url_validator = URLValidator(schemes=["http", "https"])


def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


_EXACT_FIELDS = frozenset({"source_id", "phone", "tty"})


def _text(row: Row, column: str, *, model: type[Model], name: str, required: bool = False) -> str:
    """A stripped text cell for a model field.

    Ids and numbers must fit their field; free text longer than its field is cut for the field
    and kept in full with the imported details (`Row.fit`), never rejected.
    """
    value = row.get(column)
    if required and not value:
        row.fail(column, "is blank, but it is required")
    limit = _max_length(model, name)
    if name not in _EXACT_FIELDS:
        return row.fit(column, value, limit=limit)
    if limit is not None and len(value) > limit:
        row.fail(column, f"is too long: {len(value)} characters, at most {limit}")
    return value


def _id_fits(row: Row, column: str, *, limit: int) -> bool:
    """Whether the row's id is given and at most `limit` characters; if not, the row fails."""
    value = row.get(column)
    if not value:
        row.fail(column, "is blank, but it is required")
    elif len(value) > limit:
        row.fail(column, f"is too long: {len(value)} characters, at most {limit}")
    else:
        return True
    return False


def _whole(row: Row, column: str, *, missing: Iterable[str] = ("",)) -> int | None:
    """A whole number of 0 or more; None for a blank cell or one of `missing` (e.g. NA)."""
    raw = row.get(column)
    if raw.upper() in missing or not raw:
        return None
    if not _WHOLE.fullmatch(raw):
        if re.fullmatch(r"-[0-9]+", raw):
            row.fail(column, f"{shown(raw)} is negative; it must be 0 or more")
        else:
            row.fail(column, f"{shown(raw)} is not a whole number")
        return None
    value = int(raw.replace(",", ""))
    if value > MAX_WHOLE_NUMBER:
        row.fail(column, f"{shown(raw)} is too large")
        return None
    return value


def _decimal(row: Row, column: str) -> Decimal | None:
    """An amount of money with at most 2 decimals and 10 whole digits, as text."""
    raw = row.get(column).removeprefix("$")
    if not raw:
        return None
    if not _DECIMAL.fullmatch(raw):
        row.fail(column, f"{shown(raw)} is not a number like 12.50")
        return None
    whole, _dot, cents = raw.partition(".")
    if len(cents) > 2:
        row.fail(column, f"{shown(raw)} has more than 2 decimal places")
        return None
    if len(whole.lstrip("0")) > 10:
        row.fail(column, f"{shown(raw)} is too large")
        return None
    return Decimal(raw)


def _bool(row: Row, column: str, *, default: bool) -> bool:
    return bool(row.flag(column, default=default))


def _url(row: Row, column: str) -> str:
    """A web address, strictly: a bad one is an error."""
    value = row.get(column)
    if value:
        reason = _url_problem(value)
        if reason:
            row.fail(column, reason)
    return value


def _url_lenient(row: Row, column: str) -> str | None:
    """A web address from another system's file; a bad one is noted and left out."""
    value = row.get(column)
    if not value:
        return None
    if value.lower().startswith("www."):
        value = "https://" + value  # common in source files, and unambiguous
    reason = _url_problem(value)
    if reason:
        row.warn(column, f"{reason}, so it is kept in the imported details only")
        return None
    return value


def _url_problem(value: str) -> str:
    if len(value) > MAX_URL_LENGTH:
        return f"the web address is too long: {len(value)} characters, at most {MAX_URL_LENGTH}"
    try:
        _url_validator(value)
    except ValidationError:
        return f"{shown(value)} is not a web address starting with https:// or http://"
    return ""


def _slug(row: Row, column: str) -> str:
    value = row.get(column).lower()
    if not value:
        row.fail(column, "is blank, but it is required")
    elif not _SLUG.fullmatch(value):
        row.fail(
            column,
            f"{shown(value)} is not a short name (use letters, digits, hyphens, underscores)",
        )
    elif len(value) > (_max_length(Agency, "slug") or 0):
        row.fail(column, f"is too long: {len(value)} characters, at most 60")
    return value


def _keep_full_text(record: ServiceRecord, row: Row) -> None:
    """Free text cut to fit a field is kept in full in the service's imported details."""
    if row.kept:
        details = record.fields.setdefault("details", {})
        details.setdefault("full_text", {}).update(row.kept)


def _split(raw: str, separators: str) -> list[str]:
    """Non-blank items of a list cell, without repeats, in order."""
    items = (item.strip() for item in re.split(f"[{re.escape(separators)}]", raw))
    return list(dict.fromkeys(item for item in items if item))


def _kind_label(kind: str, language: str) -> str:
    with translation.override(language):
        return str(ChannelKind(kind).label)


def _channel_names(kind: str) -> dict[str, str]:
    """A channel's English name and, when the catalogue has one, its Spanish name."""
    english, spanish = _kind_label(kind, "en"), _kind_label(kind, "es")
    return {"name": english, "name_es": spanish if spanish != english else ""}


# --- opening hours -------------------------------------------------------------------------

WeeklyHours = dict[int, list[tuple[time, time]]]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS = {
    **{name.lower(): day for day, name in enumerate(DAY_NAMES)},
    **{
        name: day
        for day, names in enumerate(
            [
                ("monday",),
                ("tues", "tuesday"),
                ("wednesday",),
                ("thur", "thurs", "thursday"),
                ("friday",),
                ("saturday",),
                ("sunday",),
            ]
        )
        for name in names
    },
}
_HOURS_PART = re.compile(r"(?P<days>[A-Za-z][A-Za-z ,\-]*?)\s+(?P<times>[0-9].*)")
_INTERVAL = re.compile(r"([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})")


def hours_parse(text: str) -> WeeklyHours:
    """Weekly opening hours from the compact syntax `Mon-Fri 08:00-17:00; Sat 09:00-12:00`.

    Parts are separated by semicolons. Each part is days then times: a day (Mon … Sun, or the
    full name), a range (Mon-Fri) or a comma list (Mon, Wed); then one or more 24-hour
    intervals separated by commas (Mon 08:00-12:00, 13:00-17:00). An interval that closes
    before it opens is an overnight shift (Fri 22:00-06:00 starts on Friday and closes on
    Saturday morning), as on the staff hours form. Blank means no hours.
    Raises ValueError with a plain-English reason.
    """
    weekly: WeeklyHours = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _HOURS_PART.fullmatch(part.strip())
        if match is None:
            raise ValueError(
                f"{shown(part.strip())} is not days and times like “Mon-Fri 08:00-17:00”"
            )
        intervals = [_hours_interval(item) for item in match["times"].split(",")]
        for day in _hours_days(match["days"]):
            weekly.setdefault(day, []).extend(intervals)
    for day, intervals in weekly.items():
        intervals.sort()
        for (o1, c1), (o2, _c2) in itertools.pairwise(intervals):
            # An overnight interval runs to the end of its day, so nothing may start after it.
            ends = time.max if spans_midnight(o1, c1) else c1
            if o2 < ends:
                raise ValueError(f"{DAY_NAMES[day]} has overlapping hours")
    return weekly


def _hours_days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        first, dash, last = (piece.strip() for piece in item.partition("-"))
        start = _hours_day(first)
        end = _hours_day(last) if dash else start
        # A range may wrap around the week end, e.g. Fri-Mon.
        days += [(start + offset) % 7 for offset in range((end - start) % 7 + 1)]
    return list(dict.fromkeys(days))


def _hours_day(name: str) -> int:
    day = _DAYS.get(name.lower())
    if day is None:
        raise ValueError(f"{shown(name)} is not a day (use {', '.join(DAY_NAMES)})")
    return day


def _hours_interval(text: str) -> tuple[time, time]:
    match = _INTERVAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{shown(text.strip())} is not a time range like 08:00-17:00")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    for hour, minute in ((h1, m1), (h2, m2)):
        if hour == 24 and minute == 0:
            raise ValueError("24:00 is not a time of day; use 23:59 for midnight")
        if hour > 23 or minute > 59:
            raise ValueError(f"{hour:02}:{minute:02} is not a time of day")
    opens, closes = time(h1, m1), time(h2, m2)
    if closes == opens:
        raise ValueError(
            f"{shown(text.strip())} closes when it opens; a shift past midnight closes "
            "the next morning, e.g. 22:00-06:00"
        )
    return opens, closes


def hours_format(weekly: WeeklyHours) -> str:
    """Weekly opening hours in the syntax hours_parse reads, days with equal hours grouped."""
    by_day = {day: sorted(intervals) for day, intervals in weekly.items() if intervals}
    parts, day = [], 0
    while day < 7:
        if day not in by_day:
            day += 1
            continue
        end = day
        while end + 1 < 7 and by_day.get(end + 1) == by_day[day]:
            end += 1
        days = DAY_NAMES[day] if end == day else f"{DAY_NAMES[day]}-{DAY_NAMES[end]}"
        times = ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in by_day[day])
        parts.append(f"{days} {times}")
        day = end + 1
    return "; ".join(parts)


# --- format: cxgov -------------------------------------------------------------------------

# Service columns: on a later row of the same service they must be blank or repeat the first.
_CXGOV_SERVICE_COLUMNS = CXGOV_COLUMNS[1 : CXGOV_COLUMNS.index("channel_id")]
_CXGOV_CHANNEL_COLUMNS = CXGOV_COLUMNS[CXGOV_COLUMNS.index("channel_id") :]
_CXGOV_PK = re.compile(r"cxgov-([0-9]{1,18})")


def _cxgov_records(table: Table, *, agency: Agency | None) -> list[ServiceRecord]:
    records: dict[tuple[str, str], ServiceRecord] = {}
    first_rows: dict[tuple[str, str], Row] = {}
    for row in table.rows:
        slug = "" if agency is not None else _slug(row, "agency_slug")
        service_id = _text(row, "service_id", model=Service, name="source_id", required=True)
        named = service_id and (slug or agency is not None)
        key = (slug, service_id) if named else ("", f"row {row.number}")
        channel = _cxgov_channel(row)
        record = records.get(key)
        if record is None:
            record = records[key] = _cxgov_service(row, slug=slug, service_id=service_id)
            first_rows[key] = row
        else:
            _cxgov_same_service(row, first=first_rows[key], has_channel=channel is not None)
            record.rows.append(row.number)
        if channel is not None:
            _cxgov_add_channel(row, record, channel)
        _keep_full_text(record, row)
        record.errors += row.errors
    return list(records.values())


def _cxgov_service(row: Row, *, slug: str, service_id: str) -> ServiceRecord:
    fields: dict[str, Any] = {
        "name": _text(row, "service_name", model=Service, name="name", required=True)
    }
    for column, name in (
        ("service_name_es", "name_es"),
        ("description", "description"),
        ("description_es", "description_es"),
        ("kind", "kind"),
        ("customers", "customers_description"),
    ):
        if row.has(column):
            fields[name] = _text(row, column, model=Service, name=name)
    for column, name in (
        ("hisp", "is_hisp"),
        ("designated_for_improvement", "designated_for_improvement"),
    ):
        if row.has(column):
            fields[name] = _bool(row, column, default=False)
    if row.has("estimated_annual_customers"):
        fields["estimated_annual_customers"] = _whole(row, "estimated_annual_customers")
    record = ServiceRecord(
        rows=[row.number],
        source="cxgov",
        source_id=service_id,
        id_column="service_id",
        fields=fields,
        match_any_source=True,
    )
    if row.has("status"):
        record.status = _cxgov_status(row)
    if row.has("segments"):
        record.segments = _cxgov_segments(row)
    if slug:
        name = _text(row, "agency_name", model=Agency, name="name")
        record.agency = AgencyRecord(
            slug=slug,
            name=name,
            column="agency_slug",
            name_column="agency_name",
            fields={"name": name} if name else {},
        )
    return record


def _cxgov_status(row: Row) -> str:
    value = row.get("status").lower() or ServiceStatus.DRAFT
    if value not in ServiceStatus.values:
        row.fail("status", f"{shown(row.get('status'))} is not draft, published or archived")
        return ServiceStatus.DRAFT
    return value


def _cxgov_segments(row: Row) -> list[SegmentRecord]:
    names = _split(row.get("segments"), ";")
    limit = _max_length(CustomerSegment, "name")
    return [SegmentRecord(name=row.fit("segments", name, limit=limit)) for name in names]


def _cxgov_same_service(row: Row, *, first: Row, has_channel: bool) -> None:
    """A further row of a service must repeat (or leave blank) its service columns."""
    for column in _CXGOV_SERVICE_COLUMNS:
        value = row.get(column)
        if value and value != first.get(column):
            row.fail(
                column,
                f"{shown(value)} differs from row {first.number} of the same service "
                f"({shown(first.get(column))})",
            )
    if not has_channel:
        row.fail(
            "channel_kind",
            f"the service is already on row {first.number}; "
            "a further row of the same service must describe a channel",
        )


def _cxgov_add_channel(row: Row, record: ServiceRecord, channel: ChannelRecord) -> None:
    if channel.source_id:
        twin = next((c for c in record.channels if c.source_id == channel.source_id), None)
        if twin is not None:
            row.fail("channel_id", f"{shown(channel.source_id)} is already used on row {twin.row}")
            return
    record.channels.append(channel)


def _cxgov_channel(row: Row) -> ChannelRecord | None:
    """The row's channel, or None when every channel column is blank."""
    if not any(row.get(column) for column in _CXGOV_CHANNEL_COLUMNS):
        return None
    kind = row.get("channel_kind").lower()
    if not kind:
        row.fail("channel_kind", "is blank, but the row has other channel columns")
        return None
    if kind not in ChannelKind.values:
        row.fail(
            "channel_kind",
            f"{shown(kind)} is not a kind of channel (use one of: "
            + ", ".join(ChannelKind.values)
            + ")",
        )
        return None
    channel = ChannelRecord(
        row=row.number,
        kind=kind,
        source_id=_text(row, "channel_id", model=Channel, name="source_id"),
    )
    names = _channel_names(kind)
    if row.has("channel_name"):
        name = _text(row, "channel_name", model=Channel, name="name")
        channel.fields["name"] = name or names["name"]
    else:
        channel.create_fields["name"] = names["name"]
    texts = (
        ("channel_name_es", "name_es"),
        ("channel_phone", "phone"),
        ("channel_tty", "tty"),
        ("channel_address", "address"),
    )
    for column, name in texts:
        if row.has(column):
            channel.fields[name] = _text(row, column, model=Channel, name=name)
    if row.has("channel_url"):
        channel.fields["url"] = _url(row, "channel_url")
    if row.has("channel_languages"):
        channel.fields["languages"] = _languages(row, "channel_languages")
    for column, name in (
        ("channel_annual_volume", "annual_volume"),
        ("channel_annual_enquiries", "annual_enquiries"),
    ):
        if row.has(column):
            channel.fields[name] = _whole(row, column)
    if row.has("channel_cost_per_transaction"):
        channel.fields["cost_per_transaction"] = _decimal(row, "channel_cost_per_transaction")
    if row.has("channel_is_digital"):
        default = kind in DIGITAL_KINDS
        channel.fields["is_digital"] = _bool(row, "channel_is_digital", default=default)
    if row.has("channel_always_open"):
        channel.fields["always_open"] = _bool(row, "channel_always_open", default=False)
    if row.has("channel_hours"):
        try:
            channel.hours = hours_parse(row.get("channel_hours"))
        except ValueError as exc:
            row.fail("channel_hours", str(exc))
    return channel


def _languages(row: Row, column: str) -> list[str]:
    codes = [code.lower() for code in _split(row.get(column), ";, ")]
    for code in codes:
        if not is_language_code(code):
            row.fail(column, f"{shown(code)} is not a language code like en, es or zh-hant")
    return codes


# --- format: GSA Touchpoints ---------------------------------------------------------------

_TOUCHPOINTS_CHANNELS = {
    "telephone": ChannelKind.PHONE,
    "call_center": ChannelKind.PHONE,
    "contact_center": ChannelKind.PHONE,
    "online": ChannelKind.WEBSITE,
    "web": ChannelKind.WEBSITE,
    "digital": ChannelKind.WEBSITE,
    "mail": ChannelKind.POSTAL_MAIL,
    "text": ChannelKind.SMS,
    "text_message": ChannelKind.SMS,
    "tty": ChannelKind.TTY_RELAY,
    "social": ChannelKind.SOCIAL_MEDIA,
    "inperson": ChannelKind.IN_PERSON,
}
_TOUCHPOINTS_FLAGS = (
    ("available_in_person", ChannelKind.IN_PERSON),
    ("available_digitally", ChannelKind.WEBSITE),
    ("available_via_phone", ChannelKind.PHONE),
)
_TOUCHPOINTS_DETAILS = (
    "service_provider_id",
    "service_provider_name",
    "service_provider_slug",
    "short_description",
    "year_designated",
    "contact_center",
    "transactional",
    "department",
    "service_slug",
    "url",
    "homepage_url",
    "tags",
    "notes",
    "aasm_state",
)
_TOUCHPOINTS_ID_LIMIT = 50  # leaves room in Channel.source_id for "touchpoints:<id>:<kind>"


def _touchpoints_records(table: Table, *, agency: Agency | None) -> list[ServiceRecord]:
    seen: dict[str, int] = {}
    records = []
    for row in table.rows:
        service_id = row.get("id")
        if _id_fits(row, "id", limit=_TOUCHPOINTS_ID_LIMIT):
            if service_id in seen:
                row.fail("id", f"service {shown(service_id)} is already on row {seen[service_id]}")
            else:
                seen[service_id] = row.number
        records.append(_touchpoints_service(row, service_id, agency=agency))
    return records


def _touchpoints_service(row: Row, service_id: str, *, agency: Agency | None) -> ServiceRecord:
    description = row.get("description") or row.get("short_description")
    kinds = _split(_unbracket(row.get("kind")), ",;")
    fields: dict[str, Any] = {
        "name": _text(row, "name", model=Service, name="name", required=True),
        "description": description,
        "kind": ", ".join(kinds),
        "is_hisp": _bool(row, "hisp", default=False),
        "designated_for_improvement": _bool(
            row, "designated_for_improvement_a11_280", default=False
        ),
        "details": {
            column: _split(_unbracket(row.get(column)), ",;")
            if column == "tags"
            else row.get(column)
            for column in _TOUCHPOINTS_DETAILS
            if row.has(column)
        },
    }
    archived = row.get("aasm_state").lower() == "archived"
    record = ServiceRecord(
        rows=[row.number],
        source="touchpoints",
        source_id=service_id,
        id_column="id",
        fields=fields,
        status=ServiceStatus.ARCHIVED if archived else ServiceStatus.PUBLISHED,
        channels=_touchpoints_channels(row, service_id),
    )
    if agency is None:
        record.agency = _touchpoints_agency(row)
    _keep_full_text(record, row)
    record.errors = row.errors
    return record


def _unbracket(raw: str) -> str:
    """A list cell without its brackets and quotes: `["a", "b"]`, `{a,b}` and `a, b` alike."""
    text = raw.strip()
    if text[:1] + text[-1:] in ("[]", "{}"):
        text = text[1:-1]
    return text.replace('"', "").replace("'", "")


def _touchpoints_agency(row: Row) -> AgencyRecord:
    organization_id = _text(row, "organization_id", model=Agency, name="source_id", required=True)
    name = _text(row, "organization_name", model=Agency, name="name", required=True)
    abbreviation = _text(row, "organization_abbreviation", model=Agency, name="abbreviation")
    slug = slugify(abbreviation or name)[: _max_length(Agency, "slug")]
    if name and not slug:
        row.fail("organization_name", f"{shown(name)} gives no short name for web addresses")
    return AgencyRecord(
        slug=slug,
        name=name,
        column="organization_id",
        source="touchpoints",
        source_id=organization_id,
        fields={"name": name, "abbreviation": abbreviation},
    )


def _touchpoints_channels(row: Row, service_id: str) -> list[ChannelRecord]:
    url = _url_lenient(row, "url") if row.has("url") else None
    values = _split(_unbracket(row.get("channels")), ",;")
    if not values:
        values = [
            kind.value for column, kind in _TOUCHPOINTS_FLAGS if _bool(row, column, default=False)
        ]
    channels: dict[str, ChannelRecord] = {}
    for value in values:
        normal = re.sub(r"[\s\-/]+", "_", value.lower())
        kind = normal if normal in ChannelKind.values else _TOUCHPOINTS_CHANNELS.get(normal)
        if kind is None:
            suffix = "other-" + (slugify(value)[:30] or "channel")
            names = {
                "name": row.fit("channels", value, limit=_max_length(Channel, "name")),
                "name_es": "",
            }
            kind = ChannelKind.OTHER
        else:
            suffix, names = kind, _channel_names(kind)
        channel = ChannelRecord(
            row=row.number,
            kind=kind,
            source_id=f"touchpoints:{service_id}:{suffix}",
            create_fields=names,
        )
        if url and kind in (ChannelKind.WEBSITE, ChannelKind.COMPUTER):
            channel.fields["url"] = url
        channels.setdefault(channel.source_id, channel)
    return list(channels.values())


# --- format: Government of Canada Service Inventory ----------------------------------------

# Labels from the inventory's data dictionary; Spanish ours.
CANADA_CLIENT_GROUPS = {
    "ECONOM": ("Economic Segments (Businesses)", "Segmentos económicos (empresas)"),
    "FOR": ("Foreign Entities", "Entidades extranjeras"),
    "INTERN_GOV": ("Internal to Government", "Dentro del gobierno"),
    "NGO": (
        "Non Profit Institutions and Organizations",
        "Instituciones y organizaciones sin fines de lucro",
    ),
    "PERSON": ("Persons", "Personas"),
    "PTC": ("Provinces, Territories or Communities", "Provincias, territorios o comunidades"),
}
CANADA_SERVICE_TYPES = {
    "APIR": "Agreements, Permissions, Inspections, Rulings",
    "CER": "Care, Education, Recreation",
    "GNC": "Grants and Contributions",
    "INFO": "Information",
    "LRP": "Legislation, Regulation, Policy",
    "PPI": "Penalties, Protection, Intervention",
    "REG_VOL": "High Volume Regulatory Transactions",
    "RES": "Resources",
}
# (channel kind, applications column, enquiries or visits column)
CANADA_VOLUMES = (
    (ChannelKind.PHONE, "num_applications_by_phone", "num_phone_enquiries"),
    (ChannelKind.WEBSITE, "num_applications_online", "num_website_visits"),
    (ChannelKind.IN_PERSON, "num_applications_in_person", ""),
    (ChannelKind.POSTAL_MAIL, "num_applications_by_mail", ""),
    (ChannelKind.EMAIL, "num_applications_by_email", ""),
    (ChannelKind.FAX, "num_applications_by_fax", ""),
    (ChannelKind.OTHER, "num_applications_by_other", ""),
)
CANADA_ONLINE_POINTS = (
    "os_account_registration",
    "os_authentication",
    "os_application",
    "os_decision",
    "os_issuance",
    "os_issue_resolution_feedback",
)
_CANADA_DETAILS = (
    "fiscal_yr",
    "program_name_en",
    "service_fee",
    "service_uri_en",
    "service_recipient_type",
    "num_applications_total",
    "special_remarks_en",
    "last_service_review",
    "last_service_improvement",
)
_CANADA_CODE_LISTS = ("program_id", "client_feedback_channel", "service_type", "service_scope")
_CANADA_ID_LIMIT = 100 - len("canada-si:") - len(":postal_mail")
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def _canada_records(table: Table, *, agency: Agency | None) -> list[ServiceRecord]:
    """One record per service; a file with several fiscal years keeps each year as history.

    The service and its channels take the latest year's row; every year's channel volumes
    are kept in the channel's history. The same service twice in one year is an error.
    """
    by_id: dict[str, list[Row]] = {}
    records = []
    for row in table.rows:
        service_id = row.get("service_id")
        if _id_fits(row, "service_id", limit=_CANADA_ID_LIMIT):
            by_id.setdefault(service_id, []).append(row)
            continue
        records.append(_canada_service(row, service_id, agency=agency))
    for service_id, rows in by_id.items():
        _canada_same_year(rows, service_id)
        latest = max(rows, key=lambda row: (row.get("fiscal_yr"), row.number))
        record = _canada_service(latest, service_id, agency=agency)
        record.errors = list(record.errors)
        for row in rows:
            channels = record.channels if row is latest else _canada_channels(row, service_id)
            _canada_history(record, channels, year=row.get("fiscal_yr"))
            if row is not latest:
                record.errors += row.errors
        record.rows = sorted(row.number for row in rows)
        records.append(record)
    return records


def _canada_same_year(rows: list[Row], service_id: str) -> None:
    first_of_year: dict[str, int] = {}
    for row in rows:
        year = row.get("fiscal_yr")
        if year in first_of_year:
            row.fail(
                "service_id",
                f"{shown(service_id)} is already on row {first_of_year[year]} "
                f"for the same fiscal year {shown(year)}",
            )
        else:
            first_of_year[year] = row.number


def _canada_history(record: ServiceRecord, channels: list[ChannelRecord], *, year: str) -> None:
    """Add one year's channel volumes to the service's channels, adding a channel if needed."""
    if not year:
        return
    by_id = {channel.source_id: channel for channel in record.channels}
    for channel in channels:
        current = by_id.get(channel.source_id)
        if current is None:
            current = replace(channel, fields={}, history={})
            record.channels.append(current)
            by_id[channel.source_id] = current
        current.history[year] = (
            channel.fields.get("annual_volume"),
            channel.fields.get("annual_enquiries"),
        )


def _canada_service(row: Row, service_id: str, *, agency: Agency | None) -> ServiceRecord:
    types = _canada_codes(row, "service_type")
    kind = "; ".join(CANADA_SERVICE_TYPES.get(code, code) for code in types)
    record = ServiceRecord(
        rows=[row.number],
        source="canada-si",
        source_id=service_id,
        id_column="service_id",
        fields={
            "name": _text(row, "service_name_en", model=Service, name="name", required=True),
            "description": row.get("service_description_en"),
            "kind": kind,
            "details": _canada_details(row),
        },
        create_fields={"status": ServiceStatus.PUBLISHED},
        segments=[
            _canada_segment(row, code) for code in _canada_codes(row, "client_target_groups")
        ],
        channels=_canada_channels(row, service_id),
    )
    if agency is None:
        record.agency = _canada_agency(row)
    record.errors = row.errors
    return record


def _canada_codes(row: Row, column: str) -> list[str]:
    codes = _split(row.get(column), ",")
    for code in codes:
        if not _CODE.fullmatch(code):
            row.fail(column, f"{shown(code)} is not a code from the inventory's code list")
    return codes


def _canada_segment(row: Row, code: str) -> SegmentRecord:
    english, spanish = CANADA_CLIENT_GROUPS.get(code.upper(), (code, ""))
    if code.upper() not in CANADA_CLIENT_GROUPS:
        row.warn("client_target_groups", f"{shown(code)} is not a known client group code")
    return SegmentRecord(name=english, name_es=spanish, source_id=code.upper())


def _canada_details(row: Row) -> dict[str, Any]:
    details: dict[str, Any] = {
        column: row.get(column) for column in _CANADA_DETAILS if row.has(column)
    }
    for column in _CANADA_CODE_LISTS:
        if row.has(column):
            details[column] = _split(row.get(column), ",")
    points = {}
    for column in CANADA_ONLINE_POINTS:
        if row.has(column):
            value = row.get(column).upper()
            if value not in ("Y", "N", "NA", ""):
                row.fail(column, f"{shown(row.get(column))} is not Y, N or NA")
            points[column] = value
    if points:
        details["online_interaction_points"] = points
    if row.get("service_fee").upper() not in ("Y", "N", ""):
        row.fail("service_fee", f"{shown(row.get('service_fee'))} is not Y or N")
    return details


def _canada_agency(row: Row) -> AgencyRecord:
    slug = _slug(row, "owner_org")
    title = row.get("owner_org_title")
    name = title.split(" | ")[0].strip()
    if not name:
        row.fail("owner_org_title", "is blank, but it is required")
    name = row.fit("owner_org_title", name, limit=_max_length(Agency, "name"))
    abbreviation = slug.split("-")[0].upper()
    return AgencyRecord(
        slug=slug,
        name=name,
        column="owner_org",
        source="canada-si",
        source_id=slug,
        fields={"name": name},
        create_fields={
            "abbreviation": abbreviation if len(abbreviation) <= 20 else "",
            "time_zone": "America/Toronto",
        },
    )


def _canada_channels(row: Row, service_id: str) -> list[ChannelRecord]:
    channels = []
    for kind, volume_column, enquiries_column in CANADA_VOLUMES:
        volume = _canada_number(row, volume_column)
        enquiries = _canada_number(row, enquiries_column) if enquiries_column else None
        if volume is None and enquiries is None:
            continue
        channel = ChannelRecord(
            row=row.number,
            kind=kind,
            source_id=f"canada-si:{service_id}:{kind}",
            fields={"annual_volume": volume},
            create_fields=_channel_names(kind),
        )
        if enquiries_column:
            channel.fields["annual_enquiries"] = enquiries
        if kind == ChannelKind.WEBSITE:
            url = _url_lenient(row, "service_uri_en")
            if url:
                channel.fields["url"] = url
        channels.append(channel)
    return channels


def _canada_number(row: Row, column: str) -> int | None:
    # NA: the channel does not exist; ND: no data was collected. Neither makes a channel.
    return _whole(row, column, missing=("", "NA", "ND"))


# --- the formats ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    required: tuple[str, ...]
    agency_columns: tuple[str, ...]  # required only when the file names the agencies
    parse: Callable[..., list[ServiceRecord]]


_FORMATS = {
    "cxgov": _Format(("service_id", "service_name"), ("agency_slug",), _cxgov_records),
    "touchpoints": _Format(
        ("id", "name"), ("organization_id", "organization_name"), _touchpoints_records
    ),
    "canada-si": _Format(
        ("service_id", "service_name_en"), ("owner_org", "owner_org_title"), _canada_records
    ),
}


# --- the entry point -----------------------------------------------------------------------


def services_import(
    *,
    actor: User | None,
    file: Source,
    format: str,
    agency: Agency | None = None,
    create_agencies: bool = False,
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import a services file in `format` ("cxgov", "touchpoints" or "canada-si").

    With `agency`, every row goes to that agency; otherwise agencies come from the file, and
    missing ones are created only with `create_agencies`. Any bad row rejects the whole file
    unless `keep_valid`, which imports the good rows and offers the bad ones as a CSV with
    their reasons. `dry_run` reports what would change and writes nothing. Bad input never
    raises: it becomes a RowError, whose row is the spreadsheet row number (header = row 1,
    first data row = 2), or row 0 for the file as a whole.
    """
    report = _report(format, dry_run=dry_run)
    spec = _FORMATS.get(format)
    if spec is None:
        return report.fail(
            RowError(0, "", f"{shown(format)} is not a format (use {', '.join(FORMATS)})")
        )
    try:
        required = spec.required + (spec.agency_columns if agency is None else ())
        table = read_table(file, required=required)
    except FileRejectedError as exc:
        return report.fail(exc.error)
    if format == "cxgov":
        unknown = [name for name in table.columns if name and name not in CXGOV_COLUMNS]
        if unknown:
            report.warnings.append(
                RowError(0, "", "ignored unknown columns: " + ", ".join(unknown))
            )
    report.rows_read = len(table.rows)
    records = spec.parse(table, agency=agency)
    if agency is None:
        _check_agencies(records, create=create_agencies)
    _collect(report, table, records)
    good = [record for record in records if not record.errors]
    if report.errors and not keep_valid:
        report.rejected = True
        return report
    if not good:
        return report.fail(RowError(0, "", "no row could be imported"))
    importer = _Importer(actor=actor, agency=agency, report=report)
    records_apply(
        report=report,
        records=good,
        write=importer.write,
        row_of=lambda record: record.rows[0],
        dry_run=dry_run,
        keep_valid=keep_valid,
        on_undo=importer.save_caches,
    )
    if keep_valid and report.errors:
        report.rejected_rows_csv = rejected_rows_csv(table, report.errors)
    return report


def _collect(report: ImportReport, table: Table, records: list[ServiceRecord]) -> None:
    """Move row errors and notes into the report, in row order."""
    errors: list[RowError] = []
    for record in records:
        errors += record.errors
        bad_rows = {error.row for error in record.errors}
        if bad_rows:
            # The other rows of a service with errors are not imported either; say so.
            for number in record.rows:
                if number not in bad_rows:
                    errors.append(
                        RowError(
                            number,
                            record.id_column,
                            f"not imported because row {min(bad_rows)} "
                            "of the same service has errors",
                        )
                    )
    report.errors += sorted(dict.fromkeys(errors), key=lambda error: error.row)
    report.warnings += [warning for row in table.rows for warning in row.warnings]


def _agency_find(record: AgencyRecord) -> Agency | None:
    """The existing agency a row names: by the source's id, else by short name."""
    if record.source:
        found = (
            Agency.objects.filter(source=record.source, source_id=record.source_id)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return Agency.objects.filter(slug=record.slug).first()


def _check_agencies(records: list[ServiceRecord], *, create: bool) -> None:
    """Fail the rows whose agency does not exist when it may not, or cannot, be created."""
    exists: dict[tuple[str, str], bool] = {}
    for record in records:
        wanted = record.agency
        if wanted is None or any(e.column == wanted.column for e in record.errors):
            continue  # no agency, or one already reported as malformed
        if wanted.key not in exists:
            exists[wanted.key] = _agency_find(wanted) is not None
        if exists[wanted.key]:
            continue
        label = f"{shown(wanted.slug)}" + (f" ({wanted.name})" if wanted.name else "")
        if not create:
            record.errors.append(
                RowError(
                    record.rows[0],
                    wanted.column,
                    f"the agency {label} does not exist; "
                    "allow creating agencies (--create-agencies) to add it",
                )
            )
        elif not wanted.name:
            record.errors.append(
                RowError(
                    record.rows[0],
                    wanted.name_column or wanted.column,
                    f"is needed to create the agency {label}",
                )
            )


# --- applying ------------------------------------------------------------------------------


_STATUS_SERVICES = {
    ServiceStatus.PUBLISHED: registry.service_publish,
    ServiceStatus.ARCHIVED: registry.service_archive,
    ServiceStatus.DRAFT: registry.service_unpublish,
}


class _Importer:
    """Writes validated records through the registry services, counting what changed."""

    def __init__(self, *, actor: User | None, agency: Agency | None, report: ImportReport):
        self.actor = actor
        self.target = agency
        self.report = report
        self.agencies: dict[tuple[str, str], Agency] = {}
        self.segments: dict[tuple[int, str, str], CustomerSegment] = {}

    def save_caches(self) -> Callable[[], None]:
        """A function that puts the caches back as they are now, if a record is undone."""
        agencies, segments = dict(self.agencies), dict(self.segments)

        def restore() -> None:
            self.agencies, self.segments = agencies, segments

        return restore

    def write(self, record: ServiceRecord) -> None:
        """Write one service record with its agency, segments and channels."""
        self._service(record)

    def _agency(self, record: AgencyRecord) -> Agency:
        agency = self.agencies.get(record.key)
        if agency is not None:
            return agency
        agency = _agency_find(record)
        if agency is None:
            fields = {**record.create_fields, **record.fields, "name": record.name}
            agency = registry.agency_create(
                actor=self.actor,
                slug=record.slug,
                source=record.source,
                source_id=record.source_id,
                **fields,
            )
            outcome = CREATED
        else:
            fields = dict(record.fields)
            if record.source and not agency.source:
                fields.update(source=record.source, source_id=record.source_id)
            changed = registry.agency_update(actor=self.actor, agency=agency, **fields)
            outcome = UPDATED if changed else UNCHANGED
        self.report.agencies.add(outcome)
        self.agencies[record.key] = agency
        return agency

    def _segment(self, agency: Agency, record: SegmentRecord) -> CustomerSegment:
        key = (agency.pk, record.source_id, "" if record.source_id else record.name)
        segment = self.segments.get(key)
        if segment is not None:
            return segment
        segment = None
        if record.source_id:
            segment = agency.segments.filter(source_id=record.source_id).order_by("pk").first()
        if segment is None:
            segment = agency.segments.filter(name=record.name).first()
        if segment is None:
            segment = registry.segment_create(
                actor=self.actor,
                agency=agency,
                name=record.name,
                name_es=record.name_es,
                source_id=record.source_id,
            )
            outcome = CREATED
        else:
            fields: dict[str, Any] = {}
            if record.source_id and segment.source_id == record.source_id:
                fields = {"name": record.name, "name_es": record.name_es}
            elif record.source_id and not segment.source_id:
                fields = {"source_id": record.source_id}
            changed = registry.segment_update(actor=self.actor, segment=segment, **fields)
            outcome = UPDATED if changed else UNCHANGED
        self.report.segments.add(outcome)
        self.segments[key] = segment
        return segment

    def _service(self, record: ServiceRecord) -> None:
        agency = self.target if self.target is not None else self._agency(_need(record.agency))
        segments = (
            None
            if record.segments is None
            else [self._segment(agency, segment) for segment in record.segments]
        )
        service = _service_find(agency, record)
        if service is None:
            fields = {**record.create_fields, **record.fields}
            if record.status is not None:
                fields["status"] = record.status
            service = registry.service_create(
                actor=self.actor,
                agency=agency,
                source=record.source,
                source_id=record.source_id,
                segments=segments or (),
                **fields,
            )
            self.report.services.add(CREATED)
            existing: list[Channel] = []
        else:
            changed = bool(
                registry.service_update(
                    actor=self.actor, service=service, segments=segments, **record.fields
                )
            )
            if record.status is not None and service.status != record.status:
                _STATUS_SERVICES[ServiceStatus(record.status)](actor=self.actor, service=service)
                changed = True
            self.report.services.add(UPDATED if changed else UNCHANGED)
            existing = list(service.channels.order_by("position", "id"))
        matches = _channel_matches(existing, record.channels)
        for channel_record in record.channels:
            self._channel(service, channel_record, matches.get(id(channel_record)))

    def _channel(self, service: Service, record: ChannelRecord, channel: Channel | None) -> None:
        if channel is None:
            channel = registry.channel_create(
                actor=self.actor,
                service=service,
                kind=record.kind,
                source_id=record.source_id,
                **{**record.create_fields, **record.fields},
            )
            if record.hours:
                registry.channel_hours_set(
                    actor=self.actor, channel=channel, weekly_hours=record.hours
                )
            self.report.channels.add(CREATED)
            self._history(channel, record)
            return
        changed = bool(
            registry.channel_update(
                actor=self.actor, channel=channel, kind=record.kind, **record.fields
            )
        )
        if record.hours is not None and _hours_of(channel) != _hours_rows(record.hours):
            registry.channel_hours_set(actor=self.actor, channel=channel, weekly_hours=record.hours)
            changed = True
        self.report.channels.add(UPDATED if changed else UNCHANGED)
        self._history(channel, record)

    def _history(self, channel: Channel, record: ChannelRecord) -> None:
        for year, (volume, enquiries) in sorted(record.history.items()):
            outcome = registry.channel_volume_record(
                actor=self.actor,
                channel=channel,
                fiscal_year=year,
                annual_volume=volume,
                annual_enquiries=enquiries,
            )
            self.report.count("volumes", outcome)


def _need(agency: AgencyRecord | None) -> AgencyRecord:
    if agency is None:  # parsing always names an agency when none was given
        raise ValueError("a record without an agency")
    return agency


def _service_find(agency: Agency, record: ServiceRecord) -> Service | None:
    """The agency's service for a record: by the source's id, or by `cxgov-<id>` from an export."""
    services = Service.objects.filter(agency=agency, source_id=record.source_id)
    if not record.match_any_source:
        services = services.filter(source=record.source)
    found = list(services.order_by("pk")[:5])
    if found:
        # An agency's own id could come from two sources; prefer this format's.
        return next((s for s in found if s.source == record.source), found[0])
    match = _CXGOV_PK.fullmatch(record.source_id) if record.match_any_source else None
    if match:
        return Service.objects.filter(agency=agency, pk=int(match[1])).first()
    return None


def _channel_matches(existing: list[Channel], records: list[ChannelRecord]) -> dict[int, Channel]:
    """Which existing channel each record updates (by id(record)); unmatched ones are new.

    A record with an id matches the channel with that source id (or `cxgov-<id>`); a record
    without one matches the service's next unclaimed channel of the same kind, in page order,
    so a file exported without channel ids imports back onto the same channels.
    """
    matches: dict[int, Channel] = {}
    claimed: set[int] = set()
    for record in records:
        if not record.source_id:
            continue
        match = _CXGOV_PK.fullmatch(record.source_id)
        for channel in existing:
            if channel.source_id == record.source_id or (
                match and not channel.source_id and channel.pk == int(match[1])
            ):
                matches[id(record)] = channel
                claimed.add(channel.pk)
                break
    for record in records:
        if record.source_id:
            continue
        for channel in existing:
            if channel.kind == record.kind and channel.pk not in claimed:
                matches[id(record)] = channel
                claimed.add(channel.pk)
                break
    return matches


def _hours_rows(weekly: WeeklyHours) -> list[tuple[int, time, time]]:
    return sorted((day, opens, closes) for day, items in weekly.items() for opens, closes in items)


def _hours_of(channel: Channel) -> list[tuple[int, time, time]]:
    return sorted(channel.hours.values_list("weekday", "opens", "closes"))
