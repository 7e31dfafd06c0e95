"""A large events load is vacuumed once it commits, so the exact quantiles' index-only scans
need not read the table's pages for the new rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cxgov.core import bulk
from cxgov.standards.models import Standard, StandardEvent
from cxgov.testing.factories import AgencyFactory, ServiceFactory, StandardFactory
from cxgov.testing.postgres import visible_pages

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="VACUUM and the visibility map are PostgreSQL's"
)


def _ingest(tmp_path: Path, count: int) -> Standard:
    """A new standard, and `count` closed events ingested into it from a CSV file."""
    standard = StandardFactory(
        service=ServiceFactory(agency=AgencyFactory()),
        threshold=1,
        threshold_unit="calendar_days",
        calendar="24x7",
    )
    path = tmp_path / "events.csv"
    rows = [
        f"{i},2026-03-{1 + i % 28:02d}T09:00:00Z,2026-03-{1 + i % 28:02d}T15:00:00Z"
        for i in range(count)
    ]
    path.write_text("id,start,end\n" + "\n".join(rows) + "\n")
    call_command("ingest_events", str(path), "--standard", str(standard.pk), stdout=io.StringIO())
    return standard


@pytest.mark.django_db(transaction=True)
def test_a_large_events_load_leaves_every_new_page_all_visible(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 100)
    standard = _ingest(tmp_path, 3000)
    assert StandardEvent.objects.filter(standard=standard).count() == 3000
    pages, visible = visible_pages(StandardEvent._meta.db_table)
    assert pages > 0
    assert visible == pages


@pytest.mark.django_db
def test_inside_a_transaction_the_load_is_analysed_without_a_vacuum(
    tmp_path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 100)
    statements: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(record),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _ingest(tmp_path, 300)
    maintenance = [sql for sql in statements if sql.startswith(("ANALYZE", "VACUUM"))]
    assert maintenance
    assert all(sql.startswith("ANALYZE") for sql in maintenance)
