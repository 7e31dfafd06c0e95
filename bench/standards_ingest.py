"""Speed of event ingestion for service standards, against a per-row Python and a pandas baseline.

Run: .venv/bin/python bench/standards_ingest.py [--events 10000000] [--sample 20000]
     [--engine local|dask|both] [--database-url postgres://...]

It generates events (with weekends, federal holidays and some still open), writes them to a
Parquet file, and runs them through the real path on a business-day calendar, in a scratch
SQLite database unless `--database-url` names another (an empty database it may fill):
- local engine: `core.imports.read_frame` (the import limits raised to fit) →
  `ingest.events_parse` (elapsed business time, met, day, bucket, vectorized) →
  `services.events_ingest` (raw events kept, with COPY on PostgreSQL; daily rollups rebuilt);
- dask engine: `dask_ingest.events_parse_dask` (the same `events_parse` mapped over Parquet
  partitions of `--partition-rows` on a two-worker `LocalCluster`, started inside the timing,
  daily counts summed per partition) → `services.events_ingest` with those counts as rollups.
"Computed" is the time to parsed events; "end to end" adds storing them and their rollups.
In the same process it runs:
- a per-row Python baseline: a plain loop walking each event's days on the same calendar.
  It is run on a sample of `--sample` events and extrapolated to the full count (so stated);
- a pandas baseline: what an analyst would write (business days with numpy's busday_count,
  whole days only, then a groupby per day): less exact and less work than the real path.
Then it times the public "Our service standards" page rendered from the rollups, and the exact
median and 90th percentile of every month (`selectors.ElapsedQuantiles`: order statistics read
by bucket with OFFSET/LIMIT) against a plain baseline that loads each month's elapsed times
into Python and calls numpy.quantile; the two must agree.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCRATCH = Path(tempfile.mkdtemp(prefix="cxgov-bench-"))
_early = argparse.ArgumentParser(add_help=False)
_early.add_argument("--database-url", default=f"sqlite:///{SCRATCH / 'bench.sqlite3'}")
os.environ["DATABASE_URL"] = _early.parse_known_args()[0].database_url
# Storing millions of rows in one statement outlasts the web requests' limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_SECONDS", "0")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The file goes through the real import limits, raised here to fit the generated events.
os.environ.setdefault("IMPORT_MAX_ROWS", str(10**9))
os.environ.setdefault("IMPORT_MAX_BYTES", str(2**40))

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from support.synthetic import events_parquet_write  # noqa: E402

from cxgov.core.imports.frames import read_frame  # noqa: E402
from cxgov.core.models import Agency  # noqa: E402
from cxgov.insights.calendars import federal_holidays, is_federal_holiday  # noqa: E402
from cxgov.registry.models import Service, ServiceStatus  # noqa: E402
from cxgov.standards import services  # noqa: E402
from cxgov.standards.dask_ingest import PARTITION_ROWS, events_parse_dask  # noqa: E402
from cxgov.standards.ingest import events_parse  # noqa: E402
from cxgov.standards.models import Standard, StandardEvent  # noqa: E402
from cxgov.standards.selectors import standard_results  # noqa: E402

ZONE = "America/New_York"
THRESHOLD_DAYS = 10.0


def _per_row_elapsed(start: float, end: float) -> float:
    """Business days between two instants, walking day by day (the obvious loop)."""
    zone = ZoneInfo(ZONE)
    local_start = datetime.fromtimestamp(start, zone)
    local_end = datetime.fromtimestamp(end, zone)
    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() < 5 and not is_federal_holiday(day):
            opens = datetime.combine(day, datetime.min.time(), tzinfo=zone)
            closes = opens + timedelta(days=1)
            low = max(opens, local_start)
            high = min(closes, local_end)
            if high > low:
                total += (high - low).total_seconds()
        day += timedelta(days=1)
    return total / 86400


def _per_row_baseline(path: Path, sample: int) -> float:
    frame = pl.read_parquet(path).head(sample)
    starts = frame["start"].dt.epoch("us").to_numpy() / 1e6
    ends = frame["end"].dt.epoch("us").fill_null(0).to_numpy() / 1e6
    opened = time.perf_counter()
    met_by_day: dict[date, list[int]] = {}
    for start, end in zip(starts, ends, strict=True):
        if end == 0:
            continue
        elapsed = _per_row_elapsed(float(start), float(end))
        day = datetime.fromtimestamp(float(end), ZoneInfo(ZONE)).date()
        counts = met_by_day.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += elapsed <= THRESHOLD_DAYS
    return time.perf_counter() - opened


def _pandas_baseline(path: Path) -> float:
    opened = time.perf_counter()
    frame = pd.read_parquet(path)
    frame = frame[frame["end"].notna()]
    start = frame["start"].dt.tz_convert(ZONE).dt.tz_localize(None)
    end = frame["end"].dt.tz_convert(ZONE).dt.tz_localize(None)
    years = range(start.dt.year.min() - 1, end.dt.year.max() + 2)
    holidays = np.asarray(sorted(federal_holidays(years)), dtype="datetime64[D]")
    days = np.busday_count(
        start.to_numpy().astype("datetime64[D]"),
        end.to_numpy().astype("datetime64[D]"),
        holidays=holidays,
    )
    frame = frame.assign(met=days <= THRESHOLD_DAYS, day=end.dt.date)
    frame.groupby("day")["met"].agg(["sum", "count"])
    return time.perf_counter() - opened


def _quantiles(standard: Standard) -> tuple[float, float]:
    """Seconds for the exact median and p90 of every month, and for the plain baseline."""
    results = standard_results(standard=standard)
    opened = time.perf_counter()
    exact = [(result.median, result.p90) for result in results]
    exact_time = time.perf_counter() - opened
    opened = time.perf_counter()
    plain: list[list[float] | None] = []
    for result in results:
        values = np.fromiter(
            StandardEvent.objects.filter(
                standard=standard,
                day__gte=result.start,
                day__lte=result.end,
                elapsed__isnull=False,
            ).values_list("elapsed", flat=True),
            dtype=np.float64,
        )
        plain.append(np.quantile(values, [0.5, 0.9]).tolist() if values.size else None)
    plain_time = time.perf_counter() - opened
    for (median, p90), expected in zip(exact, plain, strict=True):
        if expected is not None and not np.allclose((median, p90), expected, rtol=1e-12):
            raise SystemExit(f"exact quantiles {median}, {p90} differ from numpy's {expected}")
    return exact_time, plain_time


def _standard(agency: Agency, service: Service, engine: str) -> Standard:
    return Standard.objects.create(
        agency=agency,
        service=service,
        statement=f"We decide within 10 business days ({engine})",
        target="0.8",
        threshold=THRESHOLD_DAYS,
        threshold_unit="business_days",
        calendar="business_days",
        status="posted",
    )


def _local(standard: Standard, path: Path) -> tuple[float, float, int]:
    """Seconds to parsed events and to stored events and rollups, and the events stored."""
    opened = time.perf_counter()
    batch = events_parse(read_frame(path), standard=standard)
    computed = time.perf_counter() - opened
    summary = services.events_ingest(actor=None, standard=standard, batch=batch, source="bench")
    return computed, time.perf_counter() - opened, summary["accepted"]


def _dask(standard: Standard, path: Path, partition_rows: int) -> tuple[float, float, int]:
    opened = time.perf_counter()
    batch, _bad_rows, counts = events_parse_dask(
        standard=standard, path=path, partition_rows=partition_rows
    )
    computed = time.perf_counter() - opened
    summary = services.events_ingest(
        actor=None, standard=standard, batch=batch, source="bench", rollups=counts
    )
    return computed, time.perf_counter() - opened, summary["accepted"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], parents=[_early])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--engine", choices=["local", "dask", "both"], default="both")
    parser.add_argument("--partition-rows", type=int, default=PARTITION_ROWS)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    agency = Agency.objects.create(name="Bench Agency", slug="bench", time_zone=ZONE)
    service = Service.objects.create(
        agency=agency, name="Bench service", slug="bench-service", status=ServiceStatus.PUBLISHED
    )
    path = SCRATCH / "events.parquet"
    events_parquet_write(args.events, path, first=datetime(2024, 1, 1, tzinfo=UTC), span_days=730)
    # Load the holiday tables once, as a running server has them loaded already.
    federal_holidays(range(2023, 2028))

    engines = ["local", "dask"] if args.engine == "both" else [args.engine]
    timings: dict[str, tuple[float, float, int]] = {}
    standards: dict[str, Standard] = {}
    for engine in engines:
        standards[engine] = _standard(agency, service, engine)
        timings[engine] = (
            _local(standards[engine], path)
            if engine == "local"
            else _dask(standards[engine], path, args.partition_rows)
        )

    sample = min(args.sample, args.events)
    per_row_sample = _per_row_baseline(path, sample)
    per_row = per_row_sample * args.events / sample
    pandas_time = _pandas_baseline(path)

    # The page is requested in-process, as the test client does; it shows every engine's
    # standard, each with the same events.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.get("/agencies/bench/standards/")
    opened = time.perf_counter()
    response = client.get("/agencies/bench/standards/")
    page = time.perf_counter() - opened
    if response.status_code != 200:
        raise SystemExit(f"the public page answered {response.status_code}")

    exact, plain = _quantiles(standards[engines[0]])

    print(f"events: {args.events:,}  database: {connection.vendor}  load: {os.getloadavg()}")
    loop_rate = args.events / per_row
    results = []
    for engine, (computed, ingested, stored) in timings.items():
        label = "local" if engine == "local" else f"dask, 2 workers, {args.partition_rows:,}/part"
        print(f"{label} ({stored:,} stored):")
        print(
            f"  computed (parse + business time): {computed:8.2f} s  "
            f"{args.events / computed:12,.0f} events/s"
        )
        print(
            f"  end to end incl. storage:         {ingested:8.2f} s  "
            f"{args.events / ingested:12,.0f} events/s"
        )
        prefix = "standards_ingest" if engine == "local" else "standards_ingest_dask"
        results += [
            f"RESULT name={prefix}_parse value={args.events / computed:.0f} unit=events/s "
            f"baseline={loop_rate:.0f} ratio={per_row / computed:.1f}",
            f"RESULT name={prefix}_end_to_end value={args.events / ingested:.0f} unit=events/s "
            f"baseline={loop_rate:.0f} ratio={per_row / ingested:.1f}",
        ]
    print(
        f"per-row Python baseline:            {per_row:8.2f} s  "
        f"{loop_rate:12,.0f} events/s  "
        f"(run on {sample:,} events, extrapolated)"
    )
    print(
        f"pandas baseline (whole days only):  {pandas_time:8.2f} s  "
        f"{args.events / pandas_time:12,.0f} events/s"
    )
    first = timings[engines[0]][0]
    print(f"pandas time vs {engines[0]} compute:   {pandas_time / first:8.2f}x")
    print(f"public standards page from rollups: {page * 1000:8.1f} ms")
    print(f"exact median + p90, every month:    {exact * 1000:8.1f} ms")
    print(f"plain baseline (load, numpy):       {plain * 1000:8.1f} ms")
    for line in results:
        print(line)
    print(
        f"RESULT name=standards_exact_quantiles value={exact * 1000:.1f} unit=ms "
        f"baseline={plain * 1000:.1f} ratio={plain / exact:.1f}"
    )


if __name__ == "__main__":
    main()
