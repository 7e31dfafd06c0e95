"""A large bulk load leaves PostgreSQL's planner with the table's real size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from cxgov.core import bulk
from cxgov.core.models import Agency
from cxgov.surveys.models import Answer
from cxgov.surveys.tests.results_factories import bulk as bulk_answers
from cxgov.surveys.tests.results_factories import mixed_survey

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 15, tzinfo=UTC)


def _planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_a_large_bulk_load_refreshes_the_planners_row_counts_once_it_commits(
    agency_a: Agency, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 20)
    survey = mixed_survey(agency_a)
    table = Answer._meta.db_table
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bulk_answers(survey, [({"sat": 4, "up": 1, "pick": "ease"}, AT)] * 30)
    # The load's ANALYZE, and the fold's of the rollup tables it filled.
    analyses = [c for c in callbacks if c.__qualname__.endswith("analyze")]
    assert len(analyses) == 2
    assert _planner_rows(table) == Answer.objects.count() >= 90


def test_a_small_bulk_load_leaves_statistics_to_autovacuum(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    survey = mixed_survey(agency_a)
    with django_capture_on_commit_callbacks() as callbacks:
        bulk_answers(survey, [({"sat": 4}, AT)] * 5)
    assert [c for c in callbacks if c.__qualname__.endswith("analyze")] == []


def test_sqlite_is_never_analysed(
    monkeypatch: pytest.MonkeyPatch, agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 1)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with django_capture_on_commit_callbacks() as callbacks:
        bulk.planner_statistics_refresh(tables=[Answer], rows=1_000_000)
    assert callbacks == []
