"""Events files through the one import framework: the upload page (English and Spanish), the
command, and files built from the shared NYC 311 sample the way agencies' tools write them."""

from __future__ import annotations

import csv
import gzip
import io

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.core.models import Agency
from cxgov.standards.importers import events_import
from cxgov.standards.models import StandardEvent
from cxgov.testing.data import shared_available, shared_path
from cxgov.testing.factories import ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db

NYC = "nyc311/YangziXinJas_nyc311_2024-04-15_1000rows.csv"
MAPPING = {
    "id": "unique_key",
    "start": "created_date",
    "end": "closed_date",
    "due": "due_date",
    "channel": "open_data_channel_type",
    "outcome": "complaint_type",
}
OPTIONAL = ("closed_date", "due_date", "open_data_channel_type", "complaint_type")
BAD = b"id,start,end\nA,2026-03-02T09:00,2026-03-03T09:00\nB,never,\n"


def _url(standard, prefix: str = "") -> str:
    return f"{prefix}/staff/agencies/alpha/standards/{standard.pk}/events/"


def _post(client: Client, standard, content: bytes, prefix: str = "", **fields: str):
    upload = SimpleUploadedFile("events.csv", content, content_type="text/csv")
    return client.post(_url(standard, prefix), {"file": upload, **fields})


@pytest.mark.parametrize(
    ("prefix", "nothing", "not_a_date"),
    [
        ("", "Nothing was imported", "&quot;never&quot; is not a date."),
        ("/es", "No se importó nada", "&quot;never&quot; no es una fecha."),
    ],
)
def test_a_bad_row_rejects_the_upload_and_names_row_column_and_reason(
    admin_a_client: Client, agency_a: Agency, prefix: str, nothing: str, not_a_date: str
) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    response = _post(admin_a_client, standard, BAD, prefix)
    assert response.status_code == 400
    page = response.content.decode()
    assert nothing in page
    assert "<td>3</td><td>start</td>" in page
    assert not_a_date in page
    assert not StandardEvent.objects.exists()


def test_keeping_the_good_rows_stores_them_and_offers_the_rejected_rows(
    admin_a_client: Client, agency_a: Agency
) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    response = _post(admin_a_client, standard, BAD, keep_valid="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import finished" in page
    assert 'download="rejected-rows.csv"' in page
    assert list(StandardEvent.objects.values_list("event_id", flat=True)) == ["A"]


def test_a_check_only_upload_reports_and_stores_nothing(
    admin_a_client: Client, agency_a: Agency
) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    response = _post(admin_a_client, standard, BAD[: BAD.index(b"B,")], dry_run="on")
    assert response.status_code == 200
    assert "The file is ready to import" in response.content.decode()
    assert not StandardEvent.objects.exists()


def test_the_upload_page_offers_the_import_policy(admin_a_client: Client, agency_a) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    page = admin_a_client.get(_url(standard)).content.decode()
    assert "A Parquet file is read too, within the same limits." in page
    assert ".xlsx,.gz,text/csv,.parquet" in page


def test_the_command_rejects_a_bad_file_and_keeps_valid_rows_on_request(
    agency_a: Agency, tmp_path
) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    path = tmp_path / "events.csv"
    path.write_bytes(BAD)
    out = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("ingest_events", str(path), "--standard", str(standard.pk), stdout=out)
    assert 'row 3, column start: "never" is not a date.' in out.getvalue()
    rejected = tmp_path / "rejected.csv"
    out = io.StringIO()
    call_command(
        "ingest_events",
        str(path),
        "--standard",
        str(standard.pk),
        "--keep-valid",
        "--rejected-csv",
        str(rejected),
        stdout=out,
    )
    assert "events: 1 created, 0 updated" in out.getvalue()
    assert list(csv.reader(rejected.open()))[1] == [
        "B",
        "never",
        "",
        "3",
        "start",
        '"never" is not a date.',
    ]


def test_a_gzip_bomb_is_refused_before_it_unpacks(agency_a: Agency, settings) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    bomb = gzip.compress(b"id,start\n" + b"A" * (20 * 1024 * 1024))
    assert len(bomb) < 50_000
    report = events_import(actor=None, standard=standard, file=bomb)
    assert report.rejected
    assert report.errors[0].reason.startswith("The file is larger than 1 MB once unpacked")


def test_a_parquet_bomb_is_refused_from_its_size_not_by_unpacking_it(agency_a: Agency) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    many = io.BytesIO()
    pl.DataFrame({"id": pl.repeat("x" * 100, 300_000, eager=True)}).write_parquet(many)
    # One long value repeated from the file's dictionary: small file, gigabytes unpacked.
    wide = io.BytesIO()
    pl.DataFrame({"id": pl.repeat("y" * 2_000, 100_000, eager=True)}).with_columns(
        start=pl.lit("2026-03-02")
    ).write_parquet(wide, compression="zstd")
    for bomb, reason in (
        (many, "more than 200000 data rows"),
        (wide, "once unpacked"),
    ):
        assert len(bomb.getvalue()) < 100_000
        report = events_import(actor=None, standard=standard, file=bomb.getvalue())
        assert report.rejected
        assert reason in report.errors[0].reason
    assert not StandardEvent.objects.exists()


def test_a_workbook_of_events_imports(agency_a: Agency) -> None:
    from openpyxl import Workbook

    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=2)
    book = Workbook()
    sheet = book.active
    sheet.append(["Case", "Opened", "Closed"])
    sheet.append(["A", __import__("datetime").datetime(2026, 3, 2, 9), None])
    content = io.BytesIO()
    book.save(content)
    mapping = {"id": "case", "start": "opened", "end": "closed"}
    report = events_import(actor=None, standard=standard, file=content.getvalue(), mapping=mapping)
    assert report.applied, report.as_text()
    assert report.events.created == 1


# --- files built from the shared NYC 311 sample ------------------------------------------------


def _words(length: int) -> str:
    return ("Long free text as agencies write it, café and naïve; " * (length // 40 + 1))[:length]


def _earlier_year(row: dict[str, str]) -> dict[str, str]:
    older = dict(row, unique_key=row["unique_key"] + "-prior")
    for column in ("created_date", "closed_date", "due_date"):
        if older[column]:
            older[column] = str(int(older[column][:4]) - 1) + older[column][4:]
    return older


@st.composite
def nyc_variants(draw: st.DrawFn) -> tuple[bytes, int]:
    """A file built from the NYC 311 sample, and how many data rows it has."""
    with shared_path(NYC).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    start = draw(st.integers(0, len(rows) - 1))
    chosen = [dict(row) for row in rows[start : start + draw(st.integers(1, 5))]]
    for column in draw(st.lists(st.sampled_from(OPTIONAL), max_size=3, unique=True)):
        for row in chosen:
            row[column] = ""
    for column in draw(st.lists(st.sampled_from(["complaint_type", "descriptor"]), unique=True)):
        draw(st.sampled_from(chosen))[column] = _words(draw(st.integers(101, 2500)))
    if draw(st.booleans()):
        chosen += [_earlier_year(row) for row in chosen]
    names = [*header, *(f"extra_column_{n}" for n in range(draw(st.integers(0, 2))))]
    order = draw(st.permutations(names))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(order)
    writer.writerows([[row.get(name, _words(12)) for name in order] for row in chosen])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return buffer.getvalue().encode(encoding), len(chosen)


@pytest.mark.skipif(not shared_available(NYC), reason="the shared NYC 311 sample is absent")
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_nyc311_variants_import(agency_a: Agency, data: st.DataObject) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=30)
    content, rows = data.draw(nyc_variants())
    report = events_import(
        actor=None, standard=standard, file=content, mapping=MAPPING, dry_run=True
    )
    assert not report.rejected, report.as_text()
    assert report.rows_rejected == 0, report.as_text()
    assert report.rows_read == rows


@pytest.mark.skipif(not shared_available(NYC), reason="the shared NYC 311 sample is absent")
def test_the_nyc311_sample_imports_with_zero_rejections(agency_a: Agency) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a), threshold=30)
    report = events_import(actor=None, standard=standard, file=shared_path(NYC), mapping=MAPPING)
    assert report.applied, report.as_text()
    assert report.rows_rejected == 0
    assert report.events.created == StandardEvent.objects.count() == report.rows_read


def test_hostile_cells_are_stored_or_reported_never_a_crash(agency_a: Agency) -> None:
    standard = StandardFactory(service=ServiceFactory(agency=agency_a))
    hostile = ["", " ", "=cmd|' /C calc'!A0", "😀" * 200, "[[[[", "9" * 400, "NaN", 'a"\nb']
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "start", "end", "pauses"])
    writer.writerows([f"h{index}", cell, cell, cell] for index, cell in enumerate(hostile))
    report = events_import(actor=None, standard=standard, file=buffer.getvalue(), keep_valid=True)
    assert report.rows_read == len(hostile)
    assert report.rows_rejected == len(hostile)
    assert all(error.row >= 2 and error.column for error in report.errors)
