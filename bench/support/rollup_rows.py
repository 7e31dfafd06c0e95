"""Bulk-insert synthetic survey rollup rows for the results and service-page benchmarks.

Imported by those scripts after they have set Django up. Rows are tuples in the column order
of the two statements below.
"""

from __future__ import annotations

from django.db import connection, transaction

from cxgov.surveys.models import AnswerRollup, ResponseRollup


def rollups_insert(answer_rows: list[tuple], response_rows: list[tuple]) -> int:
    """Write the rows in one transaction, 50,000 answers at a time; the answer rows written."""
    quote = connection.ops.quote_name
    answer_sql = (
        f"INSERT INTO {quote(AnswerRollup._meta.db_table)} (survey_id, question_id, day, "  # noqa: S608
        "service_id, channel, segment_id, language, value_key, source, count, total, "
        "total_squares) VALUES (%s, %s, %s, %s, %s, NULL, %s, %s, 'responses', %s, %s, %s)"
    )
    response_sql = (
        f"INSERT INTO {quote(ResponseRollup._meta.db_table)} (survey_id, day, service_id, "  # noqa: S608
        "channel, segment_id, language, source, count) "
        "VALUES (%s, %s, %s, %s, NULL, %s, 'responses', %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(answer_rows), 50_000):
            cursor.executemany(answer_sql, answer_rows[start : start + 50_000])
        cursor.executemany(response_sql, response_rows)
    return len(answer_rows)
