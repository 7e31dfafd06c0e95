"""Rollups: kept current by intake, spam marks and deletes, and equal to a rebuild and a recount."""

from __future__ import annotations

import threading
import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency
from cxgov.surveys.models import (
    Answer,
    AnswerRollup,
    QuestionKind,
    Response,
    ResponseRollup,
    RollupSource,
    Survey,
)
from cxgov.surveys.rollups import rollups_fold, rollups_rebuild
from cxgov.surveys.services import (
    SubmissionContext,
    response_delete,
    response_mark,
    response_submit,
)
from cxgov.surveys.tests.results_factories import bulk, mixed_survey, quarters_in_step
from cxgov.testing.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 9, 30, 12, 0, tzinfo=UTC)


def answer_snapshot(survey: Survey) -> dict[tuple[Any, ...], tuple[int, float, float]]:
    return {
        (r.question_id, r.day, r.service_id, r.channel, r.segment_id, r.language, r.value_key): (
            r.count,
            round(r.total, 6),
            round(r.total_squares, 6),
        )
        for r in AnswerRollup.objects.filter(survey=survey, source=RollupSource.RESPONSES)
    }


def response_snapshot(survey: Survey) -> dict[tuple[Any, ...], int]:
    return {
        (r.day, r.service_id, r.channel, r.segment_id, r.language): r.count
        for r in ResponseRollup.objects.filter(survey=survey, source=RollupSource.RESPONSES)
    }


def direct_counts(
    survey: Survey,
) -> tuple[dict[tuple[Any, ...], tuple[int, float, float]], dict[tuple[Any, ...], int]]:
    """The rollups recomputed in Python straight from counted responses and their answers."""
    zone = zoneinfo.ZoneInfo(survey.agency.time_zone)
    answers: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    responses: dict[tuple[Any, ...], int] = defaultdict(int)
    counted = Response.objects.filter(survey=survey, status="valid", deleted_at__isnull=True)
    for response in counted:
        day = response.submitted_at.astimezone(zone).date()
        context = (day, response.service_id, response.channel, response.segment_id)
        responses[(*context, response.language)] += 1
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
            cell = answers[(a.question_id, *context, response.language, key)]
            cell[0] += 1
            cell[1] += number
            cell[2] += number * number
            if kind == QuestionKind.MULTIPLE and a.question_id not in multiple:
                multiple.add(a.question_id)
                answers[(a.question_id, *context, response.language, "")][0] += 1
    return (
        {k: (int(v[0]), round(v[1], 6), round(v[2], 6)) for k, v in answers.items()},
        dict(responses),
    )


answer_values = st.fixed_dictionaries(
    {},
    optional={
        "sat": st.integers(1, 5),
        "up": st.integers(0, 1),
        "pick": st.sampled_from(["ease", "speed", "staff"]),
        "why": st.lists(st.sampled_from(["ease", "speed", "staff"]), min_size=1, unique=True),
        "visits": st.decimals(min_value=0, max_value=1000, places=2),
        "comments": st.sampled_from(["Fine.", "Slow line."]),
    },
).map(lambda d: {k: (str(v) if k == "visits" else v) for k, v in d.items()})

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("bulk"),
            st.lists(st.tuples(answer_values, st.integers(0, 200 * 24)), min_size=1, max_size=4),
            st.sampled_from(["", "apply"]),
            st.sampled_from(["", "phone", "website"]),
            st.sampled_from(["en", "es"]),
        ),
        st.tuples(st.just("submit"), answer_values, st.sampled_from(["", "apply"])),
        st.tuples(st.sampled_from(["spam", "valid", "delete", "restore"]), st.integers(0, 50)),
        st.tuples(st.just("fold")),
    ),
    min_size=1,
    max_size=12,
)


def _apply(survey: Survey, steps: list[tuple[Any, ...]]) -> None:
    for step in steps:
        kind = step[0]
        if kind == "bulk":
            _kind, rows, service, channel, language = step
            bulk(
                survey,
                [(answers, START + timedelta(hours=hours)) for answers, hours in rows],
                service=service,
                channel=channel,
                language=language,
            )
        elif kind == "submit":
            response_submit(
                survey=survey, answers=step[1], context=SubmissionContext(service=step[2])
            )
        elif kind == "fold":
            rollups_fold(survey_id=survey.pk)
        else:
            responses = list(Response.objects.filter(survey=survey).order_by("pk"))
            if not responses:
                continue
            response = responses[step[1] % len(responses)]
            if kind in ("spam", "valid"):
                response_mark(actor=None, response=response, spam=kind == "spam")
            else:
                response_delete(actor=None, response=response, restore=kind == "restore")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_incremental_rollups_equal_rebuilt_rollups_and_a_recount(
    steps: list[tuple[Any, ...]],
) -> None:
    agency = AgencyFactory(time_zone="America/Los_Angeles")
    ServiceFactory(agency=agency, slug="apply")
    survey = mixed_survey(agency)
    _apply(survey, steps)
    # Responses marked or deleted before their fold are folded as they are then.
    rollups_fold(survey_id=survey.pk)
    incremental = (answer_snapshot(survey), response_snapshot(survey))
    assert quarters_in_step(survey)
    rollups_rebuild(survey=survey)
    rebuilt = (answer_snapshot(survey), response_snapshot(survey))
    assert incremental == rebuilt == direct_counts(survey)
    assert quarters_in_step(survey)


def test_day_is_the_agency_local_date(agency_a: Agency) -> None:
    agency_a.time_zone = "America/Los_Angeles"
    agency_a.save()
    survey = mixed_survey(agency_a)
    # 03:00 UTC on 1 October is still 30 September in California: FY2025, not FY2026.
    bulk(survey, [({"sat": 5}, datetime(2025, 10, 1, 3, 0, tzinfo=UTC))])
    row = AnswerRollup.objects.get(survey=survey)
    assert row.day.isoformat() == "2025-09-30"
    assert (row.count, row.total, row.total_squares) == (1, 5.0, 25.0)


def test_spam_takes_answers_out_and_valid_puts_them_back(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 4, "why": ["ease", "staff"]}, START), ({"sat": 2}, START)])
    spam = Response.objects.filter(survey=survey).order_by("pk").first()
    assert spam is not None
    response_mark(actor=None, response=spam, spam=True)
    keys = {r.value_key: r.count for r in AnswerRollup.objects.filter(survey=survey)}
    # The spam response's choices are gone entirely, not left as rows counting zero.
    assert keys == {"2": 1}
    assert ResponseRollup.objects.get(survey=survey).count == 1
    response_mark(actor=None, response=spam, spam=False)
    keys = {r.value_key: r.count for r in AnswerRollup.objects.filter(survey=survey)}
    assert keys == {"2": 1, "4": 1, "ease": 1, "staff": 1, "": 1}


def test_deleting_a_spam_response_does_not_take_it_out_twice(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 4}, START), ({"sat": 4}, START)])
    response = Response.objects.filter(survey=survey).first()
    assert response is not None
    response_mark(actor=None, response=response, spam=True)
    response_delete(actor=None, response=response)
    response_mark(actor=None, response=response, spam=False)
    assert AnswerRollup.objects.get(survey=survey).count == 1
    response_delete(actor=None, response=response, restore=True)
    assert AnswerRollup.objects.get(survey=survey).count == 2


def test_rebuild_leaves_imported_rows_alone(agency_a: Agency) -> None:
    survey = mixed_survey(agency_a)
    bulk(survey, [({"sat": 3}, START)])
    question = survey.questions.get(key="sat")
    AnswerRollup.objects.create(
        survey=survey,
        question=question,
        day=START.date(),
        value_key="5",
        source=RollupSource.IMPORTED,
        count=7,
        total=35,
        total_squares=175,
    )
    rollups_rebuild(survey=survey)
    rows = sorted(
        (r.source, r.value_key, r.count) for r in AnswerRollup.objects.filter(survey=survey)
    )
    assert rows == [("imported", "5", 7), ("responses", "3", 1)]


def test_rebuild_command_reports_each_survey(
    agency_a: Agency, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = mixed_survey(agency_a, title="Counted")
    bulk(survey, [({"sat": 3}, START), ({"sat": 5}, START)])
    AnswerRollup.objects.filter(survey=survey).delete()
    call_command("rebuild_survey_rollups", "--agency", agency_a.slug)
    out = capsys.readouterr().out
    assert f"Survey {survey.pk} (Counted): 2 responses" in out
    assert AnswerRollup.objects.filter(survey=survey).count() == 2


def test_rebuild_command_refuses_an_unknown_survey(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No survey with id 999999"):
        call_command("rebuild_survey_rollups", "--survey", "999999")


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_and_marks_keep_rollups_exact() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; run on PostgreSQL for threads.")
    agency = AgencyFactory()
    survey = mixed_survey(agency)
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def work(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for i in range(8):
                response = response_submit(
                    survey=survey, answers={"sat": 1 + i % 5, "why": ["ease", "staff"]}
                )
                if i % 3 == 0:
                    # Two marks of the same response at once must take it out only once.
                    response_mark(actor=None, response=response, spam=True)
                    response_mark(
                        actor=None, response=Response.objects.get(pk=response.pk), spam=True
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    incremental = (answer_snapshot(survey), response_snapshot(survey))
    rollups_rebuild(survey=survey)
    assert (
        incremental == (answer_snapshot(survey), response_snapshot(survey)) == direct_counts(survey)
    )
    assert sum(response_snapshot(survey).values()) == 6 * 5
