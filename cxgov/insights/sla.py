"""Service-level clocks for complaints on the business calendar.

Pure functions (no Django). A clock starts when a complaint arrives and runs for N days,
counted either as business days (weekdays that are not federal holidays, observed days
included, nor one of the agency's dated closures) or as calendar days. Days on which the
clock was paused (the agency was waiting for the customer) do not count. A deadline is the
end of the last counted day in the agency's time zone; a calendar-day deadline that lands on
a weekend, holiday or closure moves to the next business day, as federal deadlines do.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cxgov.insights.calendars import is_federal_holiday

Pause = tuple[datetime, datetime | None]
# A clock never runs longer than this many calendar days, pauses included (a guard, not a rule).
MAX_SPAN_DAYS = 3660


NO_CLOSURES: frozenset[date] = frozenset()


def is_business_day(day: date, closures: Collection[date] = NO_CLOSURES) -> bool:
    """A weekday that is not a federal holiday (observed days count as holidays) nor a closure."""
    return day.weekday() < 5 and day not in closures and not is_federal_holiday(day)


def next_business_day(day: date, closures: Collection[date] = NO_CLOSURES) -> date:
    """`day` itself when it is a business day, else the first business day after it."""
    for _step in range(MAX_SPAN_DAYS):
        if is_business_day(day, closures):
            break
        day += timedelta(days=1)
    return day


def add_business_days(start: date, days: int, closures: Collection[date] = NO_CLOSURES) -> date:
    """The date `days` business days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, closures):
            counted += 1
    return day


def business_days_between(start: date, end: date, closures: Collection[date] = NO_CLOSURES) -> int:
    """How many business days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day, closures):
            count += 1
    return count


def _paused_dates(pauses: Sequence[Pause], zone: ZoneInfo, now: datetime) -> set[date]:
    """Local dates touched by a pause; an open pause runs until `now`."""
    dates: set[date] = set()
    for started, ended in pauses:
        end = ended if ended is not None else now
        if end < started:
            continue
        day = started.astimezone(zone).date()
        last = end.astimezone(zone).date()
        while day <= last and len(dates) < MAX_SPAN_DAYS:
            dates.add(day)
            day += timedelta(days=1)
    return dates


def due_at(
    *,
    start: datetime,
    days: int,
    business_days: bool,
    time_zone: str,
    pauses: Sequence[Pause] = (),
    now: datetime | None = None,
    closures: Collection[date] = NO_CLOSURES,
) -> datetime:
    """When a clock of `days` days that started at `start` runs out, pauses skipped.

    The day the clock starts does not count. A day counts when the clock runs through it:
    a business day for business-day clocks, any day otherwise, and never a day on which the
    clock was paused. An open pause (end None) is taken to last until `now`. `closures` are
    the agency's closed days: skipped like federal holidays.
    """
    if start.tzinfo is None:
        raise ValueError("`start` must be timezone-aware")
    if days < 0:
        raise ValueError("days must not be negative")
    zone = ZoneInfo(time_zone)
    paused = _paused_dates(pauses, zone, now or start)
    day = start.astimezone(zone).date()
    counted = 0
    for _step in range(MAX_SPAN_DAYS):
        if counted >= days:
            break
        day += timedelta(days=1)
        if day in paused:
            continue
        if business_days and not is_business_day(day, closures):
            continue
        counted += 1
    if not business_days:
        day = next_business_day(day, closures)
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def is_timely(*, done_at: datetime, deadline: datetime) -> bool:
    """Done no later than the deadline."""
    return done_at <= deadline


@dataclass(frozen=True)
class ClockState:
    """Where a running clock stands at a moment."""

    state: str  # "ok", "due_soon" or "overdue"
    business_days_left: int


def clock_state(
    *,
    now: datetime,
    deadline: datetime,
    due_soon_business_days: int,
    time_zone: str,
    closures: Collection[date] = NO_CLOSURES,
) -> ClockState:
    """Overdue after the deadline; due soon within its last N business days; else ok."""
    if now > deadline:
        return ClockState(state="overdue", business_days_left=0)
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    left = business_days_between(today, deadline.astimezone(zone).date(), closures)
    state = "due_soon" if left <= due_soon_business_days else "ok"
    return ClockState(state=state, business_days_left=left)


def days_between(start: datetime, end: datetime) -> float:
    """Elapsed calendar days, as a fraction, from start to end."""
    return (end - start).total_seconds() / 86400
