"""An import that dies half way leaves nothing behind.

Each test lets an importer write some rows, then makes a function it calls part-way through
raise (as a full disk or a lost connection would), and checks that every table has exactly
the rows it had before.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command

from cxgov.benchmarks import importers as benchmark_importers
from cxgov.benchmarks.importers import benchmarks_import
from cxgov.complaints import services as complaint_services
from cxgov.complaints.importers import cfpb_parse
from cxgov.complaints.models import Category, Complaint
from cxgov.complaints.services import complaints_import
from cxgov.core.imports import read_table
from cxgov.registry.importers import _Importer, services_import
from cxgov.standards import importers as standard_importers
from cxgov.standards import services as standard_services
from cxgov.standards.importers import standards_import
from cxgov.standards.ingest import events_parse, rows_table
from cxgov.standards.models import StandardEvent
from cxgov.surveys import services as survey_services
from cxgov.surveys.models import Response
from cxgov.surveys.services import BulkResponse, SubmissionContext, response_bulk_create
from cxgov.surveys.tests.results_factories import mixed_survey
from cxgov.testing.data import SHARED_DATA, needs_shared
from cxgov.testing.factories import ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db

CANADA_SI = SHARED_DATA / "canada" / "si_2024_two_departments.csv"
CANADA_SS = SHARED_DATA / "canada" / "ss_2024_two_departments.csv"
CFPB = SHARED_DATA / "cfpb" / "bkreis84_Consumer_Complaints_2016_349rows.csv"
needs_canada = needs_shared("canada")
needs_cfpb = needs_shared("cfpb/bkreis84_Consumer_Complaints_2016_349rows.csv")
BENCHMARKS = (
    Path(__file__).resolve().parents[2] / "benchmarks" / "tests" / "data" / "benchmarks-cxgov.csv"
)
APPS = ("core", "registry", "standards", "complaints", "benchmarks", "surveys")


class DiskFullError(Exception):
    """The injected failure."""


def row_counts() -> dict[str, int]:
    """Rows in every table of the apps that importers write to."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS
    }


def fail_after(calls: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """`original`, except that call number `calls + 1` and later raise DiskFullError."""
    made = 0

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal made
        made += 1
        if made > calls:
            raise DiskFullError("no space left on device")
        return original(*args, **kwargs)

    return wrapped


@needs_canada
def test_services_import_that_dies_half_way_leaves_nothing():
    before = row_counts()
    with (
        mock.patch.object(_Importer, "_service", fail_after(2, _Importer._service)),
        pytest.raises(DiskFullError),
    ):
        services_import(actor=None, file=CANADA_SI, format="canada-si", create_agencies=True)
    assert row_counts() == before


@needs_canada
def test_standards_import_that_dies_half_way_leaves_nothing():
    call_command(
        "import_services",
        str(CANADA_SI),
        "--format",
        "canada-si",
        "--create-agencies",
        stdout=io.StringIO(),
    )
    before = row_counts()
    with (
        mock.patch.object(standard_importers, "_apply", fail_after(3, standard_importers._apply)),
        pytest.raises(DiskFullError),
    ):
        standards_import(actor=None, file=CANADA_SS, format="canada-ss")
    assert row_counts() == before


def test_events_ingest_that_dies_after_writing_events_leaves_nothing(agency_a):
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=2)
    rows = [
        {"id": str(i), "start": "2026-01-02T09:00", "end": "2026-01-03T09:00"} for i in range(50)
    ]
    batch = events_parse(rows_table(rows), standard=standard)
    before = row_counts()
    # The rollups are rebuilt after every event row is written.
    with (
        mock.patch.object(
            standard_services,
            "_rollups_rebuild",
            fail_after(0, standard_services._rollups_rebuild),
        ),
        pytest.raises(DiskFullError),
    ):
        standard_services.events_ingest(actor=None, standard=standard, batch=batch)
    assert row_counts() == before
    assert not StandardEvent.objects.exists()


@needs_cfpb
@pytest.mark.parametrize(
    ("failing", "calls"),
    [("tracking_number_new", 100), ("audit_record", 0)],
    ids=["after-categories", "after-complaints"],
)
def test_cfpb_complaint_import_that_dies_half_way_leaves_nothing(agency_a, failing, calls):
    rows = cfpb_parse(read_table(CFPB, required=("date_received", "product", "complaint_id")))
    before = row_counts()
    # tracking numbers are drawn row by row while categories are being created; the audit
    # event is written after every complaint and transition.
    original = getattr(complaint_services, failing)
    with (
        mock.patch.object(complaint_services, failing, fail_after(calls, original)),
        pytest.raises(DiskFullError),
    ):
        complaints_import(
            agency=agency_a,
            rows=rows,
            actor=None,
            source="cfpb",
        )
    assert row_counts() == before
    assert not Complaint.objects.exists() and not Category.objects.exists()


@needs_cfpb
def test_complaint_import_command_that_dies_half_way_leaves_nothing(agency_a):
    before = row_counts()
    original = complaint_services.tracking_number_new
    with (
        mock.patch.object(complaint_services, "tracking_number_new", fail_after(40, original)),
        pytest.raises(DiskFullError),
    ):
        call_command(
            "import_complaints", str(CFPB), format="cfpb", agency="alpha", stdout=io.StringIO()
        )
    assert row_counts() == before


def test_benchmarks_import_that_dies_half_way_leaves_nothing():
    before = row_counts()
    original = benchmark_importers.services.observation_record
    with (
        mock.patch.object(
            benchmark_importers.services, "observation_record", fail_after(2, original)
        ),
        pytest.raises(DiskFullError),
    ):
        benchmarks_import(actor=None, file=BENCHMARKS, format="cxgov")
    assert row_counts() == before


def test_survey_bulk_responses_that_die_after_the_answers_are_written_leave_nothing(agency_a):
    survey = mixed_survey(agency_a)
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    rows = [
        BulkResponse(
            answers={"sat": str(1 + n % 5), "comments": f"visit {n}"},
            submitted_at=at,
            context=SubmissionContext(language="en"),
        )
        for n in range(30)
    ]
    before = row_counts()
    # The second insert of answers fails, after responses and the first answers are written.
    with (
        mock.patch.object(
            survey_services, "_answers_insert", fail_after(1, survey_services._answers_insert)
        ),
        pytest.raises(DiskFullError),
    ):
        response_bulk_create(actor=None, survey=survey, rows=rows, batch_size=7)
    assert row_counts() == before
    assert not Response.objects.filter(survey=survey).exists()
