"""SLA clock arithmetic: business days, federal holidays, pauses and weekend roll-over."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cxgov.insights.sla import (
    add_business_days,
    clock_state,
    due_at,
    is_business_day,
    is_timely,
)

EASTERN = "America/New_York"
ET = ZoneInfo(EASTERN)


def _at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ET)


def test_thanksgiving_and_weekends_are_not_business_days():
    assert not is_business_day(date(2026, 11, 26))
    assert not is_business_day(date(2026, 11, 28))
    assert is_business_day(date(2026, 11, 27))


def test_business_day_deadline_skips_thanksgiving():
    assert add_business_days(date(2026, 11, 24), 2) == date(2026, 11, 27)
    deadline = due_at(start=_at(11, 24), days=2, business_days=True, time_zone=EASTERN)
    assert deadline == datetime(2026, 11, 27, 23, 59, 59, tzinfo=ET)


def test_calendar_day_deadline_on_christmas_moves_to_next_business_day():
    deadline = due_at(start=_at(12, 10), days=15, business_days=False, time_zone=EASTERN)
    assert deadline.date() == date(2026, 12, 28)


def test_paused_days_do_not_count():
    unpaused = due_at(start=_at(11, 24), days=15, business_days=False, time_zone=EASTERN)
    assert unpaused.date() == date(2026, 12, 9)
    paused = due_at(
        start=_at(11, 24),
        days=15,
        business_days=False,
        time_zone=EASTERN,
        pauses=[(_at(11, 30), _at(12, 2))],
    )
    # Three paused days push the 15th day to Saturday 12 December, then to Monday.
    assert paused.date() == date(2026, 12, 14)


def test_open_pause_extends_until_now():
    deadline = due_at(
        start=_at(11, 24),
        days=2,
        business_days=True,
        time_zone=EASTERN,
        pauses=[(_at(11, 25), None)],
        now=_at(12, 1),
    )
    # Paused from 25 Nov through 1 Dec; the next business days are 2 and 3 December.
    assert deadline.date() == date(2026, 12, 3)


def test_timely_means_no_later_than_the_deadline():
    deadline = due_at(start=_at(11, 24), days=1, business_days=True, time_zone=EASTERN)
    assert is_timely(done_at=datetime(2026, 11, 25, 23, 59, tzinfo=ET), deadline=deadline)
    assert not is_timely(done_at=_at(11, 27, 0), deadline=deadline)


def test_clock_state_due_soon_and_overdue():
    deadline = due_at(start=_at(11, 2), days=15, business_days=False, time_zone=EASTERN)
    assert deadline.date() == date(2026, 11, 17)
    kwargs = {"deadline": deadline, "due_soon_business_days": 2, "time_zone": EASTERN}
    assert clock_state(now=_at(11, 5), **kwargs).state == "ok"
    assert clock_state(now=_at(11, 16), **kwargs).state == "due_soon"
    assert clock_state(now=_at(11, 18), **kwargs).state == "overdue"
