"""Reads behind the survey results pages: access, comments and key driver analysis.

Figures per question come from `surveys.results` (rollups). What the rollups cannot give is read
here: free-text comments (microdata, scrubbed, suppressed for small employee groups) and the
respondent-level matrix a key driver analysis needs (one query, pivoted with numpy), and the
stored driver analyses (`DriverRun`) the worker computes from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

import numpy as np
from django.conf import settings
from django.db.models import Max, Min, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.core.models import Agency
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess, agency_calendar
from cxgov.insights.drivers import key_drivers
from cxgov.insights.estimates import Estimate, wilson
from cxgov.insights.measures import MEAN_SCORE, positive_measure
from cxgov.insights.priority_matrix import Cuts, MatrixPoint, driver_quadrants
from cxgov.insights.scrub import scrub_text
from cxgov.insights.weighting import (
    BAD_COUNT,
    EMPTY_CATEGORY,
    NO_RESPONDENTS,
    NOT_CONVERGED,
    TOTALS_DIFFER,
    UNKNOWN_CATEGORY,
    WeightedEstimate,
    WeightingError,
    Weights,
    rake_weights,
)
from cxgov.registry.models import ChannelKind, CustomerSegment, Service
from cxgov.surveys.models import (
    NO_CATEGORY,
    SCALE_RANGES,
    TEXT_KINDS,
    Answer,
    DriverRun,
    PopulationMargin,
    Question,
    QuestionKind,
    Response,
    ResponseQuarterRollup,
    ResponseStatus,
    Survey,
)
from cxgov.surveys.results import ResultFilters, period, positive_values, responses_shown
from cxgov.surveys.results.disclosure import survey_start_month
from cxgov.surveys.results.estimates import MEASURE_SCALES
from cxgov.surveys.results.queries import filter_dimensions
from cxgov.surveys.rollups import survey_zone
from cxgov.surveys.selectors import suppression_threshold

# Who reads results: the agency's analysts and administrators, and oversight (read-only).
# Fewer complete answers than this and a driver analysis is mostly noise: refuse it.
MIN_DRIVER_RESPONSES = 30
# Fewer than two drivers leave nothing to rank.
MIN_DRIVERS = 2
# Kinds an outcome (trust, satisfaction) may be asked on; all are numbers on a fixed scale.
OUTCOME_KINDS = frozenset(
    {
        QuestionKind.LIKERT,
        QuestionKind.THUMBS,
        QuestionKind.YES_NO,
        QuestionKind.RATING_10,
        QuestionKind.NPS,
    }
)


def result_fiscal_years(*, survey: Survey) -> list[int]:
    """Fiscal years with responses, newest first, for the filter form."""
    span = Response.objects.filter(survey=survey).aggregate(
        first=Min("submitted_at"), last=Max("submitted_at")
    )
    first: datetime | None = span["first"]
    last: datetime | None = span["last"]
    if first is None or last is None:
        return []
    calendar = agency_calendar(agency=survey.agency)
    return list(range(calendar.fiscal_year(last), calendar.fiscal_year(first) - 1, -1))


def surveys_for_results(*, agency: Agency) -> QuerySet[Survey]:
    """Every survey of the agency with `counted`: responses in the rollups (0 when none)."""
    return (
        Survey.objects.filter(agency=agency)
        .annotate(counted=Coalesce(Sum("response_rollups__count"), 0))
        .select_related("agency")
        .order_by("-created_at", "-id")
    )


def filtered_responses(*, survey: Survey, filters: ResultFilters) -> QuerySet[Response]:
    """Valid, not deleted responses matching the filters.

    Days are the agency's local days, as in the rollups, so counts here and there agree.
    """
    responses = filter_dimensions(valid_responses(survey=survey), filters)
    first, last = period(filters, start_month=survey_start_month(survey))
    zone = survey_zone(survey)
    if first:
        responses = responses.filter(submitted_at__gte=datetime.combine(first, time(), zone))
    if last:
        after = datetime.combine(last + timedelta(days=1), time(), zone)
        responses = responses.filter(submitted_at__lt=after)
    return responses


# --- comments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    question: str
    text: str
    submitted: str  # an ISO date; empty for employee surveys


@dataclass(frozen=True)
class Comments:
    """Free-text answers matching the filters, or the fact they are suppressed."""

    answers: QuerySet[Answer]
    suppressed: bool
    threshold: int


def comments_for_survey(*, survey: Survey, filters: ResultFilters) -> Comments:
    """Non-empty text answers of valid responses, newest first (call access_survey first).

    An employee survey returns none unless the filtered group may be shown
    (`results.responses_shown`): at least the threshold, and no other view a reader can open
    that differs from it by a smaller group. Comments are scrubbed when shown (`comment_rows`).
    """
    responses = filtered_responses(survey=survey, filters=filters)
    threshold = suppression_threshold()
    # The text questions by id, and the answers' own copy of their response's time for the
    # order: the database starts from the few text answers instead of every response.
    texts = list(survey.questions.filter(kind__in=TEXT_KINDS).values_list("id", flat=True))
    answers = (
        Answer.objects.filter(survey=survey, question_id__in=texts, response__in=responses)
        .exclude(value_text="")
        .select_related("question", "response")
        .order_by("-submitted_at", "-id")
    )
    if survey.is_employee and not responses_shown(survey=survey, filters=filters):
        return Comments(answers=Answer.objects.none(), suppressed=True, threshold=threshold)
    return Comments(answers=answers, suppressed=False, threshold=threshold)


def comment_rows(*, survey: Survey, answers: Iterable[Answer]) -> list[Comment]:
    """Comments as shown and exported: scrubbed of personal data, employee answers undated."""
    rows = []
    for answer in answers:
        submitted = "" if survey.is_employee else answer.response.submitted_at.date().isoformat()
        rows.append(
            Comment(
                question=answer.question.display_text,
                text=scrub_text(answer.value_text),
                submitted=submitted,
            )
        )
    return rows


# --- key drivers ---------------------------------------------------------------------------


def _of_kinds(
    survey: Survey, kinds: Iterable[str], questions: Sequence[Question] | None
) -> list[Question]:
    """The survey's questions of these kinds by position; from `questions` (the survey's
    compiled plan, so intake sends no query) when given."""
    if questions is None:
        return list(survey.questions.filter(kind__in=list(kinds)).order_by("position", "id"))
    wanted = set(kinds)
    return sorted((q for q in questions if q.kind in wanted), key=lambda q: (q.position, q.pk))


def outcome_questions(
    *, survey: Survey, questions: Sequence[Question] | None = None
) -> list[Question]:
    """Questions that can be a driver analysis' outcome: trust first, then satisfaction."""
    found = [
        q
        for q in _of_kinds(survey, OUTCOME_KINDS, questions)
        if q.key == "trust" or "satisfaction" in q.key
    ]
    return sorted(found, key=lambda q: q.key != "trust")


def driver_questions(
    *, survey: Survey, questions: Sequence[Question] | None = None
) -> list[Question]:
    """The survey's 5-point agreement questions that are not an outcome: its drivers."""
    outcomes = {q.pk for q in outcome_questions(survey=survey, questions=questions)}
    return [q for q in _of_kinds(survey, [QuestionKind.LIKERT], questions) if q.pk not in outcomes]


def survey_has_drivers(*, survey: Survey, questions: Sequence[Question] | None = None) -> bool:
    """True when a driver analysis can be asked for: an outcome and at least two drivers."""
    return bool(outcome_questions(survey=survey, questions=questions)) and (
        len(driver_questions(survey=survey, questions=questions)) >= MIN_DRIVERS
    )


def answer_matrix(
    *, survey: Survey, questions: Sequence[Question], filters: ResultFilters
) -> np.ndarray:
    """One row per valid response, one column per question in order, the answer's number or NaN.

    One query over the long answer table, pivoted in memory; rows follow the responses' order.
    """
    responses = filtered_responses(survey=survey, filters=filters)
    column_of = {q.pk: index for index, q in enumerate(questions)}
    rows = list(
        Answer.objects.filter(
            survey=survey,
            question_id__in=list(column_of),
            response__in=responses,
            value_int__isnull=False,
        ).values_list("response_id", "question_id", "value_int")
    )
    row_of = {response: index for index, response in enumerate(sorted({r[0] for r in rows}))}
    matrix = np.full((len(row_of), len(questions)), np.nan)
    for response_id, question_id, value in rows:
        cell = (row_of[response_id], column_of[question_id])
        if np.isnan(matrix[cell]):
            matrix[cell] = value
    return matrix


@dataclass(frozen=True)
class DriverRow:
    question: Question
    importance: float  # share of the explained variance, 0..1
    low: float  # bootstrap 95% interval of the importance
    high: float
    performance: Estimate  # percent positive among the complete responses
    quadrant: str
    mean: float = 0.0  # average answer among the complete responses


# Where a driver analysis stands: not asked for yet, being computed for the first time, computed
# (and current), or computed before the latest responses and being computed again.
DRIVERS_MISSING = "missing"
DRIVERS_COMPUTING = "computing"
DRIVERS_READY = "ready"
DRIVERS_STALE = "stale"


@dataclass(frozen=True)
class DriverResult:
    """A driver analysis, or why there is none (`refusal` and the complete count).

    Read from the survey's stored `DriverRun`: `state` says whether it is current, and
    `computed_at` when the figures shown were computed.
    """

    outcome: Question
    complete: int
    refusal: str = ""  # "too_few" when complete < MIN_DRIVER_RESPONSES
    r_squared: float | None = None
    outcome_positive: Estimate | None = None
    rows: tuple[DriverRow, ...] = ()
    cuts: Cuts | None = None
    state: str = DRIVERS_READY
    computed_at: datetime | None = None
    method: str = ""
    seed: int | None = None
    resamples: int = 0

    @property
    def shown(self) -> bool:
        """True when there are figures to show (current or from the last computation)."""
        return self.state in (DRIVERS_READY, DRIVERS_STALE) and not self.refusal


class DriverFigures(Protocol):
    """What the priority matrix draws of a driver, whichever analysis it comes from."""

    @property
    def importance(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def performance(self) -> Estimate: ...


def driver_matrix_point(row: DriverFigures, *, label: str) -> MatrixPoint:
    """The driver's point on the priority matrix: importance and share positive, each with its
    95% interval."""
    return MatrixPoint(
        label=label,
        importance=row.importance,
        performance=row.performance.value or 0.0,
        importance_low=row.low,
        importance_high=row.high,
        performance_low=row.performance.low,
        performance_high=row.performance.high,
    )


def driver_spec(
    *, outcome: Question, drivers: Sequence[Question], filters: ResultFilters
) -> dict[str, Any]:
    """What a driver analysis computes, as JSON: outcome, drivers in order, the filters."""
    return {
        "outcome": outcome.pk,
        "drivers": [q.pk for q in drivers],
        "filters": {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(filters).items()
        },
    }


def driver_spec_key(spec: Mapping[str, Any]) -> str:
    """The digest that names one analysis of a survey (one `DriverRun` row per key)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def driver_spec_seed(key: str) -> int:
    """The bootstrap seed of an analysis: fixed by its spec, so a recomputation over the same
    responses gives the same intervals."""
    return int(key[:8], 16)


def _spec_filters(spec: Mapping[str, Any]) -> ResultFilters:
    given = dict(spec["filters"])
    for name in ("start", "end"):
        if given.get(name):
            given[name] = date.fromisoformat(given[name])
    return ResultFilters(**given)


def driver_payload(*, survey: Survey, spec: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Compute one analysis as stored in `DriverRun.result` (the worker's task calls this).

    Only responses that answered the outcome and every driver count. Below
    MIN_DRIVER_RESPONSES of them the analysis is refused rather than shown as noise.
    """
    by_pk = {q.pk: q for q in survey.questions.filter(pk__in=[spec["outcome"], *spec["drivers"]])}
    outcome = by_pk.get(spec["outcome"])
    drivers = [by_pk[pk] for pk in spec["drivers"] if pk in by_pk]
    if outcome is None or len(drivers) < MIN_DRIVERS:
        return {"refusal": "unavailable", "n": 0}
    matrix = answer_matrix(
        survey=survey, questions=[outcome, *drivers], filters=_spec_filters(spec)
    )
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n = len(complete)
    if n < max(MIN_DRIVER_RESPONSES, len(drivers) + 2):
        return {"refusal": "too_few", "n": n}
    analysis = key_drivers(
        outcome_name=outcome.key,
        outcome=complete[:, 0],
        drivers={str(q.pk): complete[:, index + 1] for index, q in enumerate(drivers)},
        seed=seed,
    )

    def positive(question: Question, values: np.ndarray) -> int:
        wanted = {int(v) for v in positive_values(question) or ()}
        return int(np.isin(values, list(wanted)).sum())

    return {
        "refusal": "",
        "n": n,
        "r_squared": analysis.r_squared,
        "method": analysis.method,
        "seed": analysis.seed,
        "resamples": analysis.resamples,
        "outcome_positive": positive(outcome, complete[:, 0]),
        "drivers": [
            {
                "question": int(d.name),
                "importance": d.relative_importance,
                "low": d.low,
                "high": d.high,
                "mean": d.performance,
                "positive": positive(by_pk[int(d.name)], complete[:, index + 1]),
            }
            for index, d in enumerate(analysis.drivers)
        ],
    }


def driver_result(
    *, outcome: Question, drivers: Sequence[Question], run: DriverRun | None
) -> DriverResult:
    """A stored analysis as the pages show it: Wilson intervals of performance, quadrants."""
    if run is None:
        return DriverResult(outcome=outcome, complete=0, state=DRIVERS_MISSING)
    if run.result is None:
        return DriverResult(outcome=outcome, complete=0, state=DRIVERS_COMPUTING)
    payload = run.result
    state = DRIVERS_STALE if run.stale else DRIVERS_READY
    n = int(payload["n"])
    if payload["refusal"]:
        return DriverResult(
            outcome=outcome,
            complete=n,
            refusal=payload["refusal"],
            state=state,
            computed_at=run.computed_at,
        )
    by_pk = {q.pk: q for q in drivers}
    figures = [d for d in payload["drivers"] if d["question"] in by_pk]
    performance = {d["question"]: wilson(int(d["positive"]), n) for d in figures}
    cuts, quadrants = driver_quadrants(
        {d["question"]: float(d["importance"]) for d in figures},
        {pk: estimate.value or 0.0 for pk, estimate in performance.items()},
    )
    rows = tuple(
        DriverRow(
            question=by_pk[d["question"]],
            importance=float(d["importance"]),
            low=float(d["low"]),
            high=float(d["high"]),
            performance=performance[d["question"]],
            quadrant=quadrants[d["question"]],
            mean=float(d["mean"]),
        )
        for d in figures
    )
    return DriverResult(
        outcome=outcome,
        complete=n,
        r_squared=float(payload["r_squared"]),
        outcome_positive=wilson(int(payload["outcome_positive"]), n),
        rows=tuple(sorted(rows, key=lambda row: -row.importance)),
        cuts=cuts,
        state=state,
        computed_at=run.computed_at,
        method=str(payload["method"]),
        seed=int(payload["seed"]),
        resamples=int(payload["resamples"]),
    )


def driver_run(*, survey: Survey, spec: Mapping[str, Any]) -> DriverRun | None:
    """The stored analysis of the spec, if one was ever asked for."""
    return DriverRun.objects.filter(survey=survey, key=driver_spec_key(spec)).first()


def driver_analysis(
    *, survey: Survey, outcome: Question, drivers: Sequence[Question], filters: ResultFilters
) -> DriverResult:
    """The stored Shapley importance of each driver for the outcome, with performance and
    quadrant; never computed here. A missing one is asked for with
    `surveys.services.drivers_request`, and the worker computes it."""
    spec = driver_spec(outcome=outcome, drivers=drivers, filters=filters)
    return driver_result(outcome=outcome, drivers=drivers, run=driver_run(survey=survey, spec=spec))


def valid_responses(*, survey: Survey) -> QuerySet[Response]:
    """The survey's valid, not deleted responses."""
    return Response.objects.filter(
        survey=survey, status=ResponseStatus.VALID, deleted_at__isnull=True
    )


# --- weighting to population margins (decision 0040) ---------------------------------------

access_margin = AgencyObjectAccess(
    PopulationMargin.objects.select_related("agency", "survey__agency"),
    id_name="margin_id",
    default_need=Can.WEIGHT_RESULTS,
    doc="A population margin of a survey of the agency in the URL.",
)
# The context variables a margin can be given for, as the form names them.
CONTEXT_VARIABLES = {
    "service": gettext_lazy("Service"),
    "channel": gettext_lazy("Channel"),
    "segment": gettext_lazy("Customer segment"),
    "language": gettext_lazy("Language of the answers"),
}
QUESTION_PREFIX = "question:"


def survey_margins(*, survey: Survey) -> list[PopulationMargin]:
    """The survey's population margins, by variable."""
    return list(PopulationMargin.objects.filter(survey=survey).order_by("variable", "id"))


def weightable_questions(*, survey: Survey) -> list[Question]:
    """Questions answered on a fixed scale: their answers can be a margin and be weighted."""
    return [
        q
        for q in survey.questions.filter(kind__in=list(SCALE_RANGES)).order_by("position", "id")
        if q.kind in SCALE_RANGES
    ]


def choice_margin_questions(*, survey: Survey) -> list[Question]:
    """Choose-one questions: each answer is one of the options, so they can be a margin too
    (their answers are weighted, not estimated, by the results: they have no positive share)."""
    return list(survey.questions.filter(kind=QuestionKind.SINGLE).order_by("position", "id"))


def _margin_questions(survey: Survey) -> list[Question]:
    scale = weightable_questions(survey=survey)
    return sorted(
        [*scale, *choice_margin_questions(survey=survey)], key=lambda q: (q.position, q.pk)
    )


def _choice_values(question: Question) -> list[str]:
    values = [str(option["value"]) for option in question.options]
    return [*values, "other"] if question.allow_other else values


def margin_variables(*, survey: Survey) -> dict[str, str]:
    """Every variable a margin can be given for: {variable: its name}."""
    names = {key: str(label) for key, label in CONTEXT_VARIABLES.items()}
    for question in _margin_questions(survey):
        names[QUESTION_PREFIX + question.key] = _("Answer to “%(question)s”") % {
            "question": question.display_text
        }
    return names


def margin_categories(*, survey: Survey) -> dict[str, list[str]]:
    """The categories each variable's counts may name (besides `none`)."""
    agency = survey.agency
    categories: dict[str, list[str]] = {
        "service": list(
            Service.objects.filter(agency=agency).order_by("slug").values_list("slug", flat=True)
        ),
        "channel": [value for value, _label in ChannelKind.choices],
        "segment": list(
            CustomerSegment.objects.filter(agency=agency)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        # The languages of the folded responses, read from the quarterly rollups: a few rows
        # a quarter where the responses are a million.
        "language": sorted(
            {"en", "es"}
            | set(
                ResponseQuarterRollup.objects.filter(survey=survey)
                .order_by()
                .values_list("language", flat=True)
                .distinct()
            )
            - {""}
        ),
    }
    for question in weightable_questions(survey=survey):
        low, high = SCALE_RANGES[question.kind]
        categories[QUESTION_PREFIX + question.key] = [str(v) for v in range(low, high + 1)]
    for question in choice_margin_questions(survey=survey):
        categories[QUESTION_PREFIX + question.key] = _choice_values(question)
    return categories


def margin_totals(*, survey: Survey) -> dict[str, int]:
    """Each margin's population total, by variable."""
    return {m.variable: m.total for m in survey_margins(survey=survey)}


@dataclass(frozen=True)
class WeightedRow:
    """One question (or one group of a breakdown) weighted: percent positive and mean."""

    label: str
    positive: WeightedEstimate | None
    mean: WeightedEstimate | None


@dataclass(frozen=True)
class WeightedResults:
    """A survey's figures raked to its margins, or the error that stopped the raking."""

    margins: tuple[PopulationMargin, ...]
    # Weights above this many times the mean are trimmed (None: not trimmed).
    trim: float | None = None
    error: WeightingError | None = None
    weights: Weights | None = None
    rows: tuple[WeightedRow, ...] = ()
    # The breakdown question by each context variable: {variable: rows}.
    breakdowns: dict[str, tuple[WeightedRow, ...]] = field(default_factory=dict)


def weighted_results(
    *, survey: Survey, filters: ResultFilters, breakdown: Question | None = None
) -> WeightedResults | None:
    """The survey's questions raked to its population margins (None when it has none).

    Every valid response of the survey is raked (the margins describe the whole population);
    the filters then pick a domain, estimated over the whole sample as R's `svyby` does, and
    `breakdown`'s figures come by service, channel, segment and language the same way.
    Employee surveys are not weighted: their groups are disclosed by other rules.
    """
    margins = tuple(survey_margins(survey=survey))
    if not margins or survey.is_employee:
        return None
    questions = weightable_questions(survey=survey)
    frame = _respondent_frame(
        survey=survey, questions=questions, choices=choice_margin_questions(survey=survey)
    )
    trim = float(settings.SURVEY_WEIGHT_TRIM) or None
    try:
        weights = rake_weights(
            {m.variable: frame.categories(m.variable) for m in margins},
            {m.variable: {k: float(v) for k, v in m.counts.items()} for m in margins},
            trim=trim,
        )
    except WeightingError as error:
        return WeightedResults(margins=margins, trim=trim, error=error)
    chosen = set(filtered_responses(survey=survey, filters=filters).values_list("id", flat=True))
    domain = np.isin(frame.ids, sorted(chosen))
    rows = tuple(
        _weighted_row(q.display_text, q, frame.answers[q.key], weights, domain) for q in questions
    )
    breakdowns: dict[str, tuple[WeightedRow, ...]] = {}
    if breakdown is not None and breakdown.key in frame.answers:
        for variable in CONTEXT_VARIABLES:
            labels = frame.categories(variable)
            breakdowns[variable] = tuple(
                _weighted_row(
                    label,
                    breakdown,
                    frame.answers[breakdown.key],
                    weights,
                    domain & (np.asarray(labels) == label),
                )
                for label in sorted(set(labels))
            )
    return WeightedResults(
        margins=margins, trim=trim, weights=weights, rows=rows, breakdowns=breakdowns
    )


def _weighted_row(
    label: str, question: Question, answers: np.ndarray, weights: Weights, domain: np.ndarray
) -> WeightedRow:
    scale = MEASURE_SCALES[question.kind]
    share = positive_measure(scale)
    return WeightedRow(
        label=label,
        positive=share.estimate_weighted(answers, weights, scale, domain=domain),
        mean=MEAN_SCORE.estimate_weighted(answers, weights, scale, domain=domain),
    )


@dataclass(frozen=True)
class _Frame:
    """Every valid response of a survey: its id, context, scale answers (NaN for none) and
    choose-one answers (`NO_CATEGORY` for none)."""

    ids: np.ndarray
    context: dict[str, list[str]]
    answers: dict[str, np.ndarray]
    choices: dict[str, list[str]] = field(default_factory=dict)

    def categories(self, variable: str) -> list[str]:
        if variable.startswith(QUESTION_PREFIX):
            key = variable.removeprefix(QUESTION_PREFIX)
            if key in self.choices:
                return self.choices[key]
            values = self.answers.get(key)
            if values is None:
                return [NO_CATEGORY] * self.ids.size
            return [NO_CATEGORY if np.isnan(v) else str(int(v)) for v in values]
        return self.context[variable]


def _respondent_frame(
    *, survey: Survey, questions: Sequence[Question], choices: Sequence[Question] = ()
) -> _Frame:
    """One query for the responses' context and one over the long answer table, pivoted."""
    rows = list(
        valid_responses(survey=survey)
        .order_by("id")
        .values_list("id", "service__slug", "channel", "segment__name", "language")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    context = {
        variable: [str(r[index]) if r[index] else NO_CATEGORY for r in rows]
        for index, variable in enumerate(CONTEXT_VARIABLES, start=1)
    }
    row_of = {response_id: index for index, response_id in enumerate(ids.tolist())}
    key_of = {q.pk: q.key for q in questions}
    answers = {q.key: np.full(ids.size, np.nan) for q in questions}
    for response_id, question_id, value in Answer.objects.filter(
        survey=survey, question_id__in=list(key_of), value_int__isnull=False
    ).values_list("response_id", "question_id", "value_int"):
        index = row_of.get(response_id)
        if index is not None:
            answers[key_of[question_id]][index] = value
    choice_key_of = {q.pk: q.key for q in choices}
    chosen = {q.key: [NO_CATEGORY] * ids.size for q in choices}
    for response_id, question_id, text in Answer.objects.filter(
        survey=survey, question_id__in=list(choice_key_of), value_text__gt=""
    ).values_list("response_id", "question_id", "value_text"):
        index = row_of.get(response_id)
        if index is not None:
            chosen[choice_key_of[question_id]][index] = text
    return _Frame(ids=ids, context=context, answers=answers, choices=chosen)


def weighting_error_text(error: WeightingError) -> str:
    """What went wrong with the margins, in words a member can act on."""
    texts = {
        UNKNOWN_CATEGORY: _(
            "Some responses fall in categories of “%(variable)s” without a population count "
            "(%(categories)s). Add a count for each, or “none” for responses without one."
        ),
        EMPTY_CATEGORY: _(
            "No response falls in these categories of “%(variable)s”: %(categories)s. Raking "
            "cannot give weight to nobody: merge or remove them."
        ),
        TOTALS_DIFFER: _(
            "The margins count different populations: each must add up to the same total."
        ),
        BAD_COUNT: _("Every population count of “%(variable)s” must be more than zero."),
        NOT_CONVERGED: _(
            "Raking did not converge: no weights of these responses meet every margin (for "
            "example, all the responses of one category fall in a category of another margin "
            "that is smaller). Check the margins, or weight by fewer of them."
        ),
        NO_RESPONDENTS: _("There are no responses to weight yet."),
    }
    return texts.get(error.code, str(error)) % {
        "variable": error.variable,
        "categories": ", ".join(error.categories),
    }
