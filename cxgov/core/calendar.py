"""One calendar per agency: the agency's time zone, fiscal year start and closed days.

Every page, export, deadline and standard that asks "which day, which period, how many
business days" asks the agency's `AgencyCalendar` (built by `core.selectors.agency_calendar`),
so an instant falls in the same local day, month, quarter and fiscal year everywhere. Business
days skip weekends, US federal holidays (observed days included, `insights.calendars`) and the
agency's dated closures (`AgencyClosure`). The arithmetic itself is pure, in `insights`
(`fiscal`, `sla`, `business_time`); this module only binds it to one agency.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxgov.insights import sla
from cxgov.insights.business_time import BusinessCalendar
from cxgov.insights.fiscal import (
    FEDERAL_START_MONTH,
    FiscalQuarter,
    fiscal_quarter,
    fiscal_year_bounds,
)

# The names the `holidays` package gives US federal holidays (in English only: it has no
# Spanish for the US), in the page's language. "(observed)" is added to any of them.
FEDERAL_HOLIDAY_NAMES: dict[str, Promise] = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Martin Luther King Jr. Day": gettext_lazy("Martin Luther King Jr. Day"),
    "Washington's Birthday": gettext_lazy("Washington's Birthday"),
    "Memorial Day": gettext_lazy("Memorial Day"),
    "Juneteenth National Independence Day": gettext_lazy("Juneteenth National Independence Day"),
    "Independence Day": gettext_lazy("Independence Day"),
    "Labor Day": gettext_lazy("Labor Day"),
    "Columbus Day": gettext_lazy("Columbus Day"),
    "Veterans Day": gettext_lazy("Veterans Day"),
    "Thanksgiving Day": gettext_lazy("Thanksgiving Day"),
    "Christmas Day": gettext_lazy("Christmas Day"),
}
OBSERVED = " (observed)"


def federal_holiday_name(name: str) -> str:
    """A federal holiday's name in the active language; any other name (an agency's own
    closure) as it is."""
    base = name.removesuffix(OBSERVED)
    if base not in FEDERAL_HOLIDAY_NAMES:
        return name
    if base == name:
        return str(FEDERAL_HOLIDAY_NAMES[base])
    return _("%(holiday)s (observed)") % {"holiday": FEDERAL_HOLIDAY_NAMES[base]}


# The reporting periods a standard (or any per-period figure) may be counted in.
PERIOD_KINDS = ("month", "quarter", "fiscal_year")


@dataclass(frozen=True)
class AgencyCalendar:
    """Where and how an agency counts time. `closures` maps a closed local day to its name."""

    time_zone: str
    fiscal_year_start_month: int = FEDERAL_START_MONTH
    closures: Mapping[date, str] = field(default_factory=dict)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def closed_days(self) -> frozenset[date]:
        return frozenset(self.closures)

    def federal(self) -> AgencyCalendar:
        """The same calendar on the federal fiscal year (October): OMB's A-11 quarters and
        performance.gov's figures are federal quarters whatever the agency's own year is."""
        return replace(self, fiscal_year_start_month=FEDERAL_START_MONTH)

    # --- days -----------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        """The agency's local date of an instant."""
        if moment.tzinfo is None:
            raise ValueError("`moment` must be timezone-aware")
        return moment.astimezone(self.zone).date()

    def local_month(self, moment: datetime) -> str:
        """The agency's local month of an instant, as YYYY-MM."""
        return f"{self.local_date(moment):%Y-%m}"

    def today(self, now: datetime | None = None) -> date:
        """Today in the agency's time zone."""
        return self.local_date(now or datetime.now(self.zone))

    def day_start(self, day: date) -> datetime:
        """The instant the agency's local day begins."""
        return datetime.combine(day, time(), tzinfo=self.zone)

    def span(self, first: date, last: date) -> tuple[datetime, datetime]:
        """[start, end) instants of the local days `first` to `last` inclusive."""
        return self.day_start(first), self.day_start(last + timedelta(days=1))

    # --- fiscal periods -------------------------------------------------------------------

    def _day(self, when: date | datetime) -> date:
        return self.local_date(when) if isinstance(when, datetime) else when

    def fiscal_quarter(self, when: date | datetime) -> FiscalQuarter:
        """The fiscal quarter a local day, or an instant, falls in."""
        return fiscal_quarter(self._day(when), start_month=self.fiscal_year_start_month)

    def fiscal_year(self, when: date | datetime) -> int:
        """The fiscal year a local day, or an instant, falls in."""
        return self.fiscal_quarter(when).year

    def quarter(self, year: int, number: int) -> FiscalQuarter:
        """Quarter `number` of fiscal year `year` on this calendar."""
        return FiscalQuarter(year, number, self.fiscal_year_start_month)

    def fiscal_year_bounds(self, year: int) -> tuple[date, date]:
        """First and last local day (inclusive) of a fiscal year."""
        return fiscal_year_bounds(year, start_month=self.fiscal_year_start_month)

    def period_bounds(self, kind: str, when: date | datetime) -> tuple[date, date, str]:
        """The reporting period of `kind` holding a day: first day, last day and label."""
        day = self._day(when)
        if kind == "month":
            start = day.replace(day=1)
            following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            return start, following - timedelta(days=1), f"{day:%Y-%m}"
        if kind == "quarter":
            quarter = self.fiscal_quarter(day)
            return quarter.start, quarter.end, str(quarter)
        if kind == "fiscal_year":
            year = self.fiscal_year(day)
            first, last = self.fiscal_year_bounds(year)
            return first, last, f"FY{year}"
        raise ValueError(f"Unknown reporting period: {kind}")

    # --- business days --------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """A weekday that is neither a federal holiday (observed days included) nor a closure."""
        return sla.is_business_day(day, self.closed_days)

    def next_business_day(self, day: date) -> date:
        return sla.next_business_day(day, self.closed_days)

    def add_business_days(self, start: date, days: int) -> date:
        return sla.add_business_days(start, days, self.closed_days)

    def business_days_between(self, start: date, end: date) -> int:
        return sla.business_days_between(start, end, self.closed_days)

    def due_at(
        self,
        *,
        start: datetime,
        days: int,
        business_days: bool,
        pauses: Sequence[sla.Pause] = (),
        now: datetime | None = None,
    ) -> datetime:
        """When a clock of `days` days from `start` runs out on this calendar (`sla.due_at`)."""
        return sla.due_at(
            start=start,
            days=days,
            business_days=business_days,
            time_zone=self.time_zone,
            pauses=pauses,
            now=now,
            closures=self.closed_days,
        )

    def clock_state(
        self, *, now: datetime, deadline: datetime, due_soon_business_days: int
    ) -> sla.ClockState:
        return sla.clock_state(
            now=now,
            deadline=deadline,
            due_soon_business_days=due_soon_business_days,
            time_zone=self.time_zone,
            closures=self.closed_days,
        )

    def business_calendar(
        self,
        *,
        business_days: bool,
        closures: Collection[date] = (),
        opens: time | None = None,
        closes: time | None = None,
    ) -> BusinessCalendar:
        """The vectorized engine's calendar in the agency's zone, its closures and `closures`."""
        return BusinessCalendar(
            time_zone=self.time_zone,
            business_days=business_days,
            closures=self.closed_days | frozenset(closures),
            opens=opens,
            closes=closes,
        )
