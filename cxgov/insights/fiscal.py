"""Fiscal years and quarters from any starting month.

The federal fiscal year starts in October: FY N runs 1 October N-1 to 30 September N. An
agency may start its year in another month; a fiscal year is always named for the calendar
year it ends in (a year starting in January is the calendar year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

FEDERAL_START_MONTH = 10


def _check_month(start_month: int) -> None:
    if not 1 <= start_month <= 12:
        raise ValueError(f"start month must be 1 to 12, got {start_month}")


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    year: int
    quarter: int
    # The month the fiscal year starts in; quarters compare by year and number only.
    start_month: int = field(default=FEDERAL_START_MONTH, compare=False)

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")
        _check_month(self.start_month)

    def __str__(self) -> str:
        return f"FY{self.year} Q{self.quarter}"

    @property
    def start(self) -> date:
        first, _last = fiscal_year_bounds(self.year, start_month=self.start_month)
        months = first.month - 1 + 3 * (self.quarter - 1)
        return date(first.year + months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        return self.next().start - timedelta(days=1)

    def next(self) -> FiscalQuarter:
        if self.quarter == 4:
            return FiscalQuarter(self.year + 1, 1, self.start_month)
        return FiscalQuarter(self.year, self.quarter + 1, self.start_month)

    def previous(self) -> FiscalQuarter:
        if self.quarter == 1:
            return FiscalQuarter(self.year - 1, 4, self.start_month)
        return FiscalQuarter(self.year, self.quarter - 1, self.start_month)


def fiscal_year_of(day: date, *, start_month: int = FEDERAL_START_MONTH) -> int:
    """The fiscal year a date falls in: the calendar year that fiscal year ends in."""
    _check_month(start_month)
    return day.year + (1 if start_month > 1 and day.month >= start_month else 0)


def fiscal_quarter(day: date, *, start_month: int = FEDERAL_START_MONTH) -> FiscalQuarter:
    """The fiscal quarter a date falls in."""
    year = fiscal_year_of(day, start_month=start_month)
    return FiscalQuarter(year, (day.month - start_month) % 12 // 3 + 1, start_month)


def fiscal_year_bounds(year: int, *, start_month: int = FEDERAL_START_MONTH) -> tuple[date, date]:
    """First and last day (inclusive) of a fiscal year."""
    _check_month(start_month)
    first = date(year - 1, start_month, 1) if start_month > 1 else date(year, 1, 1)
    following = date(first.year + 1, first.month, 1)
    return first, following - timedelta(days=1)
