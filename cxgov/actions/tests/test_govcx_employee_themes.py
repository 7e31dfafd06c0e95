"""The employee themes page on GovCXAnalyzer's 99 real-shaped comments, loaded as survey answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from cxgov.insights.tests.test_themes_govcx import RESPONSES, govcx_comments
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not RESPONSES.exists(), reason=f"GovCXAnalyzer reference data not found at {RESPONSES}"
    ),
]


@pytest.mark.parametrize("threshold", [5, 10])
def test_govcx_comments_give_themes_with_terms_and_examples_never_under_threshold(
    analyst_a_client, agency_a, threshold
):
    comments = [text[:2000] for text in govcx_comments()]
    survey = survey_create(actor=None, agency=agency_a, template="employee_barriers")
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers={"resources": 3, **({"barriers": text} if text else {})},
                submitted_at=datetime(2026, 8, 1, 12, tzinfo=UTC),
                context=SubmissionContext(source="web"),
                submission_id=f"govcx-{n}",
            )
            for n, text in enumerate(comments)
        ],
    )
    with override_settings(SURVEY_SUPPRESSION_THRESHOLD=threshold):
        page = analyst_a_client.get(
            f"/staff/agencies/alpha/actions/employee-themes/{survey.pk}/"
        ).content.decode()
    assert "639 responses" in page
    sizes = [int(n) for n in re.findall(r"<p>(\d+) comments? ·", page)]
    assert sizes and min(sizes) >= threshold
    assert page.count("Top terms:") == len(sizes)
    assert page.count("Turn into an action") == len(sizes)
    examples = re.findall(r"<li>([^<]+)</li>", page)
    assert examples and all(
        any(e.strip() in c or c.strip() in e for c in comments) for e in examples[:6]
    )
