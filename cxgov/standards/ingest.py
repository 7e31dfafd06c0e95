"""Parse events (a file read by `core.imports.read_frame`, or an API batch) column-wise.

Parsing never touches the database: it turns a `Frame` into numpy columns of the rows that are
good, with each event's elapsed time on the standard's calendar, and `RowError`s (row, column
as the file writes it, reason) for the bad ones. `importers.events_import` settles and writes.

Columns are found by their canonical names (`id`, `start`, `end`, `due`, `channel`, `outcome`,
`pauses`, `statuses`) or through a mapping {canonical name: column in the file}.
`pauses` holds JSON [[start, end], ...]; `statuses` holds JSON [[time, status], ...] and the
clock pauses while the status is one of the standard's pause statuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from cxgov.core.imports import FileRejectedError, RowError, normalise_header, shown
from cxgov.core.imports.frames import Frame, frame_of
from cxgov.insights.business_time import (
    HISTOGRAM_SIZE,
    MAX_INSTANT,
    MIN_INSTANT,
    BusinessCalendar,
    elapsed_in_unit,
    histogram_buckets,
    local_days,
    utc_offsets,
)
from cxgov.standards.models import Standard
from cxgov.standards.selectors import standard_business_calendar

CANONICAL = ("id", "start", "end", "due", "channel", "outcome", "pauses", "statuses")
REQUIRED = ("id", "start")
# What the event table holds of each text; longer ids are refused, longer texts cut.
ID_LENGTH, CHANNEL_LENGTH, OUTCOME_LENGTH = 100, 40, 100
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
    warnings: list[RowError] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return int(self.ids.size)

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})


def mapping_parse(raw: str | dict[str, str] | None) -> dict[str, str]:
    """A validated mapping {canonical name: file column} from JSON text or a dict.

    Raises ValueError saying what is wrong.
    """
    if raw is None or raw == "":
        return {}
    try:
        mapping = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as error:
        raise ValueError(
            _("The column names are not valid JSON: %(why)s.") % {"why": error.msg}
        ) from error
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValueError(_('The column names must be a JSON object such as {"id": "case_number"}.'))
    unknown = sorted(set(mapping) - set(CANONICAL))
    if unknown:
        raise ValueError(
            _("Unknown names: %(unknown)s. Use: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(CANONICAL)}
        )
    return mapping


def rows_table(rows: list[dict[str, Any]]) -> Frame:
    """An API batch (a list of objects) as a frame of text cells, numbered from 1."""
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
    return frame_of(pl.DataFrame(data, schema=dict.fromkeys(columns, pl.Utf8)), first_row=1)


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


def _text(column: pl.Series) -> pl.Series:
    """A column's cells as stripped text (null where empty), still an Arrow column."""
    try:
        return column.cast(pl.Utf8).str.strip_chars()
    except pl.exceptions.PolarsError as error:
        raise FileRejectedError(
            _("The column %(name)s cannot be read as text.") % {"name": column.name}
        ) from error


@dataclass
class _Cells:
    """The columns of a file as they were read: text columns stripped once, typed timestamps
    kept as they are; Python strings are made only for the rows that need them."""

    columns: dict[str, pl.Series]
    texts: dict[str, pl.Series]

    @classmethod
    def of(cls, data: pl.DataFrame, columns: dict[str, str]) -> _Cells:
        series = {name: data[column] for name, column in columns.items()}
        # A typed timestamp has no text to check; turning it into text is most of the cost.
        texts = {
            name: _text(column)
            for name, column in series.items()
            if name == "id" or not column.dtype.is_temporal()
        }
        return cls(series, texts)

    def blank(self, name: str) -> np.ndarray:
        """Where the cells of `name` are empty (null, or only spaces)."""
        if name not in self.texts:
            return self.columns[name].is_null().to_numpy()
        return (self.texts[name].str.len_bytes().fill_null(0) == 0).to_numpy()

    def at(self, name: str, index: np.ndarray) -> np.ndarray:
        """The stripped text of rows `index` of `name` ("" where empty)."""
        rows = pl.Series(np.asarray(index, dtype=np.int64))
        text = self.texts.get(name)
        chosen = _text(self.columns[name].gather(rows)) if text is None else text.gather(rows)
        return chosen.fill_null("").to_numpy()


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


def _columns(frame: Frame, mapping: dict[str, str]) -> dict[str, str]:
    """Each canonical name the file has → its column, refusing a mapping the file does not fit."""
    found: dict[str, str] = {}
    for name in CANONICAL:
        column = normalise_header(mapping.get(name, name))
        if column in frame.data.columns:
            found[name] = column
        elif name in mapping:
            raise FileRejectedError(
                _("The column names give %(column)s for %(name)s, but the file has no such column.")
                % {"column": mapping[name], "name": name}
            )
        elif name in REQUIRED:
            raise FileRejectedError(
                _("The file has no %(column)s column for the event %(name)s.")
                % {"column": column, "name": name}
            )
    return found


def events_parse(
    frame: Frame | pl.DataFrame,
    *,
    standard: Standard,
    mapping: dict[str, str] | None = None,
    calendar: BusinessCalendar | None = None,
) -> EventBatch:
    """Validate a table of events and compute their elapsed time on the standard's calendar.

    Each bad row gets one error, its first problem; a row that repeats an earlier id replaces
    it, with a warning on the earlier row. Given the `calendar` (as Dask workers are), it reads
    nothing from the database.
    """
    if isinstance(frame, pl.DataFrame):
        frame = frame_of(frame)
    columns = _columns(frame, mapping or {})
    data, time_zone, rows = frame.data, standard.agency.time_zone, frame.data.height
    cells = _Cells.of(data, columns)
    reasons: list[tuple[np.ndarray, str, Any]] = []
    empty = _("This cell is empty, but it is required.")

    def not_a_date(value: str) -> str:
        return _("%(value)s is not a date.") % {"value": shown(value)}

    reasons.append((cells.blank("id"), "id", empty))
    reasons.append(
        (
            (cells.texts["id"].str.len_chars().fill_null(0) > ID_LENGTH).to_numpy(),
            "id",
            _("The event id is longer than %(n)s characters.") % {"n": ID_LENGTH},
        )
    )
    starts = _instants(data[columns["start"]], time_zone)
    reasons.append((cells.blank("start"), "start", empty))
    reasons.append((~np.isfinite(starts), "start", not_a_date))
    ends, dues = np.full(rows, np.nan), np.full(rows, np.nan)
    for name, values in (("end", ends), ("due", dues)):
        if name in columns:
            values[:] = _instants(data[columns[name]], time_zone)
            reasons.append((~np.isfinite(values) & ~cells.blank(name), name, not_a_date))
    with np.errstate(invalid="ignore"):
        reasons.append((ends < starts, "end", _("The end time is before the start time.")))
        for values, name in ((starts, "start"), (ends, "end"), (dues, "due")):
            outside = np.isfinite(values) & ((values < MIN_INSTANT) | (values > MAX_INSTANT))
            reasons.append((outside, name, _("The time is outside the years 1970 to 2199.")))

    pauses: dict[int, list[list[float]]] = {}
    # Only rows that carry pauses are read one by one: JSON cells have no columnar parser.
    for kind, reason in (
        ("pauses", _("The pauses are not a list of [start, end] times.")),
        ("statuses", _("The statuses are not a list of [time, status] pairs.")),
    ):
        if kind not in columns:
            continue
        bad_pauses = np.zeros(rows, dtype=bool)
        carrying = np.flatnonzero(~cells.blank(kind))
        for index, cell in zip(carrying, cells.at(kind, carrying), strict=True):
            parsed = _pause_cell(cell, kind, standard, time_zone, ends[index])
            if parsed is None:
                bad_pauses[index] = True
            elif parsed:
                pauses.setdefault(int(index), []).extend(parsed)
        reasons.append((bad_pauses, kind, reason))

    # Rows the reader refused (too many cells) are bad before any of their cells are.
    bad = np.isin(frame.numbers, [error.row for error in frame.errors])
    errors = list(frame.errors)
    for mask, name, reason in reasons:
        mask = np.asarray(mask, dtype=bool) & ~bad
        label = frame.label(columns.get(name, name))
        indices = np.flatnonzero(mask)
        whys = (
            [reason(value) for value in cells.at(name, indices)]
            if callable(reason)
            else [reason] * indices.size
        )
        errors += [
            RowError(int(frame.numbers[index]), label, why)
            for index, why in zip(indices, whys, strict=True)
        ]
        bad |= mask
    errors.sort(key=lambda error: error.row)
    good_index = np.flatnonzero(~bad)

    # A file that repeats an id keeps its last row, as a later batch would replace it.
    last = cells.texts["id"].filter(pl.Series(~bad)).is_last_distinct().to_numpy()
    keep = good_index[last]
    warnings = _warnings(frame, columns, cells, good_index, keep)

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
    k_starts, k_ends, k_dues = starts[keep], ends[keep], dues[keep]
    elapsed, met, buckets = events_measure(
        standard=standard,
        starts=k_starts,
        ends=k_ends,
        dues=k_dues,
        pause_event=owner,
        pause_starts=flat[:, 0],
        pause_ends=flat[:, 1],
        calendar=calendar,
    )
    closed = np.isfinite(k_ends)
    days = local_days(np.where(closed, k_ends, k_starts), time_zone)
    blank = np.full(keep.size, "")
    return EventBatch(
        ids=cells.at("id", keep),
        channels=cells.at("channel", keep) if "channel" in columns else blank,
        outcomes=cells.at("outcome", keep) if "outcome" in columns else blank,
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
        warnings=warnings,
    )


def events_measure(
    *,
    standard: Standard,
    starts: np.ndarray,
    ends: np.ndarray,
    dues: np.ndarray,
    pause_event: np.ndarray,
    pause_starts: np.ndarray,
    pause_ends: np.ndarray,
    calendar: BusinessCalendar | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each event's elapsed time on the standard's calendar (in its unit), whether it met the
    standard (1, 0, or -1 while open) and its histogram bucket: what ingestion stores, and
    what a change of the agency's closed days computes again (`events_reclock`)."""
    if calendar is None:
        calendar = standard_business_calendar(standard=standard)
    elapsed = elapsed_in_unit(
        calendar, standard.threshold_unit, starts, ends, pause_event, pause_starts, pause_ends
    )
    closed = np.isfinite(ends)
    with np.errstate(invalid="ignore"):
        has_due = np.isfinite(dues)
        threshold = standard.threshold if standard.threshold is not None else np.inf
        meets = np.where(has_due, ends <= dues, elapsed <= threshold)
    met = np.where(closed, meets.astype(np.int8), -1).astype(np.int8)
    buckets = histogram_buckets(np.where(closed, elapsed, 0.0), standard.threshold or 1.0)
    return elapsed, met, buckets


def _warnings(
    frame: Frame,
    columns: dict[str, str],
    cells: _Cells,
    good_index: np.ndarray,
    keep: np.ndarray,
) -> list[RowError]:
    """Rows replaced by a later row with the same id, and texts cut to what is stored."""
    replaced = np.setdiff1d(good_index, keep, assume_unique=True)
    warnings = [
        RowError(
            int(frame.numbers[index]),
            frame.label(columns["id"]),
            _("The event id %(id)s appears again further down; the last row with it is kept.")
            % {"id": shown(str(value))},
        )
        for index, value in zip(replaced, cells.at("id", replaced), strict=True)
    ]
    kept = pl.Series(keep.astype(np.int64))
    for name, limit in (("channel", CHANNEL_LENGTH), ("outcome", OUTCOME_LENGTH)):
        if name not in columns:
            continue
        text = cells.texts.get(name)
        if text is None:
            text = _text(cells.columns[name])
        lengths = text.gather(kept).str.len_chars().fill_null(0).to_numpy()
        warnings += [
            RowError(
                int(frame.numbers[keep[index]]),
                frame.label(columns[name]),
                _("The text has %(length)s characters; only the first %(limit)s are kept.")
                % {"length": int(lengths[index]), "limit": limit},
            )
            for index in np.flatnonzero(lengths > limit)
        ]
    return sorted(warnings, key=lambda warning: warning.row)


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


@dataclass
class DayCounts:
    """Daily rollups as mergeable sums: per local day (days since 1970-01-01) the closed
    events, those that met the standard, those still open, then the histogram of closed ones."""

    days: np.ndarray
    counts: np.ndarray  # one row per day: total, met, still open, histogram[HISTOGRAM_SIZE]


def day_counts(batch: EventBatch) -> DayCounts:
    """The rollups a batch's events make on their own, counted as `_rollups_rebuild` counts."""
    days, index = np.unique(batch.days, return_inverse=True)
    counts = np.zeros((days.size, 3 + HISTOGRAM_SIZE), dtype=np.int64)
    closed = batch.met >= 0
    np.add.at(counts[:, 0], index[closed], 1)
    np.add.at(counts[:, 1], index[batch.met == 1], 1)
    np.add.at(counts[:, 2], index[~closed], 1)
    np.add.at(counts, (index[closed], 3 + batch.buckets[closed].astype(np.int64)), 1)
    return DayCounts(days=days.astype(np.int64), counts=counts)


def day_counts_merge(parts: list[DayCounts]) -> DayCounts:
    """The sum of several batches' rollups, day by day."""
    if not parts:
        return DayCounts(np.zeros(0, np.int64), np.zeros((0, 3 + HISTOGRAM_SIZE), np.int64))
    days, index = np.unique(np.concatenate([part.days for part in parts]), return_inverse=True)
    counts = np.zeros((days.size, 3 + HISTOGRAM_SIZE), dtype=np.int64)
    np.add.at(counts, index, np.concatenate([part.counts for part in parts]))
    return DayCounts(days=days, counts=counts)


def batches_join(batches: list[EventBatch]) -> tuple[EventBatch, bool]:
    """Batches of one file in file order as one batch, each id's last row kept (as
    `events_parse` keeps it within a batch); True when an id appeared in more than one."""
    if len(batches) == 1:
        return batches[0], False
    ids = np.concatenate([batch.ids for batch in batches])
    _unique, last_from_end = np.unique(ids[::-1], return_index=True)
    keep = np.sort(ids.size - 1 - last_from_end)
    offsets = np.cumsum([0, *(batch.accepted for batch in batches)])
    pauses = {
        int(offset) + position: intervals
        for batch, offset in zip(batches, offsets, strict=False)
        for position, intervals in batch.pauses.items()
    }
    new_position = np.full(ids.size, -1, dtype=np.int64)
    new_position[keep] = np.arange(keep.size)

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(batch, name) for batch in batches])[keep]

    return (
        EventBatch(
            ids=ids[keep],
            channels=joined("channels"),
            outcomes=joined("outcomes"),
            starts=joined("starts"),
            ends=joined("ends"),
            dues=joined("dues"),
            pauses={
                int(new_position[old]): value
                for old, value in pauses.items()
                if new_position[old] >= 0
            },
            elapsed=joined("elapsed"),
            met=joined("met"),
            days=joined("days"),
            buckets=joined("buckets"),
            rows_read=sum(batch.rows_read for batch in batches),
            errors=[error for batch in batches for error in batch.errors],
            warnings=[warning for batch in batches for warning in batch.warnings],
        ),
        keep.size < ids.size,
    )
