"""The column-wise event computation equals a plain per-row walk over each event's days.

Events are generated around the cases a calendar gets wrong: local midnight, both daylight
saving changes, weekends, federal holidays and an agency closure, business hours, missing end
times, due times and ids repeated further down the file. Typed timestamp columns (as Parquet
carries them) and local ISO text are both checked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency
from cxgov.insights.business_time import BusinessCalendar
from cxgov.insights.calendars import is_federal_holiday
from cxgov.standards.ingest import day_counts, events_parse
from cxgov.standards.models import Standard

ZONE = "America/New_York"
CLOSURE = date(2024, 3, 11)
THRESHOLD = 2.0
# Local midnights and the minutes around both 2024 clock changes, a holiday and the closure.
_EDGES = [
    datetime(2024, 3, 8, 0, 0),
    datetime(2024, 3, 9, 23, 59, 59),
    datetime(2024, 3, 10, 1, 30),
    datetime(2024, 3, 10, 3, 0),
    datetime(2024, 3, 11, 0, 0),
    datetime(2024, 7, 3, 23, 0),
    datetime(2024, 7, 4, 12, 0),
    datetime(2024, 11, 1, 17, 0),
    datetime(2024, 11, 3, 0, 59, 59),
    datetime(2024, 11, 3, 1, 30),
    datetime(2024, 11, 4, 0, 0),
    datetime(2024, 12, 24, 9, 0),
]


def _standard(*, hours: bool) -> tuple[Standard, BusinessCalendar]:
    agency = Agency(name="Reference", slug="reference", time_zone=ZONE)
    standard = Standard(
        agency=agency,
        threshold=THRESHOLD,
        threshold_unit="business_days",
        calendar="business_days",
    )
    calendar = BusinessCalendar(
        time_zone=ZONE,
        business_days=True,
        closures=frozenset({CLOSURE}),
        opens=time(9) if hours else None,
        closes=time(17) if hours else None,
    )
    return standard, calendar


def _wall(instant: float) -> datetime:
    """The local wall-clock time of an instant, without its zone."""
    return datetime.fromtimestamp(instant, ZoneInfo(ZONE)).replace(tzinfo=None)


def _reference(
    rows: list[tuple[str, float, float | None, float | None]], calendar: BusinessCalendar
) -> dict[str, np.ndarray]:
    """Each kept event's elapsed business days, met, local day and bucket, one row at a time."""
    last: dict[str, int] = {}
    for position, (event_id, *_times) in enumerate(rows):
        last[event_id] = position
    kept = [rows[position] for position in sorted(last.values())]
    opens = calendar.opens or time(0)
    day_seconds = calendar.day_seconds
    out: dict[str, list] = {"ids": [], "elapsed": [], "met": [], "days": [], "buckets": []}
    for event_id, start, end, due in kept:
        elapsed = np.nan
        if end is not None:
            low, high = _wall(start), _wall(end)
            total = 0.0
            day = low.date()
            while day <= high.date():
                if day.weekday() < 5 and not is_federal_holiday(day) and day != CLOSURE:
                    opened = datetime.combine(day, opens)
                    closed = opened + timedelta(seconds=day_seconds)
                    overlap = (min(closed, high) - max(opened, low)).total_seconds()
                    total += max(overlap, 0.0)
                day += timedelta(days=1)
            elapsed = total / day_seconds
        if end is None:
            met = -1
        elif due is not None:
            met = int(end <= due)
        else:
            met = int(elapsed <= THRESHOLD)
        bucket = 0 if end is None else min(max(int(np.floor(elapsed / THRESHOLD * 20)), 0), 60)
        local_day = _wall(end if end is not None else start).date()
        out["ids"].append(event_id)
        out["elapsed"].append(elapsed)
        out["met"].append(met)
        out["days"].append((local_day - date(1970, 1, 1)).days)
        out["buckets"].append(bucket)
    return {name: np.asarray(values) for name, values in out.items()}


def _typed(rows: list[tuple[str, float, float | None, float | None]]) -> pl.DataFrame:
    def column(values: list[float | None]) -> pl.Series:
        micros = [None if value is None else round(value * 1e6) for value in values]
        return pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))

    return pl.DataFrame(
        {
            "id": [row[0] for row in rows],
            "start": column([row[1] for row in rows]),
            "end": column([row[2] for row in rows]),
            "due": column([row[3] for row in rows]),
        }
    )


def _text(rows: list[tuple[str, float, float | None, float | None]]) -> pl.DataFrame:
    """The same events as local ISO text without an offset, as a spreadsheet writes them."""

    def cell(value: float | None) -> str | None:
        return None if value is None else _wall(value).isoformat(sep=" ")

    frame = _typed(rows)
    return frame.with_columns(
        pl.Series("start", [cell(row[1]) for row in rows], dtype=pl.Utf8),
        pl.Series("end", [cell(row[2]) for row in rows], dtype=pl.Utf8),
        pl.Series("due", [cell(row[3]) for row in rows], dtype=pl.Utf8),
    )


def _assert_equal(frame: pl.DataFrame, rows: list, *, hours: bool) -> None:
    standard, calendar = _standard(hours=hours)
    batch = events_parse(frame, standard=standard, calendar=calendar)
    expected = _reference(rows, calendar)
    assert batch.errors == []
    assert batch.ids.tolist() == expected["ids"].tolist()
    np.testing.assert_allclose(batch.elapsed, expected["elapsed"], rtol=0, atol=1e-9)
    assert batch.met.tolist() == expected["met"].tolist()
    assert batch.days.tolist() == expected["days"].tolist()
    assert batch.buckets.tolist() == expected["buckets"].tolist()
    counts = day_counts(batch)
    assert int(counts.counts[:, 0].sum() + counts.counts[:, 2].sum()) == batch.accepted


def _instant(moment: datetime) -> float:
    """A local wall-clock time as an instant (the earlier reading of a repeated hour)."""
    return moment.replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC).timestamp()


_moment = st.one_of(
    st.sampled_from(_EDGES),
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2025, 1, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)
_event = st.tuples(
    st.sampled_from([f"case-{n}" for n in range(12)]),
    _moment,
    st.one_of(st.none(), st.integers(min_value=0, max_value=40 * 86400)),
    st.one_of(st.none(), st.integers(min_value=-86400, max_value=20 * 86400)),
)


def _rows(events: list) -> list[tuple[str, float, float | None, float | None]]:
    rows = []
    for event_id, moment, duration, due_after in events:
        start = _instant(moment)
        end = None if duration is None else start + duration
        due = None if due_after is None or end is None else start + due_after
        rows.append((event_id, start, end, due))
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(_event, min_size=1, max_size=40), hours=st.booleans())
def test_column_wise_elapsed_met_day_and_bucket_equal_a_per_row_walk(
    events: list, hours: bool
) -> None:
    rows = _rows(events)
    _assert_equal(_typed(rows), rows, hours=hours)


def test_edge_cases_read_as_typed_timestamps_or_local_text_equal_a_per_row_walk() -> None:
    events = [
        (f"edge-{n}-{k}", moment, duration, due)
        for n, moment in enumerate(_EDGES)
        for k, (duration, due) in enumerate(
            ((0, None), (3600, None), (86400, 3600), (5 * 86400, None), (None, None))
        )
    ]
    events += [("edge-0-0", _EDGES[4], None, None), ("edge-3-1", _EDGES[9], 7 * 86400, None)]
    rows = _rows(events)
    # Text without an offset reads a repeated autumn hour as its earlier reading.
    read_back = [
        (event_id, *(None if value is None else _instant(_wall(value)) for value in times))
        for event_id, *times in rows
    ]
    for hours in (False, True):
        _assert_equal(_typed(rows), rows, hours=hours)
        _assert_equal(_text(rows), read_back, hours=hours)
