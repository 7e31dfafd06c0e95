"""Business calendars: US federal holidays and whether a place is open at a moment.

Pure functions (no Django): times are timezone-aware datetimes or local dates and times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Interval = tuple[time, time]
# How far ahead to look for the next opening before saying "no opening soon".
LOOKAHEAD_DAYS = 14


@lru_cache(maxsize=64)
def _federal_holidays_for_year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("US", years=[year], observed=True).items())


def federal_holidays(years: Iterable[int]) -> dict[date, str]:
    """US federal holidays, observed dates included, for the given years."""
    result: dict[date, str] = {}
    for year in years:
        result.update(_federal_holidays_for_year(year))
    return result


def is_federal_holiday(day: date) -> bool:
    """True on a federal holiday or the weekday it is observed on."""
    # Observed dates can fall in the neighbouring year (1 January on a Saturday).
    return day in federal_holidays((day.year - 1, day.year, day.year + 1))


@dataclass(frozen=True)
class OpenStatus:
    """Whether a channel is open at a moment, and when that changes."""

    is_open: bool
    always_open: bool = False
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    closed_today_reason: str = ""


def spans_midnight(opens: time, closes: time) -> bool:
    """True for an overnight interval such as 22:00-06:00, which closes the next day."""
    return closes < opens


def _is_closed_on(
    day: date, closed_dates: Mapping[date, str], closed_on_federal_holidays: bool
) -> str:
    if day in closed_dates:
        return closed_dates[day] or "closure"
    if closed_on_federal_holidays and is_federal_holiday(day):
        holiday_names = federal_holidays((day.year - 1, day.year, day.year + 1))
        return holiday_names[day]
    return ""


def open_status(
    *,
    at: datetime,
    time_zone: str,
    weekly_hours: Mapping[int, Sequence[Interval]],
    closed_dates: Mapping[date, str] | None = None,
    closed_on_federal_holidays: bool = True,
    always_open: bool = False,
) -> OpenStatus:
    """Is the place open at `at`, judged in its own time zone, and when does that change?

    `weekly_hours` maps weekday (Monday 0) to opening intervals in local time.
    `closed_dates` maps local dates to the reason for closing.
    """
    if always_open:
        return OpenStatus(is_open=True, always_open=True)
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    zone = ZoneInfo(time_zone)
    local = at.astimezone(zone)
    closures = closed_dates or {}
    today, now = local.date(), local.time()
    yesterday = today - timedelta(days=1)
    # An overnight shift (closes before it opens) belongs to the day it starts on.
    if not _is_closed_on(yesterday, closures, closed_on_federal_holidays):
        for opens, closes in weekly_hours.get(yesterday.weekday(), ()):
            if spans_midnight(opens, closes) and now < closes:
                return OpenStatus(
                    is_open=True, closes_at=datetime.combine(today, closes, tzinfo=zone)
                )
    today_reason = _is_closed_on(today, closures, closed_on_federal_holidays)
    if not today_reason:
        for opens, closes in sorted(weekly_hours.get(local.weekday(), ())):
            if spans_midnight(opens, closes) and opens <= now:
                closing_day = today + timedelta(days=1)
                return OpenStatus(
                    is_open=True, closes_at=datetime.combine(closing_day, closes, tzinfo=zone)
                )
            if opens <= now < closes:
                return OpenStatus(
                    is_open=True,
                    closes_at=datetime.combine(today, closes, tzinfo=zone),
                )
    return OpenStatus(
        is_open=False,
        opens_at=_next_opening(local, zone, weekly_hours, closures, closed_on_federal_holidays),
        closed_today_reason=today_reason,
    )


def _next_opening(
    local: datetime,
    zone: ZoneInfo,
    weekly_hours: Mapping[int, Sequence[Interval]],
    closures: Mapping[date, str],
    closed_on_federal_holidays: bool,
) -> datetime | None:
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if _is_closed_on(day, closures, closed_on_federal_holidays):
            continue
        for opens, _closes in sorted(weekly_hours.get(day.weekday(), ())):
            candidate = datetime.combine(day, opens, tzinfo=zone)
            if candidate > local:
                return candidate
    return None
