"""The maturity assessment over HTTP: filled in and saved, shown beside the measured
indicators with their n, trended year on year, side by side for oversight, refused to
everyone else, and hostile input answered with clear errors.

Fiscal years 2023 and 2024 are over whatever day the tests run, so every figure is fixed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from cxgov.actions.models import ActionItem, ActionStatus
from cxgov.complaints.models import Channel as ComplaintChannel
from cxgov.complaints.models import Complaint
from cxgov.core.models import AuditEvent, Role
from cxgov.core.permissions import Can
from cxgov.core.services import site_grant_give
from cxgov.maturity.bank import DIMENSIONS, STATEMENTS
from cxgov.maturity.indicators import indicators_for
from cxgov.maturity.models import Answer, Assessment
from cxgov.maturity.services import field_key
from cxgov.standards.models import DailyRollup
from cxgov.surveys.models import AnswerRollup, Question
from cxgov.testing.data import REPOSITORY
from cxgov.testing.factories import (
    ChannelFactory,
    MembershipFactory,
    ServiceFactory,
    StandardFactory,
    SurveyFactory,
    UserFactory,
)
from cxgov.testing.prepared import prepared_get

YEAR = 2024
FIRST = date(2023, 10, 1)  # FY2024 on the federal calendar


def _post(scores: dict[str, Any], **extra: str) -> dict[str, str]:
    """A full form: every statement, with the given scores ("" for the rest)."""
    data: dict[str, str] = {}
    for key in STATEMENTS:
        data[field_key(key, "score")] = str(scores.get(key, ""))
        data[field_key(key, "url")] = ""
        data[field_key(key, "note")] = ""
    data.update(extra)
    return data


def _edit_url(slug: str, year: int = YEAR) -> str:
    return reverse("maturity:edit", kwargs={"slug": slug, "fiscal_year": year})


def _year_url(slug: str, year: int = YEAR) -> str:
    return reverse("maturity:year", kwargs={"slug": slug, "fiscal_year": year})


def _row(html: str, key: str) -> str:
    found = re.search(rf'<tr data-indicator="{key}">(.*?)</tr>', html, re.S)
    assert found, f"no indicator row {key}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.django_db
def test_an_administrator_fills_in_the_assessment_and_the_scores_are_saved(
    admin_a_client, agency_a
):
    data = _post(
        {"measurement.feedback": 4, "measurement.standards": 3, "governance.plan": 2},
        **{
            field_key("measurement.feedback", "url"): "https://example.gov/cx/dashboard",
            field_key("measurement.feedback", "note"): "Quarterly dashboard reviewed by the COO.",
        },
    )
    response = admin_a_client.post(_edit_url("alpha"), data)
    assert response.status_code == 302
    assert response["Location"] == _year_url("alpha")
    assessment = Assessment.objects.get(agency=agency_a, fiscal_year=YEAR)
    answers = {a.statement: a for a in assessment.answers.all()}
    assert answers["measurement.feedback"].score == 4
    assert answers["measurement.feedback"].evidence_url == "https://example.gov/cx/dashboard"
    assert answers["governance.plan"].score == 2
    assert answers["culture.staff"].score is None
    event = AuditEvent.objects.get(action="maturity.assessment_created")
    assert event.data["scores"]["measurement.feedback"] == [None, 4]

    page = prepared_get(admin_a_client, _year_url("alpha")).content.decode()
    assert "https://example.gov/cx/dashboard" in page
    assert "Quarterly dashboard reviewed by the COO." in page
    # Measurement: the mean of 4 and 3, with the third statement not scored.
    assert "Measurement: 3.5" in re.sub(r"\s+", " ", page)

    # Changing one score is audited with its before and after; the form shows what is stored.
    form = admin_a_client.get(_edit_url("alpha")).content.decode()
    assert 'value="4" selected' in form
    data[field_key("governance.plan", "score")] = "5"
    assert admin_a_client.post(_edit_url("alpha"), data).status_code == 302
    event = AuditEvent.objects.get(action="maturity.assessment_saved")
    assert event.data["scores"] == {"governance.plan": [2, 5]}
    assert Answer.objects.filter(assessment=assessment).count() == len(STATEMENTS)


@pytest.mark.django_db
def test_analysts_read_the_assessment_but_do_not_change_it(admin_a_client, analyst_a_client):
    admin_a_client.post(_edit_url("alpha"), _post({"design.human": 3}))
    page = prepared_get(analyst_a_client, _year_url("alpha"))
    assert page.status_code == 200
    assert _edit_url("alpha") not in page.content.decode()
    assert analyst_a_client.get(_edit_url("alpha")).status_code == 404
    assert analyst_a_client.post(_edit_url("alpha"), _post({"design.human": 1})).status_code == 404
    assert Answer.objects.get(statement="design.human").score == 3


@pytest.mark.django_db
def test_the_index_opens_the_fiscal_year_running_now(analyst_a_client):
    response = analyst_a_client.get(reverse("maturity:index", kwargs={"slug": "alpha"}))
    assert response.status_code == 302
    assert re.search(r"/maturity/\d{4}/$", response["Location"])


@pytest.mark.django_db
def test_the_trend_puts_the_previous_year_beside_this_one(admin_a_client):
    admin_a_client.post(
        _edit_url("alpha", YEAR - 1),
        _post({"measurement.feedback": 2, "measurement.standards": 2, "culture.staff": 1}),
    )
    admin_a_client.post(
        _edit_url("alpha"),
        _post({"measurement.feedback": 4, "measurement.standards": 3, "culture.staff": 1}),
    )
    html = prepared_get(admin_a_client, _year_url("alpha")).content.decode()
    table = re.search(r'<table[^>]*id="maturity-trend".*?</table>', html, re.S)
    assert table
    rows = {
        re.sub(r"<[^>]+>", "", cells[0]).strip(): [re.sub(r"<[^>]+>|\s", "", c) for c in cells[1:]]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)[1:]
        )
    }
    assert rows["Measurement"] == ["2.0", "3.5", "+1.5"]
    assert rows["Culture and Organization"] == ["1.0", "1.0", "0.0"]
    assert rows["Service Design"] == ["notassessed", "notassessed", "–"]


def _measured_world(agency: Any) -> dict[str, Any]:
    """Three published services in FY2024: two offer a phone channel, one a website; one
    posted standard with events in the year; phone answers for one service; complaints and a
    low-score follow-up answered after known days; actions due in the year."""
    first, second, third = (ServiceFactory(agency=agency) for _ in range(3))
    ChannelFactory(service=first, kind="phone")
    ChannelFactory(service=first, kind="phone")  # a second phone line: one service still
    ChannelFactory(service=second, kind="phone")
    ChannelFactory(service=third, kind="website", phone="", url="https://example.gov")
    standard = StandardFactory(service=first)
    DailyRollup.objects.create(standard=standard, day=date(2024, 3, 1), total=10, met=8)
    StandardFactory(service=second, status="draft")  # drafts are not posted
    survey = SurveyFactory(agency=agency)
    question = Question.objects.create(survey=survey, key="satisfaction", kind="likert", text="?")
    for day in (date(2024, 2, 1), date(2024, 5, 20)):
        AnswerRollup.objects.create(
            survey=survey,
            question=question,
            day=day,
            service=first,
            channel="phone",
            value_key="5",
            count=3,
        )
    received = datetime(2024, 1, 10, 15, tzinfo=UTC)
    for number, (channel, days) in enumerate(
        [("web", 2), ("web", 4), ("phone", 9), ("survey_followup", 1), ("web", None)]
    ):
        Complaint.objects.create(
            agency=agency,
            tracking_number=f"MAT-{number}",
            what_happened="Late",
            channel=channel,
            received_at=received,
            responded_at=received + timedelta(days=days) if days is not None else None,
        )
    owner = UserFactory()
    MembershipFactory(user=owner, agency=agency, role=Role.SERVICE_MANAGER)
    for number, status in enumerate(
        [ActionStatus.DONE, ActionStatus.DONE, ActionStatus.OPEN, ActionStatus.DROPPED]
    ):
        ActionItem.objects.create(
            agency=agency,
            title=f"Action {number}",
            owner=owner,
            due_date=date(2024, 6, 1),
            status=status,
            closed_at=received if status in (ActionStatus.DONE, ActionStatus.DROPPED) else None,
        )
    return {"services": 3}


@pytest.mark.django_db
def test_the_page_shows_each_indicator_with_its_n_and_says_not_measured_without_data(
    analyst_a_client, agency_a
):
    _measured_world(agency_a)
    html = prepared_get(analyst_a_client, _year_url("alpha")).content.decode()
    # 1 of 3 published services has a posted standard with results in the year.
    assert "33.3% (n = 3)" in _row(html, "standards_live")
    # Phone: 1 of the 2 services offering it got answers through it; website: none of 1.
    assert "50.0% (n = 2)" in _row(html, "feedback_phone")
    assert "0.0% (n = 1)" in _row(html, "feedback_website")
    # Complaints: answered after 2, 4 and 9 days (median 4); one still unanswered.
    assert "4.0 days (n = 3)" in _row(html, "loop_complaints")
    assert "1.0 days (n = 1)" in _row(html, "loop_low_scores")
    # Two of the three actions due (the dropped one left out) are done.
    assert "66.7% (n = 3)" in _row(html, "actions_done")
    # Survey answers last came on 2024-05-20: 133 days before the year ended on 2024-09-30.
    assert "133.0 days (n = 2)" in _row(html, "fresh_surveys")
    # The year before has no data at all: every figure says so, with n.
    assert "not measured (n = 0)" in _row(html, "actions_done")
    supported, applicable = _published_conformance()
    assert f"{100 * supported / applicable:.1f}% (n = {applicable})" in _row(html, "accessibility")
    assert "Median calendar days from receiving a complaint" in _row(html, "loop_complaints")


def _published_conformance() -> tuple[int, int]:
    """(supported, applicable) A and AA criteria, read from the published OpenACR file."""
    report = yaml.safe_load((REPOSITORY / "docs/accessibility/openacr.yaml").read_text())
    levels = [
        component["adherence"]["level"]
        for chapter in ("success_criteria_level_a", "success_criteria_level_aa")
        for criterion in report["chapters"][chapter]["criteria"]
        for component in criterion["components"]
    ]
    applicable = [level for level in levels if level != "not-applicable"]
    return applicable.count("supports"), len(applicable)


@pytest.mark.django_db
def test_the_indicators_are_recomputed_from_the_records(agency_a):
    _measured_world(agency_a)
    found = {item.key: item for item in indicators_for(agency=agency_a, fiscal_year=YEAR)}
    complaints = Complaint.objects.filter(agency=agency_a, responded_at__isnull=False).exclude(
        channel=ComplaintChannel.SURVEY_FOLLOWUP
    )
    days = sorted((c.responded_at - c.received_at).days for c in complaints)
    assert found["loop_complaints"].value == days[len(days) // 2]
    assert found["loop_complaints"].n == len(days)
    due = ActionItem.objects.filter(agency=agency_a).exclude(status=ActionStatus.DROPPED)
    assert found["actions_done"].value == pytest.approx(
        due.filter(status=ActionStatus.DONE).count() / due.count()
    )
    assert found["standards_live"].n == 3
    supported, applicable = _published_conformance()
    assert found["accessibility"].value == pytest.approx(supported / applicable)
    assert found["accessibility"].n == applicable


@pytest.mark.django_db
def test_oversight_sees_two_agencies_side_by_side(admin_a_client, agency_a, agency_b):
    admin_a_client.post(_edit_url("alpha"), _post({"measurement.feedback": 4, "design.human": 2}))
    admin_b = UserFactory(email="admin@bravo.example.gov")
    MembershipFactory(user=admin_b, agency=agency_b, role=Role.AGENCY_ADMIN)
    client_b = Client()
    client_b.force_login(admin_b)
    client_b.post(_edit_url("bravo"), _post({"measurement.feedback": 1, "governance.plan": 5}))

    overseer = UserFactory(email="omb@oversight.example.gov")
    site_grant_give(user=overseer, need=Can.OVERSEE_GOVERNMENT)
    client = Client()
    client.force_login(overseer)
    response = client.get(reverse("maturity_oversight:scores"), {"fiscal_year": YEAR})
    assert response.status_code == 200
    rows = {row.agency.slug: row.scores for row in response.context["rows"]}
    order = [d.key for d in DIMENSIONS]
    assert rows["alpha"][order.index("measurement")] == 4.0
    assert rows["alpha"][order.index("design")] == 2.0
    assert rows["bravo"][order.index("measurement")] == 1.0
    assert rows["bravo"][order.index("governance")] == 5.0
    html = response.content.decode()
    assert "Agency Alpha" in html and "Agency Bravo" in html

    # An agency's own oversight role and administrators do not hold the site-wide grant.
    assert admin_a_client.get(reverse("maturity_oversight:scores")).status_code == 404
    bad = client.get(reverse("maturity_oversight:scores"), {"fiscal_year": "1900"})
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 2000" in bad.content.decode()


@pytest.mark.django_db
def test_another_agencys_staff_get_404(admin_a_client, handler_b_client, agency_b):
    admin_a_client.post(_edit_url("alpha"), _post({"measurement.feedback": 4}))
    admin_b = UserFactory(email="admin@bravo.example.gov")
    MembershipFactory(user=admin_b, agency=agency_b, role=Role.AGENCY_ADMIN)
    client_b = Client()
    client_b.force_login(admin_b)
    for client in (handler_b_client, client_b):
        assert client.get(_year_url("alpha")).status_code == 404
        assert client.get(_edit_url("alpha")).status_code == 404
        assert (
            client.post(_edit_url("alpha"), _post({"measurement.feedback": 1})).status_code == 404
        )
    assert Answer.objects.get(statement="measurement.feedback").score == 4
    # A year no assessment may have answers like a missing page.
    assert admin_a_client.get(_year_url("alpha", 1999)).status_code == 404


@pytest.mark.django_db
def test_hostile_input_gets_clear_errors_and_nothing_is_stored(admin_a_client):
    data = _post(
        {"measurement.feedback": 9, "culture.staff": "-1", "design.human": "<script>"},
        **{
            field_key("governance.plan", "url"): "javascript:alert(document.cookie)",
            field_key("governance.actions", "url"): "data:text/html,<script>alert(1)</script>",
            field_key("design.iterate", "url"): "ftp://files.example.gov/evidence.pdf",
            field_key("culture.shared", "note"): "x" * 2001,
            field_key("design.accessible", "url"): "https://example.gov/" + "a" * 500,
        },
    )
    response = admin_a_client.post(_edit_url("alpha"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[field_key("measurement.feedback", "score")] == ["Choose a score from 1 to 5."]
    assert errors[field_key("culture.staff", "score")] == ["Choose a score from 1 to 5."]
    assert errors[field_key("design.human", "score")] == ["Choose a score from 1 to 5."]
    assert "at most 2000 characters" in errors[field_key("culture.shared", "note")][0]
    assert "at most 500 characters" in errors[field_key("design.accessible", "url")][0]
    assert Assessment.objects.count() == 0

    # With the scores and lengths fixed, the service refuses every address that is not http(s).
    data.update(
        {
            field_key("measurement.feedback", "score"): "4",
            field_key("culture.staff", "score"): "",
            field_key("design.human", "score"): "",
            field_key("culture.shared", "note"): "",
            field_key("design.accessible", "url"): "",
        }
    )
    response = admin_a_client.post(_edit_url("alpha"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    expected = ["Give the evidence as a web address starting with https:// or http://."]
    for key in ("governance.plan", "governance.actions", "design.iterate"):
        assert errors[field_key(key, "url")] == expected
    html = response.content.decode()
    assert "Please fix the following" in html
    assert 'href="javascript:' not in html
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_the_page_and_form_read_in_spanish(admin_a_client):
    admin_a_client.post(_edit_url("alpha"), _post({"measurement.feedback": 4}))
    from django.utils import translation

    with translation.override("es"):
        page = prepared_get(admin_a_client, _year_url("alpha")).content.decode()
        form = admin_a_client.get(_edit_url("alpha")).content.decode()
    assert "Medición" in page
    assert "no medido" in page
    assert "Guardar" in form


@pytest.mark.django_db
def test_the_indicators_are_prepared_by_the_worker_and_read_without_computing(
    analyst_a_client, agency_a, monkeypatch: pytest.MonkeyPatch
):
    from django.test import TestCase

    from cxgov.maturity import prepared as maturity_prepared

    _measured_world(agency_a)
    # The first reader sees the self-assessment at once and the indicators being prepared.
    first = analyst_a_client.get(_year_url("alpha"))
    assert first.status_code == 200
    html = first.content.decode()
    assert "being prepared in the background" in html and 'id="maturity-indicators"' not in html
    assert 'id="answers"' in html
    ready = prepared_get(analyst_a_client, _year_url("alpha")).content.decode()
    assert "33.3% (n = 3)" in _row(ready, "standards_live") and "Figures as of" in ready

    def boom(**_kwargs: Any) -> Any:
        raise AssertionError("indicators computed in the request")

    monkeypatch.setattr(maturity_prepared, "indicators_for", boom)
    again = analyst_a_client.get(_year_url("alpha")).content.decode()
    assert "33.3% (n = 3)" in _row(again, "standards_live")
    # A refresh whose build fails says so in the section, with "Try again", and keeps the page.
    with TestCase.captureOnCommitCallbacks(execute=True):
        analyst_a_client.post(_year_url("alpha"), {"prepared": "refresh"})
    failed = analyst_a_client.get(_year_url("alpha"))
    assert failed.status_code == 200
    text = failed.content.decode()
    assert 'value="again"' in text and "Try again" in text and 'id="answers"' in text
