"""A report counts its quarter's responses through an index of counted responses by service
(decision 0076): the same responses as before, read on PostgreSQL from that index alone, which
every monthly partition of the responses has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxgov.a11.models import Collection
from cxgov.a11.selectors import respondents_by_collection, responses_counted
from cxgov.a11.tests.factories import PERIOD, ready_collection
from cxgov.core import bulk
from cxgov.core.partitions import partitions_create
from cxgov.registry.models import Service
from cxgov.surveys.models import Response, Survey
from cxgov.surveys.services import (
    BulkResponse,
    SubmissionContext,
    response_bulk_create,
    response_delete,
    response_mark,
)
from cxgov.testing.postgres import visible_pages

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no partitions and no index-only plans"
)
INDEX = "response_counted_by_service"
IN_QUARTER = datetime.combine(PERIOD.start, datetime.min.time(), tzinfo=UTC) + timedelta(days=20)


def _stored(survey: Survey, *, service: str, when: datetime, tag: str, count: int = 1) -> None:
    """`count` thumbs-up responses naming `service` (a slug, or "" for none) at `when`."""
    response_bulk_create(
        actor=None,
        survey=survey,
        rows=[
            BulkResponse(
                answers={"trust": "1", "went_well": ["ease"]},
                submitted_at=when,
                context=SubmissionContext(source="import", service=service),
                submission_id=f"{tag}-{i}",
            )
            for i in range(count)
        ],
    )


def _latest(survey: Survey) -> Response:
    return Response.objects.filter(survey=survey).order_by("-id").first()  # type: ignore[return-value]


def _report_with_every_kind_of_response(survey: Survey, service: Service) -> Collection:
    """A report of `service` over a survey of that service only, with four responses about it,
    two naming no service, and one each spam, deleted and of the next quarter."""
    collection = ready_collection(service=service, survey=survey, responses=4)
    _stored(survey, service="", when=IN_QUARTER, tag="none", count=2)
    _stored(survey, service=service.slug, when=IN_QUARTER, tag="spam")
    response_mark(actor=None, response=_latest(survey), spam=True)
    _stored(survey, service=service.slug, when=IN_QUARTER, tag="deleted")
    response_delete(actor=None, response=_latest(survey))
    later = datetime.combine(PERIOD.next().start, datetime.min.time(), tzinfo=UTC)
    _stored(survey, service=service.slug, when=later + timedelta(days=3), tag="later")
    return collection


def test_a_report_counts_its_valid_responses_and_those_naming_no_service(
    thumbs_survey: Survey, service_a: Service
) -> None:
    collection = _report_with_every_kind_of_response(thumbs_survey, service_a)
    assert responses_counted(collection=collection) == 6
    fresh = Collection.objects.select_related("agency").get(pk=collection.pk)
    assert respondents_by_collection(collections=[fresh]) == {collection.pk: 6}


def test_the_responses_table_has_the_index_of_counted_responses(db: None) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Response._meta.db_table)
    assert found[INDEX]["index"]
    assert found[INDEX]["columns"] == ["survey_id", "submitted_at", "service_id"]


def _relations(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [INDEX])
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
def test_every_response_partition_has_the_index_of_counted_responses(db: None) -> None:
    # Months made after the migration get theirs when attached.
    assert partitions_create(months_ahead=1, today=date(2031, 1, 10))
    partitions = _relations(
        "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid "
        "WHERE i.inhparent = 'surveys_response'::regclass AND %s <> ''"
    )
    indexed = _relations(
        "SELECT t.relname FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid "
        "JOIN pg_class t ON t.oid = x.indrelid WHERE i.inhparent = %s::regclass"
    )
    assert {"surveys_response_default", "surveys_response_p2031_02"} <= partitions
    assert indexed == partitions


def _plans(read: Callable[[], object]) -> list[str]:
    """The plan of each read of the responses `read` makes, scans other than through an
    index read alone made as dear as PostgreSQL allows (the test tables are tiny)."""
    with CaptureQueriesContext(connection) as queries:
        read()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for query in queries.captured_queries:
            if 'FROM "surveys_response"' in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(line for (line,) in cursor.fetchall()))
    return plans


def _scans(plan: str) -> list[str]:
    """The plan's scan nodes, as "Index Only Scan using … on …"."""
    nodes = (line.strip().removeprefix("->").strip() for line in plan.splitlines())
    return [node for node in nodes if " Scan " in f" {node}"]


@on_postgresql
def test_a_reports_count_and_the_oversight_read_need_only_the_index(
    thumbs_survey: Survey, service_a: Service
) -> None:
    collection = _report_with_every_kind_of_response(thumbs_survey, service_a)
    fresh = Collection.objects.select_related("agency").get(pk=collection.pk)
    [count] = _plans(lambda: responses_counted(collection=collection))
    [grouped] = _plans(lambda: respondents_by_collection(collections=[fresh]))
    for plan in (count, grouped):
        scans = _scans(plan)
        assert scans, plan
        assert all(
            scan.startswith("Index Only Scan using") and "survey_id_submitted_at_service" in scan
            for scan in scans
        ), plan


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_large_response_load_leaves_every_new_page_all_visible(
    thumbs_survey: Survey, service_a: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 100)
    _stored(thumbs_survey, service=service_a.slug, when=IN_QUARTER, tag="load", count=400)
    pages, visible = visible_pages(Response._meta.db_table)
    assert pages > 0
    assert visible == pages
