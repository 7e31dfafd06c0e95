"""The survey report's PDF is prepared by the worker and served to those who read reports
(decision 0049)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from cxgov.core.models import PreparedFile
from cxgov.reports.services import survey_report_update
from cxgov.reports.tests.factories import report_surveys
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db
PDF = "/staff/agencies/alpha/reports/fy2026/report.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def surveyed(agency_a):
    report_surveys(agency_a, customers=40, employees=False)
    return agency_a


def test_report_pdf_is_prepared_then_served(analyst_a_client: Client, surveyed):
    waiting = analyst_a_client.get(PDF)
    assert waiting.status_code == 202 and "Being prepared" in waiting.content.decode()
    response = prepared_get(analyst_a_client, PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "alpha-survey-report-fy2026-en.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_edited_written_sections_make_a_new_pdf(analyst_a_client: Client, surveyed):
    assert prepared_get(analyst_a_client, PDF).status_code == 200
    survey_report_update(
        actor=None,
        agency=surveyed,
        fiscal_year=2026,
        quarter=None,
        sections={"what_we_heard": "Waits were long."},
    )
    assert analyst_a_client.get(PDF).status_code == 202
    assert prepared_get(analyst_a_client, PDF).status_code == 200
    assert PreparedFile.objects.count() == 1, "the older version is removed"


def test_other_agency_gets_404(handler_b_client: Client, surveyed):
    assert handler_b_client.get(PDF).status_code == 404
    assert handler_b_client.post(PDF).status_code == 404
    assert not PreparedFile.objects.exists()
