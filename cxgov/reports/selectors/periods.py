"""A report's period (a fiscal year or one quarter) and the periods an agency has data for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Min

from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.insights.fiscal import FEDERAL_START_MONTH, FiscalQuarter, fiscal_year_bounds
from cxgov.reports.models import SurveyReport
from cxgov.surveys.models import ResponseRollup, RollupSource

# --- access and periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A fiscal year, or one quarter of it, of a fiscal year starting in `start_month`."""

    fiscal_year: int
    quarter: int | None = None
    start_month: int = field(default=FEDERAL_START_MONTH, compare=False)

    def __post_init__(self) -> None:
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")
        if not 1990 <= self.fiscal_year <= 2200:
            raise ValueError(f"fiscal year {self.fiscal_year} is out of range")

    @property
    def first(self) -> date:
        if self.quarter is None:
            return fiscal_year_bounds(self.fiscal_year, start_month=self.start_month)[0]
        return FiscalQuarter(self.fiscal_year, self.quarter, self.start_month).start

    @property
    def last(self) -> date:
        if self.quarter is None:
            return fiscal_year_bounds(self.fiscal_year, start_month=self.start_month)[1]
        return FiscalQuarter(self.fiscal_year, self.quarter, self.start_month).end

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year}" + (f" Q{self.quarter}" if self.quarter else "")

    @property
    def slug(self) -> str:
        return f"fy{self.fiscal_year}" + (f"-q{self.quarter}" if self.quarter else "")

    def previous(self) -> ReportPeriod:
        if self.quarter is None:
            return ReportPeriod(self.fiscal_year - 1, None, self.start_month)
        before = FiscalQuarter(self.fiscal_year, self.quarter, self.start_month).previous()
        return ReportPeriod(before.year, before.quarter, self.start_month)

    def quarters(self) -> list[FiscalQuarter]:
        """The quarters a trend shows: the year's four, or the four ending with this quarter."""
        if self.quarter is None:
            return [FiscalQuarter(self.fiscal_year, q, self.start_month) for q in (1, 2, 3, 4)]
        found = [FiscalQuarter(self.fiscal_year, self.quarter, self.start_month)]
        while len(found) < 4:
            found.insert(0, found[0].previous())
        return found


@dataclass(frozen=True)
class PeriodRow:
    """A fiscal year with data, its quarters with data, and whether text was written."""

    fiscal_year: int
    quarters: list[int]
    authored: bool
    start_month: int = FEDERAL_START_MONTH

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.fiscal_year, None, self.start_month)

    @property
    def quarter_periods(self) -> list[ReportPeriod]:
        return [ReportPeriod(self.fiscal_year, q, self.start_month) for q in self.quarters]


def report_periods(*, agency: Agency) -> list[PeriodRow]:
    """Fiscal years with counted survey responses or a saved report, newest first. The
    responses' first and last local days come from the daily rollups, not every response."""
    span = ResponseRollup.objects.filter(
        survey__agency=agency, source=RollupSource.RESPONSES
    ).aggregate(first=Min("day"), last=Max("day"))
    calendar = agency_calendar(agency=agency)
    quarters: dict[int, set[int]] = defaultdict(set)
    if span["first"] is not None:
        current = calendar.fiscal_quarter(span["first"])
        end = calendar.fiscal_quarter(span["last"])
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
        PeriodRow(
            fiscal_year=year,
            quarters=sorted(quarters[year]),
            authored=year in authored,
            start_month=calendar.fiscal_year_start_month,
        )
        for year in sorted(quarters, reverse=True)
    ]


def survey_report_for(*, agency: Agency, period: ReportPeriod) -> SurveyReport | None:
    """The saved authored sections of the period, if any (call an access_* selector first)."""
    return SurveyReport.objects.filter(
        agency=agency, fiscal_year=period.fiscal_year, quarter=period.quarter
    ).first()
