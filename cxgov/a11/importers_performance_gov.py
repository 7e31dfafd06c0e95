"""Import published A-11 Section 280 quarterly figures (performance.gov / Touchpoints layout).

Each row is one survey-quarter of a High Impact Service Provider: volumes, the fielded text of
up to eleven 1-5 agreement questions, each question's counts of 1 to 5 and the published
`point_scale`. A row becomes: the agency (matched by abbreviation or name, else created), the
service (matched by name, else created), a closed survey from the "a11_v1" template (matched by
agency, service and title), its answer counts as imported rollup rows on the quarter's first day,
and an `ImportedQuarter` holding the volumes and the published point scales for comparison.

The file is one transaction: any bad cell rejects the file with errors naming row and column.
Re-importing a survey-quarter replaces it. Column names may carry the `attributes_` prefix that
flattening the performance.gov JSON adds. This import creates agencies: offer it to site staff.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.models import User
from cxgov.core.services import audit_record
from cxgov.insights.estimates import point_scale
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry import services as registry
from cxgov.registry.importers import RowError, Tally
from cxgov.registry.models import Agency, ChannelKind, Service
from cxgov.surveys.models import (
    AnswerRollup,
    Question,
    QuestionKind,
    ResponseRollup,
    RollupSource,
    Survey,
)
from cxgov.surveys.rollups import RollupDelta, delta_write
from cxgov.surveys.services import question_add, question_update, survey_close, survey_create

from .models import ImportedQuarter

FORMATS = ("performance-gov",)
PREFIX = "attributes_"
SLOTS = range(1, 12)
# Slots q1-q7 are fixed by the reporting schema; q8-q11 are the provider's own questions.
SLOT_KEYS = {
    1: "satisfaction",
    2: "trust",
    3: "effectiveness",
    4: "ease",
    5: "efficiency",
    6: "transparency",
    7: "employee",
}
REQUIRED = ("organization_name", "collection_year", "collection_quarter", "service_provided")
VOLUMES = {
    "volume_of_customers": "volume_of_customers",
    "volume_of_customers_provided_survey_opportunity": "volume_offered_survey",
    "volume_of_respondents": "volume_of_respondents",
}
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COUNT = 10**12
_WHOLE = re.compile(r"\d{1,13}(\.0+)?")


@dataclass
class A11ImportReport:
    """What an import did or would do; the shape `includes/import_report.html` renders."""

    format: str = "performance-gov"
    dry_run: bool = False
    rows_read: int = 0
    agencies: Tally = field(default_factory=Tally)
    services: Tally = field(default_factory=Tally)
    surveys: Tally = field(default_factory=Tally)
    quarters: Tally = field(default_factory=Tally)
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    rejected: bool = False
    applied: bool = False

    @property
    def rows_rejected(self) -> int:
        return len({error.row for error in self.errors if error.row > 0})

    @property
    def summary_rows(self) -> list[tuple[Promise, Tally]]:
        return [
            (gettext_lazy("Agencies"), self.agencies),
            (gettext_lazy("Services"), self.services),
            (gettext_lazy("Surveys"), self.surveys),
            (gettext_lazy("Survey quarters"), self.quarters),
        ]

    def summary_lines(self) -> list[str]:
        """The report as plain lines, as the command prints it."""
        lines = [
            f"agencies: {self.agencies}",
            f"services: {self.services}",
            f"surveys: {self.surveys}",
            f"survey quarters: {self.quarters}",
            f"rows read: {self.rows_read}",
            f"rows rejected: {self.rows_rejected}",
        ]
        lines += [str(error) for error in self.errors]
        lines += [f"note: {note}" for note in self.notes]
        return lines


@dataclass
class QuarterRecord:
    """One parsed row: plain values, checked, not yet written."""

    row: int
    agency_name: str
    agency_abbreviation: str
    service_name: str
    title: str
    fiscal_year: int
    quarter: int
    channel: str
    channel_text: str
    transaction_point: str
    omb_control_number: str
    source_id: str
    volumes: dict[str, int | None]
    # slot -> (text, {1: n1, ..., 5: n5}, published point scale as text or "")
    questions: dict[int, tuple[str, dict[int, int], str]]

    @property
    def fiscal_quarter(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, self.quarter)


class _RollbackError(Exception):
    """Raised to undo a dry run."""


# --- parsing -------------------------------------------------------------------------------


def _columns(fieldnames: Sequence[str] | None) -> dict[str, str]:
    """Normalized column name -> the header as written."""
    found: dict[str, str] = {}
    for name in fieldnames or []:
        clean = (name or "").strip().lower()
        clean = clean.removeprefix(PREFIX)
        if clean and clean not in found:
            found[clean] = name
    return found


class _Cells:
    def __init__(self, number: int, raw: dict[str, Any], columns: dict[str, str]) -> None:
        self.number = number
        self.raw = raw
        self.columns = columns
        self.errors: list[RowError] = []

    def text(self, name: str, *, limit: int, required: bool = False) -> str:
        value = self.raw.get(self.columns.get(name, ""), "")
        value = value.strip() if isinstance(value, str) else ""
        column = self.columns.get(name, PREFIX + name)
        if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in value):
            self.errors.append(
                RowError(
                    self.number, column, _("The cell contains characters that are not allowed.")
                )
            )
            return ""
        # Spreadsheets leave no-break spaces and line breaks in cells: keep them as spaces.
        value = " ".join(value.split())
        if required and not value:
            self.errors.append(RowError(self.number, column, _("This cell is empty.")))
        if len(value) > limit:
            self.errors.append(
                RowError(
                    self.number,
                    column,
                    _("Use at most %(n)s characters; this cell has %(m)s.")
                    % {"n": limit, "m": len(value)},
                )
            )
            return value[:limit]
        return value

    def whole(self, name: str, *, blank: int | None = None) -> int | None:
        value = self.text(name, limit=40)
        if not value:
            return blank
        if not _WHOLE.fullmatch(value) or int(value.split(".")[0]) > MAX_COUNT:
            self.errors.append(
                RowError(
                    self.number,
                    self.columns.get(name, PREFIX + name),
                    _("“%(v)s” is not a whole number of zero or more.") % {"v": value[:40]},
                )
            )
            return blank
        return int(value.split(".")[0])

    def in_range(self, name: str, low: int, high: int) -> int:
        known = len(self.errors)
        value = self.whole(name)
        if len(self.errors) > known:
            return low
        if value is None or not low <= value <= high:
            self.errors.append(
                RowError(
                    self.number,
                    self.columns.get(name, PREFIX + name),
                    _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
                )
            )
            return low
        return value


def _parse_row(
    number: int, raw: dict[str, Any], columns: dict[str, str]
) -> tuple[QuarterRecord, list[RowError], list[RowError]]:
    cells = _Cells(number, raw, columns)
    notes: list[RowError] = []
    agency_name = cells.text("organization_name", limit=200, required=True)
    abbreviation = cells.text("organization_abbreviation", limit=20)
    provided = cells.text("service_provided", limit=200, required=True)
    service_name = (
        cells.text("service_name", limit=300)
        or cells.text("service_provider_name", limit=300)
        or provided
    )
    year = cells.in_range("collection_year", 2000, 2100)
    quarter = cells.in_range("collection_quarter", 1, 4)
    channel_text = cells.text("channel", limit=100)
    channel = channel_text.lower().replace(" ", "_").replace("-", "_")
    if channel and channel not in ChannelKind.values:
        notes.append(
            RowError(
                number,
                columns.get("channel", ""),
                _("“%(v)s” is not a channel we know: the survey quarter is kept without one.")
                % {"v": channel_text[:40]},
            )
        )
        channel = ""
    volumes = {target: cells.whole(name) for name, target in VOLUMES.items()}
    questions: dict[int, tuple[str, dict[int, int], str]] = {}
    for slot in SLOTS:
        names = [f"q{slot}_{k}" for k in range(1, 6)]
        present = [n for n in names if n in columns]
        if not present:
            continue
        if len(present) < 5:
            missing = sorted(set(names) - set(present))
            cells.errors.append(
                RowError(
                    number,
                    "",
                    _("Question %(q)s needs all five count columns; missing: %(c)s.")
                    % {"q": slot, "c": ", ".join(PREFIX + m for m in missing)},
                )
            )
            continue
        counts = {k: cells.whole(f"q{slot}_{k}", blank=0) or 0 for k in range(1, 6)}
        text = cells.text(f"q{slot}_text", limit=500)
        published = cells.text(f"q{slot}_point_scale", limit=20)
        if published:
            try:
                figure = Decimal(published)
            except InvalidOperation:
                figure = Decimal("NaN")
            if not figure.is_finite() or not 1 <= figure <= 5:
                cells.errors.append(
                    RowError(
                        number,
                        columns.get(f"q{slot}_point_scale", ""),
                        _("“%(v)s” is not a point scale from 1 to 5.") % {"v": published},
                    )
                )
        if sum(counts.values()) == 0 and not text:
            continue
        if (
            published
            and not cells.errors
            and sum(counts.values())
            and not published_matches(counts, published)
        ):
            notes.append(
                RowError(
                    number,
                    columns.get(f"q{slot}_point_scale", ""),
                    _("The published point scale %(v)s does not follow from the counts.")
                    % {"v": published},
                )
            )
        questions[slot] = (text, counts, published)
    if 1 not in questions and not cells.errors and "q1_1" not in columns:
        cells.errors.append(RowError(number, "", _("The row has no question counts.")))
    record = QuarterRecord(
        row=number,
        agency_name=agency_name,
        agency_abbreviation=abbreviation,
        service_name=service_name,
        title=provided,
        fiscal_year=year,
        quarter=quarter,
        channel=channel,
        channel_text=channel_text,
        transaction_point=cells.text("transaction_point", limit=300),
        omb_control_number=cells.text("omb_control_number", limit=40),
        source_id=cells.text("id", limit=40),
        volumes=volumes,
        questions=questions,
    )
    return record, cells.errors, notes


def a11_quarterly_parse(
    *, text: str
) -> tuple[list[QuarterRecord], list[RowError], list[RowError], int]:
    """Records, errors, notes and rows read from the file's text; touches no database."""
    errors: list[RowError] = []
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return [], [RowError(0, "", _("The file is larger than 50 MB."))], [], 0
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        columns = _columns(reader.fieldnames)
        missing = [PREFIX + name for name in REQUIRED if name not in columns]
        if "q1_1" not in columns:
            missing.append(PREFIX + "q1_1 … " + PREFIX + "q1_5")
        if missing:
            return (
                [],
                [
                    RowError(
                        0, "", _("The file needs these columns: %(c)s.") % {"c": ", ".join(missing)}
                    )
                ],
                [],
                0,
            )
        records: list[QuarterRecord] = []
        notes: list[RowError] = []
        seen: dict[tuple[str, str, str, int, int], int] = {}
        rows = 0
        for number, raw in enumerate(reader, start=2):
            rows += 1
            if None in raw:
                errors.append(RowError(number, "", _("The row has more cells than the header.")))
                continue
            record, row_errors, row_notes = _parse_row(number, raw, columns)
            errors += row_errors
            notes += row_notes
            key = (
                record.agency_name.lower(),
                record.service_name.lower(),
                record.title.lower(),
                record.fiscal_year,
                record.quarter,
            )
            if not row_errors and key in seen:
                errors.append(
                    RowError(
                        number,
                        "",
                        _("Row %(n)s already gives this survey's figures for this quarter.")
                        % {"n": seen[key]},
                    )
                )
            seen.setdefault(key, number)
            records.append(record)
            if len(errors) >= 500:
                break
    except csv.Error:
        return (
            [],
            [RowError(0, "", _("The file is not a readable CSV: save it again as CSV (UTF-8)."))],
            [],
            0,
        )
    if rows == 0 and not errors:
        errors.append(RowError(0, "", _("The file has no rows.")))
    return records, errors, notes, rows


# --- applying ------------------------------------------------------------------------------


def _unique_agency_slug(base: str) -> str:
    base = slugify(base)[:50] or "agency"
    slug, counter = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


class _Importer:
    def __init__(self, actor: User | None, report: A11ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.agencies: dict[tuple[str, str], Agency] = {}
        self.services: dict[tuple[int, str], Service] = {}
        self.surveys: dict[tuple[int, int, str], Survey] = {}

    def agency(self, record: QuarterRecord) -> Agency:
        key = (record.agency_abbreviation.lower(), record.agency_name.lower())
        if key in self.agencies:
            return self.agencies[key]
        match = Q(name__iexact=record.agency_name)
        if record.agency_abbreviation:
            match |= Q(abbreviation__iexact=record.agency_abbreviation)
        agency = Agency.objects.filter(match).order_by("pk").first()
        if agency is None:
            agency = registry.agency_create(
                actor=self.actor,
                name=record.agency_name,
                slug=_unique_agency_slug(record.agency_abbreviation or record.agency_name),
                abbreviation=record.agency_abbreviation,
            )
            self.report.agencies.add("created")
        else:
            self.report.agencies.add("unchanged")
        self.agencies[key] = agency
        return agency

    def service(self, agency: Agency, record: QuarterRecord) -> Service:
        key = (agency.pk, record.service_name.lower())
        if key in self.services:
            return self.services[key]
        service = (
            Service.objects.filter(agency=agency, name__iexact=record.service_name)
            .order_by("pk")
            .first()
        )
        if service is None:
            service = registry.service_create(
                actor=self.actor, agency=agency, name=record.service_name, is_hisp=True
            )
            self.report.services.add("created")
        else:
            self.report.services.add("unchanged")
        self.services[key] = service
        return service

    def survey(self, agency: Agency, service: Service, record: QuarterRecord) -> Survey:
        key = (agency.pk, service.pk, record.title.lower())
        if key in self.surveys:
            return self.surveys[key]
        survey = (
            Survey.objects.filter(
                agency=agency, template="a11_v1", title__iexact=record.title, services=service
            )
            .order_by("pk")
            .first()
        )
        if survey is None:
            survey = survey_create(
                actor=self.actor,
                agency=agency,
                template="a11_v1",
                title=record.title,
                services=[service],
                omb_control_number=record.omb_control_number[:20],
            )
            survey_close(actor=self.actor, survey=survey)
            self.report.surveys.add("created")
        else:
            self.report.surveys.add("unchanged")
        self.surveys[key] = survey
        return survey

    def questions(self, survey: Survey, record: QuarterRecord) -> dict[int, Question]:
        """The survey's question for each slot the row uses, added when missing."""
        by_key = {q.key: q for q in survey.questions.all()}
        found: dict[int, Question] = {}
        for slot, (text, _counts, _published) in record.questions.items():
            key = SLOT_KEYS.get(slot, f"q{slot}")
            question = by_key.get(key)
            if question is None:
                question = question_add(
                    actor=self.actor,
                    survey=survey,
                    key=key,
                    kind=QuestionKind.LIKERT,
                    text=text or _("Question %(n)s") % {"n": slot},
                )
                by_key[key] = question
            elif text and question.text != text and not question.rollups.exists():
                # Keep the wording the agency fielded, the first time its figures arrive.
                question_update(actor=self.actor, question=question, text=text)
            found[slot] = question
        return found

    def quarter(self, record: QuarterRecord) -> None:
        agency = self.agency(record)
        service = self.service(agency, record)
        survey = self.survey(agency, service, record)
        questions = self.questions(survey, record)
        fq = record.fiscal_quarter
        rollups = AnswerRollup.objects.filter(
            survey=survey, source=RollupSource.IMPORTED, day__gte=fq.start, day__lte=fq.end
        )
        before = {(r.question_id, r.service_id, r.channel, r.value_key): r.count for r in rollups}
        existing = ImportedQuarter.objects.filter(
            survey=survey, fiscal_year=fq.year, quarter=fq.quarter
        ).first()
        published = {
            questions[slot].key: value
            for slot, (_t, _c, value) in record.questions.items()
            if value
        }
        after = {
            (questions[slot].pk, service.pk, record.channel, str(k)): n
            for slot, (_t, counts, _p) in record.questions.items()
            for k, n in counts.items()
            if n
        }
        facts: dict[str, Any] = {
            "source_id": record.source_id,
            "service_provided": record.title,
            "transaction_point": record.transaction_point,
            "channel_text": record.channel_text,
            "omb_control_number": record.omb_control_number,
            "published_point_scale": published,
            **record.volumes,
        }
        if (
            existing is not None
            and before == after
            and all(getattr(existing, name) == value for name, value in facts.items())
        ):
            self.report.quarters.add("unchanged")
            return
        rollups.delete()
        ResponseRollup.objects.filter(
            survey=survey, source=RollupSource.IMPORTED, day__gte=fq.start, day__lte=fq.end
        ).delete()
        ImportedQuarter.objects.filter(
            survey=survey, fiscal_year=fq.year, quarter=fq.quarter
        ).delete()
        ImportedQuarter.objects.create(
            survey=survey, fiscal_year=fq.year, quarter=fq.quarter, **facts
        )
        delta = RollupDelta.empty()
        context = (service.pk, record.channel, None, "")
        largest = 0
        for slot, (_text, counts, _published) in record.questions.items():
            largest = max(largest, sum(counts.values()))
            for value, count in counts.items():
                if count:
                    cell = delta.answers[(questions[slot].pk, fq.start, *context, str(value))]
                    cell[0] += count
                    cell[1] += value * count
                    cell[2] += value * value * count
        respondents = record.volumes.get("volume_of_respondents")
        delta.responses[(fq.start, *context)] = respondents if respondents else largest
        delta_write(delta, survey_id=survey.pk, source=RollupSource.IMPORTED)
        self.report.quarters.add("updated" if existing else "created")
        audit_record(
            actor=self.actor,
            action="survey.a11_quarter_import",
            agency=agency,
            target=survey,
            data={"fiscal_quarter": str(fq), "row": record.row},
        )


def a11_quarterly_import(
    *, actor: User | None, text: str, dry_run: bool = False
) -> A11ImportReport:
    """Import a performance.gov A-11 quarterly CSV given as text; all or nothing.

    A dry run does the same work and reports it, then rolls everything back.
    """
    report = A11ImportReport(dry_run=dry_run)
    records, errors, notes, rows = a11_quarterly_parse(text=text)
    report.rows_read = rows
    report.notes = notes
    if errors:
        report.errors = errors
        report.rejected = True
        return report
    try:
        with transaction.atomic():
            importer = _Importer(actor, report)
            for record in records:
                importer.quarter(record)
            if dry_run:
                raise _RollbackError
    except _RollbackError:
        pass
    report.applied = not dry_run
    return report


def published_matches(counts: dict[int, int], published: str) -> bool:
    """Whether counts reproduce a published point scale at the precision it was published."""
    mean = point_scale(counts).value
    if mean is None or not published:
        return False
    figure = Decimal(published)
    exponent = figure.as_tuple().exponent
    if not isinstance(exponent, int):
        return False
    ours = Decimal(repr(mean)).quantize(Decimal(1).scaleb(exponent), ROUND_HALF_UP)
    return ours == figure
