"""Speed of event ingestion for service standards, against a per-row Python and a pandas baseline.

Run: .venv/bin/python bench/standards_ingest.py [--events 10000000] [--sample 20000]

It generates events (with weekends, federal holidays and some still open), writes them to a
Parquet file, and runs them through the real path on a business-day calendar in a scratch
SQLite database: `core.imports.read_frame` (the import limits raised to fit) →
`ingest.events_parse` (elapsed business time, met,
day, bucket, vectorized) → `services.events_ingest` (raw events kept, daily rollups rebuilt).
In the same process it runs:
- a per-row Python baseline: a plain loop walking each event's days on the same calendar.
  It is run on a sample of `--sample` events and extrapolated to the full count (so stated);
- a pandas baseline: what an analyst would write (business days with numpy's busday_count,
  whole days only, then a groupby per day): less exact and less work than the real path.
Then it times the public "Our service standards" page rendered from the rollups.
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
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
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
from django.test import Client  # noqa: E402

from cxgov.core.imports.frames import read_frame  # noqa: E402
from cxgov.core.models import Agency  # noqa: E402
from cxgov.insights.calendars import federal_holidays, is_federal_holiday  # noqa: E402
from cxgov.registry.models import Service, ServiceStatus  # noqa: E402
from cxgov.standards import services  # noqa: E402
from cxgov.standards.ingest import events_parse  # noqa: E402
from cxgov.standards.models import Standard  # noqa: E402

ZONE = "America/New_York"
THRESHOLD_DAYS = 10.0


def _generate(count: int, path: Path) -> None:
    rng = np.random.default_rng(12862)
    first = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    starts = first + rng.uniform(0, 2 * 365 * 86400, count)
    ends = starts + rng.gamma(3.0, 4.0, count) * 86400
    open_mask = rng.uniform(size=count) < 0.02
    table = pl.DataFrame(
        {
            "id": pl.Series(np.arange(count)).cast(pl.Utf8),
            "start": pl.Series((starts * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC")),
            "end": pl.Series((ends * 1e6).astype(np.int64))
            .cast(pl.Datetime("us", "UTC"))
            .scatter(np.flatnonzero(open_mask), None),
        }
    )
    table.write_parquet(path)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    agency = Agency.objects.create(name="Bench Agency", slug="bench", time_zone=ZONE)
    service = Service.objects.create(
        agency=agency, name="Bench service", slug="bench-service", status=ServiceStatus.PUBLISHED
    )
    standard = Standard.objects.create(
        agency=agency,
        service=service,
        statement="We decide within 10 business days",
        target="0.8",
        threshold=THRESHOLD_DAYS,
        threshold_unit="business_days",
        calendar="business_days",
        status="posted",
    )
    path = SCRATCH / "events.parquet"
    _generate(args.events, path)
    # Load the holiday tables once, as a running server has them loaded already.
    federal_holidays(range(2023, 2028))

    opened = time.perf_counter()
    batch = events_parse(read_frame(path), standard=standard)
    computed = time.perf_counter() - opened
    summary = services.events_ingest(actor=None, standard=standard, batch=batch, source="bench")
    ingested = time.perf_counter() - opened

    sample = min(args.sample, args.events)
    per_row_sample = _per_row_baseline(path, sample)
    per_row = per_row_sample * args.events / sample
    pandas_time = _pandas_baseline(path)

    # The page is requested in-process, as the test client does.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.get("/agencies/bench/standards/")
    opened = time.perf_counter()
    response = client.get("/agencies/bench/standards/")
    page = time.perf_counter() - opened
    if response.status_code != 200:
        raise SystemExit(f"the public page answered {response.status_code}")

    print(f"events: {args.events:,} ({summary['accepted']:,} stored)")
    print(
        f"parse + business time (vectorized): {computed:8.2f} s  "
        f"{args.events / computed:12,.0f} events/s"
    )
    print(
        f"real path incl. database writes:    {ingested:8.2f} s  "
        f"{args.events / ingested:12,.0f} events/s"
    )
    print(
        f"per-row Python baseline:            {per_row:8.2f} s  "
        f"{args.events / per_row:12,.0f} events/s  "
        f"(run on {sample:,} events, extrapolated)"
    )
    print(
        f"pandas baseline (whole days only):  {pandas_time:8.2f} s  "
        f"{args.events / pandas_time:12,.0f} events/s"
    )
    print(f"vectorized compute vs per-row:      {per_row / computed:8.1f}x faster")
    print(f"vectorized compute vs pandas:       {pandas_time / computed:8.2f}x the pandas time")
    print(f"public standards page from rollups: {page * 1000:8.1f} ms")
    print(
        f"RESULT name=standards_ingest_parse value={args.events / computed:.0f} unit=events/s "
        f"baseline={args.events / per_row:.0f} ratio={per_row / computed:.1f}"
    )


if __name__ == "__main__":
    main()
