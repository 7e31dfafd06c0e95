"""Open-now judgements across weekends, federal holidays (observed days too) and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.calendars import is_federal_holiday, open_status

EASTERN = "America/New_York"
WEEKDAYS_9_TO_5 = {day: [(time(9), time(17))] for day in range(5)}


def _at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: str = EASTERN):
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def test_open_on_a_weekday_during_hours():
    status = open_status(at=_at(2026, 11, 24, 10), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    assert status.is_open
    assert status.closes_at == _at(2026, 11, 24, 17)


def test_closed_on_saturday_opens_monday_morning():
    status = open_status(at=_at(2026, 11, 28, 10), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    assert not status.is_open
    assert status.opens_at == _at(2026, 11, 30, 9)


def test_closed_on_thanksgiving_and_reopens_next_day():
    status = open_status(at=_at(2026, 11, 26, 10), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    assert not status.is_open
    assert status.closed_today_reason == "Thanksgiving Day"
    assert status.opens_at == _at(2026, 11, 27, 9)


def test_friday_before_saturday_independence_day_is_the_observed_holiday():
    # 4 July 2026 is a Saturday, so offices close on Friday 3 July.
    status = open_status(at=_at(2026, 7, 3, 10), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    assert not status.is_open
    assert "Independence Day" in status.closed_today_reason
    assert status.opens_at == _at(2026, 7, 6, 9)


def test_new_years_day_observed_in_the_previous_year():
    # 1 January 2028 is a Saturday: observed on Friday 31 December 2027.
    assert is_federal_holiday(date(2027, 12, 31))


def test_a_long_weekend_skips_saturday_sunday_and_the_monday_holiday():
    # Friday evening before Labor Day 2026 (Monday 7 September).
    status = open_status(at=_at(2026, 9, 4, 18), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    assert status.opens_at == _at(2026, 9, 8, 9)


def test_channel_open_on_holidays_stays_open():
    status = open_status(
        at=_at(2026, 11, 26, 10),
        time_zone=EASTERN,
        weekly_hours=WEEKDAYS_9_TO_5,
        closed_on_federal_holidays=False,
    )
    assert status.is_open


def test_named_closure_closes_the_day():
    status = open_status(
        at=_at(2026, 12, 24, 10),
        time_zone=EASTERN,
        weekly_hours=WEEKDAYS_9_TO_5,
        closed_dates={date(2026, 12, 24): "Office closure"},
    )
    assert not status.is_open
    assert status.closed_today_reason == "Office closure"
    assert status.opens_at == _at(2026, 12, 28, 9)  # 25 Dec holiday, then the weekend


def test_time_zone_decides_the_local_day_and_hour():
    # 15:30 UTC is 08:30 in Denver: not yet open; 16:30 UTC is 09:30: open.
    assert not open_status(
        at=datetime(2026, 11, 24, 15, 30, tzinfo=UTC),
        time_zone="America/Denver",
        weekly_hours=WEEKDAYS_9_TO_5,
    ).is_open
    assert open_status(
        at=datetime(2026, 11, 24, 16, 30, tzinfo=UTC),
        time_zone="America/Denver",
        weekly_hours=WEEKDAYS_9_TO_5,
    ).is_open


def test_closing_time_is_exclusive():
    assert not open_status(
        at=_at(2026, 11, 24, 17), time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5
    ).is_open


def test_always_open_ignores_hours_and_holidays():
    status = open_status(
        at=_at(2026, 11, 26, 3), time_zone=EASTERN, weekly_hours={}, always_open=True
    )
    assert status.is_open and status.always_open


def test_no_hours_means_no_next_opening():
    status = open_status(at=_at(2026, 11, 24, 10), time_zone=EASTERN, weekly_hours={})
    assert not status.is_open and status.opens_at is None


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        open_status(at=datetime(2026, 11, 24, 10), time_zone=EASTERN, weekly_hours={})


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    )
)
def test_open_now_agrees_with_a_slow_reference(moment):
    """Checked against a plain minute-by-minute reading of the same rules."""
    status = open_status(at=moment, time_zone=EASTERN, weekly_hours=WEEKDAYS_9_TO_5)
    local = moment.astimezone(ZoneInfo(EASTERN))
    expected = (
        local.weekday() < 5
        and not is_federal_holiday(local.date())
        and time(9) <= local.time() < time(17)
    )
    assert status.is_open == expected
    if not status.is_open:
        assert status.opens_at is not None and status.opens_at > moment
        opening = status.opens_at.astimezone(ZoneInfo(EASTERN))
        assert opening.time() == time(9)
        assert opening.weekday() < 5 and not is_federal_holiday(opening.date())


NIGHT_SHIFT = {day: [(time(22), time(6))] for day in range(5)}


def test_overnight_shift_is_open_late_and_closes_next_morning():
    # Tuesday 23:00: the Tuesday shift runs until Wednesday 06:00.
    status = open_status(at=_at(2026, 11, 24, 23), time_zone=EASTERN, weekly_hours=NIGHT_SHIFT)
    assert status.is_open
    assert status.closes_at is not None and status.closes_at.day == 25
    assert status.closes_at.hour == 6


def test_overnight_shift_is_open_after_midnight_from_the_day_before():
    # Saturday 03:00 is still Friday night's shift; Saturday 07:00 is closed until Monday 22:00.
    assert open_status(at=_at(2026, 11, 28, 3), time_zone=EASTERN, weekly_hours=NIGHT_SHIFT).is_open
    later = open_status(at=_at(2026, 11, 28, 7), time_zone=EASTERN, weekly_hours=NIGHT_SHIFT)
    assert not later.is_open
    assert later.opens_at is not None and (later.opens_at.day, later.opens_at.hour) == (30, 22)


def test_overnight_shift_of_a_holiday_does_not_run_into_the_next_morning():
    # Thanksgiving (Thursday 26 November) is closed, so Friday 03:00 is closed too.
    status = open_status(at=_at(2026, 11, 27, 3), time_zone=EASTERN, weekly_hours=NIGHT_SHIFT)
    assert not status.is_open
