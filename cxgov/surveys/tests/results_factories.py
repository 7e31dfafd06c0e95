"""Builders for rollup and results tests: a survey of every countable kind, and bulk answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cxgov.core.models import Agency
from cxgov.surveys.models import Survey
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
    """Store answers submitted at given moments through the bulk intake path."""
    context = SubmissionContext(
        service=service, channel=channel, segment=segment, language=language
    )
    return response_bulk_create(
        actor=None,
        survey=survey,
        rows=[BulkResponse(answers=a, submitted_at=at, context=context) for a, at in rows],
    )
