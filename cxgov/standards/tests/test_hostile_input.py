"""Hostile files and batches: every row is either stored or reported, never a crash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.testing.factories import ServiceFactory, StandardFactory
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import Standard

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
    assert parsed.error_count + unique_good <= len(batch)
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
    from cxgov.standards.ingest import IngestError, table_read

    path = tmp_path / "events.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(IngestError, match="cannot be read"):
        table_read(path)
