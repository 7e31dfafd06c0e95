"""Import published A-11 Section 280 quarterly figures (performance.gov / Touchpoints layout).

Each row is one survey-quarter of a High Impact Service Provider: volumes, the fielded text of
up to eleven 1-5 agreement questions, each question's counts of 1 to 5 and the published
`point_scale`. A row becomes: the agency (matched by abbreviation or name, else created), the
service (matched by name, else created), a closed survey from the "a11_v1" template (matched by
agency, service and title), its answer counts as imported rollup rows on the quarter's first day,
and an `ImportedQuarter` holding the volumes and the published point scales for comparison.

The file is read through `cxgov.core.imports` and written in one transaction: any bad cell
rejects the file with errors naming row and column, unless valid rows are kept. Free text
longer than its field is kept in full with the quarter's published details and a warning.
Re-importing a survey-quarter replaces it. Column names may carry the `attributes_` prefix that
flattening the performance.gov JSON adds. This import creates agencies: offer it to site staff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.imports import (
    FileRejectedError,
    ImportReport,
    Row,
    Source,
    Table,
    normalise_header,
    parse_settle,
    read_table,
    records_apply,
)
from cxgov.core.models import Agency, User
from cxgov.core.services import audit_record
from cxgov.insights.estimates import point_scale
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry import services as registry
from cxgov.registry.models import ChannelKind, Service
from cxgov.surveys.models import (
    AnswerRollup,
    Question,
    QuestionKind,
    RollupSource,
    Survey,
)
from cxgov.surveys.rollups import RollupDelta, delta_write, rollups_days_remove
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
MAX_COUNT = 10**12
_WHOLE = re.compile(r"\d{1,13}(\.0+)?")


def _report(*, dry_run: bool) -> ImportReport:
    return ImportReport(
        format="performance-gov",
        dry_run=dry_run,
        kinds={
            "agencies": gettext_lazy("Agencies"),
            "services": gettext_lazy("Services"),
            "surveys": gettext_lazy("Surveys"),
            "quarters": gettext_lazy("Survey quarters"),
        },
    )


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
    full_text: dict[str, str]

    @property
    def fiscal_quarter(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, self.quarter)


# --- parsing -------------------------------------------------------------------------------


def _normalise(name: str) -> str:
    """A header cell without the prefix flattening the performance.gov JSON adds."""
    return normalise_header(name).removeprefix(PREFIX)


class _Cells:
    """Typed cells of one row, on top of the shared `Row`."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.number = row.number

    def text(self, name: str, *, limit: int, required: bool = False) -> str:
        """A text cell with spreadsheet line breaks as spaces; longer than `limit` is kept
        in full in the row's details with a warning, never rejected."""
        value = " ".join(self.row.text(name, required=required).split())
        return self.row.fit(name, value, limit=limit)

    def whole(self, name: str, *, blank: int | None = None) -> int | None:
        value = self.row.get(name)
        if not value:
            return blank
        if not _WHOLE.fullmatch(value) or int(value.split(".")[0]) > MAX_COUNT:
            self.row.fail(
                name,
                _("“%(v)s” is not a whole number of zero or more.") % {"v": value[:40]},
            )
            return blank
        return int(value.split(".")[0])

    def in_range(self, name: str, low: int, high: int) -> int:
        known = len(self.row.errors)
        value = self.whole(name)
        if len(self.row.errors) > known:
            return low
        if value is None or not low <= value <= high:
            self.row.fail(
                name,
                _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
            return low
        return value


def _parse_row(row: Row) -> QuarterRecord:
    cells = _Cells(row)
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
        row.warn(
            "channel",
            _("“%(v)s” is not a channel we know: the survey quarter is kept without one.")
            % {"v": channel_text[:40]},
        )
        channel = ""
    volumes = {target: cells.whole(name) for name, target in VOLUMES.items()}
    questions: dict[int, tuple[str, dict[int, int], str]] = {}
    for slot in SLOTS:
        names = [f"q{slot}_{k}" for k in range(1, 6)]
        present = [n for n in names if row.has(n)]
        if not present:
            continue
        if len(present) < 5:
            missing = sorted(set(names) - set(present))
            row.fail(
                "",
                _("Question %(q)s needs all five count columns; missing: %(c)s.")
                % {"q": slot, "c": ", ".join(PREFIX + m for m in missing)},
            )
            continue
        counts = {k: cells.whole(f"q{slot}_{k}", blank=0) or 0 for k in range(1, 6)}
        text = cells.text(f"q{slot}_text", limit=500)
        published = row.get(f"q{slot}_point_scale")
        if published:
            try:
                figure = Decimal(published) if len(published) <= 20 else Decimal("NaN")
            except InvalidOperation:
                figure = Decimal("NaN")
            if not figure.is_finite() or not 1 <= figure <= 5:
                row.fail(
                    f"q{slot}_point_scale",
                    _("“%(v)s” is not a point scale from 1 to 5.") % {"v": published[:40]},
                )
        if sum(counts.values()) == 0 and not text:
            continue
        if (
            published
            and row.ok
            and sum(counts.values())
            and not published_matches(counts, published)
        ):
            row.warn(
                f"q{slot}_point_scale",
                _("The published point scale %(v)s does not follow from the counts.")
                % {"v": published},
            )
        questions[slot] = (text, counts, published)
    if 1 not in questions and row.ok and not row.has("q1_1"):
        row.fail("", _("The row has no question counts."))
    return QuarterRecord(
        row=row.number,
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
        full_text=dict(row.kept),
    )


def a11_quarterly_parse(table: Table) -> list[QuarterRecord]:
    """The usable records of a table; each row's problems stay on the row. No database."""
    records: list[QuarterRecord] = []
    seen: dict[tuple[str, str, str, int, int], int] = {}
    for row in table.rows:
        if not row.ok:
            continue  # e.g. more cells than the header
        record = _parse_row(row)
        key = (
            record.agency_name.lower(),
            record.service_name.lower(),
            record.title.lower(),
            record.fiscal_year,
            record.quarter,
        )
        if row.ok and key in seen:
            row.fail(
                "",
                _("Row %(n)s already gives this survey's figures for this quarter.")
                % {"n": seen[key]},
            )
        seen.setdefault(key, row.number)
        if row.ok:
            records.append(record)
    return records


def _table(source: Source) -> Table:
    table = read_table(source, normalise=_normalise)
    missing = [PREFIX + name for name in REQUIRED if name not in table.columns]
    if "q1_1" not in table.columns:
        missing.append(PREFIX + "q1_1 … " + PREFIX + "q1_5")
    if missing:
        raise FileRejectedError(
            _("The file needs these columns: %(c)s.") % {"c": ", ".join(missing)}
        )
    return table


# --- applying ------------------------------------------------------------------------------


def _unique_agency_slug(base: str) -> str:
    base = slugify(base)[:50] or "agency"
    slug, counter = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


class _Importer:
    def __init__(self, actor: User | None, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.agencies: dict[tuple[str, str], Agency] = {}
        self.services: dict[tuple[int, str], Service] = {}
        self.surveys: dict[tuple[int, int, str], Survey] = {}

    def save_caches(self) -> Callable[[], None]:
        """A function that puts the caches back as they are now, if a record is undone."""
        saved = (dict(self.agencies), dict(self.services), dict(self.surveys))

        def restore() -> None:
            self.agencies, self.services, self.surveys = saved

        return restore

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
            "published_point_scale": (
                {**published, "full_text": record.full_text} if record.full_text else published
            ),
            **record.volumes,
        }
        if (
            existing is not None
            and before == after
            and all(getattr(existing, name) == value for name, value in facts.items())
        ):
            self.report.quarters.add("unchanged")
            return
        rollups_days_remove(
            survey=survey,
            source=RollupSource.IMPORTED,
            first=fq.start,
            last=fq.end,
            start_month=agency.fiscal_year_start_month,
        )
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
        delta_write(
            delta,
            survey_id=survey.pk,
            source=RollupSource.IMPORTED,
            agency_id=survey.agency_id,
            start_month=agency.fiscal_year_start_month,
        )
        self.report.quarters.add("updated" if existing else "created")
        audit_record(
            actor=self.actor,
            action="survey.a11_quarter_import",
            agency=agency,
            target=survey,
            data={"fiscal_quarter": str(fq), "row": record.row},
        )


def a11_quarterly_import(
    *,
    actor: User | None,
    text: Source = "",
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Import a performance.gov A-11 quarterly file (text, bytes, a path or an upload).

    All or nothing unless `keep_valid`. A dry run does the same work and reports it, then
    rolls everything back.
    """
    report = _report(dry_run=dry_run)
    try:
        table = _table(text)
    except FileRejectedError as exc:
        return report.fail(exc.error)
    records = a11_quarterly_parse(table)
    if not parse_settle(report=report, table=table, keep_valid=keep_valid):
        return report
    importer = _Importer(actor, report)
    records_apply(
        report=report,
        records=records,
        write=importer.quarter,
        row_of=lambda record: record.row,
        dry_run=dry_run,
        keep_valid=keep_valid,
        on_undo=importer.save_caches,
    )
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
