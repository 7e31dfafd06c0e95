"""Quarterly rollups (decision 0055): kept in step with the daily ones by every writer, read for
a period's whole quarters with the edge days from the daily level, and the sums stay the same as
the daily level's alone and as a recount of the raw answers."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency
from cxgov.core.services import agency_fiscal_year_start_set
from cxgov.insights.fiscal import fiscal_quarter
from cxgov.surveys import rollups
from cxgov.surveys.models import (
    Answer,
    AnswerQuarterRollup,
    AnswerRollup,
    QuestionKind,
    Response,
    ResponseQuarterRollup,
    ResponseRollup,
    Survey,
)
from cxgov.surveys.results import (
    ResultFilters,
    filtered_rollups,
    period,
    period_rollups,
    response_counts,
    rollup_sums,
)
from cxgov.surveys.results.queries import whole_quarters
from cxgov.surveys.rollups import FOLD_CHUNK, _fold_step, quarter_months, rollups_rebuild
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    response_delete,
    response_mark,
)
from cxgov.surveys.tests.results_factories import bulk, mixed_survey, quarters_in_step
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# 1 July 2024: the days below run over three fiscal years of any start month.
FIRST = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
SPAN_DAYS = 3 * 366

Sums = dict[tuple[Any, ...], tuple[int, float, float]]


def _rounded(rows: Any, *group: str) -> Sums:
    out: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in rows:
        cell = out[(*(row[g] for g in group), row["value_key"])]
        cell[0] += row["n"] or 0
        cell[1] += row["t"] or 0.0
        cell[2] += row["s"] or 0.0
    return {k: (int(v[0]), round(v[1], 6), round(v[2], 6)) for k, v in out.items() if v[0]}


def _raw_sums(survey: Survey, filters: ResultFilters) -> tuple[Sums, int]:
    """Per question and value: answers, sum and sum of squares straight from counted answers
    in the filters' period and context; and the counted responses."""
    zone = zoneinfo.ZoneInfo(survey.agency.time_zone)
    start, end = period(filters, start_month=survey.agency.fiscal_year_start_month)
    cells: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    responses = 0
    for response in Response.objects.filter(survey=survey, status="valid", deleted_at__isnull=True):
        day = response.submitted_at.astimezone(zone).date()
        if (start and day < start) or (end and day > end):
            continue
        if (filters.service_id and response.service_id != filters.service_id) or (
            filters.channel and response.channel != filters.channel
        ):
            continue
        if filters.language and response.language != filters.language:
            continue
        responses += 1
        multiple = set()
        for a in Answer.objects.filter(response=response).select_related("question"):
            kind = a.question.kind
            if a.value_int is not None:
                key, number = str(a.value_int), float(a.value_int)
            elif kind in ("single", "multiple"):
                key, number = a.value_text, 0.0
            else:
                key = ""
                number = float(a.value_number) if a.value_number is not None else 0.0
            cell = cells[(a.question_id, key)]
            cell[0] += 1
            cell[1] += number
            cell[2] += number * number
            if kind == QuestionKind.MULTIPLE and a.question_id not in multiple:
                multiple.add(a.question_id)
                cells[(a.question_id, "")][0] += 1
    return {k: (int(v[0]), round(v[1], 6), round(v[2], 6)) for k, v in cells.items()}, responses


def _both_levels(survey: Survey, filters: ResultFilters) -> Any:
    return period_rollups(
        AnswerRollup.objects.filter(survey=survey),
        AnswerQuarterRollup.objects.filter(survey=survey),
        filters,
        start_month=survey.agency.fiscal_year_start_month,
    )


def _daily_only(survey: Survey, filters: ResultFilters) -> Any:
    return filtered_rollups(
        AnswerRollup.objects.filter(survey=survey),
        filters,
        start_month=survey.agency.fiscal_year_start_month,
    )


def _assert_same_results(survey: Survey, filters: ResultFilters) -> None:
    month = survey.agency.fiscal_year_start_month
    for group in (("question_id",), ("question_id", "service_id", "channel", "quarter")):
        mixed = _rounded(
            rollup_sums(_both_levels(survey, filters), *group, start_month=month), *group
        )
        daily = _rounded(
            rollup_sums(_daily_only(survey, filters), *group, start_month=month), *group
        )
        assert mixed == daily
    raw, responses = _raw_sums(survey, filters)
    assert mixed_by_question(survey, filters) == raw
    daily_responses = filtered_rollups(
        ResponseRollup.objects.filter(survey=survey), filters, start_month=month
    )
    assert sum(r.count for r in daily_responses) == responses
    assert response_counts(survey=survey, filters=filters) == responses


def mixed_by_question(survey: Survey, filters: ResultFilters) -> Sums:
    rows = rollup_sums(
        _both_levels(survey, filters),
        "question_id",
        start_month=survey.agency.fiscal_year_start_month,
    )
    return _rounded(rows, "question_id")


answers = st.fixed_dictionaries(
    {},
    optional={
        "sat": st.integers(1, 5),
        "pick": st.sampled_from(["ease", "speed", "staff"]),
        "why": st.lists(st.sampled_from(["ease", "speed", "staff"]), min_size=1, unique=True),
        "visits": st.integers(0, 40).map(str),
    },
)
# Quarters start on a month's first day and end on a last one: the days most likely to be
# counted twice or not at all, so half the moments fall on them.
MONTH_EDGES = sorted(
    {date(2024 + m // 12, m % 12 + 1, 1) for m in range(6, 6 + 37)}
    | {date(2024 + m // 12, m % 12 + 1, 1) - timedelta(days=1) for m in range(7, 7 + 37)}
)
edge_hours = st.sampled_from(MONTH_EDGES).map(
    lambda d: (
        int((datetime(d.year, d.month, d.day, 12, tzinfo=UTC) - FIRST).total_seconds()) // 3600
    )
)
batches = st.lists(
    st.tuples(
        st.lists(
            st.tuples(answers, st.one_of(st.integers(0, SPAN_DAYS * 24), edge_hours)),
            min_size=1,
            max_size=5,
        ),
        st.sampled_from(["", "apply"]),
        st.sampled_from(["", "phone", "website"]),
        st.sampled_from(["en", "es"]),
    ),
    min_size=1,
    max_size=5,
)
days = st.one_of(
    st.integers(0, SPAN_DAYS).map(lambda n: FIRST.date() + timedelta(days=n)),
    st.sampled_from(MONTH_EDGES),
)
period_filters = st.one_of(
    st.builds(
        lambda year, quarter: ResultFilters(fiscal_year=year, quarter=quarter),
        st.integers(2024, 2028),
        st.one_of(st.none(), st.integers(1, 4)),
    ),
    st.builds(
        lambda a, b: ResultFilters(start=a, end=b),
        st.one_of(st.none(), days),
        st.one_of(st.none(), days),
    ),
    st.builds(
        lambda a, b, channel, language: ResultFilters(
            start=min(a, b), end=max(a, b), channel=channel, language=language
        ),
        days,
        days,
        st.sampled_from(["", "phone"]),
        st.sampled_from(["", "es"]),
    ),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start_month=st.integers(1, 12),
    steps=batches,
    marks=st.lists(st.tuples(st.sampled_from(["spam", "delete"]), st.integers(0, 30)), max_size=3),
    reads=st.lists(period_filters, min_size=1, max_size=4),
)
def test_quarters_plus_edge_days_give_the_daily_sums_and_the_raw_answers(
    start_month: int,
    steps: list[tuple[Any, ...]],
    marks: list[tuple[str, int]],
    reads: list[ResultFilters],
) -> None:
    agency = AgencyFactory(time_zone="America/New_York", fiscal_year_start_month=start_month)
    ServiceFactory(agency=agency, slug="apply")
    survey = mixed_survey(agency)
    for rows, service, channel, language in steps:
        bulk(
            survey,
            [(a, FIRST + timedelta(hours=h)) for a, h in rows],
            service=service,
            channel=channel,
            language=language,
        )
    stored = list(Response.objects.filter(survey=survey).order_by("pk"))
    for kind, index in marks:
        response = stored[index % len(stored)]
        if kind == "spam":
            response_mark(actor=None, response=response, spam=True)
        else:
            response_delete(actor=None, response=response)
    assert quarters_in_step(survey)
    for filters in reads:
        _assert_same_results(survey, filters)


def test_a_period_of_whole_quarters_reads_no_daily_rows(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 4}, FIRST + timedelta(days=d)) for d in range(0, 400, 7)])
    rows = _both_levels(survey, ResultFilters(fiscal_year=2025))
    assert not rows.days.exists()
    assert rows.quarters.filter(question__key="sat").count() == 4  # one value in each quarter
    partial = _both_levels(survey, ResultFilters(start=date(2024, 10, 15), end=date(2025, 6, 30)))
    assert {r.day.month for r in partial.days} == {10, 11, 12}
    assert {q.quarter_start for q in partial.quarters} == {date(2025, 1, 1), date(2025, 4, 1)}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 10, 1), date(2024, 12, 31), (date(2024, 10, 1), date(2024, 12, 31), True)),
        (date(2024, 10, 2), date(2024, 12, 31), (date(2025, 1, 1), date(2024, 12, 31), False)),
        (date(2024, 10, 2), date(2025, 12, 30), (date(2025, 1, 1), date(2025, 9, 30), True)),
        (None, date(2025, 2, 1), (None, date(2024, 12, 31), True)),
        (date(2025, 2, 1), None, (date(2025, 4, 1), None, True)),
        # A reversed period has no quarter, and its days select nothing.
        (date(2025, 6, 1), date(2025, 1, 1), (date(2025, 7, 1), date(2024, 12, 31), False)),
    ],
)
def test_whole_quarters_of_a_period(start: Any, end: Any, expected: tuple[Any, ...]) -> None:
    assert whole_quarters(start, end, start_month=10) == expected


def test_a_reversed_period_counts_nothing(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 4}, FIRST + timedelta(days=120))])
    filters = ResultFilters(start=date(2025, 6, 1), end=date(2024, 1, 1))
    assert list(rollup_sums(_both_levels(survey, filters), "question_id")) == []
    assert response_counts(survey=survey, filters=filters) == 0


def _quarter_starts(survey: Survey) -> set[date]:
    return set(
        AnswerQuarterRollup.objects.filter(survey=survey).values_list("quarter_start", flat=True)
    ) | set(
        ResponseQuarterRollup.objects.filter(survey=survey).values_list("quarter_start", flat=True)
    )


def test_changing_the_fiscal_year_start_re_sums_the_quarters(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": d % 5 + 1}, FIRST + timedelta(days=d)) for d in range(0, 500, 3)])
    assert {d.month for d in _quarter_starts(survey)} <= set(quarter_months(10))
    agency_fiscal_year_start_set(actor=None, agency=agency_a, fiscal_year_start_month=11)
    survey.refresh_from_db()
    assert {d.month for d in _quarter_starts(survey)} <= {2, 5, 8, 11}
    assert quarters_in_step(Survey.objects.select_related("agency").get(pk=survey.pk))
    fresh = Survey.objects.select_related("agency").get(pk=survey.pk)
    for filters in (
        ResultFilters(fiscal_year=2025),
        ResultFilters(fiscal_year=2025, quarter=3),
        ResultFilters(start=date(2024, 12, 20), end=date(2025, 8, 2)),
    ):
        _assert_same_results(fresh, filters)


def test_a_fold_sums_quarters_by_the_start_month_committed_when_it_writes(
    agency_a: Agency,
) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 4}, FIRST + timedelta(days=d)) for d in range(0, 200, 7)])
    read_before = Survey.objects.select_related("agency").get(pk=survey.pk)
    agency_fiscal_year_start_set(actor=None, agency=agency_a, fiscal_year_start_month=11)
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers={"sat": 2},
                submitted_at=FIRST + timedelta(days=300),
                context=SubmissionContext(),
            )
        ],
    )
    # The fold step of a fold that read its survey (and the agency) before the change.
    _fold_step(survey=read_before, limit=FOLD_CHUNK)
    fresh = Survey.objects.select_related("agency").get(pk=survey.pk)
    assert {d.month for d in _quarter_starts(fresh)} <= {2, 5, 8, 11}
    assert quarters_in_step(fresh)


def test_a_start_month_with_the_same_quarters_keeps_the_rows(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 3}, FIRST + timedelta(days=d)) for d in range(0, 200, 10)])
    ids = set(AnswerQuarterRollup.objects.values_list("pk", flat=True))
    # January quarters are October's quarters: nothing to re-sum.
    agency_fiscal_year_start_set(actor=None, agency=agency_a, fiscal_year_start_month=1)
    assert set(AnswerQuarterRollup.objects.values_list("pk", flat=True)) == ids


def test_an_agency_saved_whole_follows_only_a_start_in_other_quarters(
    agency_a: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 3}, FIRST + timedelta(days=d)) for d in range(0, 200, 10)])
    followed: list[int] = []
    real = rollups.rollups_quarters_follow
    monkeypatch.setattr(
        rollups,
        "rollups_quarters_follow",
        lambda **kw: followed.append(kw["start_month"]) or real(**kw),
    )
    agency = Agency.objects.get(pk=agency_a.pk)
    agency.name = "Renamed"
    agency.save()  # a whole save that leaves the start alone takes no lock on the surveys
    agency.fiscal_year_start_month = 1  # the same quarters as October
    agency.save()
    assert followed == []
    agency.fiscal_year_start_month = 11
    agency.save()
    assert followed == [11]
    assert {d.month for d in _quarter_starts(survey)} <= {2, 5, 8, 11}


def test_rebuild_command_recomputes_the_quarters_from_the_answers(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 5, "why": ["ease"]}, FIRST + timedelta(days=d)) for d in range(90)])
    expected = mixed_by_question(survey, ResultFilters())
    # Lost and stale quarterly rows, as after a restore without them or a start change by SQL.
    AnswerQuarterRollup.objects.filter(survey=survey).update(count=1)
    ResponseQuarterRollup.objects.filter(survey=survey).delete()
    Agency.objects.filter(pk=agency_a.pk).update(fiscal_year_start_month=2)
    call_command("rebuild_survey_rollups", "--survey", str(survey.pk))
    fresh = Survey.objects.select_related("agency").get(pk=survey.pk)
    assert quarters_in_step(fresh)
    assert {d.month for d in _quarter_starts(fresh)} <= {2, 5, 8, 11}
    assert mixed_by_question(fresh, ResultFilters()) == expected
    _assert_same_results(fresh, ResultFilters(start=date(2024, 7, 15), end=date(2024, 9, 1)))


def test_rebuild_service_keeps_imported_quarters(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 3}, FIRST)])
    question = survey.questions.get(key="sat")
    AnswerRollup.objects.create(
        survey=survey,
        question=question,
        day=date(2024, 10, 1),
        value_key="5",
        source="imported",
        count=7,
        total=35,
        total_squares=175,
    )
    rollups_rebuild(survey=survey)
    fresh = Survey.objects.select_related("agency").get(pk=survey.pk)
    assert quarters_in_step(fresh)
    imported = AnswerQuarterRollup.objects.get(survey=survey, source="imported")
    assert (imported.quarter_start, imported.count) == (
        fiscal_quarter(date(2024, 10, 1), start_month=10).start,
        7,
    )


@pytest.mark.parametrize("start_month", [10, 11, 1])
def test_answers_on_every_quarter_edge_are_counted_once(start_month: int) -> None:
    agency = AgencyFactory(time_zone="America/New_York", fiscal_year_start_month=start_month)
    survey = mixed_survey(agency)
    edges = [d for d in MONTH_EDGES if date(2024, 9, 1) <= d <= date(2026, 2, 1)]
    bulk(
        survey,
        [
            ({"sat": i % 5 + 1}, datetime(d.year, d.month, d.day, 12, tzinfo=UTC))
            for i, d in enumerate(edges)
        ],
    )
    fresh = Survey.objects.select_related("agency").get(pk=survey.pk)
    reads = [ResultFilters(fiscal_year=2025), ResultFilters(fiscal_year=2026, quarter=1)]
    reads += [ResultFilters(start=a, end=b) for a in edges[::5] for b in edges[2::7] if a <= b]
    for filters in reads:
        _assert_same_results(fresh, filters)


def test_the_migration_fills_the_quarters_of_existing_daily_rollups(agency_a: Agency) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cxgov.surveys.migrations.0011_quarter_rollups")
    survey = mixed_survey(agency_a)
    bulk(
        survey, [({"sat": 4, "why": ["ease"]}, FIRST + timedelta(days=d)) for d in range(0, 300, 4)]
    )
    before = mixed_by_question(survey, ResultFilters())
    AnswerQuarterRollup.objects.all().delete()
    ResponseQuarterRollup.objects.all().delete()
    migration._quarters_fill(apps, None)
    assert quarters_in_step(survey)
    assert mixed_by_question(survey, ResultFilters()) == before
