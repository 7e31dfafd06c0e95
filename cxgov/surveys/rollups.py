"""Answer and response rollups: the mergeable sums every results page reads.

A rollup row counts answers (or responses) per survey, question, local day, service, channel,
segment, language and value, with the sum and sum of squares of the numeric value, so any
period's counts, shares and means are sums of rows. Only counted responses (valid, not deleted)
are in them. Intake only stores responses; `rollups_fold`, run by the worker, adds every
response past the survey's watermark (`RollupWatermark`) to them and moves the watermark in the
same transaction (decision 0068). Marking a folded response as spam or deleting it takes its
answers out again, and restoring puts them back; a response not folded yet is folded as it is
then. `rollups_rebuild` recomputes a survey's "responses" rows from the answers and leaves
imported rows alone.

Rows are added with `INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count`, which
SQLite and PostgreSQL both run atomically, so concurrent submissions never lose a count.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    FloatField,
    Max,
    Min,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from cxgov.core.bulk import planner_statistics_refresh
from cxgov.core.partitions import retained_from
from cxgov.insights.fiscal import fiscal_quarter
from cxgov.surveys.models import (
    CHOICE_KINDS,
    Answer,
    AnswerQuarterRollup,
    AnswerRollup,
    Question,
    QuestionKind,
    Response,
    ResponseQuarterRollup,
    ResponseRollup,
    ResponseStatus,
    RollupSource,
    RollupWatermark,
    Survey,
)


class AnswerLike(Protocol):
    """An Answer row or a cleaned answer about to become one."""

    question: Question
    value_int: int | None
    value_number: Decimal | None
    value_text: str


# (question_id, day, service_id, channel, segment_id, language, value_key)
AnswerKey = tuple[int, date, int | None, str, int | None, str, str]
# (day, service_id, channel, segment_id, language)
ResponseKey = tuple[date, int | None, str, int | None, str]


@dataclass
class RollupDelta:
    """Changes to add to the rollup tables: counts, sums and sums of squares by key."""

    answers: dict[AnswerKey, list[float]]
    responses: dict[ResponseKey, int]

    @classmethod
    def empty(cls) -> RollupDelta:
        return cls(answers=defaultdict(lambda: [0, 0.0, 0.0]), responses=defaultdict(int))


def survey_zone(survey: Survey) -> zoneinfo.ZoneInfo:
    """The time zone whose calendar days the survey's rollups use: its agency's, else the site's."""
    name = getattr(survey.agency, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime, zone: zoneinfo.ZoneInfo) -> date:
    """The calendar day of a moment in a time zone."""
    return timezone.localtime(moment, zone).date()


def is_counted(response: Response) -> bool:
    """Whether a response counts in results: valid and not deleted."""
    return response.status == ResponseStatus.VALID and response.deleted_at is None


def value_key(kind: str, value_int: int | None, value_text: str) -> str:
    """The text a rollup groups an answer by: its scale or choice value, else ""."""
    if value_int is not None:
        return str(value_int)
    if kind in CHOICE_KINDS:
        return value_text
    return ""


def _numeric(value_int: int | None, value_number: Decimal | None) -> float:
    if value_int is not None:
        return float(value_int)
    if value_number is not None:
        return float(value_number)
    return 0.0


def delta_add(
    delta: RollupDelta,
    *,
    response: Response,
    answers: Iterable[AnswerLike],
    zone: zoneinfo.ZoneInfo,
    sign: int = 1,
) -> None:
    """Add (sign 1) or take away (sign -1) one response and its answers."""
    day = local_day(response.submitted_at, zone)
    context = (response.service_id, response.channel or "", response.segment_id)
    language = response.language or ""
    delta.responses[(day, *context, language)] += sign
    answered_multiple: set[int] = set()
    for answer in answers:
        question = answer.question
        key = value_key(question.kind, answer.value_int, answer.value_text)
        number = _numeric(answer.value_int, answer.value_number)
        cell = delta.answers[(question.pk, day, *context, language, key)]
        cell[0] += sign
        cell[1] += sign * number
        cell[2] += sign * number * number
        if question.kind == QuestionKind.MULTIPLE and question.pk not in answered_multiple:
            # A choose-any question also counts its respondents once, under the empty key.
            answered_multiple.add(question.pk)
            delta.answers[(question.pk, day, *context, language, "")][0] += sign


RollupModel = (
    type[AnswerRollup]
    | type[ResponseRollup]
    | type[AnswerQuarterRollup]
    | type[ResponseQuarterRollup]
)


def _key_columns(model: RollupModel) -> list[str]:
    period = "quarter_start" if model in (AnswerQuarterRollup, ResponseQuarterRollup) else "day"
    if model in (AnswerRollup, AnswerQuarterRollup):
        return [
            *("agency_id", "survey_id", "question_id", period, "service_id", "channel"),
            *("segment_id", "language", "value_key", "source"),
        ]
    return [
        *("agency_id", "survey_id", period, "service_id", "channel", "segment_id"),
        *("language", "source"),
    ]


def _key_sql(column: str) -> str:
    quoted = connection.ops.quote_name(column)
    return f"COALESCE({quoted}, 0)" if column in ("service_id", "segment_id") else quoted


def _upsert_sql(model: RollupModel, sums: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = _key_columns(model)
    columns = [*keys, *sums]
    updates = ", ".join(f"{quote(s)} = {table}.{quote(s)} + excluded.{quote(s)}" for s in sums)
    return (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(_key_sql(k) for k in keys)}) DO UPDATE SET {updates}"
    )


def _delete_empty_sql(model: RollupModel) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    match = " AND ".join(f"{_key_sql(k)} = %s" for k in _key_columns(model))
    return f"DELETE FROM {table} WHERE {match} AND count = 0"  # noqa: S608  # nosec B608


def _order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # Every writer touches rows in the same order, so concurrent upserts cannot deadlock.
    return tuple(0 if v is None else v for v in row)


def quarter_delta(delta: RollupDelta, *, start_month: int) -> RollupDelta:
    """The same changes summed by the first day of each day's fiscal quarter."""
    starts: dict[date, date] = {}

    def start(day: date) -> date:
        if day not in starts:
            starts[day] = fiscal_quarter(day, start_month=start_month).start
        return starts[day]

    quarters = RollupDelta.empty()
    for (q, d, *rest), cell in delta.answers.items():
        target = quarters.answers[(q, start(d), *rest)]  # type: ignore[index]
        for i in range(3):
            target[i] += cell[i]
    for (d, *rest), count in delta.responses.items():
        quarters.responses[(start(d), *rest)] += count  # type: ignore[index]
    return quarters


def _level_write(
    delta: RollupDelta,
    *,
    agency_id: int,
    survey_id: int,
    source: str,
    answer_model: type[AnswerRollup] | type[AnswerQuarterRollup],
    response_model: type[ResponseRollup] | type[ResponseQuarterRollup],
) -> None:
    day_field = AnswerRollup._meta.get_field("day")

    def prep(day: date) -> Any:
        return day_field.get_db_prep_value(day, connection)

    answer_keys = sorted(
        (
            (agency_id, survey_id, q, prep(d), svc or 0, ch, seg or 0, lang, key, source)
            for (q, d, svc, ch, seg, lang, key), c in delta.answers.items()
            if c[0] or c[1] or c[2]
        ),
        key=_order,
    )
    answers = {
        (agency_id, survey_id, q, prep(d), svc or 0, ch, seg or 0, lang, key, source): c
        for (q, d, svc, ch, seg, lang, key), c in delta.answers.items()
    }
    answer_rows = [
        (*k[:4], k[4] or None, k[5], k[6] or None, *k[7:], int(answers[k][0]), *answers[k][1:])
        for k in answer_keys
    ]
    responses = {
        (agency_id, survey_id, prep(d), svc or 0, ch, seg or 0, lang, source): count
        for (d, svc, ch, seg, lang), count in delta.responses.items()
        if count
    }
    response_keys = sorted(responses, key=_order)
    response_rows = [
        (*k[:3], k[3] or None, k[4], k[5] or None, *k[6:], responses[k]) for k in response_keys
    ]
    with connection.cursor() as cursor:
        if answer_rows:
            cursor.executemany(
                _upsert_sql(answer_model, ["count", "total", "total_squares"]), answer_rows
            )
        if response_rows:
            cursor.executemany(_upsert_sql(response_model, ["count"]), response_rows)
        emptied = [k for k in answer_keys if answers[k][0] < 0]
        if emptied:
            cursor.executemany(_delete_empty_sql(answer_model), emptied)
        emptied_responses = [k for k in response_keys if responses[k] < 0]
        if emptied_responses:
            cursor.executemany(_delete_empty_sql(response_model), emptied_responses)


def _agency_and_start_month(survey_id: int) -> tuple[int, int]:
    agency_id, start_month = Survey.objects.filter(pk=survey_id).values_list(
        "agency_id", "agency__fiscal_year_start_month"
    )[0]
    return int(agency_id), int(start_month)


def delta_write(
    delta: RollupDelta,
    *,
    survey_id: int,
    source: str = RollupSource.RESPONSES,
    agency_id: int | None = None,
    start_month: int | None = None,
) -> None:
    """Add a delta to the daily and the quarterly rollups; drop the rows it brought to zero.

    `agency_id` is the survey's agency and `start_month` the month its fiscal year starts (both
    read when either is not given).
    Rows are written in key order, days before quarters, so concurrent writers take their
    locks in the same order. Only rows this transaction has just updated (and so already holds
    locks on) are deleted, which keeps concurrent writers from waiting on each other.
    """
    if not delta.answers and not delta.responses:
        return
    if agency_id is None or start_month is None:
        agency_id, start_month = _agency_and_start_month(survey_id)
    _level_write(
        delta,
        agency_id=agency_id,
        survey_id=survey_id,
        source=source,
        answer_model=AnswerRollup,
        response_model=ResponseRollup,
    )
    _level_write(
        quarter_delta(delta, start_month=start_month),
        agency_id=agency_id,
        survey_id=survey_id,
        source=source,
        answer_model=AnswerQuarterRollup,
        response_model=ResponseQuarterRollup,
    )


# Intake and the fold of one survey exclude each other through this PostgreSQL advisory lock
# (the class id, beside the survey id): intake holds it shared until it commits, so a fold,
# which holds it alone, never sees a response id while a smaller one may still commit.
FOLD_LOCK_CLASS = 6801
# Responses folded per transaction: a long backlog is folded in steps that each commit.
FOLD_CHUNK = 5000


def _fold_lock(survey_id: int, *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        # SQLite transactions start IMMEDIATE (config/database.py): one writer at a time.
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [FOLD_LOCK_CLASS, survey_id % 2**31])


def _watermark_locked(survey_id: int) -> RollupWatermark:
    RollupWatermark.objects.bulk_create(
        [RollupWatermark(survey_id=survey_id)], ignore_conflicts=True
    )
    return RollupWatermark.objects.select_for_update().get(survey_id=survey_id)


def rollups_intake_open(*, survey_id: int) -> bool:
    """Call inside an intake's transaction before its responses are inserted.

    Holds the survey's fold off until the transaction ends; True when no fold was requested
    yet and this transaction requested one, so the caller queues `rollups_fold` with its write.
    """
    _fold_lock(survey_id, shared=True)
    requested = (
        RollupWatermark.objects.filter(survey_id=survey_id)
        .values_list("fold_requested", flat=True)
        .first()
    )
    if requested:
        return False
    if requested is None:
        RollupWatermark.objects.bulk_create(
            [RollupWatermark(survey_id=survey_id)], ignore_conflicts=True
        )
    waiting = RollupWatermark.objects.filter(survey_id=survey_id, fold_requested=False)
    return bool(waiting.update(fold_requested=True))


@dataclass
class _LoggedAnswer:
    question: Question
    value_int: int | None
    value_number: Decimal | None
    value_text: str


def _watermark_advance(watermark: RollupWatermark, *, through: int, more: bool) -> None:
    watermark.folded_through = through
    watermark.fold_requested = more
    watermark.save(update_fields=["folded_through", "fold_requested"])


@transaction.atomic
def _fold_step(*, survey: Survey, limit: int) -> tuple[int, bool]:
    _fold_lock(survey.pk, shared=False)
    watermark = _watermark_locked(survey.pk)
    start = watermark.folded_through
    logged = list(
        Response.objects.filter(survey_id=survey.pk, pk__gt=start)
        .order_by("pk")
        .only(
            *("id", "status", "deleted_at", "submitted_at", "service_id", "channel"),
            *("segment_id", "language"),
        )[: limit + 1]
    )
    more = len(logged) > limit
    logged = logged[:limit]
    if not logged:
        if watermark.fold_requested:
            _watermark_advance(watermark, through=start, more=False)
        return 0, False
    through = logged[-1].pk
    questions = {q.pk: q for q in Question.objects.filter(survey_id=survey.pk)}
    answers: dict[int, list[_LoggedAnswer]] = defaultdict(list)
    # Answers carry their response's time: the bounds keep the read to those months'
    # partitions on PostgreSQL (decision 0073).
    moments = [response.submitted_at for response in logged]
    for response_id, question_id, value_int, value_number, value_text in Answer.objects.filter(
        response_id__gt=start,
        response_id__lte=through,
        survey_id=survey.pk,
        submitted_at__range=(min(moments), max(moments)),
    ).values_list("response_id", "question_id", "value_int", "value_number", "value_text"):
        answers[response_id].append(
            _LoggedAnswer(questions[question_id], value_int, value_number, value_text)
        )
    zone = survey_zone(survey)
    delta = RollupDelta.empty()
    for response in logged:
        if is_counted(response):
            delta_add(delta, response=response, answers=answers[response.pk], zone=zone)
    # Read under the locks, not with the survey: a change of the fiscal year start commits
    # either before this (and is read here) or after it (and rebuilds what this writes).
    agency_id, start_month = _agency_and_start_month(survey.pk)
    delta_write(delta, survey_id=survey.pk, agency_id=agency_id, start_month=start_month)
    planner_statistics_refresh(
        tables=[AnswerRollup, ResponseRollup, AnswerQuarterRollup, ResponseQuarterRollup],
        rows=sum(len(found) for found in answers.values()),
    )
    if any(is_counted(response) for response in logged):
        from cxgov.surveys.services import driver_runs_mark_stale  # services imports this

        driver_runs_mark_stale(survey=survey)
    _watermark_advance(watermark, through=through, more=more)
    return len(logged), more


def rollups_fold(*, survey_id: int, limit: int = FOLD_CHUNK) -> int:
    """Add every response past the survey's watermark to its rollups, as each is now (counted
    or not), and move the watermark; the number of responses folded.

    Each step of at most `limit` responses is one transaction holding the watermark row: the
    rollups and the watermark commit together or not at all, so a fold that dies leaves nothing
    half done and the next one starts where the last commit left off, and two folds of the
    same survey wait for each other instead of counting a response twice.
    """
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    if survey is None:
        return 0
    folded, more = 0, True
    while more:
        done, more = _fold_step(survey=survey, limit=limit)
        folded += done
    return folded


def rollups_fold_due() -> int:
    """Fold every survey whose fold was requested (the periodic safety net for a lost task)."""
    due = RollupWatermark.objects.filter(fold_requested=True).values_list("survey_id", flat=True)
    return sum(rollups_fold(survey_id=survey_id) for survey_id in list(due))


def rollups_lock_response(response: Response) -> bool:
    """Lock a response row, refresh its status and deletion from the database, say if it is in
    the rollups (counted and already folded).

    Call before changing either, in the same transaction, then `rollups_response_changed`. It
    locks the survey's watermark first, so no fold runs until the change commits.
    """
    _watermark_locked(response.survey_id)
    current = Response.objects.select_for_update().only("status", "deleted_at").get(pk=response.pk)
    response.status = current.status
    response.deleted_at = current.deleted_at
    return is_counted(response) and _folded(response)


def _folded(response: Response) -> bool:
    through = (
        RollupWatermark.objects.filter(survey_id=response.survey_id)
        .values_list("folded_through", flat=True)
        .first()
    )
    return through is not None and response.pk <= through


def rollups_response_changed(*, response: Response, was_counted: bool) -> None:
    """Take a folded response out of the rollups or put it back when whether it counts has
    changed; a response not folded yet is left to the fold, which reads it as it is then."""
    now_counted = is_counted(response) and _folded(response)
    if now_counted == was_counted:
        return
    survey = Survey.objects.select_related("agency").get(pk=response.survey_id)
    answers = list(Answer.objects.filter(response=response).select_related("question"))
    delta = RollupDelta.empty()
    delta_add(
        delta,
        response=response,
        answers=answers,
        zone=survey_zone(survey),
        sign=1 if now_counted else -1,
    )
    delta_write(
        delta,
        survey_id=survey.pk,
        agency_id=survey.agency_id,
        start_month=survey.agency.fiscal_year_start_month,
    )


@dataclass(frozen=True)
class RebuildResult:
    survey_id: int
    answer_rows: int
    response_rows: int
    responses: int


def _counted_answers(survey: Survey) -> QuerySet[Answer]:
    return Answer.objects.filter(
        survey=survey, response__status=ResponseStatus.VALID, response__deleted_at__isnull=True
    )


def _counted_responses(survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(
        survey=survey, status=ResponseStatus.VALID, deleted_at__isnull=True
    )


def _days_final() -> tuple[date, datetime] | None:
    """The first local day a rebuild may count again, and the instant its responses start.

    Responses before the instant may be gone to the retention purge (decision 0074), so the
    rollups of earlier days are final. The purge goes by UTC months and a day by the survey's
    zone, so the first day counted again is the day after the first kept month starts, whole
    in every zone.
    """
    first_month = retained_from(months=settings.RESPONSE_RETENTION_MONTHS)
    if first_month is None:
        return None
    return first_month + timedelta(days=1), datetime.combine(first_month, time.min, tzinfo=UTC)


@transaction.atomic
def rollups_rebuild(*, survey: Survey) -> RebuildResult:
    """Recompute a survey's "responses" rollups from its answers with GROUP BY queries, then
    its whole quarterly level from the days (in the quarters of the agency's fiscal year now).

    Imported daily rows are left as they are. It holds intake and folds of the survey off while
    it runs and moves the watermark past every response it counted.
    """
    _fold_lock(survey.pk, shared=False)
    watermark = _watermark_locked(survey.pk)
    survey = (
        Survey.objects.select_for_update(of=("self",)).select_related("agency").get(pk=survey.pk)
    )
    last = Response.objects.filter(survey=survey).aggregate(last=Max("id"))["last"]
    if (last or 0) > watermark.folded_through:
        # Responses no fold has reached: the fold that would mark the analyses will not come.
        from cxgov.surveys.services import driver_runs_mark_stale  # services imports this

        driver_runs_mark_stale(survey=survey)
    _watermark_advance(watermark, through=max(last or 0, watermark.folded_through), more=False)
    zone = survey_zone(survey)
    day = TruncDate("response__submitted_at", tzinfo=zone)
    answer_days = AnswerRollup.objects.filter(survey=survey, source=RollupSource.RESPONSES)
    response_days = ResponseRollup.objects.filter(survey=survey, source=RollupSource.RESPONSES)
    answers, responses = _counted_answers(survey), _counted_responses(survey)
    final = _days_final()
    if final is not None:
        first_day, since = final
        answer_days = answer_days.filter(day__gte=first_day)
        response_days = response_days.filter(day__gte=first_day)
        answers = answers.filter(submitted_at__gte=since).alias(kept_day=day)
        answers = answers.filter(kept_day__gte=first_day)
        responses = responses.filter(submitted_at__gte=since).alias(
            kept_day=TruncDate("submitted_at", tzinfo=zone)
        )
        responses = responses.filter(kept_day__gte=first_day)
    answer_days.delete()
    response_days.delete()
    AnswerQuarterRollup.objects.filter(survey=survey).delete()
    ResponseQuarterRollup.objects.filter(survey=survey).delete()
    context = [
        "question_id",
        "rollup_day",
        "response__service_id",
        "response__channel",
        "response__segment_id",
        "response__language",
    ]
    number = Coalesce(
        Cast("value_int", FloatField()), Cast("value_number", FloatField()), Value(0.0)
    )
    key = Case(
        When(value_int__isnull=False, then=Cast("value_int", CharField())),
        When(question__kind__in=list(CHOICE_KINDS), then=F("value_text")),
        default=Value(""),
        output_field=CharField(),
    )
    grouped = (
        answers.annotate(rollup_day=day, rollup_key=key, rollup_value=number)
        .values(*context, "rollup_key")
        .annotate(
            n=Count("id"),
            total=Sum("rollup_value"),
            squares=Sum(F("rollup_value") * F("rollup_value")),
        )
        .order_by()
    )
    delta = RollupDelta.empty()
    for row in grouped:
        cell = delta.answers[(*(row[name] for name in context), row["rollup_key"])]
        cell[0] += row["n"]
        cell[1] += row["total"] or 0.0
        cell[2] += row["squares"] or 0.0
    # Choose-any questions: people who answered, once each, under the empty key.
    respondents = (
        answers.filter(question__kind=QuestionKind.MULTIPLE)
        .annotate(rollup_day=day)
        .values(*context)
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    for row in respondents:
        delta.answers[(*(row[name] for name in context), "")][0] += row["n"]
    per_day = (
        responses.annotate(rollup_day=TruncDate("submitted_at", tzinfo=zone))
        .values("rollup_day", "service_id", "channel", "segment_id", "language")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_day:
        delta.responses[
            (
                row["rollup_day"],
                row["service_id"],
                row["channel"],
                row["segment_id"],
                row["language"],
            )
        ] += row["n"]
    _level_write(
        delta,
        agency_id=survey.agency_id,
        survey_id=survey.pk,
        source=RollupSource.RESPONSES,
        answer_model=AnswerRollup,
        response_model=ResponseRollup,
    )
    # The quarters of every source from the days, in the agency's current fiscal year.
    _quarters_recompute(survey=survey, start_month=survey.agency.fiscal_year_start_month)
    return RebuildResult(
        survey_id=survey.pk,
        answer_rows=len(delta.answers),
        response_rows=len(delta.responses),
        responses=sum(delta.responses.values()),
    )


def _quarters_recompute(
    *,
    survey: Survey,
    start_month: int,
    source: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> None:
    """Replace the quarterly rows of the quarters touching first..last (all when open) of one
    source (every source when None) by the sums of their daily rows."""
    days = AnswerRollup.objects.filter(survey=survey)
    response_days = ResponseRollup.objects.filter(survey=survey)
    answer_quarters = AnswerQuarterRollup.objects.filter(survey=survey)
    response_quarters = ResponseQuarterRollup.objects.filter(survey=survey)
    if source is not None:
        days, response_days = days.filter(source=source), response_days.filter(source=source)
        answer_quarters = answer_quarters.filter(source=source)
        response_quarters = response_quarters.filter(source=source)
    if first is not None and last is not None:
        low = fiscal_quarter(first, start_month=start_month).start
        high = fiscal_quarter(last, start_month=start_month).end
        days = days.filter(day__gte=low, day__lte=high)
        response_days = response_days.filter(day__gte=low, day__lte=high)
        answer_quarters = answer_quarters.filter(quarter_start__gte=low, quarter_start__lte=high)
        response_quarters = response_quarters.filter(
            quarter_start__gte=low, quarter_start__lte=high
        )
    answer_quarters.delete()
    response_quarters.delete()
    context = ["service_id", "channel", "segment_id", "language"]
    sources: dict[str, RollupDelta] = defaultdict(RollupDelta.empty)
    for row in (
        _with_quarter_start(days, start_month)
        .values("source", "question_id", "quarter_start", *context, "value_key")
        .annotate(n=Sum("count"), t=Sum("total"), s=Sum("total_squares"))
        .order_by()
    ):
        key = (row["question_id"], row["quarter_start"], *(row[c] for c in context))
        sources[row["source"]].answers[(*key, row["value_key"])] = [
            row["n"],
            row["t"] or 0.0,
            row["s"] or 0.0,
        ]
    for row in (
        _with_quarter_start(response_days, start_month)
        .values("source", "quarter_start", *context)
        .annotate(n=Sum("count"))
        .order_by()
    ):
        key = (row["quarter_start"], *(row[c] for c in context))
        sources[row["source"]].responses[key] += row["n"]
    for name, delta in sorted(sources.items()):
        _level_write(
            delta,
            agency_id=survey.agency_id,
            survey_id=survey.pk,
            source=name,
            answer_model=AnswerQuarterRollup,
            response_model=ResponseQuarterRollup,
        )


def _with_quarter_start(queryset: QuerySet[Any], start_month: int) -> QuerySet[Any]:
    """Daily rows annotated with the first day of their fiscal quarter (plain date comparisons,
    so SQLite groups without calling back into Python)."""
    bounds = queryset.aggregate(first=Min("day"), last=Max("day"))
    if bounds["first"] is None:
        return queryset.none().annotate(quarter_start=Value(None, output_field=DateField()))
    quarter = fiscal_quarter(bounds["first"], start_month=start_month)
    last = fiscal_quarter(bounds["last"], start_month=start_month)
    queryset = queryset.filter(day__gte=quarter.start, day__lte=last.end)
    whens = []
    while quarter <= last:
        whens.append(When(day__lt=quarter.next().start, then=Value(quarter.start)))
        quarter = quarter.next()
    return queryset.annotate(quarter_start=Case(*whens, default=None, output_field=DateField()))


@transaction.atomic
def rollups_quarters_rebuild(*, survey: Survey) -> None:
    """Recompute a survey's quarterly rollups from its daily ones, in the quarters of its
    agency's fiscal year now: after that year's start month changes (decision 0055)."""
    survey = (
        Survey.objects.select_for_update(of=("self",)).select_related("agency").get(pk=survey.pk)
    )
    _quarters_recompute(survey=survey, start_month=survey.agency.fiscal_year_start_month)


def rollups_days_remove(
    *, survey: Survey, source: str, first: date, last: date, start_month: int
) -> None:
    """Delete a source's daily rows from first to last (inclusive) and bring the quarters they
    were summed into back in step; call inside the writer's transaction."""
    AnswerRollup.objects.filter(
        survey=survey, source=source, day__gte=first, day__lte=last
    ).delete()
    ResponseRollup.objects.filter(
        survey=survey, source=source, day__gte=first, day__lte=last
    ).delete()
    _quarters_recompute(
        survey=survey, start_month=start_month, source=source, first=first, last=last
    )


def quarter_months(start_month: int) -> list[int]:
    """The months a fiscal quarter of a year starting in `start_month` can start in."""
    return sorted((start_month - 1 + 3 * i) % 12 + 1 for i in range(4))


@transaction.atomic
def rollups_quarters_follow(*, agency_id: int, start_month: int) -> int:
    """Rebuild the quarterly rollups of an agency's surveys summed in quarters of another
    fiscal year start (quarters starting in other months); the number of surveys rebuilt.

    Start months three apart give the same quarters, so only a change to another phase (say
    October to November) has anything to do.
    """
    # Hold every survey's fold and watermark first, so that no fold or response change can
    # write quarters in the old months after the stale ones are found below.
    for survey_id in (
        Survey.objects.filter(agency_id=agency_id).order_by("pk").values_list("pk", flat=True)
    ):
        _fold_lock(survey_id, shared=False)
        _watermark_locked(survey_id)
    months = quarter_months(start_month)
    stale = {
        *AnswerQuarterRollup.objects.filter(survey__agency_id=agency_id)
        .exclude(quarter_start__month__in=months)
        .values_list("survey_id", flat=True)
        .distinct(),
        *ResponseQuarterRollup.objects.filter(survey__agency_id=agency_id)
        .exclude(quarter_start__month__in=months)
        .values_list("survey_id", flat=True)
        .distinct(),
    }
    for survey in Survey.objects.filter(pk__in=stale).order_by("pk"):
        rollups_quarters_rebuild(survey=survey)
    return len(stale)


def agency_saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Note the fiscal year start an agency had before this save (connected to its
    `pre_save`), so that `agency_saved` follows only a change to other quarters."""
    if kwargs.get("raw") or instance.pk is None:
        return
    if update_fields is not None and "fiscal_year_start_month" not in update_fields:
        return
    instance._start_month_before = (
        type(instance)
        .objects.filter(pk=instance.pk)
        .values_list("fiscal_year_start_month", flat=True)
        .first()
    )


def agency_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Keep the quarterly rollups in the agency's quarters when its fiscal year start moves to
    other quarters (connected to the agency's `post_save`; core, which owns the setting,
    imports no surveys). Other saves take no lock on the agency's surveys."""
    if kwargs.get("created") or kwargs.get("raw"):
        return
    before = instance.__dict__.pop("_start_month_before", None)
    start_month = instance.fiscal_year_start_month
    if before is None or quarter_months(before) == quarter_months(start_month):
        return
    rollups_quarters_follow(agency_id=instance.pk, start_month=start_month)
