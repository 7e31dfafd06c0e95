"""Employee results that cannot be undone by differencing, through the real pages.

- A "Day team" of 11 (all answering 4 on resources) and a "Night shift" of 1 (answering 1, with
  a comment), all in FY2026 Q1. The whole survey minus the Day team would be the night-shift
  employee: only the whole survey is shown, the Day team's figures and n are not.
- Quarters of FY2026 with 8, 9, 12 and 1 respondents: the year minus three shown quarters
  would be the lone Q4 respondent, so Q1 (the smallest shown) is hidden too, no hidden
  quarter's n is printed, and the year minus what is shown is 9.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cxgov.core.services import token_create
from cxgov.registry.models import CustomerSegment
from cxgov.surveys.models import Survey
from cxgov.surveys.results import surveys_with_results
from cxgov.surveys.rollups import rollups_fold_due
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    question_update,
    response_bulk_create,
)
from cxgov.testing.factories import SegmentFactory

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
NIGHT_COMMENT = "Only the night shift has no scanner"


def _respond(
    survey: Survey, answers: dict, count: int, at: datetime, *, segment: str = "", tag: str = ""
) -> None:
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers=answers,
                submitted_at=at,
                submission_id=f"{tag}-{n}",
                context=SubmissionContext(source="import", segment=segment),
            )
            for n in range(count)
        ],
    )
    rollups_fold_due()


def _url(survey: Survey, query: str = "") -> str:
    return f"/staff/agencies/{survey.agency.slug}/results/{survey.pk}/" + (
        f"?{query}" if query else ""
    )


def _csv(client: Client, url: str) -> list[list[str]]:
    reply = client.get(url)
    assert reply.status_code == 200
    return list(csv.reader(io.StringIO(reply.content.decode())))


@pytest.fixture
def shifts(employee_survey: Survey) -> tuple[Survey, CustomerSegment, CustomerSegment]:
    day = SegmentFactory(agency=employee_survey.agency, name="Day team")
    night = SegmentFactory(agency=employee_survey.agency, name="Night shift")
    moment = datetime(2025, 11, 4, 12, tzinfo=EASTERN)
    _respond(employee_survey, {"resources": 4}, 11, moment, segment=str(day.pk), tag="day")
    _respond(
        employee_survey,
        {"resources": 1, "barriers": NIGHT_COMMENT},
        1,
        moment,
        segment=str(night.pk),
        tag="night",
    )
    return employee_survey, day, night


def _summary(client: Client, url: str) -> list[str]:
    rows = _csv(client, url + ("&" if "?" in url else "?") + "download=summary")
    return next(row for row in rows[1:] if row[0].startswith("I have what I need"))


def test_the_whole_survey_minus_the_day_team_gives_nothing_of_the_night_shift(
    analyst_a_client: Client, shifts: tuple[Survey, CustomerSegment, CustomerSegment]
) -> None:
    survey, day, night = shifts
    whole = analyst_a_client.get(_url(survey)).content.decode()
    assert "12 responses counted." in whole
    assert _summary(analyst_a_client, _url(survey))[1] == "12"
    for segment in (day, night):
        page = analyst_a_client.get(_url(survey, f"segment={segment.pk}")).content.decode()
        assert "The number of responses is not shown" in page
        assert not re.search(r"\b(11|1) responses? counted", page)
        row = _summary(analyst_a_client, _url(survey, f"segment={segment.pk}"))
        assert row[1] == "fewer than 5 responses" and row[2:] == [""] * 6
        assert NIGHT_COMMENT not in page
        assert (
            _csv(analyst_a_client, _url(survey, f"segment={segment.pk}&download=comments"))[1:]
            == []
        )
    # The breakdown by segment on the whole survey's page lists neither group's n or figures,
    # and says their answers are in the total.
    by_segment = _csv(analyst_a_client, _url(survey, "download=by-segment"))
    rows = {row[0]: row for row in by_segment[1:]}
    assert rows["Day team"][1:] == ["fewer than 5 responses", *[""] * 6]
    assert rows["Night shift"][1:] == ["fewer than 5 responses", *[""] * 6]
    assert rows["Groups not shown"][1].startswith("their answers are counted in the totals")
    assert "The totals above include their answers." in whole
    # Nothing the pages show tells the Day team's count or percent, so the total's 12 answers
    # (11 of them 4, one of them 1) cannot be split.
    assert "11" not in " ".join(" ".join(r) for r in by_segment)


def test_the_api_gives_no_more_than_the_pages(
    analyst_a_client: Client, shifts: tuple[Survey, CustomerSegment, CustomerSegment]
) -> None:
    survey, day, _night = shifts
    reply = analyst_a_client.get(f"/api/v1/surveys/{survey.pk}/results?segment_id={day.pk}")
    assert reply.status_code == 200
    body = reply.json()
    assert body["responses"] is None
    resources = next(q for q in body["questions"] if q["key"] == "resources")
    assert resources["suppressed"] is True and resources["n"] == 0
    assert resources["distribution"] == [] and resources["mean"] is None


@pytest.fixture
def quarters(employee_survey: Survey) -> Survey:
    for quarter, (moment, count) in enumerate(
        [
            (datetime(2025, 11, 4, 12, tzinfo=EASTERN), 8),
            (datetime(2026, 2, 4, 12, tzinfo=EASTERN), 9),
            (datetime(2026, 5, 4, 12, tzinfo=EASTERN), 12),
            (datetime(2026, 8, 4, 12, tzinfo=EASTERN), 1),
        ],
        start=1,
    ):
        _respond(
            employee_survey, {"resources": 4 if count > 1 else 1}, count, moment, tag=f"q{quarter}"
        )
    return employee_survey


def test_the_year_minus_three_quarters_never_gives_the_lone_fourth_quarter(
    analyst_a_client: Client, quarters: Survey
) -> None:
    survey = quarters
    year = analyst_a_client.get(_url(survey, "fiscal_year=2026")).content.decode()
    assert "30 responses counted." in year
    trend = _csv(analyst_a_client, _url(survey, "fiscal_year=2026&download=trend-resources"))
    rows = {row[0]: row for row in trend[1:]}
    assert rows["FY2026 Q4"][1:] == ["fewer than 5 responses", *[""] * 5]
    # Q1 hides with it, so the year minus the shown quarters is 9, never 1.
    assert rows["FY2026 Q1"][1:] == ["fewer than 5 responses", *[""] * 5]
    assert rows["FY2026 Q2"][1] == "9" and rows["FY2026 Q3"][1] == "12"
    for quarter in (1, 4):
        page = analyst_a_client.get(_url(survey, f"fiscal_year=2026&quarter={quarter}"))
        text = page.content.decode()
        assert "The number of responses is not shown" in text
        assert (
            _summary(analyst_a_client, _url(survey, f"fiscal_year=2026&quarter={quarter}"))[1]
            == "fewer than 5 responses"
        )
    shown = analyst_a_client.get(_url(survey, "fiscal_year=2026&quarter=2")).content.decode()
    assert "9 responses counted." in shown


def test_customer_surveys_keep_cells_one_by_one(
    analyst_a_client: Client, a11_likert_survey: Survey
) -> None:
    """Decision 0016: no complementary suppression on customer surveys."""
    moment = datetime(2025, 11, 4, 12, tzinfo=EASTERN)
    day = SegmentFactory(agency=a11_likert_survey.agency, name="Walk-in")
    response_bulk_create(
        actor=None,
        survey=a11_likert_survey,
        rows=[
            BulkResponse(
                answers={"trust": 5},
                submitted_at=moment,
                submission_id=f"c-{n}",
                context=SubmissionContext(source="import", segment=str(day.pk)),
            )
            for n in range(11)
        ],
    )
    rollups_fold_due()
    page = analyst_a_client.get(_url(a11_likert_survey, f"segment={day.pk}")).content.decode()
    assert "11 responses counted." in page


def _list_count(client: Client, survey: Survey) -> str:
    page = client.get(f"/staff/agencies/{survey.agency.slug}/surveys/").content.decode()
    row = re.search(rf"/surveys/{survey.pk}/\".*?</tr>", page, re.S)
    assert row is not None
    cell = re.search(r'<td data-label="Responses">(.*?)</td>', row.group(0))
    assert cell is not None
    return cell.group(1)


def test_an_employee_survey_answered_by_fewer_than_the_threshold_shows_no_count(
    analyst_a_client: Client, analyst_a, employee_survey: Survey
) -> None:
    moment = datetime(2025, 11, 3, 12, tzinfo=EASTERN)
    _respond(employee_survey, {"resources": 4}, 2, moment, tag="few")
    detail_url = f"/staff/agencies/{employee_survey.agency.slug}/surveys/{employee_survey.pk}/"
    assert _list_count(analyst_a_client, employee_survey) == "Fewer than 5"
    detail = analyst_a_client.get(detail_url).content.decode()
    assert "2 responses" not in detail and "Fewer than 5" in detail
    assert '<td data-label="Responses">2</td>' not in detail
    spanish = analyst_a_client.get("/es" + detail_url).content.decode()
    assert "Menos de 5" in spanish
    _token, raw = token_create(user=analyst_a, name="test")
    api = analyst_a_client.get(
        "/api/v1/agencies/alpha/surveys", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert [i["response_count"] for i in api["items"] if i["id"] == employee_survey.pk] == [None]
    _respond(employee_survey, {"resources": 4}, 4, moment, tag="more")
    assert _list_count(analyst_a_client, employee_survey) == "6"
    detail = analyst_a_client.get(detail_url).content.decode()
    assert "6 responses." in detail


def test_an_employee_survey_shows_no_count_per_version(
    analyst_a_client: Client, employee_survey: Survey
) -> None:
    """A version's count beside its publishing time, against the quarters the results show,
    could single out when a few people answered: none is shown, however large."""
    moment = datetime(2025, 11, 3, 12, tzinfo=EASTERN)
    _respond(employee_survey, {"resources": 4}, 9, moment, tag="first")
    question = employee_survey.questions.get(key="resources")
    question_update(actor=None, question=question, text="I have the tools I need")
    employee_survey.refresh_from_db()
    assert employee_survey.versions.count() == 2
    _respond(employee_survey, {"resources": 2}, 6, moment, tag="second")
    detail = analyst_a_client.get(
        f"/staff/agencies/{employee_survey.agency.slug}/surveys/{employee_survey.pk}/"
    ).content.decode()
    assert "15 responses." in detail
    cells = re.findall(r'<td data-label="Responses">(.*?)</td>', detail)
    assert cells == ["Fewer than 5", "Fewer than 5"]


def test_the_oversight_results_list_withholds_a_small_employee_surveys_count(
    employee_survey: Survey,
) -> None:
    _respond(employee_survey, {"resources": 4}, 2, datetime(2025, 11, 3, 12, tzinfo=EASTERN))
    found = surveys_with_results(agencies=[employee_survey.agency])
    assert [(s.pk, s.response_count) for s in found] == [(employee_survey.pk, None)]
