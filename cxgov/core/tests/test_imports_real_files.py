"""Real published files import as published, through every importer.

Hypothesis builds files from the shared samples the way agencies' tools write them: long
free-text cells, empty optional cells, extra and reordered columns, several fiscal years, CRLF
line ends, byte-order marks, UTF-16 and Windows-1252/Latin-1, semicolons and tabs. Every such
file imports (checked as a dry run) with no rejected row. Then each full sample imports for
real with zero rejections.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.a11.importers_performance_gov import a11_quarterly_import
from cxgov.benchmarks.importers import benchmarks_import
from cxgov.complaints.importers import cfpb_import
from cxgov.core.imports import ImportReport
from cxgov.registry.importers import CANADA_SERVICE_TYPES, services_import
from cxgov.registry.models import ChannelVolume, Service
from cxgov.standards.importers import standards_import
from cxgov.testing.data import SHARED_DATA, shared_available, shared_path

pytestmark = pytest.mark.django_db

SI = "canada/si_2024_two_departments.csv"
SS = "canada/ss_2024_two_departments.csv"
QUARTERLY = "performance_gov/hisp_cx_quarterly_fy2021.csv"
ACSI = "acsi/acsi_published_scores.csv"
CFPB = sorted(path.name for path in (SHARED_DATA / "cfpb").glob("*.csv"))


def _words(length: int) -> str:
    return ("Long free text as agencies write it, café and naïve; " * (length // 40 + 1))[:length]


def _next_canada_year(year: str) -> str:
    first, _dash, second = year.partition("-")
    return f"{int(first) - 1}-{int(second) - 1}" if second else year


@dataclass(frozen=True)
class Sample:
    """A shared file and what a variant of it may change."""

    path: str
    long: tuple[str, ...]
    optional: tuple[str, ...]
    year: str = ""
    earlier: Callable[[str], str] = _next_canada_year
    long_values: dict[str, str] = field(default_factory=dict)


def _table(sample: Sample) -> tuple[list[str], list[list[str]]]:
    with shared_path(sample.path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@st.composite
def variants(draw: st.DrawFn, sample: Sample) -> tuple[bytes, int]:
    """A file built from the sample, and how many data rows it has."""
    header, rows = _table(sample)
    start = draw(st.integers(0, len(rows) - 1))
    chosen = [list(row) for row in rows[start : start + draw(st.integers(1, 4))]]
    for column in draw(st.lists(st.sampled_from(sample.long), max_size=3, unique=True)):
        index = header.index(column)
        row = draw(st.sampled_from(chosen))
        row[index] = sample.long_values.get(column) or _words(draw(st.integers(201, 2500)))
    for column in draw(st.lists(st.sampled_from(sample.optional), max_size=4, unique=True)):
        for row in chosen:
            row[header.index(column)] = ""
    if sample.year and draw(st.booleans()):
        index = header.index(sample.year)
        older = [list(row) for row in chosen]
        for row in older:
            row[index] = sample.earlier(row[index])
        chosen += older
    extra = draw(st.integers(0, 2))
    names = [*header, *(f"extra_column_{n}" for n in range(extra))]
    chosen = [row + [_words(draw(st.integers(0, 30)))] * extra for row in chosen]
    order = draw(st.permutations(range(len(names))))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow([names[i] for i in order])
    writer.writerows([[row[i] for i in order] for row in chosen])
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8-sig")
    return data, len(chosen)


def accepted(report: ImportReport, rows: int) -> None:
    assert not report.rejected, report.as_text()
    assert report.rows_rejected == 0, report.as_text()
    assert report.rows_read == rows


FILE_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SI_SAMPLE = Sample(
    SI,
    long=("service_name_en", "service_description_en", "service_type", "owner_org_title"),
    optional=(
        "service_description_en",
        "service_type",
        "client_target_groups",
        "program_name_en",
        "service_uri_en",
        "num_phone_enquiries",
        "num_applications_online",
        "special_remarks_en",
    ),
    year="fiscal_yr",
    long_values={"service_type": ",".join(CANADA_SERVICE_TYPES)},
)
SS_SAMPLE = Sample(
    SS,
    long=("service_standard_en", "comments_en", "channel_comments_en"),
    optional=("comments_en", "volume_meeting_target", "total_volume", "target_met"),
    year="fiscal_yr",
)
QUARTERLY_SAMPLE = Sample(
    QUARTERLY,
    long=(
        "attributes_q1_text",
        "attributes_q2_text",
        "attributes_service_provided",
        "attributes_transaction_point",
        "attributes_organization_name",
        "attributes_service_provider_name",
    ),
    optional=(
        "attributes_transaction_point",
        "attributes_channel",
        "attributes_omb_control_number",
        "attributes_volume_of_customers",
        "attributes_q8_text",
    ),
    year="attributes_collection_year",
    earlier=lambda year: str(int(year) - 1) if year.isdigit() else year,
)
ACSI_SAMPLE = Sample(
    ACSI,
    long=("entity", "segment_or_metric", "source_note"),
    optional=("source_note", "derived"),
    year="period",
    earlier=lambda period: (
        str(int(period[:4]) - 30) + period[4:] if period[:4].isdigit() else period
    ),
)


@pytest.mark.skipif(not shared_available(SI), reason="the shared Canada inventory is absent")
@FILE_SETTINGS
@given(data=st.data())
def test_canada_inventory_variants_import(data: st.DataObject) -> None:
    content, rows = data.draw(variants(SI_SAMPLE))
    report = services_import(
        actor=None, file=content, format="canada-si", create_agencies=True, dry_run=True
    )
    accepted(report, rows)


@pytest.mark.skipif(not shared_available(SS), reason="the shared Canada standards are absent")
@FILE_SETTINGS
@given(data=st.data())
def test_canada_standards_variants_import(data: st.DataObject) -> None:
    if not Service.objects.exists():
        services_import(actor=None, file=shared_path(SI), format="canada-si", create_agencies=True)
    content, rows = data.draw(variants(SS_SAMPLE))
    accepted(standards_import(actor=None, file=content, format="canada-ss", dry_run=True), rows)


@pytest.mark.skipif(not CFPB, reason="the shared CFPB exports are absent")
@FILE_SETTINGS
@given(data=st.data())
def test_cfpb_export_variants_import(agency_a, data: st.DataObject) -> None:
    sample = Sample(
        f"cfpb/{data.draw(st.sampled_from(CFPB))}",
        long=("Consumer complaint narrative", "Issue", "Product", "Company"),
        optional=(
            "Issue",
            "Sub-product",
            "Sub-issue",
            "Company",
            "State",
            "Tags",
            "Timely response?",
            "Submitted via",
        ),
    )
    content, rows = data.draw(variants(sample))
    accepted(cfpb_import(actor=None, agency=agency_a, file=content, dry_run=True), rows)


@pytest.mark.skipif(not shared_available(QUARTERLY), reason="the performance.gov file is absent")
@FILE_SETTINGS
@given(data=st.data())
def test_performance_gov_quarterly_variants_import(data: st.DataObject) -> None:
    content, rows = data.draw(variants(QUARTERLY_SAMPLE))
    accepted(a11_quarterly_import(actor=None, text=content, dry_run=True), rows)


@pytest.mark.skipif(not shared_available(QUARTERLY), reason="the performance.gov file is absent")
@FILE_SETTINGS
@given(data=st.data())
def test_performance_gov_benchmark_variants_import(data: st.DataObject) -> None:
    content, rows = data.draw(variants(QUARTERLY_SAMPLE))
    report = benchmarks_import(actor=None, file=content, format="performance-gov", dry_run=True)
    accepted(report, rows)


@pytest.mark.skipif(not shared_available(ACSI), reason="the published ACSI file is absent")
@FILE_SETTINGS
@given(data=st.data())
def test_acsi_published_variants_import(data: st.DataObject) -> None:
    content, rows = data.draw(variants(ACSI_SAMPLE))
    report = benchmarks_import(actor=None, file=content, format="acsi-published", dry_run=True)
    accepted(report, rows)


# --- the full samples ----------------------------------------------------------------------


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for row in csv.reader(handle) if any(cell.strip() for cell in row)) - 1


def test_the_canada_inventory_and_standards_import_with_zero_rejections() -> None:
    si, ss = shared_path(SI), shared_path(SS)
    report = services_import(actor=None, file=si, format="canada-si", create_agencies=True)
    accepted(report, _rows(si))
    assert report.services.created == _rows(si)
    assert ChannelVolume.objects.exists()
    report = standards_import(actor=None, file=ss, format="canada-ss")
    accepted(report, _rows(ss))


@pytest.mark.parametrize("name", CFPB)
def test_each_cfpb_export_imports_with_zero_rejections(agency_a, name: str) -> None:
    path = shared_path(f"cfpb/{name}")
    report = cfpb_import(actor=None, agency=agency_a, file=path)
    accepted(report, _rows(path))
    assert report.complaints.created == _rows(path)


def test_the_performance_gov_quarterly_file_imports_with_zero_rejections() -> None:
    path = shared_path(QUARTERLY)
    accepted(a11_quarterly_import(actor=None, text=path), _rows(path))
    accepted(benchmarks_import(actor=None, file=path, format="performance-gov"), _rows(path))


def test_the_published_acsi_file_imports_with_zero_rejections() -> None:
    path = shared_path(ACSI)
    accepted(benchmarks_import(actor=None, file=path, format="acsi-published"), _rows(path))
