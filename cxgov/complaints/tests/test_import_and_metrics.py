"""CFPB import (both headers, all or nothing) and metrics that match a direct pandas count."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.importers import ISSUE_NOT_GIVEN, cfpb_parse
from cxgov.complaints.models import Category, Complaint
from cxgov.core.imports import FileRejectedError, read_table
from cxgov.testing.data import SHARED_DATA, shared_path

pytestmark = pytest.mark.django_db
DATA = SHARED_DATA / "cfpb"
FILES = sorted(DATA.glob("*.csv"))


def header_16() -> list[str]:
    names = shared_path("cfpb/ccdb-data-pipeline/fields_csv.txt").read_text().split("\n")
    return [name for name in names if name]


def parse(content: str | bytes):
    table = read_table(content, required=("date_received", "product", "complaint_id"))
    return cfpb_parse(table), table


def _metrics(slug, by="category", min_n=5):
    out = io.StringIO()
    call_command("complaint_metrics", agency=slug, by=by, format="csv", min_n=min_n, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:20])
def test_metrics_equal_a_direct_pandas_count(agency_a, path):
    call_command(
        "import_complaints", str(path), format="cfpb", agency="alpha", stdout=io.StringIO()
    )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert Complaint.objects.count() == len(frame)
    rows = {row["category"]: row for row in _metrics("alpha")}
    counts = frame.groupby("Product").size()
    timely = frame.assign(t=frame["Timely response?"] == "Yes").groupby("Product")["t"].mean()
    assert set(rows) == set(counts.index)
    for product, count in counts.items():
        row = rows[product]
        assert int(row["complaints"]) == count
        if count >= 5:
            assert float(row["timely_share"]) == pytest.approx(timely[product], abs=1e-4)
            assert (
                float(row["timely_ci_low"])
                <= float(row["timely_share"])
                <= float(row["timely_ci_high"])
            )
        else:
            assert row["timely_share"] == ""


def test_import_keeps_dates_categories_channel_response_and_dispute(agency_a):
    path = shared_path("cfpb/bkreis84_Consumer_Complaints_2016_349rows.csv")
    call_command(
        "import_complaints", str(path), format="cfpb", agency="alpha", stdout=io.StringIO()
    )
    complaint = Complaint.objects.get(source_ref="2105601")
    assert complaint.received_at.date().isoformat() == "2016-09-12"
    assert complaint.category.name == "Cont'd attempts collect debt not owed"
    assert complaint.category.parent.name == "Debt collection"
    assert complaint.company_response == "Closed with explanation"
    assert complaint.timely is True
    assert complaint.channel == "web"
    assert Complaint.objects.filter(review="disputed").count() == 41
    # Importing again adds nothing.
    call_command(
        "import_complaints", str(path), format="cfpb", agency="alpha", stdout=io.StringIO()
    )
    assert Complaint.objects.count() == 349


def test_the_16_column_header_is_read(agency_a):
    line = (
        "2024-01-05,Mortgage,,Trouble paying,,,,Bank,CA,90001,,Web,2024-01-05,"
        "Closed with explanation,No,42"
    )
    header = header_16()
    rows, _table = parse(",".join(header) + "\n" + line + "\n")
    assert len(header) == 16
    assert rows[0].timely is False and rows[0].product == "Mortgage"


def test_an_empty_issue_is_a_warning_filed_under_issue_not_given(agency_a):
    line = "2024-01-05,Mortgage,,,,,,Bank,CA,90001,,Web,2024-01-05,Closed,No,42"
    rows, table = parse(",".join(header_16()) + "\n" + line + "\n")

    assert rows[0].issue == ISSUE_NOT_GIVEN
    assert not table.rows[0].errors
    assert [w.column for w in table.rows[0].warnings] == ["Issue"]


def test_bad_rows_are_reported_and_nothing_is_imported(agency_a, tmp_path):
    source = shared_path("cfpb/elvus_Consumer_Complaints_2016-2020_268rows.csv").read_text()
    lines = source.splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    broken.write_text(lines[0] + lines[1].replace("2019-09-24", "someday", 1) + "".join(lines[2:]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_complaints", str(broken), format="cfpb", agency="alpha", stdout=out)
    assert 'row 2, column Date received: "someday" is not a date.' in out.getvalue()
    assert not Complaint.objects.exists()
    assert not Category.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_hostile_files_give_row_errors_not_crashes(data):
    try:
        rows, _table = parse(data)
    except FileRejectedError as error:
        rows = [error.error]
    assert isinstance(rows, list)
