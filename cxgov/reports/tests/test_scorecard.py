"""The management scorecard over HTTP, with figures worked out by hand.

Quarter FY2026 Q4 (1 July to 30 September 2026), previous FY2026 Q3. Threshold 5.
Passports: satisfied 8 of 10 (Q3: 2 of 10: z = 2.68, significant, up), trust 6 of 10 (Q3:
5 of 10, not significant); complaints closed 12, 9 on time; standards 90/100 met (target
80%) and 70/100 not met. Visas: 3 answers only (suppressed). Wilson 95% intervals:
8/10 → 49.0–94.3; 6/10 → 31.3–83.2; 9/12 → 46.8–91.1; 90/100 → 82.6–94.5.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cxgov.actions.tests.factories import ActionItemFactory
from cxgov.complaints.models import Complaint
from cxgov.standards.models import ReportedResult
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import ServiceFactory, StandardFactory, cleared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("settings_threshold")]

URL = "/staff/agencies/alpha/reports/scorecard/"
Q4 = {"fiscal_year": "2026", "quarter": "4"}


@pytest.fixture
def settings_threshold():
    with override_settings(SURVEY_SUPPRESSION_THRESHOLD=5):
        yield


def _answers(service, day, pairs, prefix):
    return [
        BulkResponse(
            answers={"satisfaction": sat, "trust": trust},
            submitted_at=datetime(day.year, day.month, day.day, 15, tzinfo=UTC),
            context=SubmissionContext(source="web", service=service.slug),
            submission_id=f"{prefix}-{n}",
        )
        for n, (sat, trust) in enumerate(pairs)
    ]


@pytest.fixture
def card_data(agency_a, analyst_a):
    passports = ServiceFactory(agency=agency_a, name="Passports", slug="passports")
    visas = ServiceFactory(agency=agency_a, name="Visas", slug="visas")
    survey = survey_create(
        actor=None, agency=agency_a, template="a11_v1", services=[passports, visas]
    )
    survey_publish(actor=None, survey=cleared(survey))
    q4 = [(5, 5), (5, 4), (4, 4), (4, 5), (4, 4), (4, 4), (5, 3), (4, 2), (2, 1), (1, 3)]
    q3 = [(5, 5), (4, 4), (3, 4), (3, 5), (2, 4), (2, 1), (1, 3), (3, 2), (2, 1), (1, 3)]
    rows = (
        _answers(passports, date(2026, 8, 10), q4, "p4")
        + _answers(passports, date(2026, 5, 10), q3, "p3")
        + _answers(visas, date(2026, 8, 12), [(5, 5), (5, 5), (4, 4)], "v4")
    )
    response_bulk_create(actor=None, survey=survey, rows=rows)
    rollups_fold_due()
    for n in range(12):
        Complaint.objects.create(
            agency=agency_a,
            service=passports,
            tracking_number=f"C-T-{n:04d}",
            what_happened="Slow",
            status="closed",
            closed_at=datetime(2026, 9, 1, 14, tzinfo=UTC),
            final_timely=n < 9,
        )
    for statement, met in (("We print passports in 10 days", 90), ("We answer mail in 5 days", 70)):
        standard = StandardFactory(
            service=passports, source="reported", period="quarter", statement=statement
        )
        ReportedResult.objects.create(
            standard=standard,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 9, 30),
            label="FY2026 Q4",
            volume_meeting_target=met,
            total_volume=100,
        )
    today = timezone.localdate()
    ActionItemFactory(
        agency=agency_a, owner=analyst_a, service=passports, due_date=today - timedelta(days=1)
    )
    ActionItemFactory(
        agency=agency_a, owner=analyst_a, service=passports, due_date=today + timedelta(days=5)
    )
    ActionItemFactory(
        agency=agency_a,
        owner=analyst_a,
        service=passports,
        status="done",
        closed_at=timezone.now(),
        due_date=today - timedelta(days=5),
    )
    ActionItemFactory(agency=agency_a, owner=analyst_a, due_date=today + timedelta(days=5))
    return passports, visas


def _row(page: str, name: str) -> str:
    start = page.index(f'<th scope="row">{name}</th>')
    return page[start : page.index("</tr>", start)]


def test_scorecard_shows_hand_computed_figures_and_marks_only_significant_change(
    analyst_a_client, card_data
):
    response = analyst_a_client.get(URL, Q4)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scorecard of Agency Alpha, FY2026 Q4" in page
    passports = _row(page, "Passports")
    assert "80% (49–94), n = 10" in passports
    assert "60% (31–83), n = 10" in passports
    assert "75% (47–91), n = 12" in passports
    assert "1 of 2 posted" in passports
    assert "2 (1 overdue)" in passports
    assert passports.count("Up significantly") == 1
    assert "Down significantly" not in page
    visas = _row(page, "Visas")
    assert visas.count("Too few answers to show") == 2
    assert "None posted" in visas
    assert "90% (83–94), n = 100" in page and "70% (" in page
    assert "Actions for the whole agency: 1 open, 0 overdue." in page


def test_scorecard_csv_has_the_same_figures(analyst_a_client, card_data):
    response = analyst_a_client.get(URL, {**Q4, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = {
        (r["service"], r["measure"]): r
        for r in csv.DictReader(io.StringIO(response.content.decode()))
    }
    satisfied = rows[("passports", "satisfaction_positive")]
    assert (satisfied["value"], satisfied["ci_low"], satisfied["ci_high"], satisfied["n"]) == (
        "0.8",
        "0.4902",
        "0.9433",
        "10",
    )
    assert satisfied["change_vs_previous_quarter"] == "up"
    assert rows[("passports", "trust_positive")]["change_vs_previous_quarter"] == ""
    assert rows[("passports", "complaints_closed_within_sla")]["value"] == "0.75"
    assert rows[("visas", "satisfaction_positive")]["suppressed"] == "yes"
    assert rows[("visas", "satisfaction_positive")]["value"] == ""
    assert rows[("passports", "standards_met")]["value"] == "1"
    assert rows[("passports", "actions_overdue")]["value"] == "1"


def test_scorecard_pdf_is_one_page(analyst_a_client, card_data, tmp_path):
    response = analyst_a_client.get(URL, {**Q4, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    if pdfinfo is None or pdftotext is None:
        pytest.skip("pdfinfo and pdftotext are not installed (apt-get install poppler-utils)")
    info = subprocess.run(  # noqa: S603 - our own binary path and file
        [pdfinfo, str(path)], capture_output=True, text=True, check=True
    )
    assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.MULTILINE)
    text = subprocess.run(  # noqa: S603 - our own binary path and file
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "80% (49–94), n = 10" in text
    assert "Choose a quarter" not in text


def test_scorecard_refuses_bad_quarter_with_a_field_error(analyst_a_client, agency_a):
    response = analyst_a_client.get(URL, {"fiscal_year": "20x6", "quarter": "9"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a fiscal year from 2000 to 2100." in page
    assert "Choose a quarter from 1 to 4." in page
    csv_attempt = analyst_a_client.get(URL, {"fiscal_year": "-1", "format": "csv"})
    assert csv_attempt.status_code == 400


def test_scorecard_of_another_agency_is_not_found(handler_b_client, agency_a, client):
    assert handler_b_client.get(URL).status_code == 404
    assert client.get(URL).status_code == 302


def test_scorecard_defaults_to_the_last_ended_quarter(analyst_a_client, agency_a):
    from cxgov.insights.fiscal import fiscal_quarter

    expected = fiscal_quarter(timezone.localdate()).previous()
    page = analyst_a_client.get(URL).content.decode()
    assert f"Scorecard of Agency Alpha, {expected}" in page
