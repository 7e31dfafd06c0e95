"""The public performance page of a service, and the headline figures on its agency's page.

The clock stands in January 2026, so the latest full quarter is FY2026 Q1 (October to
December 2025); answers are given in November 2025.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cxgov.actions.models import SourceKind
from cxgov.actions.services import SourceLink, action_create, action_status_set
from cxgov.complaints.models import Complaint
from cxgov.complaints.services import complaint_create
from cxgov.core.models import Agency
from cxgov.registry.models import Service, ServiceStatus
from cxgov.registry.services import channel_create
from cxgov.reports.performance_feed import PERFORMANCE_COLUMNS
from cxgov.standards.models import DailyRollup
from cxgov.surveys.models import AnswerRollup, Survey
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    survey_create,
    survey_publish,
    survey_update,
)
from cxgov.testing.factories import (
    AgencyFactory,
    MembershipFactory,
    ServiceFactory,
    StandardFactory,
    UserFactory,
    cleared,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOV = datetime(2025, 11, 14, 17, 0, tzinfo=UTC)
URL = "/agencies/boe/services/renew/performance/"
# Raw tables the page must never read: single answers, responses and standards events.
RAW_TABLES = ('"surveys_answer"', '"surveys_response"', '"standards_standardevent"')


@pytest.fixture
def frozen() -> object:
    with (
        time_machine.travel(datetime(2026, 1, 20, 15, 0, tzinfo=UTC), tick=False),
        override_settings(SURVEY_SUPPRESSION_THRESHOLD=5),
    ):
        yield


@pytest.fixture
def agency() -> Agency:
    return AgencyFactory(name="Bureau of Examples", slug="boe", name_es="Oficina de Ejemplos")


@pytest.fixture
def service(agency: Agency) -> Service:
    return ServiceFactory(
        agency=agency, name="Renew a license", name_es="Renovar una licencia", slug="renew"
    )


def a11_survey(agency: Agency, service: Service, *, public: bool, title: str) -> Survey:
    survey = survey_create(
        actor=None,
        agency=agency,
        template="a11_v2",
        title=title,
        services=[service],
        omb_control_number="1234-0042",
    )
    cleared(survey)
    survey_update(actor=None, survey=survey, results_public=public)
    return survey_publish(actor=None, survey=survey)


def answer(survey: Survey, service: Service, trusts: list[int], *, when: datetime = NOV) -> None:
    """One response per trust answer (1 up, 0 down), each naming one reason."""
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers={"trust": trust, "went_well" if trust else "went_poorly": ["ease"]},
                submitted_at=when,
                context=SubmissionContext(service=service.slug, channel="website"),
            )
            for trust in trusts
        ],
    )
    rollups_fold_due()


def page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_published_trust_has_its_n_and_interval_in_english_and_spanish(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 9 + [0] * 3)
    english = page(client)
    assert "How Renew a license is doing" in english
    assert "FY2026 Q1" in english
    # 9 of 12: 75.0 %, Wilson interval 46.8–91.1.
    assert "<strong>75.0 %</strong>" in english
    assert "95% confidence interval 46.8–91.1; n = 12" in english
    assert 'OMB control number <bdi dir="ltr">1234-0042</bdi>' in english
    spanish = page(client, "/es" + URL)
    assert 'lang="es"' in spanish
    assert "Cómo le va a Renovar una licencia" in spanish
    assert "<strong>75,0 %</strong>" in spanish
    assert "intervalo de confianza del 95 % 46,8–91,1; n = 12" in spanish


def test_survey_without_the_publication_flag_contributes_no_figure(client, agency, service):
    hidden = a11_survey(agency, service, public=False, title="Internal pulse")
    answer(hidden, service, [0] * 20)
    text = page(client)
    assert "Internal pulse" not in text
    assert "n = 20" not in text and "0.0 %" not in text
    assert "The agency has not published survey results for this service yet." in text
    assert "What went well" not in text
    shown = a11_survey(agency, service, public=True, title="How did it go?")
    answer(shown, service, [1] * 10)
    text = page(client)
    # Only the published survey's ten answers count: 100 %, not 10 of 30.
    assert "<strong>100.0 %</strong>" in text and "n = 10" in text
    assert "n = 30" not in text and "Internal pulse" not in text


def test_a_figure_under_the_threshold_is_suppressed(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1, 1, 0])
    text = page(client)
    assert "Not shown: fewer than 5 answers (n = 3)." in text
    assert "66.7" not in text and "33.3" not in text


def test_trend_lists_eight_quarters_with_the_chart_and_its_table(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 6 + [0] * 4, when=datetime(2025, 5, 2, 16, tzinfo=UTC))
    answer(survey, service, [1] * 8 + [0] * 2)
    text = page(client)
    quarters = re.findall(r'<th scope="row">(FY\d{4} Q\d)</th>', text)
    assert quarters[:8] == [
        "FY2026 Q1",
        "FY2025 Q4",
        "FY2025 Q3",
        "FY2025 Q2",
        "FY2025 Q1",
        "FY2024 Q4",
        "FY2024 Q3",
        "FY2024 Q2",
    ]
    assert 'id="trust-trend-chart-title"' in text
    assert "<strong>60.0 %</strong>" in text and "<strong>80.0 %</strong>" in text


@pytest.mark.parametrize(("start_month", "from_quarters"), [(10, True), (1, True), (2, False)])
def test_the_trend_reads_whole_quarters_where_the_agency_counts_the_federal_ones(
    client, agency, service, start_month, from_quarters
):
    """An agency whose fiscal year starts in January, April, July or October has the federal
    quarters: its figures come from the quarterly rollups (they stay when the daily rows go).
    Another agency's come from its days, summed into federal quarters all the same."""
    Agency.objects.filter(pk=agency.pk).update(fiscal_year_start_month=start_month)
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 6 + [0] * 4, when=datetime(2025, 5, 2, 16, tzinfo=UTC))
    answer(survey, service, [1] * 8 + [0] * 2)
    text = page(client)
    assert "<strong>60.0 %</strong>" in text and "<strong>80.0 %</strong>" in text
    assert "What went well (n = 8)" in text
    AnswerRollup.objects.filter(survey=survey).delete()
    text = page(client)
    assert ("<strong>80.0 %</strong>" in text) is from_quarters
    assert ("What went well (n = 8)" in text) is from_quarters


def test_drivers_standards_complaints_channels_and_actions(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 6 + [0] * 2)
    standard = StandardFactory(service=service, agency=agency, target="0.8000", period="quarter")
    day = date(2025, 11, 3)
    DailyRollup.objects.create(standard=standard, day=day, total=100, met=95)
    channel_create(actor=None, service=service, kind="website", name="Online", annual_volume=3000)
    channel_create(actor=None, service=service, kind="phone", name="Phone", annual_volume=1000)
    for days in range(6):
        complaint = complaint_create(
            agency=agency,
            service=service,
            what_happened="It took too long.",
            received_at=datetime(2025, 10, 6, 15, tzinfo=UTC),
            send_acknowledgment=False,
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            responded_at=datetime(2025, 10, 6, 15, tzinfo=UTC) + timedelta(days=7 * (days + 1)),
            timely=days < 3,
        )
    owner = MembershipFactory(agency=agency, user=UserFactory(email="owner@boe.example.gov")).user
    action = action_create(
        actor=None,
        agency=agency,
        title="Shorter renewal form",
        description="We removed two questions people found confusing.",
        owner=owner,
        due_date=date(2025, 12, 1),
        service=service,
        sources=[SourceLink(kind=SourceKind.DRIVER_GAP, label="Ease scored lowest", reference={})],
    )
    action_status_set(actor=None, action=action, status="done")
    text = page(client)
    # Six of six who trusted chose "ease" (went well); two of two chose it (went poorly).
    assert "What went well (n = 6)" in text and "What did not go so well (n = 2)" in text
    assert "1 of 1 standard met in its latest period." in text
    assert "<strong>95.0 %</strong>" in text
    assert "Complaints received in FY2026 Q1" in text and "<strong>6</strong>" in text
    assert "<strong>50.0 %</strong>" in text  # 3 of 6 answered on time
    assert "Shorter renewal form" in text and "Ease scored lowest" in text
    assert "Transactions a year by channel" in text


def test_the_page_reads_rollups_never_raw_answers_responses_or_events(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 7 + [0] * 3)
    standard = StandardFactory(service=service, agency=agency, period="quarter")
    DailyRollup.objects.create(standard=standard, day=date(2025, 11, 3), total=20, met=18)
    with CaptureQueriesContext(connection) as queries:
        page(client)
        page(client, "/agencies/boe/")
        page(client, "/")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"surveys_answerrollup"' in sql and '"standards_dailyrollup"' in sql
    for table in RAW_TABLES:
        assert table not in sql, f"the page read {table}"


def test_agency_page_headlines_each_service_and_links_its_performance(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 8 + [0] * 2)
    text = page(client, "/agencies/boe/")
    assert "Trust increased, FY2026 Q1" in text
    assert "<strong>80.0 %</strong>" in text
    assert f'href="{URL}"' in text
    spanish = page(client, "/es/agencies/boe/")
    assert f'href="/es{URL}"' in spanish and "<strong>80,0 %</strong>" in spanish


def test_a_draft_service_has_no_performance_page(client, agency):
    ServiceFactory(agency=agency, slug="draft", status=ServiceStatus.DRAFT)
    assert client.get("/agencies/boe/services/draft/performance/").status_code == 404


# --- the same figures as open data ----------------------------------------------------------

FEEDS = (
    "/data/performance.csv",
    "/data/performance.json",
    "/agencies/boe/performance.csv",
    "/agencies/boe/performance.json",
)


def feed_rows(client, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200
    if url.endswith(".json"):
        document = response.json()
        assert document["columns"] == list(PERFORMANCE_COLUMNS)
        return document["figures"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert tuple(reader.fieldnames or ()) == PERFORMANCE_COLUMNS
    return list(reader)


def figure_row(rows, section: str, figure: str, period: str = "FY2026 Q1", **match) -> dict:
    (row,) = [
        r
        for r in rows
        if r["section"] == section
        and r["figure"] == figure
        and r["period"] == period
        and all(r[k] == v for k, v in match.items())
    ]
    return row


def test_every_figure_of_the_page_is_in_the_csv_and_json_feeds(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 9 + [0] * 3)
    standard = StandardFactory(service=service, agency=agency, target="0.8000", period="quarter")
    DailyRollup.objects.create(standard=standard, day=date(2025, 11, 3), total=100, met=95)
    channel_create(actor=None, service=service, kind="website", name="Online", annual_volume=3000)
    channel_create(actor=None, service=service, kind="phone", name="Phone", annual_volume=1000)
    for days in range(6):
        complaint = complaint_create(
            agency=agency,
            service=service,
            what_happened="It took too long.",
            received_at=datetime(2025, 10, 6, 15, tzinfo=UTC),
            send_acknowledgment=False,
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            responded_at=datetime(2025, 10, 6, 15, tzinfo=UTC) + timedelta(days=7 * (days + 1)),
            timely=days < 3,
        )
    text = page(client)
    assert "<strong>75.0 %</strong>" in text and "46.8–91.1; n = 12" in text
    assert 'href="/agencies/boe/performance.csv"' in text
    assert 'href="/es/data/service-performance/"' in page(client, "/es" + URL)
    for url in FEEDS:
        rows = feed_rows(client, url)
        as_text = {
            k: "" if v is None else str(v) for k, v in figure_row(rows, "survey", "trust").items()
        }
        assert (as_text["value"], as_text["ci_low"], as_text["ci_high"], as_text["n"]) == (
            "75.0",
            "46.8",
            "91.1",
            "12",
        )
        assert as_text["service"] == "renew" and as_text["agency"] == "boe"
        assert as_text["period_start"] == "2025-10-01" and as_text["suppressed"] == "no"
        trend = [r for r in rows if r["section"] == "survey" and r["figure"] == "trust"]
        assert len(trend) == 8
        went_well = figure_row(rows, "drivers", "went_well", item="ease")
        assert str(went_well["value"]) == "100.0" and str(went_well["n"]) == "9"
        standard_row = [r for r in rows if r["section"] == "standards"]
        assert len(standard_row) == 1
        assert standard_row[0]["status"] == "met" and str(standard_row[0]["value"]) == "95.0"
        assert str(figure_row(rows, "complaints", "received")["count"]) == "6"
        on_time = figure_row(rows, "complaints", "on_time")
        assert (str(on_time["value"]), str(on_time["n"])) == ("50.0", "6")
        assert figure_row(rows, "complaints", "median_days")["unit"] == "days"
        online = figure_row(rows, "channels", "channel_share", period="", item="website")
        assert (str(online["value"]), str(online["count"]), str(online["n"])) == (
            "75.0",
            "3000",
            "4000",
        )
        assert str(figure_row(rows, "channels", "digital_share", period="")["value"]) == "75.0"


PUBLIC_PAGES = (
    URL,
    "/es" + URL,
    "/agencies/boe/",
    "/agencies/boe/services/renew/",
    "/",
    "/data/a11/quarterly.csv",
    "/data/a11/quarterly.json",
    "/standards.csv",
    "/data.json",
)


def test_an_unflagged_survey_has_no_figure_on_any_public_page_or_feed(client, agency, service):
    hidden = a11_survey(agency, service, public=False, title="Internal pulse")
    answer(hidden, service, [1] * 17 + [0] * 6)  # 73.9 % of 23
    for url in PUBLIC_PAGES + FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Internal pulse" not in text, url
        assert "73.9" not in text and "73,9" not in text, url
        assert "n = 23" not in text, url
    for url in FEEDS:
        rows = feed_rows(client, url)
        survey_rows = [r for r in rows if r["section"] in ("survey", "drivers")]
        assert survey_rows and all(str(r["n"]) == "0" for r in survey_rows), url
        assert all(r["value"] in ("", None) for r in survey_rows), url


def test_a_flagged_figure_under_the_threshold_is_withheld_on_the_page_and_in_the_feeds(
    client, agency, service
):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1, 1, 0])
    assert "Not shown: fewer than 5 answers (n = 3)." in page(client)
    for url in FEEDS:
        text = client.get(url).content.decode()
        assert "66.7" not in text and "33.3" not in text, url
        trust = figure_row(feed_rows(client, url), "survey", "trust")
        assert trust["suppressed"] == "yes" and str(trust["n"]) == "3"
        assert trust["value"] in ("", None) and trust["ci_low"] in ("", None)


def test_the_feeds_read_rollups_never_raw_answers_responses_or_events(client, agency, service):
    survey = a11_survey(agency, service, public=True, title="How did it go?")
    answer(survey, service, [1] * 7 + [0] * 3)
    standard = StandardFactory(service=service, agency=agency, period="quarter")
    DailyRollup.objects.create(standard=standard, day=date(2025, 11, 3), total=20, met=18)
    with CaptureQueriesContext(connection) as queries:
        for url in FEEDS:
            assert client.get(url).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"surveys_answerrollup"' in sql
    for table in RAW_TABLES:
        assert table not in sql, f"the feeds read {table}"


def test_an_unknown_agency_has_no_performance_feed(client):
    assert client.get("/agencies/nowhere/performance.csv").status_code == 404
    assert client.get("/agencies/nowhere/performance.json").status_code == 404


def with_figures(agency: Agency, service: Service) -> None:
    """A published survey with answers, a posted standard with a result, a complaint and a
    channel for the service."""
    survey = a11_survey(agency, service, public=True, title=f"How did {service.slug} go?")
    answer(survey, service, [1] * 6 + [0] * 2)
    standard = StandardFactory(service=service, agency=agency, period="quarter")
    DailyRollup.objects.create(standard=standard, day=date(2025, 11, 3), total=20, met=18)
    complaint = complaint_create(
        agency=agency,
        service=service,
        what_happened="It took too long.",
        received_at=datetime(2025, 10, 6, 15, tzinfo=UTC),
        send_acknowledgment=False,
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        responded_at=datetime(2025, 10, 20, 15, tzinfo=UTC), timely=True
    )
    channel_create(actor=None, service=service, kind="website", name="Online", annual_volume=900)


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for url in (*FEEDS, "/agencies/boe/standards/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_the_feeds_and_standards_page_run_as_many_queries_for_many_services_as_for_one(
    client, agency, service
):
    with_figures(agency, service)
    queries_per_page(client)  # the first request also reads what the site caches
    one = queries_per_page(client)
    other = AgencyFactory(name="Office of Others", slug="ooo")
    for owner, slug in ((agency, "apply"), (agency, "appeal"), (other, "report")):
        with_figures(owner, ServiceFactory(agency=owner, name=slug.title(), slug=slug))
    services = {row["service"] for row in feed_rows(client, "/data/performance.json")}
    assert services == {"renew", "apply", "appeal", "report"}
    assert queries_per_page(client) == one
