"""Helpers that make A-11 test records through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client

from cxgov.a11 import services
from cxgov.a11.models import Collection
from cxgov.core.models import User
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import Service
from cxgov.surveys.models import Survey
from cxgov.surveys.rollups import rollups_fold
from cxgov.surveys.services import BulkResponse, SubmissionContext, response_bulk_create

# FY 2026 Q2: January to March 2026.
PERIOD = FiscalQuarter(2026, 2)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def thumbs_responses(
    survey: Survey, *, service: Service, count: int, period: FiscalQuarter = PERIOD
) -> int:
    """`count` thumbs-up responses about the service, spread over the quarter's first days,
    folded into the rollups as the worker would."""
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    rows = [
        BulkResponse(
            answers={"trust": "1", "went_well": ["ease"]},
            submitted_at=start + timedelta(days=i % 60),
            context=SubmissionContext(source="import", service=service.slug),
            submission_id=f"t-{service.pk}-{period.year}{period.quarter}-{i}",
        )
        for i in range(count)
    ]
    stored = response_bulk_create(actor=None, survey=survey, rows=rows)
    rollups_fold(survey_id=survey.pk)
    return stored


def ready_collection(
    *, service: Service, survey: Survey, period: FiscalQuarter = PERIOD, responses: int = 12
) -> Collection:
    """A draft with everything the checklist asks for."""
    thumbs_responses(survey, service=service, count=responses, period=period)
    collection = services.collection_create(
        actor=None, service=service, fiscal_year=period.year, quarter=period.quarter
    )
    return services.collection_update(
        actor=None,
        collection=collection,
        volume_of_customers=5000,
        volume_offered=400,
        channel="website",
    )
