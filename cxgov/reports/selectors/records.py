"""The sections of a report read from other apps' records: benchmarks, standards, complaints."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from cxgov.benchmarks.comparisons import (
    COMPARISON_COLUMNS,
    ROLE_LABELS,
    VERDICT_LABELS,
    service_comparisons,
    service_periods,
)
from cxgov.complaints.models import Complaint
from cxgov.complaints.models import Status as ComplaintStatus
from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.core.tables import Table
from cxgov.insights.complaint_metrics import ComplaintFact, measures_by_group
from cxgov.insights.sla import days_between
from cxgov.registry.selectors import services_for_agency
from cxgov.reports.selectors.document import (
    Section,
    _add_bar_chart,
    _add_chart,
    _interval,
    _pct,
    _section,
    _short,
)
from cxgov.reports.selectors.periods import ReportPeriod
from cxgov.standards.models import ResultSource, Standard, StandardStatus
from cxgov.standards.results import PeriodCounts, results_from_counts
from cxgov.standards.selectors import results_between, standard_results

# --- benchmarks, standards, complaints ------------------------------------------------------


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
    table = Table(
        "benchmarks",
        _("Own measures beside their benchmarks"),
        [_("Service"), _("Own measure"), *map(str, COMPARISON_COLUMNS)],
    )
    section = _section("benchmarks", table)
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
                            str(ROLE_LABELS.get(benchmark.role, benchmark.role)),
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
    table = Table(
        "standards",
        _("Service standards: share of transactions meeting the standard"),
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
    section = _section("standards", table)
    standards = (
        Standard.objects.filter(agency=agency)
        .exclude(status=StandardStatus.DRAFT)
        .select_related("service", "agency")
        .order_by("service__name", "pk")
    )
    bars: list[tuple[str, float]] = []
    today = agency_calendar(agency=agency).today()
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
            "up": _("Up (significant)"),
            "down": _("Down (significant)"),
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
        _add_bar_chart(
            section,
            table,
            chart_id="chart-standards",
            title=_("Share meeting each service standard, %(period)s") % {"period": period.label},
            description=_(
                "%(count)s standards with results, from %(low)s%% to %(high)s%% met; the "
                "table “%(table)s” gives each with its target, n and interval."
            ),
            bars=bars,
            value_label=_("Share met (%)"),
        )
    section.notes = [
        _(
            "A standard is met when the share of transactions within its threshold reaches the "
            "target; with fewer than 10 transactions no verdict is given."
        )
    ]
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
    table = Table(
        "complaints",
        _("Complaints received, by category"),
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
    section = _section("complaints", table)
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
        _add_chart(
            section,
            table,
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
                "table": table.caption,
            },
            data=list(
                zip(
                    [_short(m.group, 40) for m in measures],
                    [m.complaints for m in measures],
                    strict=True,
                )
            ),
            value_label=_("Complaints"),
        )
    section.notes = [
        _(
            "%(n)s complaints were received in the period (duplicates left out). On-time shares "
            "count complaints whose response deadline has passed or been met; categories with "
            "fewer than %(min)s such complaints show no share."
        )
        % {"n": len(facts), "min": min_n}
    ]
    return section
