"""What an employee survey's results may show, decided once for every view a reader can open.

Filters (segment, service, channel, language, fiscal year or quarter) and the groups a page
breaks a view into are the views; `cxgov.insights.disclosure` decides which of them may be
shown so that no two differ by a small group. The decision is made for the respondents (the
response count and the comments of a view) and for each question's answers (its figures),
each question's with the respondents' hidden views hidden too.

Customer surveys have no such decision (`survey_disclosure` is None): their small cells are
withheld one by one for reliability, and customer A-11 cells are published as performance.gov
publishes them (decision 0016).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from cxgov.insights.disclosure import ANY, Dimension, Disclosure, View, disclosure_control
from cxgov.insights.fiscal import (
    FEDERAL_START_MONTH,
    FiscalQuarter,
    fiscal_quarter,
    fiscal_year_bounds,
)
from cxgov.surveys.models import AnswerRollup, Question, QuestionKind, ResponseRollup, Survey
from cxgov.surveys.results.queries import ResultFilters, _by_quarter, period
from cxgov.surveys.selectors import suppression_threshold

# The filters a reader can set or a page breaks a view into, in the order of a view's filters.
NAMES = ("segment", "service", "channel", "language", "quarter")
_COLUMNS = ("segment_id", "service_id", "channel", "language", "quarter")
# A decision is kept in the cache under its rollups' fingerprint; a new answer makes a new key.
CACHE_SECONDS = 24 * 60 * 60
# While a task to decide a survey is queued, responses queue no other; after this long without
# the task starting (a write rolled back), the next response queues one again.
QUEUED_SECONDS = 10 * 60


@dataclass(frozen=True)
class SurveyDisclosure:
    """The respondents' decision and each question's (by question id)."""

    respondents: Disclosure
    questions: Mapping[int, Disclosure]
    # The month the survey agency's fiscal year starts: its quarters are the views' periods.
    start_month: int = FEDERAL_START_MONTH

    def shown(self, view: View | None, question: Question | None = None) -> bool:
        """Whether the view (of one question, or of the respondents) may be shown. A period
        that no filter reaches (`view` None) is shown only when every quarter in it could be
        shown whole, which callers avoid: pages only ask for reachable views."""
        if view is None:
            return False
        if not self.respondents.shown(view):
            return False
        if question is None:
            return True
        found = self.questions.get(question.pk)
        return found is None or found.shown(view)


def _dimensions(quarters: set[FiscalQuarter]) -> tuple[Dimension, ...]:
    flat = [Dimension(name) for name in NAMES[:-1]]
    return (*flat, Dimension("quarter", {q: q.year for q in quarters}))


def _fingerprint(survey: Survey) -> tuple[Any, ...]:
    found = ResponseRollup.objects.filter(survey=survey).aggregate(
        n=Sum("count"), rows=Count("id"), last=Max("id")
    )
    answers = AnswerRollup.objects.filter(survey=survey).aggregate(
        n=Sum("count"), rows=Count("id"), last=Max("id")
    )
    return (
        *found.values(),
        *answers.values(),
        suppression_threshold(),
        survey_start_month(survey),
    )


def survey_start_month(survey: Survey) -> int:
    """The month the fiscal year of the survey's agency starts."""
    return int(survey.agency.fiscal_year_start_month)


def survey_disclosure(survey: Survey) -> SurveyDisclosure | None:
    """The decision for an employee survey (None for a customer survey).

    Made from the rollups, and kept (on the survey object and in the cache) while they stay as
    they were, so a page that asks for many figures decides once, and the next page not at all.
    A change to the responses queues `disclosure_decide` on the worker, which makes the new
    decision before a page asks; a page that still finds none decides here rather than show
    anything undecided.
    """
    if not survey.is_employee:
        return None
    key = _fingerprint(survey)
    cached = getattr(survey, "_disclosure", None)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"survey-disclosure:{survey.pk}:{digest}"
    decision = cache.get(cache_key)
    if not isinstance(decision, SurveyDisclosure):
        decision = _decide(survey)
        cache.set(cache_key, decision, CACHE_SECONDS)
    survey._disclosure = (key, decision)  # type: ignore[attr-defined]
    return decision


def _queued_key(survey_id: int) -> str:
    return f"survey-disclosure-queued:{survey_id}"


def disclosure_claim(*, survey_id: int) -> bool:
    """True for the first caller since the survey's last decision task started: that caller
    queues `surveys.tasks.disclosure_decide_task`, the others need not."""
    return bool(cache.add(_queued_key(survey_id), True, QUEUED_SECONDS))


def disclosure_decide(*, survey_id: int) -> bool:
    """Make the survey's decision for its current rollups and keep it in the cache, so the next
    page finds it there (the worker's task). False when there is nothing to decide."""
    cache.delete(_queued_key(survey_id))
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    return survey is not None and survey_disclosure(survey) is not None


def _decide(survey: Survey) -> SurveyDisclosure:
    """The decisions from the rollups: the respondents', then each question's (questions whose
    answers are counted alike, such as required ones, share one)."""
    k = suppression_threshold()
    start_month = survey_start_month(survey)
    respondents: dict[tuple[Hashable, ...], int] = defaultdict(int)
    rows = _by_quarter(ResponseRollup.objects.filter(survey=survey), start_month)
    for row in rows.values(*_COLUMNS).annotate(n=Sum("count")).order_by():
        respondents[_cell(row)] += int(row["n"] or 0)
    kinds = dict(Question.objects.filter(survey=survey).values_list("pk", "kind"))
    answers: dict[int, dict[tuple[Hashable, ...], int]] = defaultdict(lambda: defaultdict(int))
    rows = _by_quarter(AnswerRollup.objects.filter(survey=survey), start_month)
    for row in (
        rows.values("question_id", "value_key", *_COLUMNS).annotate(n=Sum("count")).order_by()
    ):
        # A choose-any question counts its respondents once, under the empty key.
        if kinds.get(row["question_id"]) == QuestionKind.MULTIPLE and row["value_key"]:
            continue
        answers[row["question_id"]][_cell(row)] += int(row["n"] or 0)
    quarters = {cell[-1] for cell in respondents} | {
        cell[-1] for table in answers.values() for cell in table
    }
    dimensions = _dimensions(quarters)  # type: ignore[arg-type]
    people = disclosure_control(respondents, dimensions, k)
    decided: dict[frozenset[tuple[Any, int]], Disclosure] = {frozenset(respondents.items()): people}
    questions = {}
    for pk, table in answers.items():
        same = frozenset(table.items())
        if same not in decided:
            decided[same] = disclosure_control(table, dimensions, k, also_hidden=people.hidden)
        questions[pk] = decided[same]
    return SurveyDisclosure(respondents=people, questions=questions, start_month=start_month)


def _cell(row: Mapping[str, Any]) -> tuple[Hashable, ...]:
    quarter = row["quarter"]
    return (
        row["segment_id"],
        row["service_id"],
        row["channel"],
        row["language"],
        FiscalQuarter(quarter // 10, quarter % 10),
    )


def _time(filters: ResultFilters, start_month: int) -> Hashable | None:
    """The period filter as a view's filter: a quarter, a fiscal year or ANY; None when the
    dates are not a fiscal quarter or year (no page offers such a period)."""
    first, last = period(filters, start_month=start_month)
    if first is None and last is None:
        return ANY
    if first is None or last is None:
        return None
    quarter = fiscal_quarter(first, start_month=start_month)
    if (quarter.start, quarter.end) == (first, last):
        return quarter
    if fiscal_year_bounds(quarter.year, start_month=start_month) == (first, last):
        return quarter.year
    return None


def view_of(
    filters: ResultFilters, *, start_month: int = FEDERAL_START_MONTH, **narrower: Hashable
) -> View | None:
    """The view the filters open, narrowed by a page's grouping (segment=, quarter=, ...);
    periods are quarters of the fiscal year starting in `start_month`."""
    values: dict[str, Hashable] = {
        "segment": ANY if filters.segment_id is None else filters.segment_id,
        "service": ANY if filters.service_id is None else filters.service_id,
        "channel": filters.channel or ANY,
        "language": filters.language or ANY,
    }
    unknown = set(narrower) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown groupings: {', '.join(sorted(unknown))}")
    if "quarter" not in narrower:
        time = _time(filters, start_month)
        if time is None:
            return None
        values["quarter"] = time
    values.update(narrower)
    return tuple(values[name] for name in NAMES)
