"""Parquet events at data-lake scale: `ingest_events --engine dask`.

A Parquet file, or a directory of them, is cut into partitions (a file's rows in slices of
`partition_rows`). A Dask cluster maps `partition_parse` over them: each worker reads its slice
and runs the same `ingest.events_parse` as the local engine, on the standard's calendar read
once here, so workers never touch the database. Each also sums its events' daily rollups
(`ingest.day_counts`). The client joins the partitions in file order (an id's last row wins, as
in one file) and adds up the rollups; `importers.events_import_with` stores both, as it stores
the local engine's read. When an id repeats across partitions, or the standard had events
already, the stored days are counted again from the database instead, so the result always
equals the local engine's.

With no scheduler address, a `LocalCluster` of two workers (threads in this process) runs it.
Workers of a remote cluster need cxgov installed and its settings in their environment
(`DJANGO_SETTINGS_MODULE`, `SECRET_KEY`): `DjangoSetup` starts Django on each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from distributed import Client, LocalCluster, WorkerPlugin
from django.utils.translation import gettext as _

from cxgov.core.imports import FileRejectedError, normalise_header
from cxgov.core.imports.frames import Frame
from cxgov.insights.business_time import BusinessCalendar
from cxgov.standards.importers import EventsRead
from cxgov.standards.ingest import (
    DayCounts,
    EventBatch,
    batches_join,
    day_counts,
    day_counts_merge,
    events_parse,
)
from cxgov.standards.models import Standard
from cxgov.standards.selectors import standard_business_calendar

PARTITION_ROWS = 1_000_000


@dataclass(frozen=True)
class Partition:
    """Rows `offset` to `offset + rows` of one Parquet file; `first_row` numbers them."""

    path: str
    offset: int
    rows: int
    first_row: int


@dataclass
class Parsed:
    """What a worker sends back: the parsed events, their daily counts and the bad rows."""

    batch: EventBatch
    counts: DayCounts
    bad_rows: Frame


class DjangoSetup(WorkerPlugin):
    """Start Django on each worker of a remote cluster before it runs a partition."""

    def setup(self, worker: object) -> None:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()


def parquet_partitions(path: Path, *, rows: int = PARTITION_ROWS) -> list[Partition]:
    """A Parquet file's (or a directory's `*.parquet` files') rows in slices of `rows`.

    Rows are numbered as the local engine numbers one file's (header = row 1), continuing from
    one file to the next in name order.
    """
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise FileRejectedError(_("The file looks like Parquet but cannot be read."))
    partitions, first_row = [], 2
    for file in files:
        try:
            count = int(pl.scan_parquet(file).select(pl.len()).collect().item())
        except (pl.exceptions.PolarsError, OSError) as error:
            raise FileRejectedError(_("The file looks like Parquet but cannot be read.")) from error
        for offset in range(0, count, rows):
            size = min(rows, count - offset)
            partitions.append(Partition(str(file), offset, size, first_row + offset))
        first_row += count
    return partitions


def partition_parse(
    partition: Partition,
    *,
    standard: Standard,
    mapping: dict[str, str],
    calendar: BusinessCalendar,
) -> Parsed:
    """Parse one partition on a worker: the pure ingestion of the local engine, no database."""
    data = pl.scan_parquet(partition.path).slice(partition.offset, partition.rows).collect()
    header = list(data.columns)
    data = data.rename({name: normalise_header(name) for name in header})
    numbers = np.arange(partition.first_row, partition.first_row + data.height)
    frame = Frame(data, header, numbers)
    batch = events_parse(frame, standard=standard, mapping=mapping, calendar=calendar)
    bad = np.isin(numbers, [error.row for error in batch.errors])
    return Parsed(
        batch=batch,
        counts=day_counts(batch),
        bad_rows=Frame(data.filter(pl.Series(bad)), header, numbers[bad]),
    )


@contextmanager
def dask_client(scheduler: str | None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a two-worker cluster in this process."""
    if scheduler:
        with Client(scheduler) as client:
            client.register_plugin(DjangoSetup(), name="cxgov-django")
            yield client
        return
    # Threads: polars and numpy release the interpreter lock in their hot loops, and the
    # workers share this process's settings and loaded calendar.
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _joined_frame(parts: list[Parsed]) -> Frame:
    frames = [part.bad_rows for part in parts]
    data = pl.concat([frame.data for frame in frames], how="diagonal_relaxed")
    return Frame(data, frames[0].header, np.concatenate([frame.numbers for frame in frames]))


def events_parse_dask(
    *,
    standard: Standard,
    path: Path,
    mapping: dict[str, str] | None = None,
    scheduler: str | None = None,
    partition_rows: int = PARTITION_ROWS,
) -> EventsRead:
    """Parse a Parquet file or directory on a Dask cluster: the joined events, a frame of the
    bad rows and the summed daily counts (None when an id repeats across partitions)."""
    partitions = parquet_partitions(path, rows=partition_rows)
    calendar = standard_business_calendar(standard=standard)
    with dask_client(scheduler) as client:
        futures = client.map(
            partition_parse,
            partitions,
            standard=standard,
            mapping=mapping or {},
            calendar=calendar,
            pure=False,
        )
        parts: list[Parsed] = client.gather(futures)
    batch, repeated = batches_join([part.batch for part in parts])
    counts = None if repeated else day_counts_merge([part.counts for part in parts])
    return batch, _joined_frame(parts), counts
