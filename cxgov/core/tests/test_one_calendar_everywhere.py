"""An answer at 22:30 Pacific on 30 September (05:30 UTC on 1 October, 01:30 on the server's
Eastern clock) falls on 30 September and in FY2025 on every page, export and standard."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cxgov.benchmarks.measures import own_measures
from cxgov.complaints.models import Complaint, Status
from cxgov.complaints.selectors import complaint_facts
from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.reports.selectors import report_periods
from cxgov.standards import services as standard_services
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.selectors import standard_results
from cxgov.surveys.results.estimates import quarterly_trend
from cxgov.surveys.results.selectors import result_fiscal_years
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import SubmissionContext, response_submit, survey_create, survey_publish
from cxgov.testing.factories import AgencyFactory, ServiceFactory, StandardFactory, cleared

PACIFIC = ZoneInfo("America/Los_Angeles")
LATE_ANSWER = datetime(2025, 9, 30, 22, 30, tzinfo=PACIFIC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pacific(settings) -> Agency:
    settings.TIME_ZONE = "America/New_York"
    return AgencyFactory(name="Pacific Agency", slug="pacific", time_zone="America/Los_Angeles")


def _live(agency, service, template):
    survey = survey_create(actor=None, agency=agency, template=template, services=[service])
    for question in survey.questions.all():
        question.text_es = question.text_es or question.text
        question.save()
    return survey_publish(actor=None, survey=cleared(survey))


def test_a_late_pacific_answer_counts_in_one_fiscal_year_everywhere(pacific, client: Client):
    service = ServiceFactory(agency=pacific, slug="permit")
    a11 = _live(pacific, service, "a11_v1")
    acsi = _live(pacific, service, "acsi")
    with time_machine.travel(LATE_ANSWER, tick=False):
        response_submit(
            survey=a11,
            answers={"satisfaction": 5, "trust": 4},
            submission_id="late-a11",
            context=SubmissionContext(service=service.slug),
        )
        rollups_fold_due()
        response_submit(
            survey=acsi,
            answers={"acsi_satisfaction": 9, "acsi_expectations": 8, "acsi_ideal": 8},
            submission_id="late-acsi",
            context=SubmissionContext(service=service.slug),
        )
        rollups_fold_due()
        complaint = complaint_create(
            agency=pacific,
            service=service,
            what_happened="The office closed early.",
            send_acknowledgment=False,
        )
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Status.CLOSED, closed_at=LATE_ANSWER, final_timely=True
    )

    # The calendar itself.
    calendar = agency_calendar(agency=pacific)
    assert calendar.local_date(LATE_ANSWER) == date(2025, 9, 30)
    assert str(calendar.fiscal_quarter(LATE_ANSWER)) == "FY2025 Q4"

    # Standards: from events, from survey answers and from complaints, by fiscal year.
    events = StandardFactory(service=service, period="fiscal_year", threshold=1)
    row = {"id": "1", "start": "2025-09-30T20:00:00-07:00", "end": "2025-09-30T22:30:00-07:00"}
    standard_services.events_ingest(
        actor=None, standard=events, batch=events_parse(rows_table([row]), standard=events)
    )
    satisfaction = StandardFactory(service=service, source="survey", period="fiscal_year")
    timeliness = StandardFactory(service=service, source="complaints", period="fiscal_year")
    for standard in (events, satisfaction, timeliness):
        assert [result.label for result in standard_results(standard=standard)] == ["FY2025"]

    # Survey results and reports.
    assert result_fiscal_years(survey=a11) == [2025]
    satisfied = a11.questions.get(key="satisfaction")
    assert [str(point.quarter) for point in quarterly_trend(survey=a11, question=satisfied)] == [
        "FY2025 Q4"
    ]
    periods = report_periods(agency=pacific)
    assert [(row.fiscal_year, row.quarters) for row in periods] == [(2025, [4])]

    # Benchmark own measures (A-11 on the federal year, the ACSI index on the agency's).
    survey_measures = [m for m in own_measures(service=service) if m.source == "surveys"]
    assert survey_measures
    assert {measure.period for measure in survey_measures} == {"FY2025"}

    # Complaints: analytics by month, and the public data.
    assert [fact.group for fact in complaint_facts(agency=pacific, by="month")] == ["2025-09"]
    data = client.get("/agencies/pacific/complaints.json").json()
    assert [row["Date received"] for row in data] == ["2025-09-30"]
