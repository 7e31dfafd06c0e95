"""Staff survey results pages: figures computed by hand, CSV equal to the page, denial paths.

The data: an A-11 v1 survey of agency A with 40 responses.
- FY2026 Q1 (November 2025), by phone, 20 responses: trust 5 ×10, 4 ×6, 2 ×4 → 16/20 positive.
- FY2026 Q2 (February 2026), on the website, 20 responses: trust 5 ×2, 4 ×4, 1 ×14 → 6/20.
Overall 22/40 = 55.0% positive, Wilson 95% interval 39.8% to 69.3%. Q1 alone: 80.0% (58.4% to
91.9%), mean 4.10; Q2: 30.0% (14.5% to 51.9%); the fall of 50 points is significant.
Effectiveness copies trust; the other drivers alternate between two patterns inside every trust
group, so they are uncorrelated with trust (see test_drivers_page.py).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cxgov.core.models import Agency, Role, User
from cxgov.registry.models import Service
from cxgov.surveys.models import Response, Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    response_mark,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import MembershipFactory, UserFactory, cleared

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
PATTERNS = [
    {"ease": 5, "efficiency": 4, "transparency": 2, "employee": 4},
    {"ease": 3, "efficiency": 2, "transparency": 4, "employee": 5},
]
COMMENTS = [
    "Call me at 202-555-0143 please",
    "Email jane.doe@example.com about my claim",
    "The form was clear",
]


def results_rows(service: Service) -> list[BulkResponse]:
    """The 40 responses described in the module docstring."""
    rows = []
    quarters = [
        (datetime(2025, 11, 10, 12, tzinfo=EASTERN), "phone", [(5, 10), (4, 6), (2, 4)]),
        (datetime(2026, 2, 10, 12, tzinfo=EASTERN), "website", [(5, 2), (4, 4), (1, 14)]),
    ]
    number = 0
    for moment, channel, groups in quarters:
        for trust, count in groups:
            for i in range(count):
                number += 1
                answers = {
                    "satisfaction": trust,
                    "trust": trust,
                    "effectiveness": trust,
                    **PATTERNS[i % 2],
                }
                if number <= len(COMMENTS):
                    answers["comments"] = COMMENTS[number - 1]
                rows.append(
                    BulkResponse(
                        answers=answers,
                        submitted_at=moment,
                        submission_id=f"r-{number}",
                        context=SubmissionContext(
                            source="import",
                            channel=channel,
                            service=service.slug,
                            language="es" if number % 4 == 0 else "en",
                        ),
                    )
                )
    return rows


@pytest.fixture
def results_survey(agency_a: Agency, service_a: Service) -> Survey:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v1", services=[service_a])
    survey = survey_publish(actor=None, survey=cleared(survey))
    response_bulk_create(actor=None, survey=survey, rows=results_rows(service_a))
    rollups_fold_due()
    return survey


def thumbs_rows(*, up: int, down: int) -> list[BulkResponse]:
    """A-11 v2 responses in FY2026 Q1: `up` thumbs up, `down` thumbs down."""
    return [
        BulkResponse(
            answers={"trust": 1 if n < up else 0},
            submitted_at=datetime(2025, 12, 1, 12, tzinfo=EASTERN),
            submission_id=f"t-{n}",
            context=SubmissionContext(source="import"),
        )
        for n in range(up + down)
    ]


def _url(survey: Survey, suffix: str = "") -> str:
    return f"/staff/agencies/{survey.agency.slug}/results/{survey.pk}/{suffix}"


def _csv(client: Client, url: str) -> list[list[str]]:
    reply = client.get(url)
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(reply.content.decode())))


def _member(agency: Agency, role: str, email: str) -> Client:
    user = UserFactory(email=email)
    MembershipFactory(user=user, agency=agency, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_results_page_shows_percent_positive_with_interval_and_n(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    reply = analyst_a_client.get(_url(results_survey))
    assert reply.status_code == 200
    text = reply.content.decode()
    assert "40 responses counted." in text
    assert "55.0% (95% interval 39.8% to 69.3%, n = 40)" in text
    assert 'role="img"' in text  # the distribution chart, beside its table


def test_summary_csv_has_the_page_figures(analyst_a_client: Client, results_survey: Survey) -> None:
    rows = _csv(analyst_a_client, _url(results_survey) + "?download=summary")
    trust = next(row for row in rows if row[0].startswith("This interaction increased my trust"))
    assert trust[1:5] == ["40", "55.0", "39.8", "69.3"]
    page = analyst_a_client.get(_url(results_survey)).content.decode()
    for cell in trust[1:5]:
        assert f"<td>{cell}</td>" in page


def test_distribution_counts_and_shares(analyst_a_client: Client, results_survey: Survey) -> None:
    rows = _csv(analyst_a_client, _url(results_survey) + "?download=answers-trust")
    assert rows[0][:3] == ["Answer", "Count", "Share (%)"]
    by_count = {row[1]: row[2:] for row in rows[1:]}
    assert by_count["12"] == ["30.0", "18.1", "45.4"]  # 5: strongly agree
    assert by_count["10"] == ["25.0", "14.2", "40.2"]
    assert by_count["4"] == ["10.0", "4.0", "23.1"]
    assert by_count["14"] == ["35.0", "22.1", "50.5"]


def test_fiscal_quarter_filter_and_mean(analyst_a_client: Client, results_survey: Survey) -> None:
    reply = analyst_a_client.get(_url(results_survey) + "?fiscal_year=2026&quarter=1")
    text = reply.content.decode()
    assert "20 responses counted." in text
    assert "80.0% (95% interval 58.4% to 91.9%, n = 20)" in text
    assert "4.10 (95% interval 3.55 to 4.65, n = 20)" in text


def test_channel_filter_keeps_only_that_channel(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    text = analyst_a_client.get(_url(results_survey) + "?channel=website").content.decode()
    assert "30.0% (95% interval 14.5% to 51.9%, n = 20)" in text


def test_quarter_without_year_is_a_field_error(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    reply = analyst_a_client.get(_url(results_survey) + "?quarter=2")
    assert reply.status_code == 400
    assert "Choose a fiscal year to see one of its quarters." in reply.content.decode()


def test_trend_marks_the_significant_fall_in_words(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    rows = _csv(analyst_a_client, _url(results_survey) + "?download=trend-trust")
    assert rows[1][:5] == ["FY2026 Q1", "20", "80.0", "58.4", "91.9"]
    assert rows[1][-1] == "no earlier quarter to compare"
    assert rows[2][:5] == ["FY2026 Q2", "20", "30.0", "14.5", "51.9"]
    assert rows[2][-1] == "▼ down 50.0 points (significant)"


def test_breakdown_by_channel(analyst_a_client: Client, results_survey: Survey) -> None:
    rows = _csv(analyst_a_client, _url(results_survey) + "?question=trust&download=by-channel")
    figures = {row[0]: row[1:5] for row in rows[1:]}
    assert figures["Phone"] == ["20", "80.0", "58.4", "91.9"]
    assert figures["Website"] == ["20", "30.0", "14.5", "51.9"]


def test_spam_leaves_the_counts(analyst_a_client: Client, results_survey: Survey) -> None:
    response_mark(
        actor=None, response=Response.objects.filter(survey=results_survey).first(), spam=True
    )
    text = analyst_a_client.get(_url(results_survey)).content.decode()
    assert "39 responses counted." in text


def test_comments_are_scrubbed_on_page_and_in_csv(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    text = analyst_a_client.get(_url(results_survey)).content.decode()
    assert "202-555-0143" not in text and "jane.doe@example.com" not in text
    assert "[phone removed]" in text and "[email removed]" in text
    rows = _csv(analyst_a_client, _url(results_survey) + "?download=comments")
    comments = sorted(row[-1] for row in rows[1:])
    assert len(comments) == 3
    assert "The form was clear" in comments
    assert not any("@example.com" in c or "0143" in c for c in comments)


def test_employee_survey_under_threshold_shows_no_figures_or_comments(
    analyst_a_client: Client, employee_survey: Survey
) -> None:
    response_bulk_create(
        actor=None,
        survey=employee_survey,
        rows=[
            BulkResponse(
                answers={"resources": 2, "barriers": "Too many forms"},
                submitted_at=datetime(2025, 11, 3, 12, tzinfo=EASTERN),
                submission_id=f"e-{n}",
                context=SubmissionContext(source="import"),
            )
            for n in range(3)
        ],
    )
    rollups_fold_due()
    reply = analyst_a_client.get(_url(employee_survey))
    text = reply.content.decode()
    assert reply.status_code == 200
    assert "Too many forms" not in text
    assert "fewer than 5 responses" in text
    rows = _csv(analyst_a_client, _url(employee_survey) + "?download=comments")
    assert rows[1:] == []


def test_index_lists_surveys_with_counted_responses(
    analyst_a_client: Client, results_survey: Survey
) -> None:
    reply = analyst_a_client.get("/staff/agencies/alpha/results/")
    assert reply.status_code == 200
    assert _url(results_survey) in reply.content.decode()
    rows = _csv(analyst_a_client, "/staff/agencies/alpha/results/?download=surveys")
    assert [results_survey.title, "Customers", "Live", "40"] in rows


def test_other_agency_gets_404(handler_b_client: Client, results_survey: Survey) -> None:
    assert handler_b_client.get(_url(results_survey)).status_code == 404
    assert handler_b_client.get(_url(results_survey, "drivers/")).status_code == 404
    assert handler_b_client.get("/staff/agencies/alpha/results/").status_code == 404


def test_analyst_of_another_agency_cannot_reach_a_survey_through_their_own(
    agency_b: Agency, results_survey: Survey
) -> None:
    client = _member(agency_b, Role.CX_ANALYST, "analyst@bravo.example.gov")
    assert client.get(f"/staff/agencies/bravo/results/{results_survey.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.FRONTLINE_EMPLOYEE, Role.COMPLAINT_HANDLER])
def test_members_without_the_analyst_role_get_404(
    agency_a: Agency, results_survey: Survey, role: str
) -> None:
    client = _member(agency_a, role, f"{role}@alpha.example.gov")
    assert client.get(_url(results_survey)).status_code == 404
    assert client.get("/staff/agencies/alpha/results/oversight/").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client: Client, results_survey: Survey) -> None:
    reply = client.get(_url(results_survey))
    assert reply.status_code == 302
    assert "/accounts/login/" in reply["Location"]


def test_oversight_reads_across_its_agencies(
    agency_a: Agency, agency_b: Agency, results_survey: Survey
) -> None:
    other = survey_publish(
        actor=None, survey=cleared(survey_create(actor=None, agency=agency_b, template="a11_v2"))
    )
    response_bulk_create(actor=None, survey=other, rows=thumbs_rows(up=4, down=2))
    rollups_fold_due()
    user: User = UserFactory(email="oversight@omb.example.gov")
    for agency in (agency_a, agency_b):
        MembershipFactory(user=user, agency=agency, role=Role.OVERSIGHT)
    client = Client()
    client.force_login(user)
    rows = _csv(client, "/staff/agencies/alpha/results/oversight/?download=oversight")
    alpha = next(row for row in rows if row[1] == results_survey.title)
    assert alpha[0] == "Agency Alpha"
    assert alpha[2] == "40"
    assert alpha[4:8] == ["55.0", "39.8", "69.3", "40"]
    assert alpha[8] == "FY2026 Q2"
    assert alpha[9] == "▼ down 50.0 points (significant)"
    bravo = next(row for row in rows if row[1] == other.title)
    assert bravo[0] == "Agency Bravo"
    assert bravo[4:8] == ["66.7", "30.0", "90.3", "6"]  # 4 of 6 thumbs up
    assert bravo[9] == "no earlier quarter to compare"
    # Read-only: the results page of another agency's survey opens, the builder's edits do not.
    assert client.get(f"/staff/agencies/bravo/results/{other.pk}/").status_code == 200
    settings_url = f"/staff/agencies/bravo/surveys/{other.pk}/settings/"
    assert client.post(settings_url, {"title": "x"}).status_code == 404


def test_analyst_oversight_page_covers_only_their_agency(
    analyst_a_client: Client, agency_b: Agency, results_survey: Survey
) -> None:
    bravo = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency_b, template="a11_v2", title="Bravo survey")
        ),
    )
    response_bulk_create(actor=None, survey=bravo, rows=thumbs_rows(up=5, down=5))
    rollups_fold_due()
    text = analyst_a_client.get("/staff/agencies/alpha/results/oversight/").content.decode()
    assert results_survey.title in text
    assert "Bravo survey" not in text


def test_spanish_results_page(analyst_a_client: Client, results_survey: Survey) -> None:
    reply = analyst_a_client.get("/es" + _url(results_survey))
    assert reply.status_code == 200
    assert 'lang="es"' in reply.content.decode()
