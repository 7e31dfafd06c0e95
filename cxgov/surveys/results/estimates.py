"""Survey figures from the rollups: distributions, percent positive, means, trends, tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from scipy import stats

from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.insights.estimates import (
    Z_95,
    Change,
    Estimate,
    clip_interval,
    mean_change,
    mean_estimate,
    mean_interval_from_counts,
    proportion_change,
    significant_changes,
    wilson,
)
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.insights.measures import (
    AGREEMENT_1_5,
    RATING_0_10,
    RATING_1_10,
    TWO_WAY,
    Measure,
    Scale,
    minimum_effect,
    positive_measure,
)
from cxgov.registry.models import ChannelKind, CustomerSegment, Service
from cxgov.surveys.models import (
    CHOICE_KINDS,
    LIKERT_LABELS,
    SCALE_RANGES,
    AnswerQuarterRollup,
    AnswerRollup,
    Invitation,
    Question,
    QuestionKind,
    ResponseQuarterRollup,
    ResponseRollup,
    Survey,
)
from cxgov.surveys.results.disclosure import (
    SurveyDisclosure,
    survey_disclosure,
    survey_start_month,
    view_of,
)
from cxgov.surveys.results.queries import (
    PeriodRollups,
    ResultFilters,
    period,
    period_rollups,
    rollup_sums,
)
from cxgov.surveys.selectors import suppression_threshold, with_response_counts

# The scale of each question kind in the measure registry (`cxgov.insights.measures`).
MEASURE_SCALES: dict[str, Scale] = {
    QuestionKind.LIKERT: AGREEMENT_1_5,
    QuestionKind.THUMBS: TWO_WAY,
    QuestionKind.YES_NO: TWO_WAY,
    QuestionKind.NPS: RATING_0_10,
    QuestionKind.RATING_10: RATING_1_10,
}
# Values that count as a positive answer, by question kind, as the registry defines them:
# 4-5 on agreement, thumbs up or yes, and 8-10 (satisfied) on 0-10 and 1-10 ratings.
POSITIVE_VALUES: dict[str, frozenset[str]] = {
    kind: frozenset(str(v) for v in positive_measure(scale).positive)
    for kind, scale in MEASURE_SCALES.items()
}
# Kinds summarised by counts of values (the rest are listed apart, with their answer counts).
COUNTED_KINDS = frozenset({*SCALE_RANGES, *CHOICE_KINDS, QuestionKind.NUMBER})
BREAKDOWNS = ("service", "channel", "segment", "language", "quarter")


@dataclass(frozen=True)
class DistributionRow:
    """One value of a question: its key, label, count and share of n (unpacks as a 4-tuple)."""

    value_key: str
    label: str
    count: int
    share: Estimate

    def __iter__(self) -> Iterator[Any]:
        return iter((self.value_key, self.label, self.count, self.share))


@dataclass(frozen=True)
class QuestionResult:
    """One question's figures. When `suppressed`, only `n` is given."""

    question: Question
    n: int
    distribution: list[DistributionRow]
    positive: Estimate | None
    mean: Estimate | None
    suppressed: bool


@dataclass(frozen=True)
class TextQuestionResult:
    """A free-text or date question: only how many answered it (the words are elsewhere)."""

    question: Question
    n: int


@dataclass(frozen=True)
class SurveyResults:
    questions: list[QuestionResult]
    text_questions: list[TextQuestionResult]


@dataclass(frozen=True)
class TrendPoint:
    quarter: FiscalQuarter
    label: str
    n: int
    positive: Estimate | None
    mean: Estimate | None
    change: Change | None
    significant: bool
    suppressed: bool


@dataclass(frozen=True)
class GroupResult:
    """One group of a breakdown; `key` is the id or value grouped by."""

    key: Any
    label: str
    n: int
    positive: Estimate | None
    mean: Estimate | None
    suppressed: bool


@dataclass
class _Cell:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: float = 0.0
    squares: float = 0.0

    def add(self, key: str, count: int, total: float, squares: float) -> None:
        self.counts[key] += int(count)
        self.total += float(total or 0.0)
        self.squares += float(squares or 0.0)


def _answer_rollups(survey: Survey, filters: ResultFilters) -> PeriodRollups:
    """Whole quarters from the quarterly level, the period's edge days from the daily one."""
    return period_rollups(
        AnswerRollup.objects.filter(survey=survey),
        AnswerQuarterRollup.objects.filter(survey=survey),
        filters,
        start_month=survey_start_month(survey),
    )


# --- figures -------------------------------------------------------------------------------


def positive_values(question: Question) -> frozenset[str] | None:
    """The values of a question that count as positive, or None when it has no such notion."""
    return POSITIVE_VALUES.get(question.kind)


def question_measure(question: Question) -> Measure | None:
    """The registry measure a question's percent positive is, or None when it has none."""
    scale = MEASURE_SCALES.get(question.kind)
    return positive_measure(scale) if scale is not None else None


def _n(question: Question, cell: _Cell) -> int:
    if question.kind == QuestionKind.MULTIPLE:
        # Choose-any: people who answered are counted once under the empty key.
        return cell.counts.get("", 0)
    return sum(cell.counts.values())


def _mean(question: Question, cell: _Cell, n: int) -> Estimate | None:
    if question.kind in SCALE_RANGES:
        estimate = mean_interval_from_counts(
            {int(k): c for k, c in cell.counts.items() if k.isascii() and k.lstrip("-").isdigit()}
        )
        return clip_interval(estimate, *SCALE_RANGES[question.kind])
    if question.kind != QuestionKind.NUMBER or n == 0:
        return None
    mean = cell.total / n
    if n == 1:
        return Estimate(value=mean, low=None, high=None, n=1)
    return mean_estimate(mean, (cell.squares - n * mean * mean) / (n - 1), n)


def _positive(question: Question, cell: _Cell, n: int) -> Estimate | None:
    values = positive_values(question)
    if values is None:
        return None
    return wilson(sum(cell.counts.get(v, 0) for v in values), n)


def _labels(question: Question) -> list[tuple[str, str]]:
    """Every value a question can take with its label, in display order."""
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        return [(value, str(label)) for value, label in LIKERT_LABELS]
    if kind == QuestionKind.THUMBS:
        return [("0", _("Thumbs down")), ("1", _("Thumbs up"))]
    if kind == QuestionKind.YES_NO:
        return [("0", _("No")), ("1", _("Yes"))]
    if kind in SCALE_RANGES:
        low, high = SCALE_RANGES[kind]
        return [(str(v), str(v)) for v in range(low, high + 1)]
    if kind in CHOICE_KINDS:
        options = question.display_options()
        if question.allow_other:
            options.append(("other", _("Other")))
        return options
    return []


def _question_figures(question: Question, cell: _Cell, *, min_n: int) -> QuestionResult:
    n = _n(question, cell)
    if n < min_n:
        return QuestionResult(
            question=question, n=n, distribution=[], positive=None, mean=None, suppressed=True
        )
    labels = _labels(question)
    known = {key for key, _label in labels}
    extra = sorted(k for k in cell.counts if k and k not in known)
    distribution = [
        DistributionRow(key, label, cell.counts.get(key, 0), wilson(cell.counts.get(key, 0), n))
        for key, label in [*labels, *((k, k) for k in extra)]
    ]
    return QuestionResult(
        question=question,
        n=n,
        distribution=distribution,
        positive=_positive(question, cell, n),
        mean=_mean(question, cell, n),
        suppressed=False,
    )


# --- the API -------------------------------------------------------------------------------


def survey_results(*, survey: Survey, filters: ResultFilters = ResultFilters()) -> SurveyResults:
    """Counted questions with their figures, and text and date questions with answer counts."""
    cells: dict[int, _Cell] = defaultdict(_Cell)
    for row in rollup_sums(
        _answer_rollups(survey, filters), "question_id", start_month=survey_start_month(survey)
    ):
        cells[row["question_id"]].add(row["value_key"], row["n"], row["t"], row["s"])
    min_n = suppression_threshold()
    disclosure = survey_disclosure(survey)
    view = view_of(filters, start_month=survey_start_month(survey))
    counted: list[QuestionResult] = []
    texts: list[TextQuestionResult] = []
    for question in survey.questions.order_by("position", "id"):
        cell = cells.get(question.pk, _Cell())
        withheld = disclosure is not None and not disclosure.shown(view, question)
        if question.kind in COUNTED_KINDS:
            result = _question_figures(question, cell, min_n=min_n)
            if withheld or (disclosure is not None and result.suppressed):
                result = _withheld(question)
            counted.append(result)
        elif question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.DATE):
            n = sum(cell.counts.values())
            texts.append(TextQuestionResult(question=question, n=0 if withheld else n))
    return SurveyResults(questions=counted, text_questions=texts)


def _withheld(question: Question) -> QuestionResult:
    """A question of an employee survey that may not be shown: no figures and no n."""
    return QuestionResult(
        question=question, n=0, distribution=[], positive=None, mean=None, suppressed=True
    )


def _hidden(
    disclosure: SurveyDisclosure | None,
    filters: ResultFilters,
    question: Question | None,
    **narrower: Any,
) -> bool:
    """True when an employee survey's view (narrowed by a grouping) may not be shown."""
    if disclosure is None:
        return False
    return not disclosure.shown(
        view_of(filters, start_month=disclosure.start_month, **narrower), question
    )


def question_results(
    *, survey: Survey, filters: ResultFilters = ResultFilters()
) -> list[QuestionResult]:
    """Per counted question in position order: n, distribution, percent positive and mean.

    Free-text and date questions are left out; `survey_results` lists them apart.
    """
    return survey_results(survey=survey, filters=filters).questions


def _grouped_cells(
    survey: Survey, question: Question, filters: ResultFilters, by: str
) -> dict[Any, _Cell]:
    """Cells of one question grouped by a context column or by fiscal quarter."""
    queryset = _answer_rollups(survey, filters).filter(question=question)
    column = {
        "service": "service_id",
        "channel": "channel",
        "segment": "segment_id",
        "language": "language",
        "quarter": "quarter",
    }[by]
    cells: dict[Any, _Cell] = defaultdict(_Cell)
    for row in rollup_sums(queryset, column, start_month=survey_start_month(survey)):
        key = row["quarter"] if by == "quarter" else row[column]
        cells[key].add(row["value_key"], row["n"], row["t"], row["s"])
    return cells


def _group_figures(
    question: Question, cell: _Cell, *, min_n: int
) -> tuple[int, Estimate | None, Estimate | None, bool]:
    n = _n(question, cell)
    if n < min_n:
        return n, None, None, True
    return n, _positive(question, cell, n), _mean(question, cell, n), False


def quarterly_trend(
    *, survey: Survey, question: Question, filters: ResultFilters = ResultFilters()
) -> list[TrendPoint]:
    """One point per fiscal quarter from the first to the last with answers, gaps included.

    `change` compares with the quarter before (percent positive by a two-proportion z-test, or
    the mean by Welch's t-test for questions without a positive value). `significant` only
    when the change survives Benjamini-Hochberg over the question's quarters at 5% and is at
    least the agency's minimum change (`Agency.minimum_change_points`).
    """
    cells = _grouped_cells(survey, question, filters, "quarter")
    if not cells:
        return []
    min_n = suppression_threshold()
    disclosure = survey_disclosure(survey)
    quarters: list[FiscalQuarter] = []
    current, last = min(cells), max(cells)
    while current <= last:
        quarters.append(current)
        current = current.next()
    tested: list[tuple[FiscalQuarter, int, Estimate | None, Estimate | None, bool]] = []
    changes: list[Change | None] = []
    before: tuple[int, Estimate | None, Estimate | None, bool] | None = None
    for quarter in quarters:
        n, positive, mean, suppressed = _group_figures(
            question, cells.get(quarter, _Cell()), min_n=min_n
        )
        if disclosure is not None and (
            suppressed or _hidden(disclosure, filters, question, quarter=quarter)
        ):
            n, positive, mean, suppressed = 0, None, None, True
        change: Change | None = None
        if before is not None and not suppressed and not before[3]:
            if positive is not None and before[1] is not None:
                change = proportion_change(
                    round((before[1].value or 0) * before[0]),
                    before[0],
                    round((positive.value or 0) * n),
                    n,
                )
            elif mean is not None and before[2] is not None:
                change = mean_change(before[2], mean)
        tested.append((quarter, n, positive, mean, suppressed))
        changes.append(change)
        before = (n, positive, mean, suppressed)
    flags = significant_changes(
        changes, minimum_effect=change_minimum(survey.agency, question, share=_has_share(question))
    )
    return [
        TrendPoint(
            quarter=quarter,
            label=str(quarter),
            n=n,
            positive=positive,
            mean=mean,
            change=change,
            significant=flag,
            suppressed=suppressed,
        )
        for (quarter, n, positive, mean, suppressed), change, flag in zip(
            tested, changes, flags, strict=True
        )
    ]


def _has_share(question: Question) -> bool:
    return positive_values(question) is not None


def change_minimum(agency: Agency, question: Question | None, *, share: bool) -> float:
    """The agency's smallest change worth flagging, on the scale of the question's figure."""
    scale = MEASURE_SCALES.get(question.kind) if question is not None else None
    return minimum_effect(float(agency.minimum_change_points), scale=scale, share=share)


def _figures_many(
    items: list[tuple[Question, _Cell]], *, min_n: int
) -> list[tuple[int, Estimate | None, Estimate | None, bool]]:
    """`_group_figures` for many cells at once: the same Wilson and t intervals, as arrays.

    The array form of `wilson` and `mean_interval_from_counts` (and of the mean of sums for
    number questions), so a table of thousands of cells costs one scipy call, not thousands.
    """
    size = len(items)
    n = np.zeros(size)
    hits = np.zeros(size)
    total = np.zeros(size)
    squares = np.zeros(size)
    has_positive = np.zeros(size, dtype=bool)
    has_mean = np.zeros(size, dtype=bool)
    for i, (question, cell) in enumerate(items):
        n[i] = _n(question, cell)
        values = positive_values(question)
        if values is not None:
            has_positive[i] = True
            hits[i] = sum(cell.counts.get(v, 0) for v in values)
        if question.kind in SCALE_RANGES:
            has_mean[i] = True
            for key, count in cell.counts.items():
                if key.isascii() and key.lstrip("-").isdigit():
                    total[i] += int(key) * count
                    squares[i] += int(key) ** 2 * count
        elif question.kind == QuestionKind.NUMBER:
            has_mean[i] = True
            total[i], squares[i] = cell.total, cell.squares
    with np.errstate(divide="ignore", invalid="ignore"):
        share = hits / n
        z2 = Z_95 * Z_95
        centre = (share + z2 / (2 * n)) / (1 + z2 / n)
        half = Z_95 * np.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        mean = total / n
        variance = np.maximum(0.0, (squares - n * mean * mean) / (n - 1))
        t_half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * np.sqrt(variance / n)
    figures: list[tuple[int, Estimate | None, Estimate | None, bool]] = []
    for i in range(size):
        count = int(n[i])
        if count < min_n:
            figures.append((count, None, None, True))
            continue
        positive = None
        if has_positive[i]:
            positive = Estimate(
                value=float(share[i]),
                low=max(0.0, float(centre[i] - half[i])),
                high=min(1.0, float(centre[i] + half[i])),
                n=count,
            )
        average = None
        if has_mean[i] and count == 1:
            average = Estimate(value=float(mean[i]), low=None, high=None, n=1)
        elif has_mean[i]:
            low, high = float(mean[i] - t_half[i]), float(mean[i] + t_half[i])
            error = float(np.sqrt(variance[i] / n[i]))
            average = Estimate(
                value=float(mean[i]), low=low, high=high, n=count, standard_error=error
            )
            if items[i][0].kind in SCALE_RANGES:
                average = clip_interval(average, *SCALE_RANGES[items[i][0].kind])
        figures.append((count, positive, average, False))
    return figures


@dataclass(frozen=True)
class TableRow:
    """One question's figures for one service, channel and fiscal quarter."""

    question: Question
    service_id: int | None
    channel: str
    quarter: FiscalQuarter
    n: int
    counts: dict[str, int]
    positive: Estimate | None
    mean: Estimate | None
    suppressed: bool


def results_table(*, survey: Survey, filters: ResultFilters = ResultFilters()) -> list[TableRow]:
    """Every counted question by service, channel and fiscal quarter, in one grouped query.

    For exports and the full results table. Rows come in question position, service id,
    channel and quarter order; suppressed rows carry n only (`counts` is empty).
    """
    questions = {
        q.pk: q
        for q in survey.questions.filter(kind__in=list(COUNTED_KINDS)).order_by("position", "id")
    }
    cells: dict[tuple[int, int | None, str, FiscalQuarter], _Cell] = defaultdict(_Cell)
    queryset = _answer_rollups(survey, filters).filter(question_id__in=list(questions))
    for row in rollup_sums(
        queryset,
        "question_id",
        "service_id",
        "channel",
        "quarter",
        start_month=survey_start_month(survey),
    ):
        key = (
            row["question_id"],
            row["service_id"],
            row["channel"],
            row["quarter"],
        )
        cells[key].add(row["value_key"], row["n"], row["t"], row["s"])
    order = {pk: i for i, pk in enumerate(questions)}
    keys = list(cells)
    figures = _figures_many(
        [(questions[key[0]], cells[key]) for key in keys], min_n=suppression_threshold()
    )
    rows = []
    disclosure = survey_disclosure(survey)
    for (question_id, service_id, channel, quarter), (n, positive, mean, suppressed) in zip(
        keys, figures, strict=True
    ):
        cell = cells[(question_id, service_id, channel, quarter)]
        question = questions[question_id]
        if disclosure is not None and (
            suppressed
            or _hidden(
                disclosure, filters, question, service=service_id, channel=channel, quarter=quarter
            )
        ):
            n, positive, mean, suppressed = 0, None, None, True
        rows.append(
            TableRow(
                question=question,
                service_id=service_id,
                channel=channel,
                quarter=quarter,
                n=n,
                counts={} if suppressed else {k: v for k, v in cell.counts.items() if k},
                positive=positive,
                mean=mean,
                suppressed=suppressed,
            )
        )
    return sorted(
        rows,
        key=lambda r: (order[r.question.pk], r.service_id or 0, r.channel, r.quarter),
    )


def _group_labels(survey: Survey, by: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = list(keys)
    if by == "service":
        names: dict[Any, str] = {
            s.pk: s.display_name for s in Service.objects.filter(pk__in=[k for k in keys if k])
        }
        return {k: names.get(k, _("No service")) if k else _("No service") for k in keys}
    if by == "segment":
        names = {
            s.pk: s.display_name
            for s in CustomerSegment.objects.filter(pk__in=[k for k in keys if k])
        }
        return {k: names.get(k, _("No segment")) if k else _("No segment") for k in keys}
    if by == "channel":
        labels = dict(ChannelKind.choices)
        return {k: str(labels.get(k, k)) if k else _("Not recorded") for k in keys}
    if by == "language":
        languages = {"en": _("English"), "es": _("Spanish")}
        return {k: languages.get(k, k or _("Not recorded")) for k in keys}
    return {k: str(k) for k in keys}


def breakdown(
    *, survey: Survey, question: Question, by: str, filters: ResultFilters = ResultFilters()
) -> list[GroupResult]:
    """Percent positive and mean of one question per group, small groups suppressed.

    `by` is one of "service", "channel", "segment", "language" or "quarter". Groups come in
    label order (quarters in time order).
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {', '.join(BREAKDOWNS)}")
    cells = _grouped_cells(survey, question, filters, by)
    labels = _group_labels(survey, by, cells)
    min_n = suppression_threshold()
    disclosure = survey_disclosure(survey)
    groups = []
    for key, cell in cells.items():
        n, positive, mean, suppressed = _group_figures(question, cell, min_n=min_n)
        if disclosure is not None and (
            suppressed or _hidden(disclosure, filters, question, **{by: key})
        ):
            n, positive, mean, suppressed = 0, None, None, True
        groups.append(
            GroupResult(
                key=key,
                label=labels[key],
                n=n,
                positive=positive,
                mean=mean,
                suppressed=suppressed,
            )
        )
    if by == "quarter":
        return sorted(groups, key=lambda g: g.key)
    return sorted(groups, key=lambda g: g.label.lower())


def response_counts(*, survey: Survey, filters: ResultFilters = ResultFilters()) -> int | None:
    """How many counted responses (or imported respondents) match the filters.

    None for an employee survey's view that may not be shown (`disclosure`): its count, beside
    another view's, would give a small group's.
    """
    if _hidden(survey_disclosure(survey), filters, None):
        return None
    return period_rollups(
        ResponseRollup.objects.filter(survey=survey),
        ResponseQuarterRollup.objects.filter(survey=survey),
        filters,
        start_month=survey_start_month(survey),
    ).total()


def responses_shown(*, survey: Survey, filters: ResultFilters = ResultFilters()) -> bool:
    """Whether the view's respondents may be shown: always for a customer survey; for an
    employee survey when the view is at least the threshold and no difference with another
    view gives a smaller group. Comments follow it."""
    return not _hidden(survey_disclosure(survey), filters, None)


def response_rate(*, survey: Survey, filters: ResultFilters = ResultFilters()) -> Estimate | None:
    """Share of invitations sent in the period that led to a response, with its interval.

    None when no invitation was sent in the period, or when filtering by channel or language,
    which invitations do not record. Invitations never point to their response, so an
    invitation counts as answered when its single-use link was used.
    """
    if filters.channel or filters.language:
        return None
    invitations = Invitation.objects.filter(survey=survey, sent_at__isnull=False)
    if filters.service_id is not None:
        invitations = invitations.filter(service_id=filters.service_id)
    if filters.segment_id is not None:
        invitations = invitations.filter(segment_id=filters.segment_id)
    start, end = period(filters, start_month=survey_start_month(survey))
    calendar = agency_calendar(agency=survey.agency)
    if start:
        invitations = invitations.filter(sent_at__gte=calendar.day_start(start))
    if end:
        invitations = invitations.filter(sent_at__lt=calendar.span(end, end)[1])
    sent = invitations.count()
    if sent == 0:
        return None
    return wilson(invitations.filter(used_at__isnull=False).count(), sent)


def surveys_with_results(*, agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[Survey]:
    """Surveys of these agencies with at least one counted response or imported quarter.

    Each carries `response_count` as the survey list gives it (`with_response_counts`: None
    for an employee survey that fewer than the threshold answered).
    """
    return (
        with_response_counts(Survey.objects.filter(agency__in=agencies))
        .filter(counted__gt=0)  # type: ignore[misc]  # the count before any is withheld
        .select_related("agency")
        .order_by("agency__name", "title", "pk")
    )
