"""Elapsed business time: the vectorized engine against a slow, obviously-correct reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.business_time import (
    HISTOGRAM_SIZE,
    BusinessCalendar,
    Pauses,
    elapsed_in_unit,
    elapsed_seconds,
    histogram_buckets,
    local_days,
)
from cxgov.insights.calendars import is_federal_holiday

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "UTC",
]


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for low, high in sorted(intervals):
        if high <= low:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def reference_elapsed(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: list[tuple[datetime, datetime]],
) -> float:
    """Walk the local days one by one, list when the office is open, and measure in real time."""
    span = (_ts(start), _ts(end))
    if not calendar.business_days:
        open_intervals = [span]
    else:
        zone = ZoneInfo(calendar.time_zone)
        open_intervals = []
        day = start.astimezone(zone).date() - timedelta(days=1)
        while day <= end.astimezone(zone).date():
            closed = (
                day.weekday() >= 5
                or day in calendar.closures
                or (calendar.federal_holidays and is_federal_holiday(day))
            )
            if not closed:
                opens = datetime.combine(day, calendar.opens or time(0), tzinfo=zone)
                if calendar.closes is not None:
                    closes = datetime.combine(day, calendar.closes, tzinfo=zone)
                else:
                    closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
                open_intervals.append((_ts(opens), _ts(closes)))
            day += timedelta(days=1)
    merged_pauses = _merge([(_ts(low), _ts(high)) for low, high in pauses])
    total = 0.0
    for interval in open_intervals:
        running = _overlap(interval, span)
        for pause in merged_pauses:
            clipped = (max(interval[0], span[0]), min(interval[1], span[1]))
            if clipped[1] > clipped[0]:
                running -= _overlap(clipped, pause)
        total += running
    return max(total, 0.0)


def _engine(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: list[tuple[datetime, datetime]],
) -> float:
    result = elapsed_seconds(
        calendar,
        np.array([_ts(start)]),
        np.array([_ts(end)]),
        Pauses(
            event=np.zeros(len(pauses), dtype=np.int64),
            starts=np.array([_ts(low) for low, _ in pauses]),
            ends=np.array([_ts(high) for _, high in pauses]),
        ),
    )
    return float(result[0])


BUSINESS = BusinessCalendar(time_zone="America/New_York", business_days=True)
NINE_TO_FIVE = BusinessCalendar(
    time_zone="America/New_York", business_days=True, opens=time(9), closes=time(17)
)
EASTERN = ZoneInfo("America/New_York")


def test_weekend_is_not_counted_in_business_hours() -> None:
    start = datetime(2026, 3, 6, 16, 0, tzinfo=EASTERN)  # Friday
    end = datetime(2026, 3, 9, 10, 0, tzinfo=EASTERN)  # Monday
    assert _engine(NINE_TO_FIVE, start, end, []) == 2 * 3600


def test_observed_independence_day_is_skipped() -> None:
    # 4 July 2026 is a Saturday, so the holiday is observed on Friday 3 July.
    start = datetime(2026, 7, 2, 12, 0, tzinfo=EASTERN)
    end = datetime(2026, 7, 6, 12, 0, tzinfo=EASTERN)
    days = elapsed_in_unit(BUSINESS, "business_days", np.array([_ts(start)]), np.array([_ts(end)]))
    assert days[0] == pytest.approx(1.0)


def test_agency_closure_is_skipped() -> None:
    calendar = BusinessCalendar(
        time_zone="America/New_York", business_days=True, closures=frozenset({date(2026, 3, 10)})
    )
    start = datetime(2026, 3, 9, 0, 0, tzinfo=EASTERN)
    end = datetime(2026, 3, 12, 0, 0, tzinfo=EASTERN)
    assert _engine(calendar, start, end, []) == 2 * 86400


def test_overlapping_pauses_count_once() -> None:
    start = datetime(2026, 3, 9, 9, 0, tzinfo=EASTERN)
    end = datetime(2026, 3, 9, 17, 0, tzinfo=EASTERN)
    pauses = [
        (datetime(2026, 3, 9, 10, 0, tzinfo=EASTERN), datetime(2026, 3, 9, 12, 0, tzinfo=EASTERN)),
        (datetime(2026, 3, 9, 11, 0, tzinfo=EASTERN), datetime(2026, 3, 9, 13, 0, tzinfo=EASTERN)),
    ]
    assert _engine(NINE_TO_FIVE, start, end, pauses) == 5 * 3600


def test_round_the_clock_counts_real_time_across_daylight_saving() -> None:
    calendar = BusinessCalendar(time_zone="America/New_York")
    start = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT
    end = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # 01:00 EST, two real hours later
    assert _engine(calendar, start, end, []) == 2 * 3600


def test_missing_end_gives_no_elapsed_time() -> None:
    result = elapsed_seconds(BUSINESS, np.array([1.7e9]), np.array([np.nan]))
    assert np.isnan(result[0])


def test_local_day_follows_the_time_zone() -> None:
    moment = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # still 9 March in New York
    day = local_days(np.array([_ts(moment)]), "America/New_York")[0]
    assert np.datetime64(int(day), "D") == np.datetime64("2026-03-09")


def test_histogram_puts_long_times_in_the_overflow_bucket() -> None:
    buckets = histogram_buckets(np.array([0.0, 0.99, 1.0, 50.0]), 1.0)
    assert buckets.tolist() == [0, 19, 20, HISTOGRAM_SIZE - 1]


instants = st.integers(
    min_value=int(datetime(2023, 1, 1, tzinfo=UTC).timestamp()),
    max_value=int(datetime(2027, 1, 1, tzinfo=UTC).timestamp()),
)
hours = st.sampled_from(
    [None, (time(9), time(17)), (time(8, 30), time(16, 45)), (time(0), time(12))]
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[BusinessCalendar, datetime, datetime, list]:
    zone = draw(st.sampled_from(ZONES))
    business = draw(st.booleans())
    chosen_hours = draw(hours) if business else None
    start_ts = draw(instants)
    length = draw(st.integers(min_value=0, max_value=45 * 86400))
    start = datetime.fromtimestamp(start_ts, UTC)
    end = datetime.fromtimestamp(start_ts + length, UTC)
    local_start = start.astimezone(ZoneInfo(zone)).date()
    closures = draw(
        st.frozensets(
            st.integers(min_value=0, max_value=45).map(lambda n: local_start + timedelta(days=n)),
            max_size=4,
        )
    )
    calendar = BusinessCalendar(
        time_zone=zone,
        business_days=business,
        federal_holidays=draw(st.booleans()),
        closures=closures,
        opens=chosen_hours[0] if chosen_hours else None,
        closes=chosen_hours[1] if chosen_hours else None,
    )
    pauses = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        low = draw(st.integers(min_value=-2 * 86400, max_value=length + 86400))
        size = draw(st.integers(min_value=0, max_value=10 * 86400))
        pauses.append(
            (
                datetime.fromtimestamp(start_ts + low, UTC),
                datetime.fromtimestamp(start_ts + low + size, UTC),
            )
        )
    return calendar, start, end, pauses


@settings(max_examples=50, deadline=None)
@given(cases())
def test_engine_matches_reference(case: tuple) -> None:
    calendar, start, end, pauses = case
    assert _engine(calendar, start, end, pauses) == pytest.approx(
        reference_elapsed(calendar, start, end, pauses), abs=1e-6
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=6))
def test_batch_matches_one_by_one(batch: list) -> None:
    # Events of one batch share a calendar; pauses must stay with their own event.
    calendar = batch[0][0]
    starts = np.array([_ts(start) for _, start, _, _ in batch])
    ends = np.array([_ts(end) for _, _, end, _ in batch])
    owners, lows, highs = [], [], []
    for index, (_, _, _, pauses) in enumerate(batch):
        for low, high in pauses:
            owners.append(index)
            lows.append(_ts(low))
            highs.append(_ts(high))
    pauses = Pauses(
        event=np.array(owners, dtype=np.int64), starts=np.array(lows), ends=np.array(highs)
    )
    result = elapsed_seconds(calendar, starts, ends, pauses)
    expected = [reference_elapsed(calendar, s, e, p) for _, s, e, p in batch]
    assert result.tolist() == pytest.approx(expected, abs=1e-6)
