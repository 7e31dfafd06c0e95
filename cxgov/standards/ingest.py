"""Read event files (CSV, Parquet) or API batches into validated columns, vectorized.

Parsing never touches the database: it turns a table into numpy columns of the rows that are
good, with each event's elapsed time on the standard's calendar, and a list of the bad rows
with their row number (1 = first data row) and the reason. `services.events_ingest` writes.

Columns are found by their canonical names (`id`, `start`, `end`, `due`, `channel`, `outcome`,
`pauses`, `statuses`) or through a mapping {canonical name: column in the file}.
`pauses` holds JSON [[start, end], ...]; `statuses` holds JSON [[time, status], ...] and the
clock pauses while the status is one of the standard's pause statuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from cxgov.insights.business_time import (
    MAX_INSTANT,
    MIN_INSTANT,
    elapsed_in_unit,
    histogram_buckets,
    local_days,
    utc_offsets,
)
from cxgov.standards.models import Standard

CANONICAL = ("id", "start", "end", "due", "channel", "outcome", "pauses", "statuses")
REQUIRED = ("id", "start")
MAX_ERRORS_KEPT = 1000
# ISO 8601 in extended form (month, day and time optional, `T` or space before the time,
# `.` or `,` before up to 9 fraction digits, `Z` or ±hh[[:]mm] after it); basic dates and
# basic date-times (20260302, 20260302T090000) are rewritten to it first.
_ISO_8601 = (
    r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:[Tt ](?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>[0-5]\d)"
    r"(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r" ?(?:(?P<zulu>[Zz])|(?P<sign>[+-])(?P<off_h>\d{2})(?::?(?P<off_m>\d{2}))?)?)?)?)?$"
)
_COMMON = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?$"
_BASIC = (
    (r"^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})", "${1}-${2}-${3}T${4}:${5}:${6}"),
    (r"^(\d{4})(\d{2})(\d{2})$", "${1}-${2}-${3}"),
)


class IngestError(ValueError):
    """The file or mapping cannot be read at all (as opposed to single bad rows)."""


@dataclass
class RowError:
    row: int
    field: str
    reason: str


@dataclass
class EventBatch:
    """Good rows as columns, ready to store, and the bad rows with reasons."""

    ids: np.ndarray
    channels: np.ndarray
    outcomes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    dues: np.ndarray
    pauses: dict[int, list[list[float]]]  # position in this batch → pause intervals (sparse)
    elapsed: np.ndarray
    met: np.ndarray  # 1 met, 0 not met, -1 still open
    days: np.ndarray  # local days since 1970-01-01
    buckets: np.ndarray
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def accepted(self) -> int:
        return int(self.ids.size)


def mapping_parse(raw: str | dict[str, str] | None) -> dict[str, str]:
    """A validated mapping {canonical name: file column} from JSON text or a dict."""
    if raw is None or raw == "":
        return {}
    try:
        mapping = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as error:
        raise IngestError(f"The mapping is not valid JSON: {error.msg}.") from error
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise IngestError('The mapping must be a JSON object such as {"id": "unique_key"}.')
    unknown = sorted(set(mapping) - set(CANONICAL))
    if unknown:
        raise IngestError(
            f"Unknown mapping keys: {', '.join(unknown)}. Use: {', '.join(CANONICAL)}."
        )
    return mapping


def table_read(path: Path | str, *, name: str | None = None) -> pl.DataFrame:
    """A CSV or Parquet file as a table; CSV cells are all read as text."""
    label = (name or str(path)).lower()
    try:
        if label.endswith((".parquet", ".pq")):
            return pl.read_parquet(path)
        return pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise IngestError(f"The file cannot be read as CSV or Parquet: {error}") from error


def rows_table(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """An API batch (a list of objects) as a table of text cells."""
    cleaned = [
        {
            key: (json.dumps(value) if isinstance(value, list | dict) else value)
            for key, value in row.items()
        }
        for row in rows
    ]
    columns = sorted({key for row in cleaned for key in row})
    data = {
        column: [None if row.get(column) is None else str(row.get(column)) for row in cleaned]
        for column in columns
    }
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.Utf8))


def _instants(column: pl.Series, time_zone: str) -> np.ndarray:
    """UTC epoch seconds (NaN when empty or unreadable); times without an offset are local."""
    if column.dtype == pl.Datetime:
        zone = getattr(column.dtype, "time_zone", None)
        values = column.dt.epoch("us").to_numpy().astype(np.float64) / 1e6
        return values if zone else _local_to_utc(values, time_zone)
    if column.dtype == pl.Date:
        return _local_to_utc(column.dt.epoch("s").to_numpy().astype(np.float64), time_zone)
    return _text_instants(column.cast(pl.Utf8), time_zone)


def _text_instants(column: pl.Series, time_zone: str) -> np.ndarray:
    """ISO 8601 text as UTC epoch seconds, parsed column-wise by polars."""
    text = column.str.strip_chars()
    # Most files write one full form; slicing it is several times cheaper than the general regex.
    common = text.str.contains(_COMMON).fill_null(value=False)
    other = ~common & text.is_not_null()
    local = np.full(text.len(), np.nan)
    offset = np.zeros(text.len())
    aware = np.zeros(text.len(), dtype=bool)
    for mask, parts in ((common, _common_parts), (other, _general_parts)):
        if mask.any():
            rows = mask.to_numpy()
            found = _fields(parts(text.filter(mask)))
            local[rows] = found["local"].cast(pl.Float64).fill_null(np.nan).to_numpy() / 1e6
            offset[rows] = found["offset"].cast(pl.Float64).fill_null(np.nan).to_numpy()
            aware[rows] = found["aware"].to_numpy()
    return np.where(aware, local - offset, _local_to_utc(local, time_zone))


def _common_parts(text: pl.Series) -> pl.DataFrame:
    text_column, tail = pl.col("text"), pl.col("text").str.slice(19)
    numeric = pl.col("zone") != "Z"
    return (
        pl.DataFrame({"text": text})
        .with_columns(zone=tail.str.extract(r"(Z|[+-]\d{2}:\d{2})$"))
        .select(
            stamp=pl.concat_str(
                text_column.str.slice(0, 10), pl.lit("T"), text_column.str.slice(11, 8)
            ),
            fraction=tail.str.extract(r"^\.(\d+)"),
            zulu=pl.when(pl.col("zone") == "Z").then(pl.col("zone")),
            sign=pl.when(numeric).then(pl.col("zone").str.slice(0, 1)),
            off_h=pl.when(numeric).then(pl.col("zone").str.slice(1, 2)),
            off_m=pl.when(numeric).then(pl.col("zone").str.slice(4, 2)),
        )
    )


def _general_parts(text: pl.Series) -> pl.DataFrame:
    if text.str.contains(r"^\d{8}").any():
        for pattern, extended in _BASIC:
            text = text.str.replace(pattern, extended)
    parts = text.str.extract_groups(_ISO_8601).struct.unnest()
    return parts.select(
        stamp=pl.concat_str(
            pl.col("year"),
            pl.lit("-"),
            _padded("month", "01"),
            pl.lit("-"),
            _padded("day", "01"),
            pl.lit("T"),
            _padded("hour", "00"),
            pl.lit(":"),
            _padded("minute", "00"),
            pl.lit(":"),
            _padded("second", "00"),
        ),
        fraction=pl.col("fraction"),
        zulu=pl.col("zulu"),
        sign=pl.col("sign"),
        off_h=pl.col("off_h"),
        off_m=pl.col("off_m"),
    )


def _padded(name: str, default: str) -> pl.Expr:
    return pl.col(name).fill_null(default).str.zfill(2)


def _fields(parts: pl.DataFrame) -> pl.DataFrame:
    """Local microseconds, whether an offset was given, and the offset in seconds."""
    fraction = pl.col("fraction").fill_null("").str.pad_end(6, "0").str.slice(0, 6)
    offset_hours = pl.col("off_h").cast(pl.Int64)
    offset_minor = pl.col("off_m").fill_null("0").cast(pl.Int64)
    offset_minutes = offset_hours * 60 + offset_minor
    # Microseconds reach years 0 to 9999 without overflow; nanoseconds would not.
    return parts.select(
        local=pl.col("stamp")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False)
        .dt.epoch("us")
        + fraction.cast(pl.Int64),
        aware=pl.col("zulu").is_not_null() | pl.col("sign").is_not_null(),
        offset=pl.when(pl.col("sign").is_null())
        .then(0)
        .when((offset_hours > 18) | (offset_minor > 59))
        .then(None)
        .otherwise(pl.when(pl.col("sign") == "-").then(-offset_minutes).otherwise(offset_minutes))
        * 60,
    )


def _local_to_utc(local: np.ndarray, time_zone: str) -> np.ndarray:
    # Two passes settle the offset; in the repeated autumn hour the earlier reading wins.
    inside = np.where((local > MIN_INSTANT) & (local < MAX_INSTANT), local, np.nan)
    guess = inside - utc_offsets(inside, time_zone)
    result = inside - utc_offsets(guess, time_zone)
    return np.where(np.isfinite(inside), result, local)


def _text(frame: pl.DataFrame, mapping: dict[str, str], name: str) -> np.ndarray | None:
    column = mapping.get(name, name)
    if column not in frame.columns:
        return None
    return _cells(frame[column])


def _cells(column: pl.Series) -> np.ndarray:
    return column.cast(pl.Utf8).str.strip_chars().fill_null("").to_numpy()


def _json_intervals(cell: str) -> list[list[Any]] | None:
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) == 2 for item in value
    ):
        return None
    return value


def events_parse(
    frame: pl.DataFrame, *, standard: Standard, mapping: dict[str, str] | None = None
) -> EventBatch:
    """Validate a table of events and compute their elapsed time on the standard's calendar."""
    mapping = mapping or {}
    for name, column in mapping.items():
        if column not in frame.columns:
            raise IngestError(f'The mapping names column "{column}" for {name}, not in the file.')
    for name in REQUIRED:
        if mapping.get(name, name) not in frame.columns:
            raise IngestError(
                f'The file has no "{mapping.get(name, name)}" column for the event {name}.'
            )
    time_zone = standard.agency.time_zone
    rows = frame.height
    reasons: list[tuple[np.ndarray, str, str]] = []

    ids = _cells(frame[mapping.get("id", "id")])
    reasons.append((ids == "", "id", "The event id is empty."))
    reasons.append((np.char.str_len(ids.astype(str)) > 100, "id", "The event id is too long."))

    starts = _instants(frame[mapping.get("start", "start")], time_zone)
    reasons.append((~np.isfinite(starts), "start", "The start time is missing or not a date."))
    ends = np.full(rows, np.nan)
    if mapping.get("end", "end") in frame.columns:
        raw_end = _cells(frame[mapping.get("end", "end")])
        ends = _instants(frame[mapping.get("end", "end")], time_zone)
        reasons.append((~np.isfinite(ends) & (raw_end != ""), "end", "The end time is not a date."))
    dues = np.full(rows, np.nan)
    if mapping.get("due", "due") in frame.columns:
        raw_due = _cells(frame[mapping.get("due", "due")])
        dues = _instants(frame[mapping.get("due", "due")], time_zone)
        reasons.append((~np.isfinite(dues) & (raw_due != ""), "due", "The due time is not a date."))
    with np.errstate(invalid="ignore"):
        reasons.append((ends < starts, "end", "The end time is before the start time."))
        for values, name in ((starts, "start"), (ends, "end"), (dues, "due")):
            outside = np.isfinite(values) & ((values < MIN_INSTANT) | (values > MAX_INSTANT))
            reasons.append((outside, name, "The time is outside 1970 to 2199."))

    pauses: dict[int, list[list[float]]] = {}
    pause_column = _text(frame, mapping, "pauses")
    status_column = _text(frame, mapping, "statuses")
    bad_pauses = np.zeros(rows, dtype=bool)
    # Only rows that carry pauses are read one by one: JSON cells have no columnar parser.
    for column, kind in ((pause_column, "pauses"), (status_column, "statuses")):
        if column is None:
            continue
        for index in np.flatnonzero(column != ""):
            parsed = _pause_cell(column[index], kind, standard, time_zone, ends[index])
            if parsed is None:
                bad_pauses[index] = True
            elif parsed:
                pauses.setdefault(int(index), []).extend(parsed)
    reasons.append((bad_pauses, "pauses", "The pauses are not a list of [start, end] times."))

    bad = np.zeros(rows, dtype=bool)
    errors: list[RowError] = []
    for mask, name, reason in reasons:
        mask = np.asarray(mask, dtype=bool) & ~bad
        for index in np.flatnonzero(mask)[: max(0, MAX_ERRORS_KEPT - len(errors))]:
            errors.append(RowError(row=int(index) + 1, field=name, reason=reason))
        bad |= mask
    errors.sort(key=lambda error: error.row)
    good = ~bad

    # A file that repeats an id keeps its last row, as a later batch would replace it.
    good_index = np.flatnonzero(good)
    _, last_from_end = np.unique(ids[good_index][::-1], return_index=True)
    keep = np.sort(good_index[::-1][last_from_end])

    channels = _text(frame, mapping, "channel")
    outcomes = _text(frame, mapping, "outcome")
    with_pauses = np.asarray(sorted(pauses), dtype=np.int64)
    positions = np.searchsorted(keep, with_pauses)
    found = positions < keep.size
    found[found] = keep[positions[found]] == with_pauses[found]
    kept_pauses = {
        int(position): pauses[int(row)]
        for position, row in zip(positions[found], with_pauses[found], strict=True)
    }
    owner = np.repeat(
        np.fromiter(kept_pauses, dtype=np.int64, count=len(kept_pauses)),
        [len(p) for p in kept_pauses.values()],
    ).astype(np.int64)
    flat = np.asarray([pair for p in kept_pauses.values() for pair in p], dtype=np.float64).reshape(
        -1, 2
    )
    calendar = standard.business_calendar()
    k_starts, k_ends, k_dues = starts[keep], ends[keep], dues[keep]
    elapsed = elapsed_in_unit(
        calendar, standard.threshold_unit, k_starts, k_ends, owner, flat[:, 0], flat[:, 1]
    )
    closed = np.isfinite(k_ends)
    with np.errstate(invalid="ignore"):
        has_due = np.isfinite(k_dues)
        threshold = standard.threshold if standard.threshold is not None else np.inf
        meets = np.where(has_due, k_ends <= k_dues, elapsed <= threshold)
    met = np.where(closed, meets.astype(np.int8), -1).astype(np.int8)
    days = local_days(np.where(closed, k_ends, k_starts), time_zone)
    buckets = histogram_buckets(np.where(closed, elapsed, 0.0), standard.threshold or 1.0)
    return EventBatch(
        ids=ids[keep],
        channels=channels[keep] if channels is not None else np.full(keep.size, ""),
        outcomes=outcomes[keep] if outcomes is not None else np.full(keep.size, ""),
        starts=k_starts,
        ends=k_ends,
        dues=k_dues,
        pauses=kept_pauses,
        elapsed=elapsed,
        met=met,
        days=days,
        buckets=buckets,
        rows_read=rows,
        errors=errors,
        error_count=int(bad.sum()),
    )


def _pause_cell(
    cell: str, kind: str, standard: Standard, time_zone: str, end: float
) -> list[list[float]] | None:
    items = _json_intervals(cell)
    if items is None:
        return None
    if kind == "pauses":
        times = _instants(pl.Series([str(value) for pair in items for value in pair]), time_zone)
        if not np.isfinite(times).all():
            return None
        return [[float(times[i]), float(times[i + 1])] for i in range(0, times.size, 2)]
    moments = _instants(pl.Series([str(pair[0]) for pair in items]), time_zone)
    if not np.isfinite(moments).all():
        return None
    order = np.argsort(moments, kind="stable")
    paused = set(standard.pause_statuses)
    result: list[list[float]] = []
    for position, index in enumerate(order):
        if str(items[index][1]) in paused:
            following = order[position + 1] if position + 1 < order.size else None
            until = moments[following] if following is not None else end
            result.append([float(moments[index]), float(until) if np.isfinite(until) else 4e9])
    return result
