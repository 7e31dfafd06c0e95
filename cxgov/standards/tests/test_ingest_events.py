"""Event ingestion: NYC 311 against pandas, replacement, bad rows, recompute."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cxgov.core.models import Agency
from cxgov.standards.models import DailyRollup, StandardEvent
from cxgov.standards.selectors import results_between
from cxgov.testing.data import shared_path
from cxgov.testing.factories import ServiceFactory, StandardFactory


def _nyc_file() -> Path:
    return next(shared_path("nyc311").glob("*.csv"))


NYC_MAPPING = {"id": "unique_key", "start": "created_date", "end": "closed_date", "due": "due_date"}


def _ingest(
    path: Path, standard_id: int, mapping: dict[str, str] | None = None, *options: str
) -> str:
    out = io.StringIO()
    args = [str(path), "--standard", str(standard_id), *options]
    if mapping is not None:
        args += ["--mapping", json.dumps(mapping)]
    call_command("ingest_events", *args, stdout=out)
    return out.getvalue()


def _totals(standard) -> tuple[int, int, int]:
    counts = results_between(standard=standard, first=date(1970, 1, 1), last=date(2199, 1, 1))
    return counts.n or 0, counts.met or 0, counts.still_open


@pytest.mark.django_db
def test_nyc311_closed_by_due_date_matches_pandas(agency_a: Agency) -> None:
    standard = StandardFactory(
        service=ServiceFactory(agency=agency_a),
        statement="We close requests by their due date (30 days when none is set)",
        threshold=30,
        threshold_unit="calendar_days",
        calendar="24x7",
    )
    nyc = _nyc_file()
    _ingest(nyc, standard.pk, NYC_MAPPING)
    frame = pd.read_csv(nyc)
    created = pd.to_datetime(frame["created_date"])
    closed = pd.to_datetime(frame["closed_date"])
    due = pd.to_datetime(frame["due_date"])
    on_time = closed.notna() & (
        (closed <= due) | (due.isna() & (closed - created <= pd.Timedelta(days=30)))
    )
    total, met, still_open = _totals(standard)
    assert met == int(on_time.sum())
    assert total == int(closed.notna().sum())
    assert still_open == int(closed.isna().sum())


@pytest.mark.django_db
def test_nyc311_closed_within_an_hour_matches_pandas(agency_a: Agency) -> None:
    standard = StandardFactory(
        service=ServiceFactory(agency=agency_a),
        threshold=1,
        threshold_unit="hours",
        calendar="24x7",
    )
    mapping = {k: v for k, v in NYC_MAPPING.items() if k != "due"}
    nyc = _nyc_file()
    _ingest(nyc, standard.pk, mapping)
    frame = pd.read_csv(nyc)
    elapsed = pd.to_datetime(frame["closed_date"]) - pd.to_datetime(frame["created_date"])
    assert _totals(standard)[1] == int((elapsed <= pd.Timedelta(hours=1)).sum())


def _write(tmp_path: Path, text: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.django_db
def test_resending_an_event_replaces_it(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=2)
    first = _write(
        tmp_path, "id,start,end\nA,2026-03-02T09:00,\nB,2026-03-02T09:00,2026-03-03T09:00\n"
    )
    _ingest(first, standard.pk)
    assert _totals(standard) == (1, 1, 1)
    # A closes late on another day; B is sent again unchanged.
    second = _write(
        tmp_path,
        "id,start,end\nA,2026-03-02T09:00,2026-03-10T09:00\nB,2026-03-02T09:00,2026-03-03T09:00\n",
    )
    output = _ingest(second, standard.pk)
    assert "0 created, 2 updated" in output
    assert StandardEvent.objects.filter(standard=standard).count() == 2
    assert _totals(standard) == (2, 1, 0)


@pytest.mark.django_db
def test_bad_rows_are_reported_with_row_and_reason(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    path = _write(
        tmp_path,
        "id,start,end,pauses\n"
        "ok,2026-03-02T09:00,2026-03-03T09:00,\n"
        ",2026-03-02T09:00,,\n"
        "late,not a date,,\n"
        "back,2026-03-05T09:00,2026-03-02T09:00,\n"
        "pz,2026-03-02T09:00,2026-03-03T09:00,[[1]]\n",
    )
    with pytest.raises(CommandError, match="rejected"):
        _ingest(path, standard.pk)
    assert not StandardEvent.objects.exists()
    rejected = tmp_path / "rejected.csv"
    output = _ingest(path, standard.pk, None, "--keep-valid", "--rejected-csv", str(rejected))
    assert "row 3, column id: This cell is empty, but it is required." in output
    assert 'row 4, column start: "not a date" is not a date.' in output
    assert "row 5, column end: The end time is before the start time." in output
    assert "row 6, column pauses:" in output
    assert "events: 1 created" in output
    assert (
        rejected.read_text()
        .splitlines()[0]
        .endswith("rejected row,rejected column,rejected reason")
    )


@pytest.mark.django_db
def test_pauses_and_pause_statuses_stop_the_clock(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(
        service=ServiceFactory(agency=agency_a),
        threshold=2,
        pause_statuses=["waiting_on_customer"],
    )
    path = _write(
        tmp_path,
        "id,start,end,pauses,statuses\n"
        # Monday to Thursday is 3 business days; 2 of them paused leaves 1.
        'p,2026-03-02T00:00,2026-03-05T00:00,"[[""2026-03-02T00:00"", ""2026-03-04T00:00""]]",\n'
        "s,2026-03-02T00:00,2026-03-05T00:00,,"
        '"[[""2026-03-02T00:00"", ""waiting_on_customer""], [""2026-03-04T00:00"", ""open""]]"\n'
        "n,2026-03-02T00:00,2026-03-05T00:00,,\n",
    )
    _ingest(path, standard.pk)
    elapsed = dict(StandardEvent.objects.values_list("event_id", "elapsed"))
    assert elapsed == {"p": 1.0, "s": 1.0, "n": 3.0}
    assert _totals(standard)[1] == 2


@pytest.mark.django_db
def test_recompute_rebuilds_rollups_from_raw_events(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=2)
    path = _write(
        tmp_path,
        "id,start,end\nA,2026-03-02T09:00,2026-03-03T09:00\nB,2026-03-02T09:00,2026-03-12T09:00\n",
    )
    _ingest(path, standard.pk)
    before = list(DailyRollup.objects.values_list("day", "total", "met", "histogram"))
    DailyRollup.objects.all().delete()
    call_command("recompute_standard", str(standard.pk), stdout=io.StringIO())
    assert list(DailyRollup.objects.values_list("day", "total", "met", "histogram")) == before


@pytest.mark.django_db
def test_parquet_files_are_read(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=2)
    frame = pd.DataFrame(
        {
            "case": ["A", "B"],
            "opened": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:00"]),
            "closed": pd.to_datetime(["2026-03-03 09:00", None]),
        }
    )
    path = tmp_path / "events.parquet"
    frame.to_parquet(path)
    _ingest(path, standard.pk, {"id": "case", "start": "opened", "end": "closed"})
    assert _totals(standard) == (1, 1, 1)


@pytest.mark.django_db
def test_a_mapping_naming_a_missing_column_is_refused(agency_a: Agency, tmp_path: Path) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    path = _write(tmp_path, "id,start\nA,2026-03-02\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command(
            "ingest_events",
            str(path),
            "--standard",
            str(standard.pk),
            "--mapping",
            json.dumps({"end": "nope"}),
            stdout=out,
        )
    assert "file: The column names give nope for end, but the file has no such column." in (
        out.getvalue()
    )
