"""A-11 quarterly files: the summary read from the survey rollups, Touchpoints' 17-column A-11 v2
response file, and Touchpoints' CX collection detail file.

Callers pass agencies already access-checked. Columns, order and value encodings of the two
Touchpoints files follow GSA/touchpoints (Form#to_a11_v2_csv, CxCollectionDetail.to_csv); see
docs/a11.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Prefetch

from cxgov.a11.formats import A11_V2_COLUMNS, COLLECTION_COLUMNS, DRIVER_ORDER, SUMMARY_COLUMNS
from cxgov.a11.models import Collection, CollectionStatus
from cxgov.a11.selectors import (
    a11_v2_surveys,
    collections_in_quarter,
    quarter_bounds,
    respondents,
)
from cxgov.core import tables
from cxgov.core.models import Agency
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.surveys.models import Answer, Response, ResponseStatus, Survey

# What Touchpoints calls every quarterly collection.
COLLECTION_NAME = "CX Quarterly Reporting"
# Touchpoints (Ruby's CSV) ends lines with "\n", and its importers expect the same.
TOUCHPOINTS_LINE_END = "\n"


def _indicator(chosen: set[str], offered: set[str], driver: str) -> str:
    # Touchpoints: 1 chosen, 0 offered but not chosen, null when the form does not offer it.
    if driver in chosen:
        return "1"
    return "0" if driver in offered else "null"


def a11_v2_rows(*, survey: Survey, period: FiscalQuarter) -> Iterator[list[str]]:
    """One 17-column row per valid response of the survey in the quarter, oldest first."""
    questions = {q.key: q for q in survey.questions.all()}
    trust, well, poorly = questions["trust"], questions["went_well"], questions["went_poorly"]
    comments = questions.get("comments")
    offered_well = {str(o["value"]) for o in well.options}
    offered_poorly = {str(o["value"]) for o in poorly.options}
    start, end = quarter_bounds(period, agency=survey.agency)
    wanted = [q.pk for q in (trust, well, poorly, comments) if q is not None]
    responses = (
        Response.objects.filter(
            survey=survey,
            submitted_at__gte=start,
            submitted_at__lt=end,
            status=ResponseStatus.VALID,
            deleted_at__isnull=True,
        )
        .prefetch_related(
            Prefetch(
                "answers", queryset=Answer.objects.filter(question_id__in=wanted).order_by("id")
            )
        )
        .order_by("submitted_at", "id")
    )
    for response in responses.iterator(chunk_size=2000):
        by_question: dict[int, list[Answer]] = {}
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(answer)
        trust_answers = by_question.get(trust.pk, [])
        chosen_well = {a.value_text for a in by_question.get(well.pk, [])}
        chosen_poorly = {a.value_text for a in by_question.get(poorly.pk, [])}
        comment = by_question.get(comments.pk, []) if comments is not None else []
        yield [
            response.submission_id,
            str(trust_answers[0].value_int) if trust_answers else "",
            *(_indicator(chosen_well, offered_well, d) for d in DRIVER_ORDER),
            *(_indicator(chosen_poorly, offered_poorly, d) for d in DRIVER_ORDER),
            comment[0].value_text if comment else "",
        ]


def touchpoints_a11_v2_table(
    *, agencies: Iterable[Agency], period: FiscalQuarter, survey_id: int | None = None
) -> tuple[Sequence[str], Iterator[list[str]]]:
    """The A-11 v2 response file for every A-11 v2 survey of the agencies, survey by survey."""
    surveys = a11_v2_surveys(agencies=agencies, survey_id=survey_id)

    def rows() -> Iterator[list[str]]:
        for survey in surveys:
            yield from a11_v2_rows(survey=survey, period=period)

    return A11_V2_COLUMNS, rows()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


def collection_row(collection: Collection) -> list[str]:
    """One Touchpoints CX collection detail row."""
    agency = collection.agency
    organization = agency.parent or agency
    service = collection.service
    stages = list(service.stages.all())
    stage = next((s.stage for s in collection.surveys.all() if s.stage_id), None)
    return [
        _text(v)
        for v in (
            collection.pk,
            organization.pk,
            organization.abbreviation,
            organization.name,
            collection.pk,
            collection.fiscal_year,
            collection.quarter,
            COLLECTION_NAME,
            agency.pk,
            agency.name,
            agency.slug,
            service.pk,
            service.name,
            collection.transaction_point,
            collection.channel,
            stage.pk if stage else "",
            stage.name if stage else "",
            stage.position if stage else "",
            len(stages),
            collection.volume_of_customers,
            collection.volume_offered,
            respondents(collection=collection),
            collection.omb_control_number,
            collection.survey_type,
            "; ".join(s.title for s in collection.surveys.all()),
            collection.trust_question_text,
            _stamp(collection.created_at),
            _stamp(collection.updated_at),
        )
    ]


def collection_table(
    *, agencies: Iterable[Agency], period: FiscalQuarter
) -> tuple[Sequence[str], Iterator[list[str]]]:
    """The collection detail file: submitted and published reports of the quarter."""
    collections = collections_in_quarter(
        agencies=agencies,
        period=period,
        statuses=[CollectionStatus.SUBMITTED, CollectionStatus.PUBLISHED],
    ).prefetch_related("surveys__stage")
    return COLLECTION_COLUMNS, (collection_row(c) for c in collections)


def summary_table(
    *, agencies: Iterable[Agency], fiscal_year: int, quarter: int | None
) -> tuple[Sequence[str], Iterator[list[str]]]:
    """The per-question quarterly summary computed by `cxgov.a11.summary`."""
    from cxgov.a11.summary import a11_summary_rows

    rows = a11_summary_rows(fiscal_year=fiscal_year, quarter=quarter, agencies=list(agencies))
    return SUMMARY_COLUMNS, ([_text(row.get(c)) for c in SUMMARY_COLUMNS] for row in rows)


def export_table(
    *,
    format: str,
    agencies: Iterable[Agency],
    period: FiscalQuarter,
    survey_id: int | None = None,
) -> tuple[Sequence[str], Iterator[list[str]]]:
    """Header and rows of one export format."""
    agencies = list(agencies)
    if format == "touchpoints-a11-v2":
        return touchpoints_a11_v2_table(agencies=agencies, period=period, survey_id=survey_id)
    if format == "collection":
        return collection_table(agencies=agencies, period=period)
    if format == "summary":
        return summary_table(agencies=agencies, fiscal_year=period.year, quarter=period.quarter)
    raise ValueError(f"unknown export format: {format}")


def csv_lines(header: Sequence[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text line by line, "\\n" line ends as Touchpoints (Ruby's CSV) writes them."""
    return tables.csv_lines(header, rows, line_end=TOUCHPOINTS_LINE_END)


def export_filename(*, format: str, period: FiscalQuarter, scope: str) -> str:
    names = {
        "summary": "a11-summary",
        "touchpoints-a11-v2": "touchpoints-a11-v2-form-responses",
        "collection": "touchpoints-data-collection-details",
    }
    return f"{names[format]}-{scope}-fy{period.year}-q{period.quarter}.csv"
