"""The survey results table from rollups, against pandas over the raw answers in the database.

Run: .venv/bin/python bench/results.py [--responses 1000000] [--database-url postgres://…]
At federal scale (decision 0055): --responses 1000000 and 5000000 with --database-url of a
new empty PostgreSQL database (5M responses store 31.5M answers: several GB and a long setup).

Without --database-url it uses a scratch SQLite file. It makes N synthetic responses to the 7
agreement questions of an A-11 v1 survey (services, channels, languages and days over two fiscal
years, about one answer in ten skipped) and stores them as responses and answers (COPY on
PostgreSQL). The daily rollups are written straight from numpy (one bincount, then bulk
INSERTs) and the quarterly level summed from them by `rollups_quarters_rebuild`. Then it times
the same table both ways, in this process: every question by service, channel and fiscal
quarter with counts, percent agree with its Wilson interval and the mean with its t interval.
`results_table` reads whole quarters from the quarterly level and a period's edge days from the
daily one; the baseline loads the raw answers from the same database with pandas (the load is
timed, as a user's alternative would pay it) and groups them. It does this for all the data and
for a period with partial quarters at both ends, checks the tables are equal and prints RESULT
lines (value: the rollup read, baseline: pandas' load and group, ratio: value / baseline) and
how many times faster the rollups are.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--responses", type=int, default=1_000_000)
PARSER.add_argument("--repeat", type=int, default=3, help="best of this many runs")

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from scipy import stats  # noqa: E402
from support.rollup_rows import rollups_insert  # noqa: E402
from support.synthetic import (  # noqa: E402
    CHANNELS,
    LANGUAGES,
    responses_store,
    responses_synthesize,
)
from support.timing import result_line  # noqa: E402

from cxgov.insights.estimates import Z_95  # noqa: E402
from cxgov.surveys.models import AnswerQuarterRollup, AnswerRollup, Survey  # noqa: E402
from cxgov.surveys.results import ResultFilters, results_table  # noqa: E402
from cxgov.surveys.selectors import suppression_threshold  # noqa: E402
from cxgov.surveys.services import survey_create  # noqa: E402
from cxgov.testing.factories import AgencyFactory, ServiceFactory  # noqa: E402

FIRST_DAY = np.datetime64("2024-10-01")  # FY2025 Q1
# A period with partial quarters at both ends: FY2025 Q1 and FY2026 Q3 in part.
PERIOD = (np.datetime64("2024-11-15"), np.datetime64("2026-05-10"))
DAYS = 730
SERVICES = 5
QUESTIONS = 7


def _survey() -> tuple[Survey, list[int], list[int]]:
    # UTC, so the stored moments' dates are the rollups' days without a time zone conversion.
    agency = AgencyFactory(slug="bench-results", name="Bench Agency", time_zone="UTC")
    services = [
        ServiceFactory(agency=agency, name=f"Bench service {i}", slug=f"bench-{i}").pk
        for i in range(SERVICES)
    ]
    survey = survey_create(actor=None, agency=agency, template="a11_v1", title="Bench")
    questions = list(
        survey.questions.filter(kind="likert").order_by("position").values_list("pk", flat=True)
    )
    if len(questions) != QUESTIONS:
        raise SystemExit(f"the a11_v1 template has {len(questions)} agreement questions, not 7")
    return survey, services, questions


def _write_rollups(
    survey: Survey, services: list[int], questions: list[int], data: dict[str, np.ndarray]
) -> int:
    """Aggregate with one bincount per table, then bulk-insert the non-empty cells."""
    n = data["day"].size
    context = ((data["day"] * SERVICES + data["service"]) * len(CHANNELS) + data["channel"]) * 2
    context = context + data["language"]
    contexts = DAYS * SERVICES * len(CHANNELS) * 2
    question = np.broadcast_to(np.arange(QUESTIONS), (n, QUESTIONS))
    value = data["answers"]
    answered = value > 0
    code = (context[:, None] * QUESTIONS + question) * 5 + (value - 1)
    counts = np.bincount(code[answered], minlength=contexts * QUESTIONS * 5)
    cells = np.flatnonzero(counts)
    v = cells % 5 + 1
    q = (cells // 5) % QUESTIONS
    ctx = cells // (5 * QUESTIONS)
    days = (FIRST_DAY + (ctx // (2 * len(CHANNELS) * SERVICES))).astype(str)
    svc = (ctx // (2 * len(CHANNELS))) % SERVICES
    chan = (ctx // 2) % len(CHANNELS)
    lang = ctx % 2
    c = counts[cells]
    answer_rows = list(
        zip(
            [survey.pk] * cells.size,
            np.asarray(questions)[q].tolist(),
            days.tolist(),
            np.asarray(services)[svc].tolist(),
            CHANNELS[chan].tolist(),
            LANGUAGES[lang].tolist(),
            v.astype(str).tolist(),
            c.tolist(),
            (c * v).astype(float).tolist(),
            (c * v * v).astype(float).tolist(),
            strict=True,
        )
    )
    per_context = np.bincount(context, minlength=contexts)
    used = np.flatnonzero(per_context)
    response_rows = list(
        zip(
            [survey.pk] * used.size,
            (FIRST_DAY + used // (2 * len(CHANNELS) * SERVICES)).astype(str).tolist(),
            np.asarray(services)[(used // (2 * len(CHANNELS))) % SERVICES].tolist(),
            CHANNELS[(used // 2) % len(CHANNELS)].tolist(),
            LANGUAGES[used % 2].tolist(),
            per_context[used].tolist(),
            strict=True,
        )
    )
    return rollups_insert(answer_rows, response_rows)


def _pandas_load(
    survey: Survey, period: tuple[np.datetime64, np.datetime64] | None
) -> pd.DataFrame:
    """The counted answers of the survey (in the period) read from the database by pandas."""
    where = ""
    if period is not None:
        low, high = period[0], period[1] + np.timedelta64(1, "D")
        where = f" AND r.submitted_at >= '{low} 00:00:00' AND r.submitted_at < '{high} 00:00:00'"
    sql = (
        "SELECT a.question_id, a.value_int AS value, r.service_id, r.channel, r.submitted_at "  # noqa: S608
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        f"WHERE a.survey_id = {int(survey.pk)} AND r.status = 'valid' "
        f"AND r.deleted_at IS NULL AND a.value_int IS NOT NULL{where}"
    )
    connection.ensure_connection()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; DBAPI is fine
        frame = pd.read_sql_query(sql, connection.connection)
    frame["day"] = pd.to_datetime(frame.pop("submitted_at"), utc=True, format="ISO8601")
    frame["channel"] = frame["channel"].astype("category")
    return frame


def _pandas_table(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The same table as `results_table`, from the raw answers with vectorized pandas."""
    day = frame["day"].dt
    fiscal_year = day.year + (day.month >= 10)
    quarter = ((day.month - 10) % 12) // 3 + 1
    keys = [frame["question_id"], frame["service_id"], frame["channel"], fiscal_year, quarter]
    counts = (
        frame.groupby([*keys, frame["value"]], observed=True)
        .size()
        .unstack("value", fill_value=0)
        .reindex(columns=range(1, 6), fill_value=0)
    )
    counts.index.names = ["question_id", "service_id", "channel", "fiscal_year", "quarter"]
    k = np.arange(1, 6)
    c = counts.to_numpy(dtype=float)
    n = c.sum(axis=1)
    agree = c[:, 3] + c[:, 4]
    p = agree / n
    z2 = Z_95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    mean = (c * k).sum(axis=1) / n
    variance = (c * (k - mean[:, None]) ** 2).sum(axis=1) / (n - 1)
    t_half = stats.t.ppf(0.975, n - 1) * np.sqrt(variance / n)
    table = counts.copy()
    table["n"] = n.astype(int)
    table["agree"] = p
    table["agree_low"] = np.maximum(0.0, centre - half)
    table["agree_high"] = np.minimum(1.0, centre + half)
    table["mean"] = mean
    table["mean_low"] = mean - t_half
    table["mean_high"] = mean + t_half
    return table[table["n"] >= min_n]


def _rollup_table(survey: Survey, filters: ResultFilters) -> pd.DataFrame:
    """`results_table` (rollups) as the same frame, for the comparison."""
    records = []
    for row in results_table(survey=survey, filters=filters):
        if row.suppressed or row.positive is None or row.mean is None:
            continue
        records.append(
            {
                "question_id": row.question.pk,
                "service_id": row.service_id,
                "channel": row.channel,
                "fiscal_year": row.quarter.year,
                "quarter": row.quarter.quarter,
                **{k: row.counts.get(str(k), 0) for k in range(1, 6)},
                "n": row.n,
                "agree": row.positive.value,
                "agree_low": row.positive.low,
                "agree_high": row.positive.high,
                "mean": row.mean.value,
                "mean_low": row.mean.low,
                "mean_high": row.mean.high,
            }
        )
    return pd.DataFrame.from_records(records).set_index(
        ["question_id", "service_id", "channel", "fiscal_year", "quarter"]
    )


def _check_equal(ours: object, theirs: object) -> None:
    """Stop unless both ways give the same groups, counts and (to float precision) figures."""
    if not isinstance(ours, pd.DataFrame) or not isinstance(theirs, pd.DataFrame):
        raise SystemExit("a table is missing")
    theirs = theirs.reset_index()
    theirs["channel"] = theirs["channel"].astype(str)
    theirs = theirs.set_index(ours.index.names)
    theirs.columns = [str(c) for c in theirs.columns]
    ours.columns = [str(c) for c in ours.columns]
    ours, theirs = ours.sort_index(), theirs.sort_index()[ours.columns]
    if not ours.index.equals(theirs.index):
        raise SystemExit("the two tables have different groups")
    counts = [str(k) for k in range(1, 6)] + ["n"]
    if not (ours[counts].to_numpy() == theirs[counts].to_numpy()).all():
        raise SystemExit("the two tables have different counts")
    if not np.allclose(ours.drop(columns=counts), theirs.drop(columns=counts)):
        raise SystemExit("the two tables have different shares, means or intervals")


def _best(function: object, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU time of this process over `repeat` runs, and the result.

    CPU time counts SQLite's work (it runs in this process) but not a PostgreSQL server's.
    """
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()  # type: ignore[operator]
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def _compare(name: str, survey: Survey, filters: ResultFilters, period: object) -> None:
    """Time one table from the rollups and from pandas (load and group); print a RESULT line."""
    min_n = suppression_threshold()
    rollup_time, rollup_cpu, ours = _best(lambda: _rollup_table(survey, filters), ARGS.repeat)
    load_time, _load_cpu, frame = _best(lambda: _pandas_load(survey, period), ARGS.repeat)  # type: ignore[arg-type]
    group_time, _group_cpu, theirs = _best(lambda: _pandas_table(frame, min_n), ARGS.repeat)  # type: ignore[arg-type]
    _check_equal(ours, theirs)
    pandas_time = load_time + group_time
    print(f"{name}: {len(ours):,} table rows shown, {len(frame):,} raw answers read by pandas")  # type: ignore[arg-type]
    print(f"  results_table from rollups: {rollup_time:8.4f} s wall {rollup_cpu:8.4f} s CPU")
    print(f"  pandas load from database:  {load_time:8.4f} s wall")
    print(f"  pandas groupby:             {group_time:8.4f} s wall")
    print(f"  pandas faster than rollups only without the load: x{rollup_time / group_time:.2f}")
    print(f"  rollups faster than pandas loading and grouping: x{pandas_time / rollup_time:.1f}")
    print(result_line(name=name, value=rollup_time * 1000, unit="ms", baseline=pandas_time * 1000))


def main() -> None:
    database_prepare()
    survey, services, questions = _survey()
    start = time.perf_counter()
    data = responses_synthesize(ARGS.responses, services=SERVICES, questions=QUESTIONS, days=DAYS)
    answers = responses_store(
        survey_id=survey.pk, services=services, questions=questions, data=data, first_day=FIRST_DAY
    )
    rows = _write_rollups(survey, services, questions, data)
    setup = time.perf_counter() - start
    daily = AnswerRollup.objects.filter(survey=survey).count()
    quarterly = AnswerQuarterRollup.objects.filter(survey=survey).count()
    threshold = settings.SURVEY_SUPPRESSION_THRESHOLD
    print(f"database: {connection.vendor}, responses: {ARGS.responses:,}, answers: {answers:,}")
    print(f"rollup rows: {rows:,} daily ({daily:,} stored), {quarterly:,} quarterly")
    print(f"threshold {threshold}; setup (synthesize, store answers and rollups): {setup:.1f} s")
    low, high = PERIOD
    period = ResultFilters(start=low.astype(object), end=high.astype(object))
    _compare("results_table", survey, ResultFilters(), None)
    _compare("results_table_period", survey, period, PERIOD)


if __name__ == "__main__":
    main()
