"""The public A-11 quarterly results in the shape of the performance.gov CX API.

One record per survey-quarter (imported performance.gov figures) or per published agency report
(`Collection` in status published), with the attributes the performance.gov API gives and the
`attributes_`-prefixed CSV columns GSA/HISP-CX-Data flattens them to (`formats.
PERFORMANCE_GOV_COLUMNS`), so a reader of that data reads this unchanged. See docs/open-data.md.

- Imported quarters are public already: their counts and published point scales are served as
  imported, small cells included.
- An agency's own report is served only once published, with today's disclosure rule: a
  question answered fewer times than the suppression threshold keeps its wording and leaves its
  counts and point scale empty. Thumbs-up trust questions have no 1-5 counts and stay empty.
- Identifiers are cxgov's, except `id` of an imported quarter: the performance.gov record id.

Callers pass agencies from the public site (every agency's published figures are public).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, Sum

from cxgov.a11.exporters import COLLECTION_NAME
from cxgov.a11.formats import PERFORMANCE_GOV_ATTRIBUTES
from cxgov.a11.importers_performance_gov import PREFIX, SLOT_KEYS, SLOTS
from cxgov.a11.models import Collection, CollectionStatus, ImportedQuarter
from cxgov.a11.selectors import respondents
from cxgov.core.models import Agency
from cxgov.insights.estimates import point_scale
from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter, fiscal_year_bounds
from cxgov.registry.models import Service
from cxgov.surveys.models import AnswerRollup, Question, QuestionKind, RollupSource, Survey
from cxgov.surveys.selectors import suppression_threshold

RECORD_TYPE = "omb_cx_reporting_collections"
SLOT_OF_KEY = {key: slot for slot, key in SLOT_KEYS.items()} | {f"q{s}": s for s in range(8, 12)}
# The published file writes these two volumes as floats ("9707552.0"): they may be blank there.
FLOAT_VOLUMES = ("volume_of_customers", "volume_of_customers_provided_survey_opportunity")
COUNTS = tuple(range(1, 6))


@dataclass(frozen=True)
class QuarterlyFilters:
    """Which records: a fiscal year, a quarter (of any year unless one is given), agencies."""

    fiscal_year: int | None = None
    quarter: int | None = None
    agencies: tuple[Agency, ...] | None = None  # None: every agency

    def wants(self, period: FiscalQuarter) -> bool:
        return (self.fiscal_year is None or period.year == self.fiscal_year) and (
            self.quarter is None or period.quarter == self.quarter
        )

    def days(self) -> dict[str, Any]:
        """Rollup day bounds the filters allow, for the database."""
        if self.fiscal_year is None:
            return {}
        if self.quarter is None:
            start, end = fiscal_year_bounds(self.fiscal_year)
        else:
            period = FiscalQuarter(self.fiscal_year, self.quarter)
            start, end = period.start, period.end
        return {"day__gte": start, "day__lte": end}


@dataclass
class Slot:
    """One question slot of a record: its wording, its 1-5 counts and its point scale."""

    text: str = ""
    counts: dict[int, int] | None = None  # None: withheld (under the threshold)
    scale: str = ""  # as published ("4.7"), or ours rounded to 2 places


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _scale_number(text: str) -> float | None:
    try:
        return float(Decimal(text)) if text else None
    except InvalidOperation:
        return None


@dataclass
class FeedRecord:
    """One record: typed attributes for JSON, and the point scales as text for the CSV."""

    id: str
    attributes: dict[str, Any]
    service_desc: str
    service_provider_desc: str
    scales: dict[int, str]

    def as_json(self) -> dict[str, Any]:
        """As the API gives it: `id`, `type`, `attributes`; then the two descriptions, which
        flatten (`pandas.json_normalize(records, sep="_")`) to the published file's columns."""
        return {
            "id": self.id,
            "type": RECORD_TYPE,
            "attributes": self.attributes,
            "service_desc": self.service_desc,
            "service_provider_desc": self.service_provider_desc,
        }

    def as_row(self) -> list[str]:
        """The CSV row, values written as the published file writes them."""
        row = [self.id, RECORD_TYPE]
        for name in PERFORMANCE_GOV_ATTRIBUTES:
            value = self.attributes[name]
            if name.endswith("_point_scale"):
                slot = int(name[1:].split("_", 1)[0])
                row.append("" if value is None else self.scales.get(slot, ""))
            elif value is None:
                row.append("")
            elif name in FLOAT_VOLUMES:
                row.append(f"{value}.0")
            else:
                row.append(str(value))
        return [*row, self.service_desc, self.service_provider_desc]


def _record(
    *,
    record_id: str,
    organization: Agency,
    provider: Agency,
    collection_id: int,
    period: FiscalQuarter,
    service: Service | None,
    values: dict[str, Any],
    slots: dict[int, Slot],
    created: datetime | None,
    updated: datetime | None,
) -> FeedRecord:
    attributes: dict[str, Any] = {
        "organization_id": organization.pk,
        "organization_name": organization.name,
        "organization_abbreviation": organization.abbreviation,
        "service_provider_id": provider.pk,
        "service_provider_name": provider.name,
        "collection_id": collection_id,
        "collection_name": COLLECTION_NAME,
        "collection_year": period.year,
        "collection_quarter": period.quarter,
        **values,
        "federal_register_url": "",
        "created_at": _iso(created),
        "updated_at": _iso(updated),
        "operational_metrics": "",
        "service_id": service.pk if service else None,
        "service_name": service.name if service else "",
        "service_slug": service.slug if service else "",
    }
    for number in SLOTS:
        slot = slots.get(number, Slot(counts=dict.fromkeys(COUNTS, 0)))
        attributes[f"q{number}_text"] = slot.text
        for k in COUNTS:
            attributes[f"q{number}_{k}"] = None if slot.counts is None else slot.counts.get(k, 0)
        attributes[f"q{number}_point_scale"] = _scale_number(slot.scale)
    return FeedRecord(
        id=record_id,
        attributes={name: attributes[name] for name in PERFORMANCE_GOV_ATTRIBUTES},
        service_desc=service.description if service else "",
        service_provider_desc=provider.mission,
        scales={n: s.scale for n, s in slots.items()},
    )


# --- imported performance.gov quarters -----------------------------------------------------


def _imported_counts(
    quarters: list[ImportedQuarter], filters: QuarterlyFilters
) -> dict[tuple[int, FiscalQuarter, int], dict[int, int]]:
    """(survey, quarter, question) -> counts of 1 to 5, from the imported rollups."""
    rows = (
        AnswerRollup.objects.filter(
            survey_id__in={q.survey_id for q in quarters},
            source=RollupSource.IMPORTED,
            **filters.days(),
        )
        .values("survey_id", "question_id", "day", "value_key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    found: dict[tuple[int, FiscalQuarter, int], dict[int, int]] = defaultdict(dict)
    for row in rows:
        if row["value_key"].isascii() and row["value_key"].isdigit():
            key = (row["survey_id"], fiscal_quarter(row["day"]), row["question_id"])
            value = int(row["value_key"])
            found[key][value] = found[key].get(value, 0) + int(row["n"])
    return found


def _full_text(quarter: ImportedQuarter, name: str, fallback: str) -> str:
    """Text the importer cut to fit, in full from the kept details."""
    kept = quarter.published_point_scale.get("full_text") or {}
    return kept.get(PREFIX + name) or kept.get(name) or fallback


def imported_records(filters: QuarterlyFilters) -> Iterator[FeedRecord]:
    quarters = ImportedQuarter.objects.select_related("survey__agency__parent").prefetch_related(
        "survey__services", "survey__questions"
    )
    if filters.fiscal_year is not None:
        quarters = quarters.filter(fiscal_year=filters.fiscal_year)
    if filters.quarter is not None:
        quarters = quarters.filter(quarter=filters.quarter)
    if filters.agencies is not None:
        quarters = quarters.filter(survey__agency__in=filters.agencies)
    found = list(quarters.order_by("fiscal_year", "quarter", "survey__agency__name", "pk"))
    counts = _imported_counts(found, filters)
    for quarter in found:
        survey: Survey = quarter.survey
        period = FiscalQuarter(quarter.fiscal_year, quarter.quarter)
        published = quarter.published_point_scale
        slots: dict[int, Slot] = {}
        for question in survey.questions.all():
            number = SLOT_OF_KEY.get(question.key)
            if number is None:
                continue
            scale = published.get(question.key, "")
            slots[number] = Slot(
                text=_full_text(quarter, f"q{number}_text", question.text),
                counts=counts.get((survey.pk, period, question.pk), {}),
                scale=scale if isinstance(scale, str) else "",
            )
        agency = survey.agency
        services = list(survey.services.all())
        yield _record(
            record_id=quarter.source_id or f"imported-{quarter.pk}",
            organization=agency.parent or agency,
            provider=agency,
            collection_id=quarter.pk,
            period=period,
            service=services[0] if services else None,
            values={
                "service_provided": _full_text(
                    quarter, "service_provided", quarter.service_provided
                ),
                "transaction_point": _full_text(
                    quarter, "transaction_point", quarter.transaction_point
                ),
                "channel": quarter.channel_text,
                "volume_of_customers": quarter.volume_of_customers,
                "volume_of_customers_provided_survey_opportunity": quarter.volume_offered_survey,
                "volume_of_respondents": quarter.volume_of_respondents,
                "omb_control_number": quarter.omb_control_number,
            },
            slots=slots,
            created=quarter.imported_at,
            updated=quarter.imported_at,
        )


# --- published agency reports --------------------------------------------------------------


def _collection_slots(
    collection: Collection,
    sums: dict[tuple[int, int | None, FiscalQuarter], dict[int, int]],
    questions: dict[int, list[Question]],
    min_n: int,
) -> dict[int, Slot]:
    """The 1-5 questions of the report's surveys, about its service, counted in its quarter.

    A response naming no service counts when its survey is about this service only, as the
    report's own count of respondents does (`selectors.responses_for_collection`).
    """
    slots: dict[int, Slot] = {}
    totals: dict[int, dict[int, int]] = {}
    for survey in collection.surveys.all():
        single = {s.pk for s in survey.services.all()} <= {collection.service_id}
        for question in questions.get(survey.pk, []):
            number = SLOT_OF_KEY[question.key]
            slots.setdefault(number, Slot(text=question.text))
            cell = totals.setdefault(number, {})
            for service_id in (collection.service_id, None) if single else (collection.service_id,):
                for value, n in sums.get((question.pk, service_id, collection.period), {}).items():
                    cell[value] = cell.get(value, 0) + n
    for number, cell in totals.items():
        n = sum(cell.values())
        if 0 < n < min_n:
            slots[number].counts = None
            continue
        slots[number].counts = {k: cell.get(k, 0) for k in COUNTS}
        mean = point_scale(cell).value
        slots[number].scale = "" if mean is None else repr(round(mean, 2))
    return slots


def collection_records(filters: QuarterlyFilters) -> Iterator[FeedRecord]:
    collections = Collection.objects.filter(status=CollectionStatus.PUBLISHED)
    if filters.fiscal_year is not None:
        collections = collections.filter(fiscal_year=filters.fiscal_year)
    if filters.quarter is not None:
        collections = collections.filter(quarter=filters.quarter)
    if filters.agencies is not None:
        collections = collections.filter(agency__in=filters.agencies)
    found = list(
        collections.select_related("agency__parent", "service")
        .prefetch_related("surveys__services")
        .order_by("fiscal_year", "quarter", "agency__name", "service__name", "pk")
    )
    survey_ids = {s.pk for c in found for s in c.surveys.all()}
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(
        survey_id__in=survey_ids, kind=QuestionKind.LIKERT, key__in=list(SLOT_OF_KEY)
    ).order_by("position", "pk"):
        questions[question.survey_id].append(question)
    sums: dict[tuple[int, int | None, FiscalQuarter], dict[int, int]] = defaultdict(dict)
    wanted = [q.pk for qs in questions.values() for q in qs]
    rows = (
        AnswerRollup.objects.filter(
            question_id__in=wanted, source=RollupSource.RESPONSES, **filters.days()
        )
        .filter(Q(service_id__in={c.service_id for c in found}) | Q(service__isnull=True))
        .values("question_id", "service_id", "day", "value_key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        if row["value_key"].isascii() and row["value_key"].isdigit():
            key = (row["question_id"], row["service_id"], fiscal_quarter(row["day"]))
            value = int(row["value_key"])
            sums[key][value] = sums[key].get(value, 0) + int(row["n"])
    min_n = suppression_threshold()
    for collection in found:
        agency = collection.agency
        yield _record(
            record_id=f"cxgov-{collection.pk}",
            organization=agency.parent or agency,
            provider=agency,
            collection_id=collection.pk,
            period=collection.period,
            service=collection.service,
            values={
                "service_provided": collection.service.name,
                "transaction_point": collection.transaction_point,
                "channel": collection.channel,
                "volume_of_customers": collection.volume_of_customers,
                "volume_of_customers_provided_survey_opportunity": collection.volume_offered,
                "volume_of_respondents": respondents(collection=collection),
                "omb_control_number": collection.omb_control_number,
            },
            slots=_collection_slots(collection, sums, questions, min_n),
            created=collection.created_at,
            updated=collection.published_at or collection.updated_at,
        )


# --- the feed ------------------------------------------------------------------------------


def quarterly_records(filters: QuarterlyFilters) -> list[FeedRecord]:
    """Every public record the filters allow: imported quarters, then published reports."""
    return [*imported_records(filters), *collection_records(filters)]
