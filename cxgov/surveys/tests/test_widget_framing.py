"""Survey pages cannot be framed by other sites; the widget reaches only the allowed ones.

The widget is a script that draws the form in the host page, so these survey pages keep
`frame-ancestors 'none'`, even when embedding sites are listed. Only the iframe embed page may be
framed, by those sites (`cxgov/public/tests/test_survey_embed.py`).
"""

from __future__ import annotations

import pytest

from cxgov.testing.factories import SurveyFactory

pytestmark = pytest.mark.django_db

ALLOWED = "https://www.agency.example.gov"


@pytest.fixture
def survey(agency_a):
    return SurveyFactory(agency=agency_a, allowed_origins=[ALLOWED])


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    (directive,) = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


@pytest.mark.parametrize("path", ["/surveys/{id}/", "/es/surveys/{id}/", "/surveys/{id}/thanks/"])
def test_survey_pages_refuse_every_frame_even_for_allowed_sites(client, survey, path):
    response = client.get(path.format(id=survey.public_id), HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 200
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_widget_definition_is_readable_only_by_allowed_sites_and_never_framed(client, survey):
    url = f"/surveys/{survey.public_id}/widget.json"
    allowed = client.get(url, HTTP_ORIGIN=ALLOWED)
    other = client.get(url, HTTP_ORIGIN="https://evil.example.com")
    assert allowed["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Origin" not in other
    assert _frame_ancestors(allowed) == "frame-ancestors 'none'"
