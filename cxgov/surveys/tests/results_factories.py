"""Builders for rollup and results tests: a survey of every countable kind, and bulk answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cxgov.core.models import Agency
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    question_add,
    response_bulk_create,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import cleared

OPTIONS = [
    {"value": "ease", "label": "Easy", "label_es": "Fácil"},
    {"value": "speed", "label": "Quick", "label_es": "Rápido"},
    {"value": "staff", "label": "Helpful staff", "label_es": "Personal útil"},
]


def mixed_survey(agency: Agency, *, title: str = "Mixed") -> Survey:
    """A live survey with 1-5, thumbs, choose-one, choose-any, number and text questions."""
    survey = survey_create(actor=None, agency=agency, title=title)
    specs: list[dict[str, Any]] = [
        {"key": "sat", "kind": "likert", "text": "I am satisfied."},
        {"key": "up", "kind": "thumbs", "text": "Thumbs?"},
        {"key": "pick", "kind": "single", "text": "Pick one", "options": OPTIONS},
        {"key": "why", "kind": "multiple", "text": "Why?", "options": OPTIONS},
        {"key": "visits", "kind": "number", "text": "How many visits?"},
        {"key": "comments", "kind": "long_text", "text": "Anything else?"},
    ]
    for spec in specs:
        question_add(actor=None, survey=survey, text_es=spec["text"] + " (es)", **spec)
    return survey_publish(actor=None, survey=cleared(survey))


def bulk(
    survey: Survey,
    rows: Sequence[tuple[dict[str, Any], datetime]],
    *,
    service: str = "",
    channel: str = "",
    segment: str = "",
    language: str = "en",
) -> int:
    """Store answers submitted at given moments through the bulk intake path, and fold them
    into the rollups as the worker would."""
    context = SubmissionContext(
        service=service, channel=channel, segment=segment, language=language
    )
    stored = response_bulk_create(
        actor=None,
        survey=survey,
        rows=[BulkResponse(answers=a, submitted_at=at, context=context) for a, at in rows],
    )
    rollups_fold(survey_id=survey.pk)
    return stored


def quarters_in_step(survey: Survey) -> bool:
    """Whether the survey's quarterly rollups are exactly its daily ones summed by the fiscal
    quarter of its agency (decision 0055)."""
    from collections import defaultdict

    from cxgov.insights.fiscal import fiscal_quarter
    from cxgov.surveys.models import (
        AnswerQuarterRollup,
        AnswerRollup,
        ResponseQuarterRollup,
        ResponseRollup,
    )

    month = survey.agency.fiscal_year_start_month
    context = ("service_id", "channel", "segment_id", "language", "source")
    summed: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in AnswerRollup.objects.filter(survey=survey).values():
        start = fiscal_quarter(row["day"], start_month=month).start
        key = (row["question_id"], start, row["value_key"], *(row[c] for c in context))
        for i, name in enumerate(("count", "total", "total_squares")):
            summed[key][i] += row[name]
    stored = {
        (row["question_id"], row["quarter_start"], row["value_key"], *(row[c] for c in context)): [
            row["count"],
            row["total"],
            row["total_squares"],
        ]
        for row in AnswerQuarterRollup.objects.filter(survey=survey).values()
    }
    responses: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in ResponseRollup.objects.filter(survey=survey).values():
        start = fiscal_quarter(row["day"], start_month=month).start
        responses[(start, *(row[c] for c in context))] += row["count"]
    stored_responses = {
        (row["quarter_start"], *(row[c] for c in context)): row["count"]
        for row in ResponseQuarterRollup.objects.filter(survey=survey).values()
    }

    def rounded(cells: dict[tuple[Any, ...], list[float]]) -> dict[tuple[Any, ...], tuple]:
        return {k: (int(v[0]), round(v[1], 6), round(v[2], 6)) for k, v in cells.items() if v[0]}

    return (
        rounded(summed) == rounded(stored)
        and {k: v for k, v in responses.items() if v} == stored_responses
    )
