"""The one CSV cell rule every staff download uses."""

import csv
import io

import pytest

from cxgov.core.tables import Table, csv_cell, csv_text, table_csv_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("-1.5", "-1.5"),
        ("+2", "+2"),
        ("plain", "plain"),
        (None, ""),
        (3, "3"),
    ],
)
def test_formula_looking_cells_are_quoted_and_signed_numbers_are_not(value, expected):
    assert csv_cell(value) == expected


def test_table_download_names_the_table_and_keeps_its_rows():
    table = Table("trend", "Trend", ["Quarter", "Change"], [["FY2026 Q1", "-3.0"], ["=1", 2]])
    response = table_csv_response(table, "results")
    assert response["Content-Disposition"] == 'attachment; filename="results-trend.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Quarter", "Change"], ["FY2026 Q1", "-3.0"], ["'=1", "2"]]
    assert csv_text(table.header, table.rows) == response.content.decode()


def test_streamed_download_guards_every_cell_and_keeps_the_line_ending():
    from cxgov.core.tables import csv_stream_response, dict_rows

    rows = dict_rows(["a", "b"], [{"a": "=1+1", "b": None}, {"a": "-1"}])
    response = csv_stream_response(["a", "@b"], rows, filename="x.csv", line_end="\n")
    body = b"".join(response.streaming_content).decode()
    assert body == "a,'@b\n'=1+1,\n-1,\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
