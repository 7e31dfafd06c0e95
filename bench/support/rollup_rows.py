"""Bulk-insert synthetic survey rows for the results and service-page benchmarks.

Imported by those scripts after they have set Django up. Rollup rows are tuples in the column
order of the two statements below; after the daily rows, the quarterly level (decision 0055) is
summed from them by the project's own `rollups_quarters_rebuild`. `raw_insert` writes responses
and answers (PostgreSQL `COPY`, else multi-row INSERTs) for baselines that read them back.
"""

from __future__ import annotations

from django.db import connection, transaction

from cxgov.surveys.models import Answer, AnswerRollup, Response, ResponseRollup, Survey
from cxgov.surveys.rollups import rollups_quarters_rebuild

RESPONSE_COLUMNS = (
    "id, survey_id, agency_id, submission_id, submitted_at, language, source, service_id, channel, "
    "location_code, context_unknown, page_url, referrer, consent_to_contact, contact_email, "
    "status"
)
ANSWER_COLUMNS = (
    "id, response_id, submitted_at, survey_id, agency_id, question_id, value_int, value_text, note"
)


def _agencies(survey_ids: set[int]) -> dict[int, int]:
    """Each survey's agency, which every survey row carries (decision 0069)."""
    return dict(Survey.objects.filter(pk__in=survey_ids).values_list("pk", "agency_id"))


def rollups_insert(answer_rows: list[tuple], response_rows: list[tuple]) -> int:
    """Write the rows in one transaction, 50,000 answers at a time; the answer rows written."""
    quote = connection.ops.quote_name
    answer_sql = (
        f"INSERT INTO {quote(AnswerRollup._meta.db_table)} (agency_id, survey_id, "  # noqa: S608
        "question_id, day, service_id, channel, segment_id, language, value_key, source, "
        "count, total, total_squares) "
        "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s, 'responses', %s, %s, %s)"
    )
    response_sql = (
        f"INSERT INTO {quote(ResponseRollup._meta.db_table)} (agency_id, survey_id, day, "  # noqa: S608
        "service_id, channel, segment_id, language, source, count) "
        "VALUES (%s, %s, %s, %s, %s, NULL, %s, 'responses', %s)"
    )
    surveys = {row[0] for row in answer_rows} | {row[0] for row in response_rows}
    agencies = _agencies(surveys)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(answer_rows), 50_000):
            cursor.executemany(
                answer_sql,
                [(agencies[row[0]], *row) for row in answer_rows[start : start + 50_000]],
            )
        cursor.executemany(response_sql, [(agencies[row[0]], *row) for row in response_rows])
    for survey in Survey.objects.filter(pk__in=surveys):
        rollups_quarters_rebuild(survey=survey)
    return len(answer_rows)


def raw_insert(responses: list[tuple], answers: list[tuple]) -> None:
    """Store valid web responses (id, survey, submitted_at as UTC text, language, service,
    channel) and their answers (id, response, survey, question, value_int); answers take
    their response's time."""
    quote = connection.ops.quote_name
    response_table = quote(Response._meta.db_table)
    answer_table = quote(Answer._meta.db_table)
    agencies = _agencies({row[1] for row in responses} | {row[2] for row in answers})
    response_rows = [
        (i, s, agencies[s], str(i), at, lang, "web", svc, ch, "", "{}", "", "", False, "", "valid")
        for i, s, at, lang, svc, ch in responses
    ]
    moments = {row[0]: row[2] for row in responses}
    answer_rows = [(i, r, moments[r], s, agencies[s], q, v, "", "") for i, r, s, q, v in answers]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, columns, rows in (
                (response_table, RESPONSE_COLUMNS, response_rows),
                (answer_table, ANSWER_COLUMNS, answer_rows),
            ):
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            cursor.execute(f"ANALYZE {response_table}")
            cursor.execute(f"ANALYZE {answer_table}")
            return
        marks = ", ".join(["%s"] * 16)
        for start in range(0, len(response_rows), 50_000):
            cursor.executemany(
                f"INSERT INTO {response_table} ({RESPONSE_COLUMNS}) VALUES ({marks})",  # noqa: S608
                response_rows[start : start + 50_000],
            )
        for start in range(0, len(answer_rows), 100_000):
            cursor.executemany(
                f"INSERT INTO {answer_table} ({ANSWER_COLUMNS}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                answer_rows[start : start + 100_000],
            )
