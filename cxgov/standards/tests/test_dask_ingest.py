"""`ingest_events --engine dask`: Parquet partitions on a two-worker cluster store what the
local engine stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from django.core.management.base import CommandError

from cxgov.core.models import Agency
from cxgov.standards.models import StandardEvent
from cxgov.standards.tests.stored import events_and_rollups, ingest_events
from cxgov.testing.factories import ServiceFactory, StandardFactory


def _events(count: int, *, repeats: int = 0) -> pl.DataFrame:
    """Typed events over two months, some still open; the last `repeats` rows repeat ids."""
    rng = np.random.default_rng(20260)
    first = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    starts = first + rng.uniform(0, 60 * 86400, count)
    ends = starts + rng.gamma(2.0, 3.0, count) * 86400
    ids = np.arange(count).astype(str)
    if repeats:
        ids[-repeats:] = ids[:repeats]
    return pl.DataFrame(
        {
            "id": ids,
            "start": pl.Series((starts * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC")),
            "end": pl.Series((ends * 1e6).astype(np.int64))
            .cast(pl.Datetime("us", "UTC"))
            .scatter(np.arange(0, count, 41), None),
            "channel": np.where(np.arange(count) % 3 == 0, "web", "phone"),
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("repeats", [0, 30], ids=["distinct ids", "ids repeated across partitions"])
def test_dask_on_two_workers_stores_what_the_local_engine_stores(
    agency_a: Agency, tmp_path: Path, repeats: int
) -> None:
    events = _events(2400, repeats=repeats)
    whole = tmp_path / "events.parquet"
    events.write_parquet(whole)
    lake = tmp_path / "lake"
    lake.mkdir()
    for number, low in enumerate(range(0, 2400, 800)):
        events.slice(low, 800).write_parquet(lake / f"part-{number}.parquet")
    local, from_file, from_lake = (
        StandardFactory(service=ServiceFactory(agency=agency_a)) for _each in range(3)
    )
    ingest_events(whole, local)
    ingest_events(whole, from_file, "--engine", "dask", "--partition-rows", "500")
    ingest_events(lake, from_lake, "--engine", "dask", "--partition-rows", "500")
    expected = events_and_rollups(local)
    assert len(expected[0]) == 2400 - repeats
    assert events_and_rollups(from_file) == expected
    assert events_and_rollups(from_lake) == expected


@pytest.mark.django_db
def test_dask_on_a_standard_with_events_replaces_them_and_recounts_the_days(
    agency_a: Agency, tmp_path: Path
) -> None:
    path = tmp_path / "events.parquet"
    _events(900).write_parquet(path)
    local, dask = (StandardFactory(service=ServiceFactory(agency=agency_a)) for _each in range(2))
    ingest_events(path, local)
    ingest_events(path, dask, "--engine", "dask", "--partition-rows", "400")
    ingest_events(path, dask, "--engine", "dask", "--partition-rows", "400")
    assert events_and_rollups(dask) == events_and_rollups(local)


@pytest.mark.django_db
def test_dask_names_a_bad_row_by_its_row_in_the_file_and_keeps_the_good_ones_on_request(
    agency_a: Agency, tmp_path: Path
) -> None:
    path = tmp_path / "events.parquet"
    starts = ["2026-03-02T09:00:00Z"] * 6
    starts[4] = "never"
    pl.DataFrame({"id": [str(n) for n in range(6)], "start": starts}).write_parquet(path)
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    rejected = tmp_path / "rejected.csv"
    with pytest.raises(CommandError, match="rejected"):
        ingest_events(path, standard, "--engine", "dask", "--partition-rows", "2")
    assert not StandardEvent.objects.filter(standard=standard).exists()
    ingest_events(
        path,
        standard,
        "--engine",
        "dask",
        "--partition-rows",
        "2",
        "--keep-valid",
        "--rejected-csv",
        str(rejected),
    )
    assert StandardEvent.objects.filter(standard=standard).count() == 5
    assert ",6,start," in rejected.read_text().splitlines()[1]
