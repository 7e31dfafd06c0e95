"""Reads for survey reports: access checks, the periods with data, and `report_build`.

`report_build` assembles one agency's report for a fiscal year or quarter from the other apps'
selectors and aggregates. The staff page, the PDF, the CSV downloads and `cxgov build_report`
all render the same `ReportData`, so a number is the same wherever it is read.
"""

from __future__ import annotations

import base64
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.benchmarks.comparisons import VERDICT_LABELS, service_comparisons, service_periods
from cxgov.complaints.models import Complaint
from cxgov.complaints.models import Status as ComplaintStatus
from cxgov.core.models import Agency
from cxgov.core.tables import Table
from cxgov.insights.charts import horizontal_bar_svg, line_svg
from cxgov.insights.complaint_metrics import ComplaintFact, measures_by_group
from cxgov.insights.drivers import key_drivers
from cxgov.insights.estimates import Z_95, Estimate, proportion_change, wilson
from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter, fiscal_year_bounds
from cxgov.insights.priority_matrix import (
    FIX_FIRST,
    KEEP_UP,
    LOWER_PRIORITY,
    WATCH,
    MatrixPoint,
    matrix_cuts,
    priority_matrix_svg,
    quadrant,
)
from cxgov.insights.scrub import scrub_text
from cxgov.insights.sla import days_between
from cxgov.insights.themes import extract_themes
from cxgov.registry.models import ChannelKind
from cxgov.registry.selectors import services_for_agency
from cxgov.reports.models import SurveyReport
from cxgov.standards.models import ResultSource, Standard, StandardStatus
from cxgov.standards.results import PeriodCounts, results_from_counts
from cxgov.standards.selectors import results_between, standard_results
from cxgov.surveys.models import (
    Answer,
    Audience,
    QuestionKind,
    Response,
    ResponseSource,
    ResponseStatus,
    Survey,
)
from cxgov.surveys.results import (
    POSITIVE_VALUES,
    ResultFilters,
    breakdown,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
    surveys_with_results,
)
from cxgov.surveys.selectors import suppression_threshold

# Who reads an agency's report, and who writes its authored sections.

# The headline measures broken down by service and channel and followed quarter by quarter.
HEADLINE_KEYS = ("trust", "satisfaction")
OUTCOME_KEYS = HEADLINE_KEYS
# A driver must be answered by this share of the outcome's respondents to enter the model.
DRIVER_COVERAGE = 0.8
# Fewer complete answers than this and a driver analysis is mostly noise.
MIN_DRIVER_ANSWERS = 30

SECTION_HEADINGS: dict[str, Any] = {
    "methods": gettext_lazy("Methods"),
    "results": gettext_lazy("Results by service and channel"),
    "drivers": gettext_lazy("Key drivers"),
    "benchmarks": gettext_lazy("Benchmark gaps"),
    "standards": gettext_lazy("Standards attainment"),
    "complaints": gettext_lazy("Complaints"),
    "themes": gettext_lazy("Employee survey themes"),
    "what_we_heard": gettext_lazy("What we heard"),
    "what_we_changed": gettext_lazy("What we changed"),
    "management_and_budget": gettext_lazy("How this informed management and budget"),
}
AUTHORED_SECTIONS = ("what_we_heard", "what_we_changed", "management_and_budget")


# --- access and periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A fiscal year, or one quarter of it."""

    fiscal_year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")
        if not 1990 <= self.fiscal_year <= 2200:
            raise ValueError(f"fiscal year {self.fiscal_year} is out of range")

    @property
    def first(self) -> date:
        if self.quarter is None:
            return fiscal_year_bounds(self.fiscal_year)[0]
        return FiscalQuarter(self.fiscal_year, self.quarter).start

    @property
    def last(self) -> date:
        if self.quarter is None:
            return fiscal_year_bounds(self.fiscal_year)[1]
        return FiscalQuarter(self.fiscal_year, self.quarter).end

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year}" + (f" Q{self.quarter}" if self.quarter else "")

    @property
    def slug(self) -> str:
        return f"fy{self.fiscal_year}" + (f"-q{self.quarter}" if self.quarter else "")

    def previous(self) -> ReportPeriod:
        if self.quarter is None:
            return ReportPeriod(self.fiscal_year - 1)
        before = FiscalQuarter(self.fiscal_year, self.quarter).previous()
        return ReportPeriod(before.year, before.quarter)

    def quarters(self) -> list[FiscalQuarter]:
        """The quarters a trend shows: the year's four, or the four ending with this quarter."""
        if self.quarter is None:
            return [FiscalQuarter(self.fiscal_year, q) for q in (1, 2, 3, 4)]
        found = [FiscalQuarter(self.fiscal_year, self.quarter)]
        while len(found) < 4:
            found.insert(0, found[0].previous())
        return found


@dataclass(frozen=True)
class PeriodRow:
    """A fiscal year with data, its quarters with data, and whether text was written."""

    fiscal_year: int
    quarters: list[int]
    authored: bool

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.fiscal_year)

    @property
    def quarter_periods(self) -> list[ReportPeriod]:
        return [ReportPeriod(self.fiscal_year, q) for q in self.quarters]


def report_periods(*, agency: Agency) -> list[PeriodRow]:
    """Fiscal years with survey responses or a saved report, newest first."""
    span = Response.objects.filter(
        survey__agency=agency, deleted_at__isnull=True, status=ResponseStatus.VALID
    ).aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    quarters: dict[int, set[int]] = defaultdict(set)
    if span["first"] is not None:
        current = fiscal_quarter(timezone.localdate(span["first"]))
        end = fiscal_quarter(timezone.localdate(span["last"]))
        while current <= end:
            quarters[current.year].add(current.quarter)
            current = current.next()
    saved = SurveyReport.objects.filter(agency=agency).values_list("fiscal_year", "quarter")
    authored: set[int] = set()
    for year, quarter in saved:
        authored.add(year)
        quarters.setdefault(year, set())
        if quarter:
            quarters[year].add(quarter)
    return [
        PeriodRow(fiscal_year=year, quarters=sorted(quarters[year]), authored=year in authored)
        for year in sorted(quarters, reverse=True)
    ]


def survey_report_for(*, agency: Agency, period: ReportPeriod) -> SurveyReport | None:
    """The saved authored sections of the period, if any (call an access_* selector first)."""
    return SurveyReport.objects.filter(
        agency=agency, fiscal_year=period.fiscal_year, quarter=period.quarter
    ).first()


# --- the report's shape --------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart; `table_id` names the table with the same numbers."""

    id: str
    svg: str
    title: str
    description: str
    table_id: str

    @property
    def image_src(self) -> str:
        """The chart as a data: URI, for an <img> whose alt text WeasyPrint tags in the PDF."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


@dataclass
class Section:
    """One report section: stable id and heading, notes, charts, tables, or authored text."""

    id: str
    heading: str
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text: str = ""
    authored: bool = False


@dataclass
class ReportData:
    """Everything a report shows, in one language."""

    agency: Agency
    period: ReportPeriod
    language: str
    title: str
    sections: list[Section]
    report: SurveyReport | None
    threshold: int
    generated_at: Any

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables() if t.id == table_id), None)


# --- formatting ----------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _interval(low: float | None, high: float | None, scale: float = 100.0, places: int = 1) -> str:
    if low is None or high is None:
        return ""
    return f"{scale * low:.{places}f} {_('to')} {scale * high:.{places}f}"


def _change_text(before: tuple[int, int] | None, after: tuple[int, int] | None, min_n: int) -> str:
    """'Up 4.1 points' only when significant at 95%; otherwise says there is no clear change."""
    if before is None or after is None or before[1] < min_n or after[1] < min_n:
        return _("No earlier figure to compare")
    change = proportion_change(before[0], before[1], after[0], after[1])
    if change is None:
        return _("No earlier figure to compare")
    if not change.significant:
        return _("No significant change")
    points = f"{abs(100 * change.difference):.1f}"
    if change.difference > 0:
        return _("Up %(points)s points (significant at 95%%)") % {"points": points}
    return _("Down %(points)s points (significant at 95%%)") % {"points": points}


def _channel_label(code: str) -> str:
    if not code:
        return _("Not recorded")
    return str(ChannelKind(code).label) if code in ChannelKind.values else code


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart(
    *,
    draw: Callable[..., str],
    chart_id: str,
    title: str,
    description: str,
    table_id: str,
    data: Sequence[tuple[str, float]],
    value_label: str,
) -> Chart:
    """A chart of (label, value) pairs drawn by `horizontal_bar_svg` or `_percent_line_svg`."""
    svg = draw(
        labels=[d[0] for d in data],
        values=[d[1] for d in data],
        title=title,
        value_label=value_label,
        description=description,
        chart_id=chart_id,
    )
    return Chart(id=chart_id, svg=svg, title=title, description=description, table_id=table_id)


# Trend lines of shares run on a fixed 0-100 axis so quarters compare at a glance.
_percent_line_svg = partial(line_svg, y_limits=(0, 100))


# --- survey aggregates -----------------------------------------------------------------------


def _agency_zone(agency: Agency) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(agency.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _valid_responses(agency: Agency, first: date, last: date) -> QuerySet[Response]:
    """Valid, not deleted responses on the agency's calendar days, as the rollups count them."""
    zone = _agency_zone(agency)
    return Response.objects.filter(
        survey__agency=agency,
        status=ResponseStatus.VALID,
        deleted_at__isnull=True,
        submitted_at__gte=datetime.combine(first, time(), zone),
        submitted_at__lt=datetime.combine(last + timedelta(days=1), time(), zone),
    )


def _filters(period: ReportPeriod) -> ResultFilters:
    return ResultFilters(fiscal_year=period.fiscal_year, quarter=period.quarter)


def _customer_surveys(agency: Agency) -> list[Survey]:
    return list(surveys_with_results(agencies=[agency]).filter(audience=Audience.CUSTOMER))


def _counts(estimate: Estimate | None, n: int) -> tuple[int, int] | None:
    """(positive answers, answers) behind a share, for a change test; None when not shown."""
    if estimate is None or estimate.value is None or estimate.suppressed:
        return None
    return round(estimate.value * n), n


def _share_cells(estimate: Estimate | None, n: int, suppressed: bool) -> list[str]:
    """Share, interval, n — or a suppression note in place of the share and no n (a hidden
    quarter's n beside its year's would give its answers' count)."""
    if suppressed:
        return [_("Too few answers to show"), "", ""]
    if estimate is None or estimate.value is None:
        return ["", "", str(n)]
    return [_pct(estimate.value), _interval(estimate.low, estimate.high), str(n)]


def _question_label(question: Any, language: str) -> str:
    survey = (question.survey.title_es if language == "es" else "") or question.survey.title
    text = (question.text_es if language == "es" else "") or question.text
    return f"{survey}: {text}"


def _survey_title(survey: Survey, language: str) -> str:
    return (survey.title_es if language == "es" else "") or survey.title


def _methods_section(agency: Agency, period: ReportPeriod, min_n: int, language: str) -> Section:
    section = Section("methods", str(SECTION_HEADINGS["methods"]))
    table = Table(
        "methods",
        _("Surveys, modes, volumes, response rates and margins of error"),
        [
            _("Survey"),
            _("Who was asked"),
            _("Responses"),
            _("How people answered"),
            _("Response rate (%)"),
            _("95% interval (%)"),
            _("Margin of error (± points, 95%)"),
        ],
    )
    filters = _filters(period)
    total = 0
    left_out = False
    for survey in surveys_with_results(agencies=[agency]):
        n = response_counts(survey=survey, filters=filters)
        if n == 0:
            continue
        hidden = n is None or (survey.audience == Audience.EMPLOYEE and n < min_n)
        if n is None or hidden:
            # A hidden survey's count stays out of the total too: total minus the rows shown
            # would give it (43 - 40 = 3).
            left_out = True
        else:
            total += n
        modes = (
            _valid_responses(agency, period.first, period.last)
            .filter(survey=survey)
            .values("source")
            .annotate(n=Count("id"))
            .order_by("-n", "source")
        )
        rate = response_rate(survey=survey, filters=filters)
        table.rows.append(
            [
                _survey_title(survey, language),
                str(survey.get_audience_display()),
                _("Not shown") if hidden else str(n),
                ""
                if hidden
                else ", ".join(
                    f"{_source_label(row['source'])} {row['n']}" for row in modes if row["n"]
                ),
                _pct(rate.value) if rate else _("Not applicable: no email invitations"),
                _interval(rate.low, rate.high) if rate else "",
                "" if hidden or not n else f"±{100 * Z_95 * math.sqrt(0.25 / n):.1f}",
            ]
        )
    section.notes = [
        _(
            "%(total)s valid responses were received from %(first)s to %(last)s. Spam and "
            "deleted responses are left out."
        )
        % {"total": total, "first": period.first.isoformat(), "last": period.last.isoformat()},
        *(
            [
                _(
                    "The total leaves out the responses to employee surveys too small to show, "
                    "so that it cannot be used to count them."
                )
            ]
            if left_out
            else []
        ),
        _(
            "Shares are the percentage answering positively: 4 or 5 on a five-point agreement "
            "scale, thumbs up or yes, or 9 or 10 on a ten-point rating. Each share has its 95% "
            "Wilson interval and the number of answers (n). The margin of error is the widest "
            "95% margin for a share from the survey's responses. Response rates exist only for "
            "email invitations."
        ),
        _(
            "Groups with fewer than %(n)s answers are not shown, so no small group can be "
            "singled out. A change from the previous period is reported only when it is "
            "significant at the 95%% level."
        )
        % {"n": min_n},
    ]
    section.tables = [table]
    return section


def _source_label(source: str) -> str:
    return str(ResponseSource(source).label) if source in ResponseSource.values else source


def _headline(survey: Survey) -> list[Any]:
    """The survey's trust and satisfaction questions, trust first."""
    found = [
        q
        for q in survey.questions.filter(kind__in=list(POSITIVE_VALUES)).order_by("position", "pk")
        if q.key in HEADLINE_KEYS
    ]
    return sorted(found, key=lambda q: HEADLINE_KEYS.index(q.key))


def _results_section(agency: Agency, period: ReportPeriod, min_n: int, language: str) -> Section:
    section = Section("results", str(SECTION_HEADINGS["results"]))
    before = period.previous()
    filters, filters_before = _filters(period), _filters(before)
    header = [
        _("Share positive (%)"),
        _("95% interval (%)"),
        _("n"),
        _("Change from %(period)s") % {"period": before.label},
    ]
    questions_table = Table(
        "results_questions", _("Results by question"), [_("Survey question"), *header]
    )
    by_tables = {
        by: Table(f"results_{by}", caption, [_("Survey question"), column, *header])
        for by, caption, column in (
            ("service", _("Headline measures by service"), _("Service")),
            ("channel", _("Headline measures by channel"), _("Channel")),
        )
    }
    trend_caption = _("Headline measures quarter by quarter")
    trend = Table(
        "results_trend",
        trend_caption,
        [
            _("Survey question"),
            _("Quarter"),
            _("Share positive (%)"),
            _("95% interval (%)"),
            _("n"),
            _("Change from the quarter before"),
        ],
    )
    for survey in _customer_surveys(agency):
        earlier = {
            r.question.pk: r for r in question_results(survey=survey, filters=filters_before)
        }
        for result in question_results(survey=survey, filters=filters):
            if (result.positive is None and not result.suppressed) or result.n == 0:
                continue
            previous = earlier.get(result.question.pk)
            questions_table.rows.append(
                [
                    _question_label(result.question, language),
                    *_share_cells(result.positive, result.n, result.suppressed),
                    ""
                    if result.suppressed
                    else _change_text(
                        _counts(previous.positive, previous.n) if previous else None,
                        _counts(result.positive, result.n),
                        min_n,
                    ),
                ]
            )
        for question in _headline(survey):
            label = _question_label(question, language)
            for by, table in by_tables.items():
                groups = breakdown(survey=survey, question=question, by=by, filters=filters)
                groups_before = {
                    g.key: g
                    for g in breakdown(
                        survey=survey, question=question, by=by, filters=filters_before
                    )
                }
                bars: list[tuple[str, float]] = []
                for group in groups:
                    previous_group = groups_before.get(group.key)
                    table.rows.append(
                        [
                            label,
                            group.label,
                            *_share_cells(group.positive, group.n, group.suppressed),
                            ""
                            if group.suppressed
                            else _change_text(
                                _counts(previous_group.positive, previous_group.n)
                                if previous_group
                                else None,
                                _counts(group.positive, group.n),
                                min_n,
                            ),
                        ]
                    )
                    if group.positive is not None and group.positive.value is not None:
                        bars.append((_short(group.label, 40), 100 * group.positive.value))
                if by == "service" and len(bars) >= 2:
                    title = _("%(question)s: share positive by service, %(period)s") % {
                        "question": _short(label, 80),
                        "period": period.label,
                    }
                    section.charts.append(
                        _chart(
                            draw=horizontal_bar_svg,
                            chart_id=f"chart-service-{question.pk}",
                            title=title,
                            description=_(
                                "%(count)s services, from %(low)s%% to %(high)s%% positive; "
                                "the table “%(table)s” gives each figure with its interval."
                            )
                            % {
                                "count": len(bars),
                                "low": f"{min(b[1] for b in bars):.1f}",
                                "high": f"{max(b[1] for b in bars):.1f}",
                                "table": table.caption,
                            },
                            table_id=table.id,
                            data=bars,
                            value_label=_("Share positive (%)"),
                        )
                    )
            _trend_rows(survey, question, period, label, trend, section)
    section.tables = [questions_table, *by_tables.values(), trend]
    return section


def _trend_rows(
    survey: Survey, question: Any, period: ReportPeriod, label: str, table: Table, section: Section
) -> None:
    """The question's quarters (the year's four, or the four ending with the quarter)."""
    quarters = period.quarters()
    points = {
        point.quarter: point
        for point in quarterly_trend(
            survey=survey,
            question=question,
            filters=ResultFilters(start=quarters[0].start, end=quarters[-1].end),
        )
    }
    drawn: list[tuple[str, float]] = []
    for quarter in quarters:
        point = points.get(quarter)
        if point is None or point.n == 0:
            table.rows.append([label, str(quarter), "", "", "0", ""])
            continue
        if point.suppressed or point.change is None:
            change = ""
        elif point.significant:
            change = _change_text(
                _counts(points[quarter.previous()].positive, points[quarter.previous()].n),
                _counts(point.positive, point.n),
                0,
            )
        else:
            change = _("No significant change")
        table.rows.append(
            [label, str(quarter), *_share_cells(point.positive, point.n, point.suppressed), change]
        )
        if point.positive is not None and point.positive.value is not None:
            drawn.append((str(quarter), 100 * point.positive.value))
    if len(drawn) >= 2:
        title = _("%(question)s: share positive by quarter") % {"question": _short(label, 80)}
        section.charts.append(
            _chart(
                draw=_percent_line_svg,
                chart_id=f"chart-trend-{question.pk}",
                title=title,
                description=_(
                    "From %(first)s%% in %(first_label)s to %(last)s%% in %(last_label)s; the "
                    "table “%(table)s” gives each quarter with its interval and says which "
                    "changes are significant."
                )
                % {
                    "first": f"{drawn[0][1]:.1f}",
                    "first_label": drawn[0][0],
                    "last": f"{drawn[-1][1]:.1f}",
                    "last_label": drawn[-1][0],
                    "table": table.caption,
                },
                table_id=table.id,
                data=drawn,
                value_label=_("Share positive (%)"),
            )
        )


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
    points = [
        MatrixPoint(
            label=labels[d.name],
            importance=d.relative_importance,
            performance=performance[d.name].value or 0.0,
        )
        for d in analysis.drivers
    ]
    cuts = matrix_cuts(points)
    driver_rows = [
        DriverRow(
            name=labels[d.name],
            importance=d.relative_importance,
            low=d.low,
            high=d.high,
            performance=performance[d.name],
            mean=d.performance,
            quadrant=quadrant(point, cuts),
        )
        for d, point in zip(analysis.drivers, points, strict=True)
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
    section = Section("drivers", str(SECTION_HEADINGS["drivers"]))
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
    section.tables = [table]
    return section


# --- benchmarks, standards, complaints ------------------------------------------------------

_ROLES = {
    "private": gettext_lazy("Best private sector"),
    "federal": gettext_lazy("Federal average"),
    "prior": gettext_lazy("Own prior period"),
    "selected": gettext_lazy("Chosen best in business"),
}


def _matching_periods(periods: Iterable[str], period: ReportPeriod) -> list[str]:
    """Own-measure periods that name the report period ("2026" or "FY2026"; "2026-Q1")."""
    year = str(period.fiscal_year)
    if period.quarter is None:
        wanted = {year, f"FY{year}", f"FY {year}"}
    else:
        q = period.quarter
        wanted = {f"{year}-Q{q}", f"FY{year} Q{q}", f"FY{year}-Q{q}", f"{year} Q{q}"}
    return [p for p in periods if p.strip() in wanted]


def _benchmarks_section(agency: Agency, period: ReportPeriod, min_n: int) -> Section:
    section = Section("benchmarks", str(SECTION_HEADINGS["benchmarks"]))
    table = Table(
        "benchmarks",
        _("Own measures beside their benchmarks"),
        [
            _("Service"),
            _("Own measure"),
            _("Period"),
            _("Value"),
            _("n"),
            _("Compared with"),
            _("Benchmark"),
            _("Benchmark value"),
            _("Gap"),
            _("95% interval of the gap"),
            _("Verdict"),
        ],
    )
    for service in services_for_agency(agency=agency):
        for own_period in _matching_periods(service_periods(service=service), period):
            for row in service_comparisons(service=service, period=own_period):
                own = row.measure
                if own.n is not None and own.n < min_n:
                    continue
                for benchmark in row.benchmarks():
                    small = benchmark.measure.n is not None and benchmark.measure.n < min_n
                    if benchmark.gap is None or small:
                        continue
                    gap = benchmark.gap
                    table.rows.append(
                        [
                            service.name,
                            own.label,
                            own.period,
                            f"{own.value:.1f}",
                            str(own.n or ""),
                            str(_ROLES.get(benchmark.role, benchmark.role)),
                            benchmark.label,
                            f"{benchmark.measure.value:.1f}",
                            f"{gap.difference:+.1f}",
                            _interval(gap.low, gap.high, scale=1.0),
                            str(VERDICT_LABELS.get(gap.verdict, gap.verdict)),
                        ]
                    )
    section.notes = [
        _(
            "Each own measure of the period is set beside the best comparable private-sector "
            "value, the federal average, its own prior period and any benchmark chosen as best "
            "in business. A gap is called higher or lower only when its 95%% interval excludes "
            "zero. A yearly measure labelled with a year is read as that fiscal year. Figures "
            "from fewer than %(n)s answers are not compared."
        )
        % {"n": min_n}
    ]
    section.tables = [table]
    return section


def _standard_counts(standard: Standard, period: ReportPeriod) -> tuple[PeriodCounts, PeriodCounts]:
    """Counts of the report period and the one before: from daily rollups, else whole periods."""
    before = period.previous()
    if standard.source == ResultSource.EVENTS:
        return (
            results_between(standard=standard, first=before.first, last=before.last),
            results_between(standard=standard, first=period.first, last=period.last),
        )
    results = standard_results(standard=standard)

    def inside(span: ReportPeriod) -> PeriodCounts:
        chosen = [r for r in results if r.start >= span.first and r.end <= span.last]
        return PeriodCounts(
            start=span.first,
            end=span.last,
            label=span.label,
            n=sum(r.n for r in chosen) if chosen else None,
            met=sum(r.met for r in chosen) if chosen else None,
        )

    return inside(before), inside(period)


def _standards_section(agency: Agency, period: ReportPeriod, language: str) -> Section:
    section = Section("standards", str(SECTION_HEADINGS["standards"]))
    caption = _("Service standards: share of transactions meeting the standard")
    table = Table(
        "standards",
        caption,
        [
            _("Service"),
            _("Standard"),
            _("Target (%)"),
            _("Met"),
            _("n"),
            _("Share met (%)"),
            _("95% interval (%)"),
            _("Result"),
            _("Change from %(period)s") % {"period": period.previous().label},
        ],
    )
    standards = (
        Standard.objects.filter(agency=agency)
        .exclude(status=StandardStatus.DRAFT)
        .select_related("service", "agency")
        .order_by("service__name", "pk")
    )
    bars: list[tuple[str, float]] = []
    today = timezone.localdate()
    for standard in standards:
        before_counts, counts = _standard_counts(standard, period)
        results = results_from_counts(
            [before_counts, counts],
            target=float(standard.target),
            threshold=standard.threshold,
            today=today,
        )
        result = results[-1]
        trend = {
            "up": _("Up (significant at 95%)"),
            "down": _("Down (significant at 95%)"),
            "steady": _("No significant change"),
        }.get(result.trend, _("No earlier figure to compare"))
        statement = (standard.statement_es if language == "es" else "") or standard.statement
        table.rows.append(
            [
                standard.service.name,
                statement,
                f"{100 * float(standard.target):.0f}",
                str(result.met) if result.share is not None else "",
                str(result.n),
                _pct(result.share),
                _interval(result.ci_low, result.ci_high),
                str(result.status_label),
                trend if result.share is not None else "",
            ]
        )
        if result.share is not None:
            bars.append((_short(statement, 45), 100 * result.share))
    if bars:
        chart_id = "chart-standards"
        title = _("Share meeting each service standard, %(period)s") % {"period": period.label}
        section.charts.append(
            _chart(
                draw=horizontal_bar_svg,
                chart_id=chart_id,
                title=title,
                description=_(
                    "%(count)s standards with results, from %(low)s%% to %(high)s%% met; the "
                    "table “%(table)s” gives each with its target, n and interval."
                )
                % {
                    "count": len(bars),
                    "low": f"{min(b[1] for b in bars):.1f}",
                    "high": f"{max(b[1] for b in bars):.1f}",
                    "table": caption,
                },
                table_id=table.id,
                data=bars,
                value_label=_("Share met (%)"),
            )
        )
    section.notes = [
        _(
            "A standard is met when the share of transactions within its threshold reaches the "
            "target; with fewer than 10 transactions no verdict is given."
        )
    ]
    section.tables = [table]
    return section


def _complaint_facts(agency: Agency, period: ReportPeriod) -> list[ComplaintFact]:
    complaints = (
        Complaint.objects.filter(
            agency=agency,
            received_at__date__gte=period.first,
            received_at__date__lte=period.last,
        )
        .exclude(status=ComplaintStatus.DUPLICATE)
        .select_related("category__parent")
    )
    facts = []
    for complaint in complaints.iterator(chunk_size=2000):
        category = complaint.category
        group = (category.parent.name if category.parent else category.name) if category else ""
        facts.append(
            ComplaintFact(
                group=group or _("No category"),
                timely=complaint.timely,
                days_to_respond=days_between(complaint.received_at, complaint.responded_at)
                if complaint.responded_at is not None
                else None,
                disputed=complaint.review == "disputed",
            )
        )
    return facts


def _complaints_section(agency: Agency, period: ReportPeriod, min_n: int) -> Section:
    section = Section("complaints", str(SECTION_HEADINGS["complaints"]))
    caption = _("Complaints received, by category")
    table = Table(
        "complaints",
        caption,
        [
            _("Category"),
            _("Complaints"),
            _("Responded on time (%)"),
            _("95% interval (%)"),
            _("n with a known outcome"),
            _("Median days to respond"),
            _("Disputed (%)"),
        ],
    )
    facts = _complaint_facts(agency, period)
    measures = measures_by_group(facts, min_cell=min_n)
    everyone = measures_by_group(
        [ComplaintFact("", f.timely, f.days_to_respond, f.disputed) for f in facts],
        min_cell=min_n,
    )
    for label, measure in [
        *((m.group, m) for m in measures),
        *((_("All complaints"), m) for m in everyone),
    ]:
        table.rows.append(
            [
                label,
                str(measure.complaints),
                _pct(measure.timely_share)
                if measure.timely_share is not None
                else _("Too few to show"),
                _interval(measure.timely_ci_low, measure.timely_ci_high),
                str(measure.timely_n),
                f"{measure.median_days_to_respond:.1f}"
                if measure.median_days_to_respond is not None
                else "",
                _pct(measure.dispute_rate),
            ]
        )
    if measures:
        chart_id = "chart-complaints"
        title = _("Complaints received by category, %(period)s") % {"period": period.label}
        section.charts.append(
            _chart(
                draw=horizontal_bar_svg,
                chart_id=chart_id,
                title=title,
                description=_(
                    "%(total)s complaints in %(count)s categories; the largest is "
                    "“%(top)s” with %(top_n)s. The table “%(table)s” gives each category's "
                    "timeliness with its interval."
                )
                % {
                    "total": len(facts),
                    "count": len(measures),
                    "top": measures[0].group,
                    "top_n": measures[0].complaints,
                    "table": caption,
                },
                table_id=table.id,
                data=list(
                    zip(
                        [_short(m.group, 40) for m in measures],
                        [m.complaints for m in measures],
                        strict=True,
                    )
                ),
                value_label=_("Complaints"),
            )
        )
    section.notes = [
        _(
            "%(n)s complaints were received in the period (duplicates left out). On-time shares "
            "count complaints whose response deadline has passed or been met; categories with "
            "fewer than %(min)s such complaints show no share."
        )
        % {"n": len(facts), "min": min_n}
    ]
    section.tables = [table]
    return section


# --- employee themes --------------------------------------------------------------------------


def _themes_section(agency: Agency, period: ReportPeriod, min_n: int) -> Section:
    section = Section("themes", str(SECTION_HEADINGS["themes"]))
    table = Table(
        "employee_themes",
        _("Themes in employees' comments"),
        [_("Theme (most telling words)"), _("Comments"), _("Example comment")],
    )
    responses = _valid_responses(agency, period.first, period.last).filter(
        survey__audience=Audience.EMPLOYEE
    )
    respondents = responses.count()
    if respondents < min_n:
        section.notes = [
            _(
                "Fewer than %(n)s employees answered in this period, so their comments are not "
                "shown."
            )
            % {"n": min_n}
        ]
        section.tables = [table]
        return section
    comments = [
        scrub_text(text)
        for text in Answer.objects.filter(
            response__in=responses,
            question__kind__in=(QuestionKind.LONG_TEXT, QuestionKind.SHORT_TEXT),
        )
        .exclude(value_text="")
        .order_by("pk")
        .values_list("value_text", flat=True)
    ]
    result = extract_themes(comments, min_size=min_n, examples=1)
    for theme in result.themes:
        table.rows.append(
            [", ".join(theme.terms), str(theme.size), theme.examples[0] if theme.examples else ""]
        )
    section.notes = [
        _(
            "%(respondents)s employees answered; %(comments)s comments were grouped into themes "
            "by the words they share. Themes with fewer than %(n)s comments are not shown "
            "(%(hidden)s comments). Names, email addresses and phone numbers are removed."
        )
        % {
            "respondents": respondents,
            "comments": result.comments_used,
            "n": min_n,
            "hidden": result.comments_in_suppressed_themes,
        }
    ]
    section.tables = [table]
    return section


# --- assembly ---------------------------------------------------------------------------------


def report_build(
    *, agency: Agency, fiscal_year: int, quarter: int | None, language: str = "en"
) -> ReportData:
    """The agency's survey report for the period, in `language` (call an access_* first)."""
    period = ReportPeriod(fiscal_year, quarter)
    min_n = suppression_threshold()
    with translation.override(language):
        report = survey_report_for(agency=agency, period=period)
        authored = report.authored(language) if report else {}
        sections = [
            _methods_section(agency, period, min_n, language),
            _results_section(agency, period, min_n, language),
            _drivers_section(agency, period, min_n, language),
            _benchmarks_section(agency, period, min_n),
            _standards_section(agency, period, language),
            _complaints_section(agency, period, min_n),
            _themes_section(agency, period, min_n),
        ]
        for name in AUTHORED_SECTIONS:
            sections.append(
                Section(
                    name,
                    str(SECTION_HEADINGS[name]),
                    text=authored.get(name, ""),
                    authored=True,
                )
            )
        title = _("Customer experience survey report: %(agency)s, %(period)s") % {
            "agency": agency.name,
            "period": period.label,
        }
    return ReportData(
        agency=agency,
        period=period,
        language=language,
        title=title,
        sections=sections,
        report=report,
        threshold=min_n,
        generated_at=timezone.now(),
    )
