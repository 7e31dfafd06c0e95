"""Staff survey results: per-survey results, the agency index, oversight, key drivers.

Analysts and administrators of the agency read them; oversight users read them across the
agencies where they hold oversight. Every table is also a CSV download of the same figures:
the page answers `?download=<table id>` with the same filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cxgov.benchmarks.selectors import oversight_agencies
from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus
from cxgov.core.pages import button_view, form_page_save
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency
from cxgov.core.tables import Link, Table, tables_page
from cxgov.core.views_prepared import prepared_page_data
from cxgov.insights.charts import horizontal_bar_svg
from cxgov.insights.drivers import MAX_DRIVERS
from cxgov.insights.estimates import Estimate
from cxgov.insights.priority_matrix import (
    FIX_FIRST,
    KEEP_UP,
    LOWER_PRIORITY,
    WATCH,
    priority_matrix_svg,
)
from cxgov.surveys.models import Question, Survey
from cxgov.surveys.prepared import (
    weighted_request,
)
from cxgov.surveys.results import (
    GroupResult,
    QuestionResult,
    ResultFilters,
    TrendPoint,
    breakdown,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
    surveys_with_results,
)
from cxgov.surveys.results.cells import (
    estimate_columns,
    fewer_text,
    number_text,
    percent_text,
)
from cxgov.surveys.results.forms import PopulationMarginForm, ResultFilterForm
from cxgov.surveys.results.selectors import (
    DRIVERS_MISSING,
    MIN_DRIVER_RESPONSES,
    DriverResult,
    access_margin,
    comment_rows,
    comments_for_survey,
    driver_analysis,
    driver_matrix_point,
    driver_questions,
    driver_spec,
    margin_categories,
    margin_totals,
    margin_variables,
    outcome_questions,
    result_fiscal_years,
    survey_has_drivers,
    survey_margins,
    surveys_for_results,
)
from cxgov.surveys.selectors import access_survey, responses_listed, suppression_threshold
from cxgov.surveys.services import drivers_request, population_margin_delete, population_margin_save
from cxgov.surveys.views import response_downloads

COMMENTS_PER_PAGE = 25

QUADRANT_LABELS = {
    FIX_FIRST: gettext_lazy("Fix first"),
    KEEP_UP: gettext_lazy("Keep up"),
    WATCH: gettext_lazy("Watch"),
    LOWER_PRIORITY: gettext_lazy("Lower priority"),
}


# --- formatting: the same text on the page and in the CSV ----------------------------------


_HIDDEN_IN_TOTAL = gettext_lazy("their answers are counted in the totals, not listed here")


def _estimate_cells(estimate: Estimate | None, threshold: int, *, percent: bool) -> list[str]:
    """Value, interval low, interval high (as percents or as a mean's figures); or a suppression
    note and two blanks."""
    if estimate is None:
        return ["", "", ""]
    if estimate.suppressed:
        return [fewer_text(threshold), "", ""]
    shown = percent_text if percent else number_text
    return [shown(estimate.value), shown(estimate.low), shown(estimate.high)]


def _count_text(count: int | None) -> int | str:
    """A survey's whole count, or what is said instead when it is withheld."""
    return fewer_text(suppression_threshold()) if count is None else count


def _estimate_text(estimate: Estimate | None, threshold: int, *, percent: bool) -> str:
    """ "72.4% (95% interval 68.1% to 76.2%, n = 310)" for prose beside a table; a mean
    reads the same without the percent signs."""
    if estimate is None:
        return ""
    if estimate.suppressed or estimate.value is None:
        return fewer_text(threshold)
    shown = percent_text if percent else number_text
    values = {"value": shown(estimate.value), "n": estimate.n}
    if estimate.low is None or estimate.high is None:
        template = _("%(value)s%% (n = %(n)s)") if percent else _("%(value)s (n = %(n)s)")
        return template % values
    values |= {"low": shown(estimate.low), "high": shown(estimate.high)}
    if percent:
        return _("%(value)s%% (95%% interval %(low)s%% to %(high)s%%, n = %(n)s)") % values
    return _("%(value)s (95%% interval %(low)s to %(high)s, n = %(n)s)") % values


def _change_text(difference: float, significant: bool, *, percent: bool) -> str:
    """An arrow with words for a significant change, else "no significant change"."""
    if not significant:
        return _("no significant change")
    amount = f"{abs(100 * difference):.1f}" if percent else f"{abs(difference):.2f}"
    if difference > 0:
        return (
            _("▲ up %(amount)s points (significant)")
            if percent
            else _("▲ up %(amount)s (significant)")
        ) % {"amount": amount}
    return (
        _("▼ down %(amount)s points (significant)")
        if percent
        else _("▼ down %(amount)s (significant)")
    ) % {"amount": amount}


# --- filters -------------------------------------------------------------------------------


def _filters(request: HttpRequest, survey: Survey) -> tuple[ResultFilterForm, ResultFilters]:
    data = {k: v for k, v in request.GET.items() if k not in ("download", "page")}
    form = ResultFilterForm(
        data or None, agency=survey.agency, fiscal_years=result_fiscal_years(survey=survey)
    )
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        return form, ResultFilters(
            service_id=cleaned["service"].pk if cleaned["service"] else None,
            channel=cleaned["channel"] or "",
            segment_id=cleaned["segment"].pk if cleaned["segment"] else None,
            language=cleaned["language"] or "",
            fiscal_year=cleaned["fiscal_year"],
            quarter=cleaned["quarter"],
        )
    return form, ResultFilters()


# --- the survey results page ---------------------------------------------------------------


@dataclass
class QuestionBlock:
    """One question's figures on the results page."""

    question: Question
    n: int
    suppressed: bool
    positive: str
    mean: str
    chart: str | None
    distribution: Table
    trend: Table


def _distribution_table(result: QuestionResult, threshold: int) -> Table:
    question = result.question
    table = Table(
        f"answers-{question.key}",
        _("Answers to “%(question)s”") % {"question": question.display_text},
        [
            _("Answer"),
            _("Count"),
            *estimate_columns(_("Share (%)")),
        ],
    )
    if result.suppressed:
        table.rows.append([fewer_text(threshold), "", "", "", ""])
        return table
    for _key, label, count, share in result.distribution:
        table.rows.append([label, count, *_estimate_cells(share, threshold, percent=True)])
    return table


def _trend_table(
    survey: Survey, question: Question, filters: ResultFilters, threshold: int
) -> Table:
    table = Table(
        f"trend-{question.key}",
        _("“%(question)s” by fiscal quarter") % {"question": question.display_text},
        [
            _("Quarter"),
            _("Answers (n)"),
            *estimate_columns(_("Percent positive (%)")),
            _("Mean"),
            _("Change from the quarter before"),
        ],
    )
    for index, point in enumerate(
        quarterly_trend(survey=survey, question=question, filters=filters)
    ):
        if point.suppressed:
            # Never the n of a hidden quarter: beside the year's, it would give that quarter's.
            table.rows.append([point.label, fewer_text(threshold), "", "", "", "", ""])
            continue
        table.rows.append(
            [
                point.label,
                point.n,
                *_estimate_cells(point.positive, threshold, percent=True),
                number_text(point.mean.value) if point.mean is not None else "",
                _trend_change(point, first=index == 0),
            ]
        )
    return table


def _trend_change(point: TrendPoint, *, first: bool) -> str:
    if first:
        return _("no earlier quarter to compare")
    if point.change is None:
        return _("not compared: too few answers in one of the quarters")
    return _change_text(
        point.change.difference, point.significant, percent=point.positive is not None
    )


def _chart(result: QuestionResult, chart_id: str) -> str | None:
    if result.suppressed or not result.distribution:
        return None
    labels = [label for _key, label, _count, _share in result.distribution]
    counts = [count for _key, _label, count, _share in result.distribution]
    return horizontal_bar_svg(
        labels=labels,
        values=counts,
        title=result.question.display_text,
        value_label=_("Answers"),
        description=_("%(n)s answers; the table below gives each count and share.")
        % {"n": result.n},
        chart_id=chart_id,
    )


def _breakdown_tables(
    survey: Survey, question: Question, filters: ResultFilters, threshold: int
) -> list[Table]:
    names = {
        "service": _("service"),
        "channel": _("channel"),
        "segment": _("customer segment"),
        "language": _("language"),
    }
    tables = []
    for by, name in names.items():
        table = Table(
            f"by-{by}",
            _("“%(question)s” by %(dimension)s")
            % {"question": question.display_text, "dimension": name},
            _group_columns(name.capitalize()),
        )
        groups = breakdown(survey=survey, question=question, by=by, filters=filters)
        for row in groups:
            table.rows.append(_group_cells(row.label, row, threshold))
        if any(row.suppressed for row in groups):
            # The question's total counts these answers: say so rather than let it differ.
            table.rows.append([_("Groups not shown"), _HIDDEN_IN_TOTAL, "", "", "", "", "", ""])
        tables.append(table)
    return tables


def _group_columns(first: str) -> list[str]:
    """The headers of `_group_cells`, after the `first` column's."""
    return [
        first,
        _("Answers (n)"),
        *estimate_columns(_("Percent positive (%)")),
        _("Mean"),
        _("Mean, lower limit (95%)"),
        _("Mean, upper limit (95%)"),
    ]


def _group_cells(label: str, row: GroupResult | QuestionResult, threshold: int) -> list[Any]:
    """A group's or a question's row: its answers, percent positive and mean, with intervals."""
    if row.suppressed:
        return [label, fewer_text(threshold), "", "", "", "", "", ""]
    return [
        label,
        row.n,
        *_estimate_cells(row.positive, threshold, percent=True),
        *_estimate_cells(row.mean, threshold, percent=False),
    ]


@login_required
def survey_results(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.VIEW_RESULTS
    )
    form, filters = _filters(request, survey)
    results = question_results(survey=survey, filters=filters)
    threshold = suppression_threshold()
    downloading = bool(request.GET.get("download"))
    blocks = []
    tables: list[Table] = []
    summary = Table(
        "summary",
        _("Summary by question"),
        _group_columns(_("Question")),
    )
    tables.append(summary)
    for index, result in enumerate(results):
        question = result.question
        summary.rows.append(_group_cells(question.display_text, result, threshold))
        distribution = _distribution_table(result, threshold)
        trend = _trend_table(survey, question, filters, threshold)
        tables += [distribution, trend]
        blocks.append(
            QuestionBlock(
                question=question,
                n=result.n,
                suppressed=result.suppressed,
                positive=_estimate_text(result.positive, threshold, percent=True),
                mean=_estimate_text(result.mean, threshold, percent=False),
                chart=None if downloading else _chart(result, f"chart-{index}"),
                distribution=distribution,
                trend=trend,
            )
        )
    scored = [r.question for r in results if r.positive is not None or r.mean is not None]
    chosen = _breakdown_question(request, survey, scored)
    breakdowns = _breakdown_tables(survey, chosen, filters, threshold) if chosen else []
    tables += breakdowns
    weighted = _weighted_prepared(request, survey, filters, chosen)
    if isinstance(weighted, HttpResponse):
        return weighted
    weighted_data = (
        weighted.data
        if weighted is not None
        and weighted.data is not None
        and weighted.status != PreparedFileStatus.FAILED
        else None
    )
    weighted_shown = [Table.from_json(table) for table in (weighted_data or {}).get("tables", [])]
    tables += weighted_shown
    comments = comments_for_survey(survey=survey, filters=filters)
    comment_table = Table(
        "comments",
        _("Comments, newest first, with personal details removed"),
        [_("Question"), _("Comment")]
        if survey.is_employee
        else [_("Received"), _("Question"), _("Comment")],
    )
    page = None
    if request.GET.get("download") == "comments":
        for comment in comment_rows(survey=survey, answers=comments.answers.iterator()):
            comment_table.rows.append(_comment_cells(survey, comment))
    else:
        page = Paginator(comments.answers, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
        for comment in comment_rows(survey=survey, answers=page.object_list):
            comment_table.rows.append(_comment_cells(survey, comment))
    tables.append(comment_table)
    rate = response_rate(survey=survey, filters=filters)
    return tables_page(
        request,
        "surveys/results.html",
        {
            "agency": survey.agency,
            "survey": survey,
            "form": form,
            "blocks": blocks,
            "responses": response_counts(survey=survey, filters=filters),
            "groups_hidden": any(
                row[1] == _HIDDEN_IN_TOTAL for table in breakdowns for row in table.rows
            ),
            "rate": _estimate_text(rate, threshold, percent=True) if rate is not None else "",
            "threshold": threshold,
            "breakdown_question": chosen,
            "breakdown_choices": scored,
            "breakdowns": breakdowns,
            "comments_suppressed": comments.suppressed,
            "comments_page": page,
            "has_drivers": survey_has_drivers(survey=survey),
            "weighted": weighted_data,
            "weighted_prepared": weighted,
            "weighted_tables": weighted_shown,
            "weighting_error": (weighted_data or {}).get("error", ""),
            "can_weight": user_can(
                user=request.user, agency=survey.agency, need=Can.WEIGHT_RESULTS
            ),
            "downloads": response_downloads(survey)
            if responses_listed(survey=survey)
            and user_can(user=request.user, agency=survey.agency, need=Can.READ_RESPONSES)
            else [],
        },
        tables=tables,
        filename=f"survey-{survey.pk}-results",
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _weighted_prepared(
    request: HttpRequest, survey: Survey, filters: ResultFilters, breakdown: Question | None
) -> PreparedFile | HttpResponse | None:
    """The figures weighted to the population margins, which the worker prepares (they rake
    every response of the survey); None for a survey without margins or of employees, which
    is not weighted. A response is the redirect after the section's "Refresh" button."""
    wanted = weighted_request(
        survey=survey, filters=filters, breakdown=breakdown, language=get_language() or "en"
    )
    if wanted is None:
        return None
    return prepared_page_data(request, **wanted, title=survey.display_title, whole_page=False)


def _comment_cells(survey: Survey, comment: Any) -> list[str]:
    if survey.is_employee:
        return [comment.question, comment.text]
    return [comment.submitted, comment.question, comment.text]


def _breakdown_question(
    request: HttpRequest, survey: Survey, scored: Sequence[Question]
) -> Question | None:
    """The question the breakdowns are for: ?question=<key>, else the outcome, else the first."""
    wanted = request.GET.get("question", "")
    for question in scored:
        if question.key == wanted:
            return question
    outcomes = {q.pk for q in outcome_questions(survey=survey)}
    for question in scored:
        if question.pk in outcomes:
            return question
    return scored[0] if scored else None


# --- the agency index and oversight --------------------------------------------------------


@login_required
def results_index(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_RESULTS)
    table = Table(
        "surveys",
        _("Surveys and their responses"),
        [_("Survey"), _("Audience"), _("Status"), _("Responses counted")],
    )
    for survey in surveys_for_results(agency=agency):
        table.rows.append(
            [
                Link(survey.title, _results_url(survey)),
                survey.get_audience_display(),
                survey.get_status_display(),
                survey.counted,  # type: ignore[attr-defined]
            ]
        )
    return tables_page(
        request,
        "surveys/results_index.html",
        {"agency": agency, "oversees": _oversees(request, agency)},
        tables=[table],
        filename=f"{agency.slug}-survey-results",
    )


def _results_url(survey: Survey) -> str:
    return reverse(
        "survey_results:survey", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )


def _oversees(request: HttpRequest, agency: Agency) -> bool:
    return user_can(user=request.user, agency=agency, need=Can.OVERSEE_AGENCIES)


@login_required
def oversight_results(request: HttpRequest, slug: str) -> HttpResponse:
    """Per agency and survey: responses and the headline A-11 figure, read-only."""
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.VIEW_RESULTS)
    agencies = list(oversight_agencies(user=request.user, agency=agency))
    threshold = suppression_threshold()
    table = Table(
        "oversight",
        _("Survey results across agencies"),
        [
            _("Agency"),
            _("Survey"),
            _("Responses counted"),
            _("Headline question"),
            *estimate_columns(_("Percent positive (%)")),
            _("Answers (n)"),
            _("Latest quarter"),
            _("Change from the quarter before"),
        ],
    )
    for survey in surveys_with_results(agencies=agencies):
        outcomes = outcome_questions(survey=survey)
        headline = outcomes[0] if outcomes else None
        cells: list[Any] = [
            survey.agency.display_name,
            Link(survey.title, _results_url(survey)),
            _count_text(survey.response_count),  # type: ignore[attr-defined]
        ]
        if headline is None:
            table.rows.append(
                [*cells, _("No trust or satisfaction question"), "", "", "", "", "", ""]
            )
            continue
        filters = ResultFilters()
        result = next(
            (
                r
                for r in question_results(survey=survey, filters=filters)
                if r.question.pk == headline.pk
            ),
            None,
        )
        trend = quarterly_trend(survey=survey, question=headline, filters=filters)
        latest = trend[-1] if trend else None
        if result is None or result.suppressed:
            figures = [fewer_text(threshold), "", "", "" if result else 0]
        else:
            figures = [*_estimate_cells(result.positive, threshold, percent=True), result.n]
        table.rows.append(
            [
                *cells,
                headline.display_text,
                *figures,
                latest.label if latest else "",
                _trend_change(latest, first=len(trend) == 1) if latest else "",
            ]
        )
    return tables_page(
        request,
        "surveys/oversight_results.html",
        {"agency": agency, "agencies": agencies},
        tables=[table],
        filename=f"{agency.slug}-survey-results-oversight",
    )


# --- key drivers ---------------------------------------------------------------------------


def _driver_table(result: DriverResult) -> Table:
    table = Table(
        "drivers",
        _("What drives “%(outcome)s”") % {"outcome": result.outcome.display_text},
        [
            _("Driver"),
            _("Importance (% of explained variance)"),
            _("Importance, lower limit (95%)"),
            _("Importance, upper limit (95%)"),
            _("Performance: percent positive (%)"),
            _("Performance, 95% interval low (%)"),
            _("Performance, 95% interval high (%)"),
            _("Answers (n)"),
            _("Quadrant"),
            _("Label in the matrix"),
        ],
    )
    for row in result.rows:
        table.rows.append(
            [
                row.question.display_text,
                percent_text(row.importance),
                percent_text(row.low),
                percent_text(row.high),
                percent_text(row.performance.value),
                percent_text(row.performance.low),
                percent_text(row.performance.high),
                row.performance.n,
                str(QUADRANT_LABELS[row.quadrant]),
                row.question.key,
            ]
        )
    return table


def _matrix(result: DriverResult) -> str:
    points = [driver_matrix_point(row, label=row.question.key) for row in result.rows]
    first = [row.question.display_text for row in result.rows if row.quadrant == FIX_FIRST]
    description = _(
        "Each of %(k)s drivers is placed by importance (up) and percent positive (across), "
        "with lines across its 95%% intervals. Fix first: %(fix)s. The table below gives "
        "every figure."
    ) % {"k": len(points), "fix": "; ".join(first) or _("none")}
    return priority_matrix_svg(
        points=points,
        title=_("Priority matrix for “%(outcome)s”") % {"outcome": result.outcome.display_text},
        description=description,
        chart_id="priority-matrix",
        quadrant_labels={k: str(v) for k, v in QUADRANT_LABELS.items()},
        importance_label=_("Importance (share of explained variance)"),
        performance_label=_("Performance (percent positive)"),
        cuts=result.cuts,
    )


@login_required
def survey_drivers(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.VIEW_RESULTS
    )
    outcomes = outcome_questions(survey=survey)
    drivers = driver_questions(survey=survey)
    if not survey_has_drivers(survey=survey):
        if request.method == "POST":
            return redirect(request.get_full_path())
        return tables_page(
            request,
            "surveys/drivers.html",
            {"agency": survey.agency, "survey": survey, "unavailable": True},
            tables=[],
            filename=f"survey-{survey.pk}-drivers",
        )
    form, filters = _filters(request, survey)
    wanted = request.GET.get("outcome", "")
    outcome = next((q for q in outcomes if q.key == wanted), outcomes[0])
    result = driver_analysis(survey=survey, outcome=outcome, drivers=drivers, filters=filters)
    if request.method == "POST":
        # "Compute this analysis": reading the page asks for nothing; the button does, once.
        if result.state == DRIVERS_MISSING:
            drivers_request(
                survey=survey, spec=driver_spec(outcome=outcome, drivers=drivers, filters=filters)
            )
            messages.success(request, _("The analysis is being computed."))
        return redirect(request.get_full_path())
    tables = []
    matrix = None
    if result.shown:
        tables.append(_driver_table(result))
        matrix = _matrix(result)
    return tables_page(
        request,
        "surveys/drivers.html",
        {
            "agency": survey.agency,
            "survey": survey,
            "form": form,
            "outcomes": outcomes,
            "outcome": outcome,
            "drivers": drivers,
            "result": result,
            "matrix": matrix,
            "minimum": MIN_DRIVER_RESPONSES,
            "exact_up_to": MAX_DRIVERS,
            "r_squared": percent_text(result.r_squared),
            "outcome_positive": _estimate_text(result.outcome_positive, 0, percent=True)
            if result.outcome_positive is not None
            else "",
        },
        tables=tables,
        filename=f"survey-{survey.pk}-drivers",
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- population margins and weighted figures (decision 0040) --------------------------------


def _margins_url(survey: Survey) -> str:
    return reverse(
        "survey_results:margins", kwargs={"slug": survey.agency.slug, "survey_id": survey.pk}
    )


@login_required
def survey_margins_page(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.WEIGHT_RESULTS
    )
    variables = margin_variables(survey=survey)
    margins = [
        (
            margin,
            variables.get(margin.variable, margin.variable),
            sorted(margin.counts.items()),
        )
        for margin in survey_margins(survey=survey)
    ]
    return render(
        request,
        "surveys/margins.html",
        {"agency": survey.agency, "survey": survey, "margins": margins},
    )


@login_required
def survey_margin_edit(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = access_survey(
        user=request.user, agency_slug=slug, survey_id=survey_id, need=Can.WEIGHT_RESULTS
    )
    form = PopulationMarginForm(
        request.POST or None,
        initial={"variable": request.GET.get("variable", "")},
        variables=margin_variables(survey=survey),
        categories=margin_categories(survey=survey),
        totals=margin_totals(survey=survey),
    )
    return form_page_save(
        request,
        section="surveys",
        form=form,
        save=lambda data: population_margin_save(
            actor=request.user, survey=survey, variable=data["variable"], counts=data["counts"]
        ),
        success_url=_margins_url(survey),
        success_message=_("Population margin saved."),
        page={
            "title": _("Give a population margin"),
            "agency": survey.agency,
            "survey": survey,
            "cancel_url": _margins_url(survey),
        },
    )


survey_margin_delete = button_view(
    access_margin,
    act=population_margin_delete,
    done=gettext_lazy("Population margin removed."),
    next_url=lambda margin: _margins_url(margin.survey),
)
