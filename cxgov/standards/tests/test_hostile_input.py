"""Hostile files and batches: every row is either stored or reported, never a crash."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import Standard
from cxgov.testing.factories import ServiceFactory, StandardFactory

cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-03-02T09:00",
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:00:00+05:30",
            "0001-01-01",
            "9999-12-31T23:59",
            "2026-02-30",
            "[[1, 2]]",
            '[["2026-03-02", "2026-03-03"]]',
            "[[[[[[",
            "NaN",
            "",
        ]
    ),
)
rows = st.lists(
    st.fixed_dictionaries(
        {"id": cells, "start": cells},
        optional={"end": cells, "due": cells, "pauses": cells, "statuses": cells, "channel": cells},
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=rows)
def test_every_row_is_stored_or_reported(batch: list[dict], agency_a) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), pause_statuses=["x"])
    parsed = events_parse(rows_table(batch), standard=standard)
    unique_good = parsed.accepted
    assert parsed.rejected + unique_good <= len(batch)
    assert {error.row for error in parsed.errors} <= set(range(1, len(batch) + 1))
    assert (parsed.elapsed[parsed.met >= 0] >= 0).all()


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_any_standards_file_is_imported_or_rejected_cleanly(text: str, tmp_path_factory) -> None:
    path = Path(tmp_path_factory.mktemp("ss")) / "ss.csv"
    path.write_text(
        "fiscal_yr,service_id,service_standard_id,service_standard_en,type,target,owner_org\n"
        + text
    )
    before = Standard.objects.count()
    try:
        call_command("import_standards", str(path), "--format", "canada-ss", stdout=io.StringIO())
    except CommandError:
        assert Standard.objects.count() == before


def test_an_unreadable_file_is_refused_plainly(tmp_path: Path) -> None:
    from cxgov.core.imports import FileRejectedError
    from cxgov.core.imports.frames import read_frame

    path = tmp_path / "events.parquet"
    path.write_bytes(b"PAR1 not parquet at all")
    with pytest.raises(FileRejectedError, match="not a Parquet file"):
        read_frame(path)


moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2198, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))


def _renderings(moment: datetime) -> list[str]:
    local = moment.astimezone(ZoneInfo("America/New_York"))
    east = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    return [
        moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00"),
        east.isoformat(),
        east.strftime("%Y-%m-%dT%H:%M:%S.%f%z"),
        east.strftime("%Y%m%dT%H%M%S.%f%z"),
        local.replace(tzinfo=None).isoformat(),
        local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}",
    ]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moment=moments)
def test_every_iso_8601_form_reads_as_the_same_instant(moment: datetime, agency_a) -> None:
    agency_a.time_zone = "America/New_York"
    agency_a.save(update_fields=["time_zone"])
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    local = moment.astimezone(ZoneInfo("America/New_York"))
    if local.fold or local.replace(fold=1).utcoffset() != local.utcoffset():
        return  # the repeated autumn hour has two readings without an offset
    texts = _renderings(moment)
    batch = [{"id": str(index), "start": text} for index, text in enumerate(texts)]
    parsed = events_parse(rows_table(batch), standard=standard)
    assert parsed.errors == []
    assert parsed.starts.tolist() == pytest.approx([moment.timestamp()] * len(texts), abs=1e-6)


@pytest.mark.django_db
def test_short_and_odd_timestamps_are_read_or_reported(agency_a) -> None:
    agency_a.time_zone = "UTC"
    agency_a.save(update_fields=["time_zone"])
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    texts = {
        "2026-03-02": "2026-03-02T00:00:00+00:00",
        "20260302": "2026-03-02T00:00:00+00:00",
        "2026-3-2 9:05": "2026-03-02T09:05:00+00:00",
        "2026-03-02T09:00:00,5": "2026-03-02T09:00:00.5+00:00",
        "2026-03-02T09:00:00+05": "2026-03-02T04:00:00+00:00",
        "2026-03-02T09:00:00 -0430": "2026-03-02T13:30:00+00:00",
        "2026-03-02t09:00z": "2026-03-02T09:00:00+00:00",
    }
    bad = ["2026-02-30", "2026-03-02T24:00", "2026-03-02T09:00:60", "03/02/2026", "2026-03-02Z"]
    batch = [{"id": str(index), "start": text} for index, text in enumerate([*texts, *bad])]
    parsed = events_parse(rows_table(batch), standard=standard)
    expected = [datetime.fromisoformat(value).timestamp() for value in texts.values()]
    assert parsed.starts.tolist() == pytest.approx(expected)
    assert [error.row for error in parsed.errors] == list(range(len(texts) + 1, len(batch) + 1))
    assert {error.column for error in parsed.errors} == {"start"}
    assert all(error.reason.endswith("is not a date.") for error in parsed.errors)
