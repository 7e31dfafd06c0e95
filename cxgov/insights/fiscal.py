"""US federal fiscal years and quarters: FY N runs 1 October N-1 to 30 September N."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, got {self.quarter}")

    def __str__(self) -> str:
        return f"FY{self.year} Q{self.quarter}"

    @property
    def start(self) -> date:
        month = (10 + 3 * (self.quarter - 1) - 1) % 12 + 1
        year = self.year - 1 if self.quarter == 1 else self.year
        return date(year, month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        return self.next().start - timedelta(days=1)

    def next(self) -> FiscalQuarter:
        if self.quarter == 4:
            return FiscalQuarter(self.year + 1, 1)
        return FiscalQuarter(self.year, self.quarter + 1)

    def previous(self) -> FiscalQuarter:
        if self.quarter == 1:
            return FiscalQuarter(self.year - 1, 4)
        return FiscalQuarter(self.year, self.quarter - 1)


def fiscal_quarter(day: date) -> FiscalQuarter:
    """The fiscal quarter a date falls in."""
    if day.month >= 10:
        return FiscalQuarter(day.year + 1, 1)
    return FiscalQuarter(day.year, (day.month - 1) // 3 + 2)


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last day (inclusive) of a fiscal year."""
    return date(year - 1, 10, 1), date(year, 9, 30)
