"""The survey sections of a report: methods, results by service and channel with their
trends, and the themes of employees' comments.
"""

from __future__ import annotations

import math
import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cxgov.core.models import Agency
from cxgov.core.tables import Table
from cxgov.insights.estimates import Z_95, Estimate
from cxgov.insights.measures import minimum_effect
from cxgov.insights.scrub import scrub_text
from cxgov.insights.themes import extract_themes
from cxgov.reports.selectors.document import (
    Section,
    _add_bar_chart,
    _add_chart,
    _ChangeFamily,
    _interval,
    _pct,
    _PendingChange,
    _percent_line_svg,
    _section,
    _short,
)
from cxgov.reports.selectors.periods import ReportPeriod
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
from cxgov.surveys.results.selectors import (
    weightable_questions,
    weighted_results,
    weighting_error_text,
)

# The headline measures broken down by service and channel and followed quarter by quarter.
HEADLINE_KEYS = ("trust", "satisfaction")


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
    section = _section("methods", table)
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
            "singled out. A change from the previous period is reported as up or down only "
            "when it is significant after the Benjamini-Hochberg correction over every change "
            "in the results (5%% false discovery rate) and is at least %(points)s points."
        )
        % {"n": min_n, "points": f"{agency.minimum_change_points:g}"},
    ]
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
    section = _section("results")
    changes = _ChangeFamily(
        minimum_effect(float(agency.minimum_change_points), scale=None, share=True)
    )
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
    trend = Table(
        "results_trend",
        _("Headline measures quarter by quarter"),
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
                    else changes.cell(
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
                            else changes.cell(
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
                    _add_bar_chart(
                        section,
                        table,
                        chart_id=f"chart-service-{question.pk}",
                        title=title,
                        description=_(
                            "%(count)s services, from %(low)s%% to %(high)s%% positive; "
                            "the table “%(table)s” gives each figure with its interval."
                        ),
                        bars=bars,
                        value_label=_("Share positive (%)"),
                    )
            _trend_rows(survey, question, period, label, trend, section, changes)
    section.tables = [questions_table, *by_tables.values(), trend]
    changes.settle(section.tables)
    weighted = _weighted_table(agency, filters, min_n, language, section)
    if weighted.rows:
        section.tables.append(weighted)
    return section


def _weighted_table(
    agency: Agency, filters: ResultFilters, min_n: int, language: str, section: Section
) -> Table:
    """Each question of the surveys with population margins, raked to them (decision 0040):
    the weighted share positive, its interval on the effective n, the design effect and the
    effective n. A survey whose margins cannot weight its responses gets a note saying why."""
    table = Table(
        "results_weighted",
        _("Results by question, weighted to the population margins"),
        [
            _("Survey question"),
            _("Weighted share positive (%)"),
            _("95% interval (%)"),
            _("n"),
            _("Design effect (Kish)"),
            _("Effective n"),
        ],
    )
    for survey in _customer_surveys(agency):
        weighted = weighted_results(survey=survey, filters=filters)
        if weighted is None:
            continue
        if weighted.error is not None:
            section.notes.append(
                _("The results of “%(survey)s” are not weighted: %(reason)s")
                % {
                    "survey": _survey_title(survey, language),
                    "reason": weighting_error_text(weighted.error),
                }
            )
            continue
        for question, row in zip(weightable_questions(survey=survey), weighted.rows, strict=True):
            share = row.positive
            if share is None or share.value is None or share.n < min_n:
                continue
            table.rows.append(
                [
                    _question_label(question, language),
                    _pct(share.value),
                    _interval(share.low, share.high),
                    str(share.n),
                    f"{share.design_effect or 0:.2f}",
                    f"{share.effective_n or 0:.1f}",
                ]
            )
    return table


def _trend_rows(
    survey: Survey,
    question: Any,
    period: ReportPeriod,
    label: str,
    table: Table,
    section: Section,
    changes: _ChangeFamily,
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
        change: str | _PendingChange = ""
        if not point.suppressed and point.change is not None:
            change = changes.cell(
                _counts(points[quarter.previous()].positive, points[quarter.previous()].n),
                _counts(point.positive, point.n),
                0,
            )
        table.rows.append(
            [label, str(quarter), *_share_cells(point.positive, point.n, point.suppressed), change]
        )
        if point.positive is not None and point.positive.value is not None:
            drawn.append((str(quarter), 100 * point.positive.value))
    if len(drawn) >= 2:
        title = _("%(question)s: share positive by quarter") % {"question": _short(label, 80)}
        _add_chart(
            section,
            table,
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
            data=drawn,
            value_label=_("Share positive (%)"),
        )


# --- employee themes --------------------------------------------------------------------------


def _themes_section(agency: Agency, period: ReportPeriod, min_n: int) -> Section:
    table = Table(
        "employee_themes",
        _("Themes in employees' comments"),
        [_("Theme (most telling words)"), _("Comments"), _("Example comment")],
    )
    section = _section("themes", table)
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
    return section
