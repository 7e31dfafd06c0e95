"""Results read from rollups, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cxgov.core.models import Agency
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import Service
from cxgov.surveys.models import Invitation, Survey
from cxgov.surveys.results import (
    ResultFilters,
    breakdown,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
    results_table,
    survey_results,
    surveys_with_results,
)
from cxgov.surveys.tests.results_factories import bulk, mixed_survey
from cxgov.testing.factories import AgencyFactory, SegmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("threshold_five")]

# Mid-November 2025 (FY2026 Q1) and mid-February 2026 (FY2026 Q2), noon UTC.
NOV = datetime(2025, 11, 14, 17, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 13, 17, 0, tzinfo=UTC)


@pytest.fixture
def threshold_five() -> object:
    """Threshold 5 and English labels, whatever earlier tests left active."""
    with override_settings(SURVEY_SUPPRESSION_THRESHOLD=5), translation.override("en"):
        yield


@pytest.fixture
def survey(agency_a: Agency, service_a: Service) -> Survey:
    """Six answers to "sat" (5, 5, 4, 3, 1, 4) on the phone, two by web in Spanish."""
    survey = mixed_survey(agency_a)
    bulk(
        survey,
        [
            ({"sat": 5, "why": ["ease", "speed"], "visits": "2"}, NOV),
            ({"sat": 5, "why": ["ease"], "visits": "4"}, NOV),
            ({"sat": 4, "why": ["staff"], "visits": "6", "comments": "Good."}, NOV),
            ({"sat": 3, "why": ["ease"], "up": 1}, NOV),
        ],
        service="apply",
        channel="phone",
    )
    bulk(
        survey,
        [({"sat": 1, "up": 0, "why": ["speed"]}, NOV), ({"sat": 4, "why": ["ease"]}, NOV)],
        channel="website",
        language="es",
    )
    return survey


def close(value: float | None, expected: float) -> bool:
    return value is not None and abs(value - expected) < 1e-4


def test_scale_question_has_distribution_positive_share_and_mean(survey: Survey) -> None:
    sat = question_results(survey=survey)[0]
    assert sat.question.key == "sat"
    assert sat.n == 6 and not sat.suppressed
    assert [(d.value_key, d.count) for d in sat.distribution] == [
        ("1", 1),
        ("2", 0),
        ("3", 1),
        ("4", 2),
        ("5", 2),
    ]
    assert sat.distribution[4].label == "Strongly agree"
    assert close(sat.distribution[4].share.value, 2 / 6)
    # 4 of 6 answered 4 or 5; Wilson 95%: 0.3000 to 0.9032.
    assert sat.positive is not None
    assert close(sat.positive.value, 4 / 6)
    assert close(sat.positive.low, 0.299993) and close(sat.positive.high, 0.903229)
    # Mean 22/6; s² = 11.3333/5, t(5) = 2.5706: 2.0867 to 5.2466, cut at the scale's top, 5.
    assert sat.mean is not None
    assert close(sat.mean.value, 22 / 6)
    assert close(sat.mean.low, 2.086694) and close(sat.mean.high, 5.0)


def test_a_thumbs_mean_interval_stays_between_zero_and_one(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    # Six thumbs down and one up: the t interval would run from about −0.21 to 0.49.
    bulk(survey, [({"up": 0}, NOV)] * 6 + [({"up": 1}, NOV)])
    up = next(r for r in question_results(survey=survey) if r.question.key == "up")
    assert up.mean is not None and close(up.mean.value, 1 / 7)
    assert up.mean.low == 0.0 and 0.4 < up.mean.high < 1


def test_choose_any_shares_are_of_people_not_of_choices(survey: Survey) -> None:
    why = next(r for r in question_results(survey=survey) if r.question.key == "why")
    # Six people chose seven options between them.
    assert why.n == 6
    counts = {d.value_key: d.count for d in why.distribution}
    assert counts == {"ease": 4, "speed": 2, "staff": 1}
    assert close({d.value_key: d.share.value for d in why.distribution}["ease"], 4 / 6)
    assert why.positive is None and why.mean is None


def test_small_questions_are_suppressed_and_text_is_listed_apart(survey: Survey) -> None:
    results = survey_results(survey=survey)
    up = next(r for r in results.questions if r.question.key == "up")
    visits = next(r for r in results.questions if r.question.key == "visits")
    assert up.suppressed and up.n == 2
    assert up.distribution == [] and up.positive is None and up.mean is None
    assert visits.suppressed and visits.mean is None
    assert [(t.question.key, t.n) for t in results.text_questions] == [("comments", 1)]
    assert "comments" not in [r.question.key for r in results.questions]


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=3)
def test_number_mean_comes_from_sums(survey: Survey) -> None:
    visits = next(r for r in question_results(survey=survey) if r.question.key == "visits")
    # 2, 4, 6: mean 4, s = 2, t(2) = 4.3027: 4 ± 4.9683.
    assert visits.mean is not None
    assert close(visits.mean.value, 4.0)
    assert close(visits.mean.low, 4 - 4.302653 * 2 / 3**0.5)


def test_filters_narrow_by_channel_language_service_and_period(
    survey: Survey, service_a: Service
) -> None:
    def sat_n(**kwargs: object) -> int:
        return question_results(survey=survey, filters=ResultFilters(**kwargs))[0].n  # type: ignore[arg-type]

    assert sat_n(channel="phone") == 4
    assert sat_n(language="es") == 2
    assert sat_n(service_id=service_a.pk) == 4
    assert sat_n(fiscal_year=2026, quarter=1) == 6
    assert sat_n(fiscal_year=2026, quarter=2) == 0
    assert sat_n(fiscal_year=2025) == 0
    assert sat_n(start=date(2025, 11, 15)) == 0
    assert response_counts(survey=survey, filters=ResultFilters(channel="website")) == 2
    assert response_counts(survey=survey) == 6


def test_a_quarter_without_a_year_is_refused(survey: Survey) -> None:
    with pytest.raises(ValueError, match="quarter needs a fiscal year"):
        question_results(survey=survey, filters=ResultFilters(quarter=2))


def test_results_read_only_rollups(survey: Survey) -> None:
    with CaptureQueriesContext(connection) as queries:
        question_results(survey=survey)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # With no period every quarter is whole: the quarterly level alone (decision 0055).
    assert "surveys_answerquarterrollup" in sql
    assert 'surveys_answer"' not in sql and 'surveys_response"' not in sql


def test_quarterly_trend_marks_a_significant_rise(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    # FY2026 Q1: 10 of 30 positive. Q2: 25 of 30. Q3: nothing. Q4: 2 answers (suppressed).
    bulk(survey, [({"sat": 5 if i < 10 else 2}, NOV) for i in range(30)])
    bulk(survey, [({"sat": 4 if i < 25 else 1}, FEB) for i in range(30)])
    bulk(survey, [({"sat": 5}, datetime(2026, 8, 3, 17, tzinfo=UTC))] * 2)
    sat = survey.questions.get(key="sat")
    points = quarterly_trend(survey=survey, question=sat)
    assert [p.label for p in points] == ["FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4"]
    assert [p.n for p in points] == [30, 30, 0, 2]
    assert points[0].change is None and not points[0].significant
    change = points[1].change
    assert change is not None and points[1].significant
    # Pooled p = 35/60; z = 0.5 / sqrt(p(1-p)(2/30)) = 3.9279.
    assert close(change.difference, 0.5) and close(change.z, 3.927922)
    assert points[2].suppressed and points[2].change is None
    assert points[3].suppressed and points[3].positive is None


def test_quarterly_trend_leaves_small_changes_unmarked(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 5 if i < 6 else 2}, NOV) for i in range(10)])
    bulk(survey, [({"sat": 5 if i < 7 else 2}, FEB) for i in range(10)])
    points = quarterly_trend(survey=survey, question=survey.questions.get(key="sat"))
    assert points[1].change is not None
    assert not points[1].significant


def test_breakdown_by_channel_flags_small_groups(survey: Survey) -> None:
    sat = survey.questions.get(key="sat")
    groups = breakdown(survey=survey, question=sat, by="channel")
    assert [(g.key, g.label, g.n, g.suppressed) for g in groups] == [
        ("phone", "Phone", 4, True),
        ("website", "Website", 2, True),
    ]
    assert all(g.positive is None and g.mean is None for g in groups)


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=3)
def test_breakdown_by_service_and_language_give_each_group_figures(
    survey: Survey, service_a: Service
) -> None:
    sat = survey.questions.get(key="sat")
    by_service = {g.key: g for g in breakdown(survey=survey, question=sat, by="service")}
    apply = by_service[service_a.pk]
    # Phone answers 5, 5, 4, 3: 3 of 4 positive, mean 4.25.
    assert apply.label == "Apply for benefits" and apply.n == 4
    assert apply.positive is not None and close(apply.positive.value, 0.75)
    assert apply.mean is not None and close(apply.mean.value, 4.25)
    assert by_service[None].label == "No service" and by_service[None].suppressed
    by_language = [(g.label, g.n) for g in breakdown(survey=survey, question=sat, by="language")]
    assert by_language == [("English", 4), ("Spanish", 2)]
    quarters = breakdown(survey=survey, question=sat, by="quarter")
    assert [(g.key, g.n) for g in quarters] == [(FiscalQuarter(2026, 1), 6)]


def test_breakdown_refuses_an_unknown_grouping(survey: Survey) -> None:
    with pytest.raises(ValueError, match="by must be one of"):
        breakdown(survey=survey, question=survey.questions.first(), by="colour")  # type: ignore[arg-type]


def test_breakdown_by_segment_names_the_segment(agency_a: Agency) -> None:
    segment = SegmentFactory(agency=agency_a, name="Veterans")
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 5}, NOV)] * 5, segment=str(segment.pk))
    groups = breakdown(survey=survey, question=survey.questions.get(key="sat"), by="segment")
    assert [(g.label, g.n, g.suppressed) for g in groups] == [("Veterans", 5, False)]
    assert groups[0].positive is not None and groups[0].positive.value == 1.0


def test_response_rate_is_used_invitations_over_sent(survey: Survey) -> None:
    assert response_rate(survey=survey) is None
    sent = timezone.make_aware(datetime(2025, 11, 10, 12))
    for i in range(8):
        Invitation.objects.create(
            survey=survey,
            email=f"p{i}@example.gov",
            contact_hash=f"p{i}",
            token_hash=f"{i:064x}",
            sent_at=sent,
            used_at=sent + timedelta(days=1) if i < 2 else None,
        )
    rate = response_rate(survey=survey, filters=ResultFilters(fiscal_year=2026, quarter=1))
    # 2 of 8; Wilson 95%: 0.0715 to 0.5907.
    assert rate is not None and rate.n == 8 and close(rate.value, 0.25)
    assert close(rate.low, 0.071479) and close(rate.high, 0.590724)
    assert response_rate(survey=survey, filters=ResultFilters(fiscal_year=2026, quarter=2)) is None
    assert response_rate(survey=survey, filters=ResultFilters(channel="phone")) is None


def test_surveys_with_results_counts_from_rollups(survey: Survey, agency_a: Agency) -> None:
    empty = mixed_survey(agency_a, title="Nobody answered")
    other = mixed_survey(AgencyFactory(), title="Elsewhere")
    bulk(other, [({"sat": 3}, NOV)])
    found = list(surveys_with_results(agencies=Agency.objects.filter(pk=agency_a.pk)))
    assert [(s.pk, s.response_count) for s in found] == [(survey.pk, 6)]
    assert empty not in found


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=3)
def test_results_table_groups_by_service_channel_and_quarter(
    survey: Survey, service_a: Service
) -> None:
    bulk(survey, [({"sat": 2}, FEB)] * 3, service="apply", channel="phone")
    table = results_table(survey=survey)
    sat = [(r.service_id, r.channel, str(r.quarter), r.n) for r in table if r.question.key == "sat"]
    assert sat == [
        (None, "website", "FY2026 Q1", 2),
        (service_a.pk, "phone", "FY2026 Q1", 4),
        (service_a.pk, "phone", "FY2026 Q2", 3),
    ]
    phone_q1 = next(r for r in table if r.question.key == "sat" and r.n == 4)
    assert phone_q1.counts == {"5": 2, "4": 1, "3": 1}
    assert phone_q1.positive is not None and close(phone_q1.positive.value, 0.75)
    small = next(r for r in table if r.question.key == "sat" and r.n == 2)
    assert small.suppressed and small.counts == {} and small.mean is None
    assert table[0].question.key == "sat"


@override_settings(SURVEY_SUPPRESSION_THRESHOLD=3)
def test_results_table_figures_equal_the_one_group_figures(
    survey: Survey, service_a: Service
) -> None:
    bulk(
        survey,
        [({"sat": 1 + i % 5, "up": i % 2, "visits": str(i)}, FEB) for i in range(7)],
        service="apply",
        channel="phone",
    )
    checked = 0
    for row in results_table(survey=survey):
        # question_results cannot ask for "no service", so those rows are left to the others.
        if row.suppressed or row.service_id is None:
            continue
        filters = ResultFilters(
            service_id=row.service_id,
            channel=row.channel,
            fiscal_year=row.quarter.year,
            quarter=row.quarter.quarter,
        )
        one = next(
            r
            for r in question_results(survey=survey, filters=filters)
            if r.question == row.question
        )
        assert one.n == row.n
        for mine, theirs in ((row.positive, one.positive), (row.mean, one.mean)):
            assert (mine is None) == (theirs is None)
            if mine is not None and theirs is not None:
                assert close(mine.value, theirs.value or 0)
                assert close(mine.low, theirs.low or 0) and close(mine.high, theirs.high or 0)
        checked += 1
    assert checked >= 5
