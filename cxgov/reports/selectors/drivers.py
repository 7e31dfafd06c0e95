"""The key drivers section of a report: Shapley importance and the priority matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.tables import Table
from cxgov.insights.drivers import key_drivers
from cxgov.insights.estimates import Estimate, wilson
from cxgov.insights.priority_matrix import (
    FIX_FIRST,
    KEEP_UP,
    LOWER_PRIORITY,
    WATCH,
    MatrixPoint,
    driver_quadrants,
    priority_matrix_svg,
)
from cxgov.reports.selectors.document import Chart, Section, _interval, _pct, _section, _short
from cxgov.reports.selectors.periods import ReportPeriod
from cxgov.reports.selectors.survey_results import HEADLINE_KEYS, _valid_responses
from cxgov.surveys.models import Answer, Audience, QuestionKind, Survey

OUTCOME_KEYS = HEADLINE_KEYS
# A driver must be answered by this share of the outcome's respondents to enter the model.
DRIVER_COVERAGE = 0.8
# Fewer complete answers than this and a driver analysis is mostly noise.
MIN_DRIVER_ANSWERS = 30


# --- key drivers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DriverRow:
    """One driver of an analysis: importance with its interval, performance, quadrant."""

    name: str
    importance: float
    low: float
    high: float
    performance: Estimate  # share answering 4 or 5
    mean: float
    quadrant: str


@dataclass(frozen=True)
class DriverResult:
    outcome: str
    n: int
    r_squared: float
    rows: list[DriverRow]


def _driver_matrix(
    survey: Survey, period: ReportPeriod
) -> tuple[Any, dict[str, str], dict[int, dict[str, float]]] | None:
    """Per response, the 1-5 answers of the survey's agreement questions (microdata)."""
    questions = list(survey.questions.filter(kind=QuestionKind.LIKERT).order_by("position", "pk"))
    outcome = next((q for key in OUTCOME_KEYS for q in questions if q.key == key), None)
    if outcome is None or len(questions) < 3:
        return None
    labels = {q.key: q.text for q in questions}
    by_id = {q.pk: q.key for q in questions}
    rows: dict[int, dict[str, float]] = defaultdict(dict)
    answers = Answer.objects.filter(
        question__in=questions,
        value_int__gte=1,
        value_int__lte=5,
        response__in=_valid_responses(survey.agency, period.first, period.last).filter(
            survey=survey
        ),
    ).values_list("response_id", "question_id", "value_int")
    for response_id, question_id, value in answers.iterator(chunk_size=5000):
        rows[response_id][by_id[question_id]] = float(value or 0)
    return outcome, labels, rows


def _drivers_for(survey: Survey, period: ReportPeriod, min_n: int) -> DriverResult | str:
    """The survey's key driver analysis for the period, or why there is none ("" if no drivers)."""
    found = _driver_matrix(survey, period)
    if found is None:
        return ""
    outcome, labels, rows = found
    answered = [row for row in rows.values() if outcome.key in row]
    # A driver asked of only some respondents (e.g. "employees were helpful") would shrink the
    # complete cases to that subgroup, so it is left out.
    keys = [
        key
        for key in labels
        if key not in OUTCOME_KEYS
        and sum(1 for row in answered if key in row) >= DRIVER_COVERAGE * len(answered)
    ]
    if len(keys) < 2:
        return ""
    complete = [row for row in answered if all(key in row for key in keys)]
    if len(complete) < max(min_n, MIN_DRIVER_ANSWERS, len(keys) + 2):
        return _("Too few complete answers (%(n)s) to estimate key drivers.") % {"n": len(complete)}
    analysis = key_drivers(
        outcome_name=outcome.text,
        outcome=[row[outcome.key] for row in complete],
        drivers={key: [row[key] for row in complete] for key in keys},
    )
    performance = {
        key: wilson(sum(1 for row in complete if row[key] >= 4), len(complete)) for key in keys
    }
    _cuts, quadrants = driver_quadrants(
        {d.name: d.relative_importance for d in analysis.drivers},
        {key: estimate.value or 0.0 for key, estimate in performance.items()},
    )
    driver_rows = [
        DriverRow(
            name=labels[d.name],
            importance=d.relative_importance,
            low=d.low,
            high=d.high,
            performance=performance[d.name],
            mean=d.performance,
            quadrant=quadrants[d.name],
        )
        for d in analysis.drivers
    ]
    return DriverResult(
        outcome=outcome.text,
        n=analysis.n,
        r_squared=analysis.r_squared,
        rows=sorted(driver_rows, key=lambda row: -row.importance),
    )


def _quadrant_labels() -> dict[str, str]:
    return {
        FIX_FIRST: _("Fix first"),
        KEEP_UP: _("Keep up"),
        WATCH: _("Watch"),
        LOWER_PRIORITY: _("Lower priority"),
    }


def _drivers_section(agency: Agency, period: ReportPeriod, min_n: int, language: str) -> Section:
    table = Table(
        "drivers",
        _("Key drivers and the priority matrix"),
        [
            _("Survey"),
            _("Outcome"),
            _("n"),
            _("Driver"),
            _("Relative importance (%)"),
            _("95% interval (%)"),
            _("Share positive (%)"),
            _("95% interval of the share (%)"),
            _("Average score (1 to 5)"),
            _("Priority"),
        ],
    )
    section = _section("drivers", table)
    labels = _quadrant_labels()
    surveys = (
        Survey.objects.filter(
            agency=agency,
            audience=Audience.CUSTOMER,
            pk__in=_valid_responses(agency, period.first, period.last).values("survey_id"),
        )
        .select_related("agency")
        .order_by("title")
    )
    for survey in surveys:
        result = _drivers_for(survey, period, min_n)
        title = (survey.title_es if language == "es" else "") or survey.title
        if isinstance(result, str):
            if result:
                section.notes.append(f"{title}: {result}")
            continue
        for row in result.rows:
            table.rows.append(
                [
                    title,
                    result.outcome,
                    str(result.n),
                    row.name,
                    _pct(row.importance),
                    _interval(row.low, row.high),
                    _pct(row.performance.value),
                    _interval(row.performance.low, row.performance.high),
                    f"{row.mean:.2f}",
                    labels[row.quadrant],
                ]
            )
        section.notes.append(
            _(
                "%(survey)s: the drivers together explain %(r2)s%% of the variation in "
                "“%(outcome)s” (R², n = %(n)s)."
            )
            % {
                "survey": title,
                "r2": f"{100 * result.r_squared:.1f}",
                "outcome": result.outcome,
                "n": result.n,
            }
        )
        first = [row.name for row in result.rows if row.quadrant == FIX_FIRST]
        description = _(
            "“%(top)s” explains the most (%(share)s%%). To fix first: %(fix)s. The table "
            "“%(table)s” gives every driver with its importance, share positive and priority."
        ) % {
            "top": result.rows[0].name,
            "share": _pct(result.rows[0].importance),
            "fix": ", ".join(first) if first else _("none"),
            "table": table.caption,
        }
        chart_id = f"chart-drivers-{survey.pk}"
        chart_title = _("Priority matrix: %(survey)s") % {"survey": _short(title, 80)}
        svg = priority_matrix_svg(
            points=[
                MatrixPoint(
                    label=_short(row.name, 30),
                    importance=row.importance,
                    performance=row.performance.value or 0.0,
                )
                for row in result.rows
            ],
            title=chart_title,
            description=description,
            chart_id=chart_id,
            quadrant_labels=labels,
            importance_label=_("Relative importance"),
            performance_label=_("Share positive"),
        )
        section.charts.append(Chart(chart_id, svg, chart_title, description, table.id))
    section.notes.insert(
        0,
        _(
            "Relative importance is each driver's share of the explained variation (Shapley "
            "decomposition of R²), with a 95% bootstrap interval; only responses that answered "
            "the outcome and every driver count. “Fix first” marks drivers more important than "
            "average whose share positive is below average."
        ),
    )
    return section
