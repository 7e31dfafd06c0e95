"""Elapsed time on a business calendar, vectorized with numpy.

Pure functions (no Django). Instants are UTC epoch seconds in float64 arrays (NaN = missing).

A calendar is either continuous (24x7: every real second counts) or a business calendar in the
agency's time zone: Monday to Friday, minus US federal holidays (observed dates included) and the
agency's closure dates, optionally only between opening and closing time each open day.

The engine maps every instant t to F(t), the open seconds between a fixed origin and t; elapsed
time is then F(end) - F(start) minus the open time covered by the union of the pause intervals.
Business calendars count local wall-clock time; US daylight-saving changes fall at 02:00 on a
Sunday, which a business calendar never counts, so wall-clock and real time agree there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from cxgov.insights.calendars import federal_holidays

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DAY = 86400
# 1970-01-01 was a Thursday (Monday is 0).
_EPOCH_WEEKDAY = 3
# How often offsets are sampled to find time-zone changes; real changes are months apart.
_SAMPLE_STEP = 6 * 3600
# Instants outside these years are refused: they are data errors, and would make calendars huge.
FIRST_YEAR = 1970
LAST_YEAR = 2199
MIN_INSTANT = float(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
MAX_INSTANT = float(datetime(LAST_YEAR, 12, 31, tzinfo=UTC).timestamp())

UNITS = ("seconds", "minutes", "hours", "calendar_days", "business_days")


@dataclass(frozen=True)
class BusinessCalendar:
    """When the clock runs. `business_days=False` means 24x7 (every real second counts)."""

    time_zone: str = "UTC"
    business_days: bool = False
    federal_holidays: bool = True
    closures: frozenset[date] = field(default_factory=frozenset)
    opens: time | None = None
    closes: time | None = None

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)
        if (self.opens is None) != (self.closes is None):
            raise ValueError("Business hours need both an opening and a closing time.")
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValueError("Business hours must close after they open.")

    @property
    def day_seconds(self) -> int:
        """Open seconds in one open day: the business hours, or the whole day."""
        if self.opens is None or self.closes is None:
            return DAY
        return _seconds_of(self.closes) - _seconds_of(self.opens)

    @property
    def opens_seconds(self) -> int:
        return 0 if self.opens is None else _seconds_of(self.opens)


def _seconds_of(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@lru_cache(maxsize=128)
def _transitions(time_zone: str, first_year: int, last_year: int) -> tuple[FloatArray, FloatArray]:
    """UTC instants where the zone's offset changes, and the offset from each one on."""
    zone = ZoneInfo(time_zone)

    def offset(instant: int) -> int:
        moment = datetime.fromtimestamp(instant, UTC).astimezone(zone)
        delta = moment.utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp()) - 2 * DAY
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp()) + 2 * DAY
    instants = [float(start)]
    offsets = [float(offset(start))]
    current = start
    while current < end:
        following = current + _SAMPLE_STEP
        if offset(following) != offsets[-1]:
            low, high = current, following
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == offsets[-1]:
                    low = middle
                else:
                    high = middle
            instants.append(float(high))
            offsets.append(float(offset(high)))
        current = following
    return np.asarray(instants), np.asarray(offsets)


def utc_offsets(instants: FloatArray, time_zone: str) -> FloatArray:
    """The zone's UTC offset in seconds at each instant (NaN stays NaN)."""
    instants = np.asarray(instants, dtype=np.float64)
    finite = instants[np.isfinite(instants)]
    if finite.size == 0:
        return np.full(instants.shape, np.nan)
    _check_range(finite)
    first = datetime.fromtimestamp(float(finite.min()), UTC).year
    last = datetime.fromtimestamp(float(finite.max()), UTC).year
    moments, offsets = _transitions(time_zone, first, last)
    index = np.clip(np.searchsorted(moments, np.nan_to_num(instants), side="right") - 1, 0, None)
    result = offsets[index]
    result[~np.isfinite(instants)] = np.nan
    return result


def _check_range(finite: FloatArray) -> None:
    if finite.size and (finite.min() < MIN_INSTANT or finite.max() > MAX_INSTANT):
        raise ValueError(f"Times must fall between {FIRST_YEAR} and {LAST_YEAR}.")


def open_days(calendar: BusinessCalendar, first_day: int, last_day: int) -> npt.NDArray[np.bool_]:
    """Whether each local day in [first_day, last_day] (days since 1970-01-01) is open."""
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    is_open = (days + _EPOCH_WEEKDAY) % 7 < 5
    closed = _closed_day_numbers(calendar, first_day, last_day)
    if closed.size:
        is_open &= ~np.isin(days, closed)
    return is_open


def _closed_day_numbers(calendar: BusinessCalendar, first_day: int, last_day: int) -> IntArray:
    closed: list[date] = list(calendar.closures)
    if calendar.federal_holidays:
        first_year = np.datetime64(first_day, "D").astype(object).year
        last_year = np.datetime64(last_day, "D").astype(object).year
        closed.extend(federal_holidays(range(first_year - 1, last_year + 2)))
    if not closed:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(closed, dtype="datetime64[D]").astype(np.int64)


def open_seconds(calendar: BusinessCalendar, instants: FloatArray) -> FloatArray:
    """F(t): open seconds from a fixed origin to each instant; differences are elapsed time."""
    instants = np.asarray(instants, dtype=np.float64)
    if not calendar.business_days:
        _check_range(instants[np.isfinite(instants)])
        return instants.copy()
    result = np.full(instants.shape, np.nan)
    finite = np.isfinite(instants)
    if not finite.any():
        return result
    local = instants[finite] + utc_offsets(instants[finite], calendar.time_zone)
    day = np.floor(local / DAY).astype(np.int64)
    second_of_day = local - day * DAY
    first_day = int(day.min()) - 1
    last_day = int(day.max()) + 1
    is_open = open_days(calendar, first_day, last_day)
    day_length = calendar.day_seconds
    before = np.concatenate(([0.0], np.cumsum(is_open * float(day_length))))
    index = day - first_day
    within = np.clip(second_of_day - calendar.opens_seconds, 0.0, float(day_length))
    result[finite] = before[index] + is_open[index] * within
    return result


@dataclass(frozen=True)
class Pauses:
    """Pause intervals as flat arrays: pause i belongs to event `event[i]` and runs from
    `starts[i]` to `ends[i]`. Pauses may overlap each other and stick out of their event."""

    event: IntArray
    starts: FloatArray
    ends: FloatArray


def elapsed_seconds(
    calendar: BusinessCalendar,
    starts: FloatArray,
    ends: FloatArray,
    pauses: Pauses | None = None,
) -> FloatArray:
    """Open, unpaused seconds from each start to its end; NaN where the end is missing.

    Only the open time of the union of an event's `pauses` inside the event is taken off.
    """
    starts = np.asarray(starts, dtype=np.float64)
    ends = np.asarray(ends, dtype=np.float64)
    both = np.concatenate((starts, ends))
    mapped = open_seconds(calendar, both)
    f_start, f_end = mapped[: starts.size], mapped[starts.size :]
    result = np.maximum(f_end - f_start, 0.0)
    if pauses is not None:
        result = result - _paused(calendar, starts, ends, pauses)
    return result


def _paused(
    calendar: BusinessCalendar, starts: FloatArray, ends: FloatArray, pauses: Pauses
) -> FloatArray:
    """Open time covered by each event's pauses (union, clipped to the event)."""
    total = np.zeros(starts.size)
    event = np.asarray(pauses.event)
    if event.size == 0:
        return total
    low = np.maximum(np.asarray(pauses.starts, dtype=np.float64), starts[event])
    high = np.minimum(np.asarray(pauses.ends, dtype=np.float64), ends[event])
    keep = np.isfinite(low) & np.isfinite(high) & (high > low)
    event, low, high = event[keep], low[keep], high[keep]
    if event.size == 0:
        return total
    mapped = open_seconds(calendar, np.concatenate((low, high)))
    f_low, f_high = mapped[: low.size], mapped[low.size :]
    order = np.lexsort((f_low, event))
    event, f_low, f_high = event[order], f_low[order], f_high[order]
    # Union length of sorted intervals: each adds what lies beyond the furthest end so far
    # within its own event. The running maximum is taken rank by rank, vectorized over events.
    first_of_group = np.r_[True, event[1:] != event[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of_group, np.arange(event.size), 0))
    rank = np.arange(event.size) - group_start
    running = f_high.copy()
    previous = np.full(event.size, -np.inf)
    by_rank = np.argsort(rank, kind="stable")
    boundaries = np.searchsorted(rank[by_rank], np.arange(1, rank.max() + 1))
    for positions in np.split(by_rank, boundaries)[1:]:
        previous[positions] = running[positions - 1]
        running[positions] = np.maximum(running[positions - 1], f_high[positions])
    covered = np.maximum(f_high - np.maximum(f_low, previous), 0.0)
    total += np.bincount(event, weights=covered, minlength=starts.size)
    return total


def seconds_per_unit(calendar: BusinessCalendar, unit: str) -> float:
    """How many counted seconds make one unit of the standard's threshold."""
    if unit == "seconds":
        return 1.0
    if unit == "minutes":
        return 60.0
    if unit == "hours":
        return 3600.0
    if unit == "calendar_days":
        return float(DAY)
    if unit == "business_days":
        return float(calendar.day_seconds)
    raise ValueError(f"Unknown unit: {unit}")


def elapsed_in_unit(
    calendar: BusinessCalendar,
    unit: str,
    starts: FloatArray,
    ends: FloatArray,
    pause_event: IntArray | None = None,
    pause_starts: FloatArray | None = None,
    pause_ends: FloatArray | None = None,
) -> FloatArray:
    """Elapsed time in the standard's unit (see `elapsed_seconds`), less the pauses given as
    the three arrays of `Pauses`."""
    pauses = None
    if pause_event is not None and pause_starts is not None and pause_ends is not None:
        pauses = Pauses(event=pause_event, starts=pause_starts, ends=pause_ends)
    return elapsed_seconds(calendar, starts, ends, pauses) / seconds_per_unit(calendar, unit)


def local_days(instants: FloatArray, time_zone: str) -> IntArray:
    """The local date of each instant as days since 1970-01-01 (-1 where missing)."""
    instants = np.asarray(instants, dtype=np.float64)
    local = instants + utc_offsets(instants, time_zone)
    result = np.full(instants.shape, -1, dtype=np.int64)
    finite = np.isfinite(local)
    result[finite] = np.floor(local[finite] / DAY).astype(np.int64)
    return result


# --- fixed-bucket histograms of elapsed time ------------------------------------------------

# Buckets are 1/20 of the threshold wide up to three times the threshold, then one overflow
# bucket: the same edges for every day of a standard, so days add up by plain summing.
BUCKETS_PER_THRESHOLD = 20
HISTOGRAM_SPAN = 3
HISTOGRAM_SIZE = BUCKETS_PER_THRESHOLD * HISTOGRAM_SPAN + 1


def histogram_buckets(elapsed: FloatArray, threshold: float) -> IntArray:
    """The bucket of each elapsed time (in units of the threshold's unit)."""
    if threshold <= 0:
        raise ValueError("The threshold must be positive.")
    scaled = np.floor(np.asarray(elapsed, dtype=np.float64) / threshold * BUCKETS_PER_THRESHOLD)
    return np.clip(np.nan_to_num(scaled, nan=0.0), 0, HISTOGRAM_SIZE - 1).astype(np.int64)
