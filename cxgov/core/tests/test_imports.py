"""The shared import framework: any common encoding, delimiter, workbook or gzip reads the same,
limits come from settings, and problems are one translated type with the spreadsheet row."""

from __future__ import annotations

import gzip
import io

import pytest
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from cxgov.core.imports import (
    FileRejectedError,
    ImportReport,
    RowError,
    read_parquet,
    read_table,
    rejected_rows_csv,
)

TEXT = 'Service ID,Name\r\nA-1,Café\r\nA-2,"Two\nlines"\r\n\r\nA-3,Third\r\n'


def cells(source: bytes | str) -> list[tuple[int, str, str]]:
    table = read_table(source, required=("service_id", "name"))
    return [(row.number, row.get("service_id"), row.get("name")) for row in table.rows]


EXPECTED = [(2, "A-1", "Café"), (3, "A-2", "Two\nlines"), (5, "A-3", "Third")]


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),
        TEXT.encode("cp1252"),
        TEXT.replace("\r\n", "\n").encode("utf-8"),
        TEXT.replace(",", ";").encode("utf-8"),
        TEXT.replace(",", "\t").encode("cp1252"),
        gzip.compress(TEXT.encode("utf-8-sig")),
        TEXT,
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "cp1252", "lf", "semicolon", "tab", "gzip", "text"],
)
def test_every_common_encoding_and_dialect_reads_the_same_rows(data):
    assert cells(data) == EXPECTED


def test_rows_are_numbered_as_a_spreadsheet_numbers_them():
    # A blank line keeps its number and a cell with a line break is one row.
    assert [number for number, *_ in cells(TEXT)] == [2, 3, 5]


def test_an_xlsx_workbook_reads_like_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Service ID", "Name", "Volume"])
    sheet.append(["A-1", "Café", 12.0])
    sheet.append([None, None, None])
    sheet.append(["A-3", "Third", 3])
    path = tmp_path / "file.xlsx"
    book.save(path)

    table = read_table(path, required=("service_id",))

    assert [(r.number, r.get("service_id"), r.get("volume")) for r in table.rows] == [
        (2, "A-1", "12"),
        (4, "A-3", "3"),
    ]


@override_settings(IMPORT_MAX_BYTES=2048)
def test_a_file_over_the_byte_limit_is_refused_whole_even_gzipped():
    big = ("id,name\n" + "1,x\n" * 1000).encode()
    for data in (big, gzip.compress(big)):
        with pytest.raises(FileRejectedError, match="larger than 2048 bytes"):
            read_table(data)


@override_settings(IMPORT_MAX_ROWS=2)
def test_a_file_over_the_row_limit_is_refused_whole():
    with pytest.raises(FileRejectedError, match="more than 2 data rows"):
        read_table("id\n1\n2\n3\n")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"id,id\n1,2\n", "appears more than once"),
        (b"name\nx\n", "missing required columns: id"),
        (b"id\n", "header but no data rows"),
        (b"id\n1\x00\n", "NUL characters"),
        (b'id\n"1\n', "never closed"),
        (b"PK\x03\x04junk", "not an Excel workbook"),
        (b"\x1f\x8bjunk", "cannot be unpacked"),
    ],
)
def test_unreadable_files_are_refused_with_a_plain_reason(data, reason):
    with pytest.raises(FileRejectedError) as caught:
        read_table(data, required=("id",))
    assert reason in caught.value.error.reason
    assert caught.value.error.row == 0


def test_problems_are_translated_in_spanish():
    with translation.override("es"), pytest.raises(FileRejectedError) as caught:
        read_table(b"", required=("id",))
    assert caught.value.error.reason == "El archivo está vacío."
    with translation.override("es"):
        table = read_table("id,n\nx,abc\n")
        row = table.rows[0]
        row.whole("n")
        assert str(row.errors[0]) == 'fila 2, columna n: "abc" no es un número entero de 0 o más.'


def test_long_free_text_is_kept_whole_with_a_warning():
    row = read_table("id,name\n1," + "x" * 250 + "\n").rows[0]

    assert row.fit("name", row.get("name"), limit=200) == "x" * 200
    assert row.kept == {"name": "x" * 250}
    assert row.ok and row.warnings[0].column == "name"


def test_rejected_rows_come_back_as_csv_with_their_reasons_and_no_live_formula():
    table = read_table("id,name\n1,ok\n2,=HYPERLINK(1)\n")
    csv_text = rejected_rows_csv(table, [RowError(3, "name", "bad")])

    assert csv_text.splitlines() == [
        "id,name,rejected row,rejected column,rejected reason",
        "2,'=HYPERLINK(1),3,name,bad",
    ]


def test_the_report_counts_every_kind_and_prints_the_same_text():
    report = ImportReport(kinds={"services": "Services"})
    report.count("services", "created", 2)
    report.count("services", "unchanged")
    report.rows_read = 4
    report.errors.append(RowError(3, "name", "bad"))
    report.warnings.append(RowError(4, "", "odd"))

    assert report.services.created == 2
    assert report.rows_rejected == 1
    assert report.as_text().splitlines() == [
        "services: 2 created, 0 updated, 1 unchanged",
        "rows read: 4",
        "rows rejected: 1",
        "row 3, column name: bad",
        "warning: row 4: odd",
    ]
    assert report.summary_rows == [("Services", report.services)]
    assert not report.rejected_rows_href
    report.rejected_rows_csv = "id\n"
    assert report.rejected_rows_href.startswith("data:text/csv")
    with pytest.raises(AttributeError):
        report.channels  # noqa: B018 (a kind the report does not have)


def test_an_upload_already_read_is_read_from_the_start():
    upload = io.BytesIO(b"id\n1\n")
    upload.read()
    assert [row.get("id") for row in read_table(upload).rows] == ["1"]


# --- bombs: small files that unpack to far more ----------------------------------------------


def _parquet(table, **options) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", store_schema=False, **options)
    return buffer.getvalue()


def test_a_parquet_file_of_millions_of_repeated_rows_is_refused_before_reading():
    import numpy as np
    import pyarrow as pa

    rows = 5_000_000
    column = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(rows, dtype=np.int8)), pa.array(["x" * 120])
    )
    data = _parquet(pa.table({"id": column}))
    assert len(data) < 200_000  # a small upload
    with pytest.raises(FileRejectedError, match="more than 200000 data rows"):
        read_parquet(data)


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_a_parquet_cell_that_unpacks_past_the_byte_limit_is_refused():
    import pyarrow as pa

    data = _parquet(pa.table({"id": ["1"], "note": ["a" * 8 * 1024 * 1024]}))
    assert len(data) < 4096
    with pytest.raises(FileRejectedError, match="larger than 1 MB once unpacked"):
        read_parquet(data)


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_parquet_repeated_values_within_the_rows_are_counted_at_their_full_size():
    import numpy as np
    import pyarrow as pa

    column = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(20_000, dtype=np.int8)), pa.array(["y" * 1000])
    )
    with pytest.raises(FileRejectedError, match="once unpacked"):
        read_parquet(_parquet(pa.table({"note": column})))


def test_a_parquet_file_within_the_limits_reads_as_a_table():
    import pyarrow as pa

    frame = read_parquet(_parquet(pa.table({"id": ["1", "2"], "n": [3, 4]})))
    assert frame.to_dict(as_series=False) == {"id": ["1", "2"], "n": [3, 4]}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"id\n1\n", "not a Parquet file"),
        (b"PAR1" + b"\x00" * 20 + b"\xff\xff\x00\x00PAR1", "damaged"),
        (b"PAR1" + b"\x00" * 8 + b"\x08\x00\x00\x00PAR1", "cannot be read as Parquet"),
    ],
)
def test_a_broken_parquet_file_gets_a_plain_reason(data, reason):
    with pytest.raises(FileRejectedError, match=reason):
        read_parquet(data)


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_a_gzip_bomb_is_stopped_at_the_limit_while_unpacking():
    bomb = gzip.compress(b"id\n" + b"1\n" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 120_000  # 100 MB unpacked
    with pytest.raises(FileRejectedError, match="larger than 1 MB once unpacked"):
        read_table(bomb)
