"""Exact quantiles are kept per standard and span until the standard's events change: the
worker reads them after each change, and a page reads them at once instead of ordering the
events again on every request (decision 0077)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cxgov.core.models import Agency
from cxgov.core.schedule import periodic_tasks
from cxgov.standards import services as standard_services
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import ElapsedQuantile, Standard, StandardEvent
from cxgov.standards.selectors import standard_results, standards_results
from cxgov.standards.services import (
    events_ingest,
    standard_quantiles_prepare,
    standard_update,
)
from cxgov.testing.factories import ServiceFactory, StandardFactory

MARCH = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVENTS = StandardEvent._meta.db_table
KEPT = ElapsedQuantile._meta.db_table


def _standard(agency: Agency) -> Standard:
    return StandardFactory(
        service=ServiceFactory(agency=agency),
        threshold=5.0,
        threshold_unit="calendar_days",
        calendar="24x7",
        period="month",
        status="posted",
    )


def _ingest(standard: Standard, days: list[float], *, first_id: int = 0) -> None:
    """Events closed after `days`, through the service every feed uses (the worker's task
    runs only where a test runs the commit's callbacks)."""
    records = [
        {
            "id": str(first_id + i),
            "start": MARCH.isoformat(),
            "end": (MARCH + timedelta(days=value)).isoformat(),
        }
        for i, value in enumerate(days)
    ]
    batch = events_parse(rows_table(records), standard=standard)
    events_ingest(actor=None, standard=standard, batch=batch)


def _touching(queries: CaptureQueriesContext, table: str) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if table in query["sql"]]


@pytest.mark.django_db
def test_the_worker_keeps_every_periods_quantiles_once_the_events_change(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    standard = _standard(agency_a)
    april = [value + 40 for value in (1.0, 2.0, 6.0)]  # ends in April: a second period
    with django_capture_on_commit_callbacks(execute=True):
        _ingest(standard, [1.0, 2.0, 3.0, *april])
    version = Standard.objects.get(pk=standard.pk).events_version
    kept = ElapsedQuantile.objects.filter(standard=standard, version=version)
    assert sorted(kept.values_list("share", flat=True)) == [0.5, 0.5, 0.9, 0.9]
    with CaptureQueriesContext(connection) as queries:
        results = standard_results(standard=Standard.objects.get(pk=standard.pk))
        assert [r.median for r in results] == [2.0, 42.0]
        assert [r.p90 for r in results] == pytest.approx([2.8, 45.2])
    assert _touching(queries, EVENTS) == []
    assert len(_touching(queries, KEPT)) == 1


@pytest.mark.django_db
def test_a_page_with_nothing_kept_reads_the_events_and_writes_nothing(agency_a: Agency) -> None:
    standard = _standard(agency_a)
    days = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.5]
    _ingest(standard, days)  # the worker has not run
    with CaptureQueriesContext(connection) as queries:
        [period] = standard_results(standard=Standard.objects.get(pk=standard.pk))
        assert period.median == pytest.approx(np.quantile(days, 0.5))
        assert period.p90 == pytest.approx(np.quantile(days, 0.9))
    assert _touching(queries, EVENTS)
    assert not [sql for sql in _touching(queries, KEPT) if not sql.startswith("SELECT")]
    assert not ElapsedQuantile.objects.exists()


@pytest.mark.django_db
def test_new_events_make_the_kept_quantiles_stale_before_the_worker_runs(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    standard = _standard(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        _ingest(standard, [1.0, 2.0, 3.0])
    [before] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert before.median == 2.0
    version = Standard.objects.get(pk=standard.pk).events_version
    _ingest(standard, [9.0, 9.0, 9.0, 9.0], first_id=100)  # the worker has not run
    assert Standard.objects.get(pk=standard.pk).events_version != version
    assert not ElapsedQuantile.objects.filter(standard=standard).exists()
    [after] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert after.median == 9.0


@pytest.mark.django_db
def test_a_replaced_event_changes_the_kept_quantile_it_was_in(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    standard = _standard(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        _ingest(standard, [1.0, 2.0, 3.0])
    [before] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert before.p90 == pytest.approx(np.quantile([1.0, 2.0, 3.0], 0.9))
    with django_capture_on_commit_callbacks(execute=True):
        _ingest(standard, [8.0], first_id=2)  # id "2" sent again, now closed after 8 days
    [after] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert after.p90 == pytest.approx(np.quantile([1.0, 2.0, 8.0], 0.9))


@pytest.mark.django_db
def test_many_standards_read_their_kept_quantiles_in_one_query(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    standards = [_standard(agency_a) for _ in range(3)]
    for offset, standard in enumerate(standards):
        with django_capture_on_commit_callbacks(execute=True):
            _ingest(standard, [1.0 + offset, 2.0 + offset, 4.0 + offset])
    fresh = list(Standard.objects.filter(pk__in=[s.pk for s in standards]))
    with CaptureQueriesContext(connection) as queries:
        results = standards_results(standards=fresh)
        medians = {pk: [r.median for r in periods] for pk, periods in results.items()}
    assert medians == {s.pk: [2.0 + offset] for offset, s in enumerate(standards)}
    assert _touching(queries, EVENTS) == []
    assert len(_touching(queries, KEPT)) == 1


@pytest.mark.django_db
def test_the_public_standards_page_reads_no_events_once_its_quantiles_are_kept(
    client: Client, agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    address = f"/agencies/{agency_a.slug}/standards/"
    for offset in range(2):
        standard = _standard(agency_a)
        _ingest(standard, [1.0 + offset, 3.0 + offset, 5.0 + offset])
    computed = client.get(address)
    assert computed.status_code == 200
    for standard in Standard.objects.filter(agency=agency_a):
        with django_capture_on_commit_callbacks(execute=True):
            standard_quantiles_prepare(standard_id=standard.pk)
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(address)
    assert kept.content == computed.content
    assert _touching(queries, EVENTS) == []
    assert len(_touching(queries, KEPT)) == 1


@pytest.mark.django_db
def test_a_quantile_kept_under_another_version_is_never_read(agency_a: Agency) -> None:
    standard = _standard(agency_a)
    _ingest(standard, [1.0, 2.0, 3.0])
    [period] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    ElapsedQuantile.objects.create(
        agency=agency_a,
        standard=standard,
        version="an-earlier-one",
        first=period.start,
        last=period.end,
        share=0.5,
        value=99.0,
    )
    [again] = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert again.median == 2.0


@pytest.mark.django_db
def test_events_of_one_month_keep_the_quantiles_of_the_others(
    agency_a: Agency, django_capture_on_commit_callbacks
) -> None:
    standard = _standard(agency_a)
    april = [value + 40 for value in (1.0, 2.0, 6.0)]  # ends in April
    with django_capture_on_commit_callbacks(execute=True):
        _ingest(standard, [1.0, 2.0, 3.0, *april])
    kept = ElapsedQuantile.objects.filter(standard=standard)
    march = {(row.first, row.share): row.pk for row in kept if row.first.month == 3}
    _ingest(standard, [47.0], first_id=100)  # April again; the worker has not run
    version = Standard.objects.get(pk=standard.pk).events_version
    now = ElapsedQuantile.objects.filter(standard=standard)
    assert {(row.first, row.share): row.pk for row in now} == march
    assert {row.version for row in now} == {version}
    results = standard_results(standard=Standard.objects.get(pk=standard.pk))
    assert [r.median for r in results] == [2.0, pytest.approx(np.quantile([41, 42, 46, 47], 0.5))]


@pytest.mark.django_db
def test_editing_a_standard_loaded_before_a_file_keeps_the_files_version(
    agency_a: Agency,
) -> None:
    standard = _standard(agency_a)
    loaded = Standard.objects.get(pk=standard.pk)
    _ingest(standard, [1.0, 2.0, 3.0])
    after_file = Standard.objects.get(pk=standard.pk)
    standard_update(actor=None, standard=loaded, statement="Reviewed within three days")
    stored = Standard.objects.get(pk=standard.pk)
    assert stored.statement == "Reviewed within three days"
    assert stored.events_version == after_file.events_version
    assert stored.results_updated_at == after_file.results_updated_at


def _periodic_quantiles_run() -> int:
    (periodic,) = [p for p in periodic_tasks() if p.name == "standards.quantiles"]
    return periodic.task.call()


@pytest.mark.django_db
def test_the_periodic_run_keeps_quantiles_that_no_change_queued(agency_a: Agency) -> None:
    """Events stored before quantiles were kept (or whose task was lost) get them within the
    schedule, and a run that finds every period kept reads no event."""
    standard = _standard(agency_a)
    _ingest(standard, [1.0, 2.0, 3.0, 41.0, 42.0, 46.0])  # callbacks not run: nothing queued
    assert not ElapsedQuantile.objects.filter(standard=standard).exists()
    assert _periodic_quantiles_run() == 4
    version = Standard.objects.get(pk=standard.pk).events_version
    assert ElapsedQuantile.objects.filter(standard=standard, version=version).count() == 4
    with CaptureQueriesContext(connection) as queries:
        assert _periodic_quantiles_run() == 0
    assert _touching(queries, EVENTS) == []


@pytest.mark.django_db
def test_the_periodic_run_keeps_the_periods_of_a_new_fiscal_year_start(agency_a: Agency) -> None:
    standard = _standard(agency_a)
    Standard.objects.filter(pk=standard.pk).update(period="quarter")
    _ingest(standard, [1.0, 2.0, 3.0])
    _periodic_quantiles_run()
    spans = set(ElapsedQuantile.objects.values_list("first", "last"))
    Agency.objects.filter(pk=agency_a.pk).update(fiscal_year_start_month=2)
    assert _periodic_quantiles_run() == 2
    moved = set(ElapsedQuantile.objects.values_list("first", "last")) - spans
    assert {first.month for first, _last in moved} == {2}


@pytest.mark.django_db
def test_a_standard_that_fails_leaves_the_periodic_run_to_keep_the_others(
    agency_a: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing, other = _standard(agency_a), _standard(agency_a)
    for standard in (failing, other):
        _ingest(standard, [1.0, 2.0, 3.0])
    prepare = standard_services.standard_quantiles_prepare

    def broken(*, standard_id: int) -> int:
        if standard_id == failing.pk:
            raise RuntimeError("disk full")
        return prepare(standard_id=standard_id)

    monkeypatch.setattr(standard_services, "standard_quantiles_prepare", broken)
    assert _periodic_quantiles_run() == 2
    assert ElapsedQuantile.objects.filter(standard=other).count() == 2
    assert not ElapsedQuantile.objects.filter(standard=failing).exists()
