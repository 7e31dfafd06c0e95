"""The key drivers section of a report: Shapley importance and the priority matrix.

The analyses are the survey results pages' own (`surveys.results.selectors.driver_analysis`,
the report's fiscal year or quarter as the filter), stored by the worker; the report reads them
and says when one is still being computed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.tables import Table
from cxgov.insights.estimates import Estimate
from cxgov.insights.priority_matrix import (
    FIX_FIRST,
    KEEP_UP,
    LOWER_PRIORITY,
    WATCH,
    priority_matrix_svg,
)
from cxgov.reports.selectors.document import Chart, Section, _interval, _pct, _section, _short
from cxgov.reports.selectors.periods import ReportPeriod, report_periods
from cxgov.reports.selectors.survey_results import HEADLINE_KEYS, _filters, _valid_responses
from cxgov.surveys.models import Answer, Audience, Question, QuestionKind, Survey
from cxgov.surveys.results.selectors import (
    DRIVERS_COMPUTING,
    DRIVERS_MISSING,
    DRIVERS_STALE,
    driver_matrix_point,
    driver_result,
    driver_run,
    driver_spec,
)
from cxgov.surveys.results.selectors import (
    DriverResult as StoredDrivers,
)

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
    stale_since: datetime | None = None  # computed then, before the latest responses


def _driver_choice(survey: Survey, period: ReportPeriod) -> tuple[Question, list[Question]] | None:
    """The outcome and the drivers of the survey's analysis for the period, or None.

    A driver asked of only some respondents (e.g. "employees were helpful") would shrink the
    complete cases to that subgroup, so one answered by fewer than DRIVER_COVERAGE of the
    outcome's respondents is left out (counted with one aggregate query, not read row by row).
    """
    questions = list(survey.questions.filter(kind=QuestionKind.LIKERT).order_by("position", "pk"))
    outcome = next((q for key in OUTCOME_KEYS for q in questions if q.key == key), None)
    if outcome is None or len(questions) < 3:
        return None
    answered = _valid_responses(survey.agency, period.first, period.last).filter(
        survey=survey,
        answers__question=outcome,
        answers__value_int__gte=1,
        answers__value_int__lte=5,
    )
    counts = dict(
        Answer.objects.filter(
            question__in=questions,
            value_int__gte=1,
            value_int__lte=5,
            response__in=answered,
        )
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    asked = counts.get(outcome.pk, 0)
    drivers = [
        q
        for q in questions
        if q.key not in OUTCOME_KEYS and counts.get(q.pk, 0) >= DRIVER_COVERAGE * asked
    ]
    if len(drivers) < 2:
        return None
    return outcome, drivers


def _report_surveys(agency: Agency, period: ReportPeriod) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(
            agency=agency,
            audience=Audience.CUSTOMER,
            pk__in=_valid_responses(agency, period.first, period.last).values("survey_id"),
        )
        .select_related("agency")
        .order_by("title")
    )


def report_drivers_missing(
    *, agency: Agency, fiscal_year: int, quarter: int | None
) -> list[tuple[Survey, dict[str, Any]]]:
    """The driver analyses the report needs that were never asked for (call access_* first)."""
    period = ReportPeriod(fiscal_year, quarter)
    missing = []
    for survey in _report_surveys(agency, period):
        choice = _driver_choice(survey, period)
        if choice is None:
            continue
        spec = driver_spec(outcome=choice[0], drivers=choice[1], filters=_filters(period))
        if driver_run(survey=survey, spec=spec) is None:
            missing.append((survey, spec))
    return missing


def report_driver_specs(survey: Survey) -> list[dict[str, Any]]:
    """The analyses the survey's fiscal-year reports need: one per fiscal year it has counted
    responses in (registered with `surveys.services.drivers_spec_provider_register`, so the
    worker asks for them when responses change and the report page only reads)."""
    if survey.audience != Audience.CUSTOMER:
        return []
    specs = []
    for row in report_periods(agency=survey.agency):
        period = ReportPeriod(row.fiscal_year, None)
        if not _report_surveys(survey.agency, period).filter(pk=survey.pk).exists():
            continue
        choice = _driver_choice(survey, period)
        if choice is not None:
            specs.append(
                driver_spec(outcome=choice[0], drivers=choice[1], filters=_filters(period))
            )
    return specs


def _drivers_for(
    survey: Survey, period: ReportPeriod, min_n: int
) -> tuple[DriverResult | str, bool]:
    """The survey's stored key driver analysis for the period, or why there is none ("" if no
    drivers), and whether it was never asked for (the report offers to ask). Computed by the
    worker (`surveys.services.drivers_compute`), never here."""
    choice = _driver_choice(survey, period)
    if choice is None:
        return "", False
    outcome, drivers = choice
    spec = driver_spec(outcome=outcome, drivers=drivers, filters=_filters(period))
    stored = driver_result(
        outcome=outcome, drivers=drivers, run=driver_run(survey=survey, spec=spec)
    )
    if stored.state == DRIVERS_MISSING:
        return _(
            "The key driver analysis of this period has not been computed yet: use the button "
            "at the top of the report."
        ), True
    return _stored_result(stored, outcome, min_n), False


def _stored_result(stored: StoredDrivers, outcome: Question, min_n: int) -> DriverResult | str:
    """A stored analysis as the report shows it, or why it cannot be shown yet."""
    if stored.state == DRIVERS_COMPUTING:
        return _("The key driver analysis is being computed; it will be in this report shortly.")
    if stored.refusal or stored.complete < max(min_n, MIN_DRIVER_ANSWERS):
        return _("Too few complete answers (%(n)s) to estimate key drivers.") % {
            "n": stored.complete
        }
    driver_rows = [
        DriverRow(
            name=row.question.text,
            importance=row.importance,
            low=row.low,
            high=row.high,
            performance=row.performance,
            mean=row.mean,
            quadrant=row.quadrant,
        )
        for row in stored.rows
    ]
    return DriverResult(
        outcome=outcome.text,
        n=stored.complete,
        r_squared=stored.r_squared or 0.0,
        rows=driver_rows,
        stale_since=stored.computed_at if stored.state == DRIVERS_STALE else None,
    )


def _quadrant_labels() -> dict[str, str]:
    return {
        FIX_FIRST: _("Fix first"),
        KEEP_UP: _("Keep up"),
        WATCH: _("Watch"),
        LOWER_PRIORITY: _("Lower priority"),
    }


def _drivers_section(
    agency: Agency, period: ReportPeriod, min_n: int, language: str
) -> tuple[Section, bool]:
    """The section, and whether an analysis it needs was never asked for."""
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
    missing = False
    for survey in _report_surveys(agency, period):
        result, never_asked = _drivers_for(survey, period, min_n)
        missing = missing or never_asked
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
        if result.stale_since is not None:
            section.notes.append(
                _(
                    "%(survey)s: responses have changed since these drivers were computed on "
                    "%(when)s; they are being computed again."
                )
                % {
                    "survey": title,
                    "when": date_format(localtime(result.stale_since), "DATETIME_FORMAT"),
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
            points=[driver_matrix_point(row, label=_short(row.name, 30)) for row in result.rows],
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
    return section, missing
