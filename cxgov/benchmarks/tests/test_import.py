"""Importing benchmarks: the published ACSI file, our cxgov format, bad and hostile files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.benchmarks.importers import FORMATS, benchmarks_import
from cxgov.benchmarks.models import Observation, Series, Source
from cxgov.core.models import AuditEvent
from cxgov.testing.data import SHARED_DATA, needs_shared

pytestmark = pytest.mark.django_db

ACSI_FILE = SHARED_DATA / "acsi" / "acsi_published_scores.csv"
CXGOV_FILE = Path(__file__).parent / "data" / "benchmarks-cxgov.csv"
needs_acsi = needs_shared("acsi/acsi_published_scores.csv")


def _acsi_rows() -> list[dict[str, str]]:
    with ACSI_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_acsi
def test_acsi_import_keeps_every_figure_with_its_url_and_derived_flag():
    rows = _acsi_rows()
    # Counted independently of the importer: 119 figures; series are (scope, entity, segment)
    # with the segment's case ignored ("Retirees" and "retirees" of PBGC are one series).
    assert len(rows) == 119
    distinct = {(r["scope"], r["entity"], r["segment_or_metric"].casefold()) for r in rows}
    report = benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    assert report.errors == []
    assert Observation.objects.count() == len(rows)
    assert Series.objects.count() == len(distinct)
    stored = {
        (o.series.entity, o.series.name.casefold(), o.period): o
        for o in Observation.objects.select_related("series")
    }
    for row in rows:
        observation = stored[(row["entity"], row["segment_or_metric"].casefold(), row["period"])]
        assert observation.source_url == row["source_url"]
        assert observation.derived == (row["derived"] == "yes")
        assert float(observation.value) == pytest.approx(float(row["score"]))
    assert Observation.objects.filter(derived=True).count() == sum(
        r["derived"] == "yes" for r in rows
    )


@needs_acsi
def test_importing_the_same_file_again_changes_nothing():
    benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    events = AuditEvent.objects.count()
    report = benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    assert vars(report.observations) == {"created": 0, "updated": 0, "unchanged": 119}
    assert AuditEvent.objects.count() == events


@needs_acsi
def test_federal_series_spans_1999_to_2024():
    benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    from cxgov.benchmarks.selectors import federal_acsi_series

    series = federal_acsi_series()
    assert series is not None and series.is_aggregate and series.sector == "federal"
    years = sorted(series.observations.values_list("year", flat=True))
    assert years[0] == 1999 and years[-1] == 2024
    expected = [
        r
        for r in _acsi_rows()
        if r["scope"] == "federal_government"
        and r["segment_or_metric"] == "ACSI citizen satisfaction"
    ]
    assert len(years) == len(expected)


def test_cxgov_format_keeps_comparability_metadata():
    report = benchmarks_import(actor=None, file=CXGOV_FILE, format="cxgov")
    assert report.errors == []
    assert Source.objects.count() == 2
    bank = Series.objects.get(key="bank-easy")
    assert bank.sector == "private" and bank.is_aggregate and bank.industry == "Banking"
    assert bank.wording == "It was easy to complete what I needed to do."
    observation = bank.observations.get()
    assert observation.derived and float(observation.standard_error) == 1.0
    assert observation.sample_size == 1200


def test_a_bad_row_rejects_the_whole_file_with_row_and_column():
    text = (
        CXGOV_FILE.read_text()
        .replace(",2024,83.0,", ",2024,183.0,")
        .replace(
            "percent_agree,percent,It was easy to complete what I needed to do.,phone",
            "percent_agree,stars,It was easy to complete what I needed to do.,phone",
        )
    )
    report = benchmarks_import(actor=None, file=io.StringIO(text), format="cxgov")
    assert report.rejected and not report.applied
    found = {(e.row, e.column) for e in report.errors}
    assert (3, "value") in found
    assert (4, "scale") in found
    assert "outside the percent scale" in str(report.errors[0])
    assert Observation.objects.count() == 0 and Source.objects.count() == 0


def test_keep_valid_imports_the_good_rows_and_writes_the_rejected_ones(tmp_path):
    text = CXGOV_FILE.read_text().replace(",2024,83.0,", ",2024,183.0,")
    path = tmp_path / "figures.csv"
    path.write_text(text)
    rejected = tmp_path / "rejected.csv"
    out = io.StringIO()

    call_command(
        "import_benchmarks",
        str(path),
        "--format",
        "cxgov",
        "--keep-valid",
        "--rejected-csv",
        str(rejected),
        stdout=out,
    )

    assert "rows rejected: 1" in out.getvalue()
    assert Observation.objects.count() == len(text.splitlines()) - 2
    lines = list(csv.reader(io.StringIO(rejected.read_text())))
    assert lines[0][-3:] == ["rejected row", "rejected column", "rejected reason"]
    assert [line[-3:-1] for line in lines[1:]] == [["3", "value"]]


def test_missing_columns_and_duplicates_are_reported():
    report = benchmarks_import(
        actor=None, file=io.StringIO("scope,entity\nx,y\n"), format="acsi-published"
    )
    assert "missing required columns" in report.errors[0].reason
    lines = CXGOV_FILE.read_text().splitlines()
    doubled = "\n".join([*lines, lines[1]])
    report = benchmarks_import(actor=None, file=io.StringIO(doubled), format="cxgov")
    assert any("already on row 2" in e.reason for e in report.errors)


def test_latin1_files_are_read_and_empty_files_are_refused_plainly():
    assert (
        "missing required columns"
        in benchmarks_import(actor=None, file=io.BytesIO(b"scope\n\xe9t\xe9"), format="cxgov")
        .errors[0]
        .reason
    )
    assert (
        "empty"
        in benchmarks_import(actor=None, file=io.BytesIO(b""), format="cxgov").errors[0].reason
    )


def test_dry_run_writes_nothing():
    report = benchmarks_import(actor=None, file=CXGOV_FILE, format="cxgov", dry_run=True)
    assert report.errors == [] and not report.applied
    assert vars(report.observations)["created"] == 3
    assert Observation.objects.count() == 0


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400), st.sampled_from(FORMATS))
def test_hostile_bytes_never_crash_and_write_nothing_when_rejected(data, format):
    before = Observation.objects.count()
    report = benchmarks_import(actor=None, file=io.BytesIO(data), format=format)
    if report.errors:
        assert Observation.objects.count() == before


CELL = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELL, min_size=8, max_size=10), min_size=1, max_size=5))
def test_hostile_rows_get_row_and_column_errors_or_import_cleanly(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "scope",
            "entity",
            "segment_or_metric",
            "period",
            "score",
            "scale",
            "derived",
            "source_url",
        ]
    )
    writer.writerows(rows)
    report = benchmarks_import(
        actor=None, file=io.StringIO(buffer.getvalue()), format="acsi-published"
    )
    for error in report.errors:
        assert error.reason
        assert error.row == 0 or error.column or "cells" in error.reason


@needs_acsi
def test_cli_imports_and_rejects_bad_files(tmp_path):
    out = io.StringIO()
    call_command("import_benchmarks", str(ACSI_FILE), "--format", "acsi-published", stdout=out)
    assert "observations: 119 created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("scope,entity\n")
    with pytest.raises(CommandError, match="rejected"):
        call_command(
            "import_benchmarks", str(bad), "--format", "acsi-published", stdout=io.StringIO()
        )


PERF_FILE = SHARED_DATA / "performance_gov" / "hisp_cx_quarterly_fy2021.csv"


@needs_shared("performance_gov/hisp_cx_quarterly_fy2021.csv")
def test_performance_gov_rows_become_points_and_percent_agree_series():
    with PERF_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    asked = sum(
        1
        for row in rows
        for q in range(1, 12)
        if row[f"attributes_q{q}_text"].strip()
        and sum(int(float(row[f"attributes_q{q}_{k}"] or 0)) for k in range(1, 6)) > 0
    )
    report = benchmarks_import(actor=None, file=PERF_FILE, format="performance-gov")
    assert report.errors == []
    agree = Observation.objects.filter(series__metric="percent_agree")
    assert agree.count() == asked and all(o.derived for o in agree)
    first = rows[0]
    counts = [int(first[f"attributes_q1_{k}"]) for k in range(1, 6)]
    observation = Observation.objects.get(
        series__metric="percent_agree",
        series__wording=first["attributes_q1_text"].strip(),
        series__entity=first["attributes_service_provider_name"],
        period="2021-Q2",
    )
    assert observation.sample_size == sum(counts)
    assert float(observation.value) == pytest.approx(
        (counts[3] + counts[4]) / sum(counts) * 100, abs=5e-4
    )
    points = Observation.objects.get(
        series=Series.objects.get(
            metric="a11_points", key=observation.series.key.replace("|agree", "|points")
        ),
        period="2021-Q2",
    )
    assert float(points.value) == pytest.approx(float(first["attributes_q1_point_scale"]))
    assert points.standard_error is not None and not points.derived


PERF_HEADER = [
    "attributes_organization_name",
    "attributes_service_provider_name",
    "attributes_collection_year",
    "attributes_collection_quarter",
    "attributes_service_provided",
    "attributes_channel",
    "attributes_q1_text",
    *[f"attributes_q1_{k}" for k in range(1, 6)],
    "attributes_q1_point_scale",
]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELL, min_size=13, max_size=13), min_size=1, max_size=4))
def test_hostile_performance_gov_rows_are_reported_by_row_and_column(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PERF_HEADER)
    writer.writerows(rows)
    before = Observation.objects.count()
    report = benchmarks_import(
        actor=None, file=io.StringIO(buffer.getvalue()), format="performance-gov"
    )
    for error in report.errors:
        assert error.reason and (error.row == 0 or error.column)
    if report.errors:
        assert Observation.objects.count() == before


def test_reimporting_values_with_more_decimals_than_stored_changes_nothing():
    text = CXGOV_FILE.read_text().replace(",2023,81.5,", ",2023,81.5004,")
    benchmarks_import(actor=None, file=io.StringIO(text), format="cxgov")
    report = benchmarks_import(actor=None, file=io.StringIO(text), format="cxgov")
    assert vars(report.observations) == {"created": 0, "updated": 0, "unchanged": 3}
