"""Responses stored per second through `response_submit`, against a plain bulk INSERT baseline.

Run: .venv/bin/python bench/intake.py [--count 2000] [--database-url postgres://…/cxgov_surveys]

Without --database-url it uses a scratch SQLite file. The same A-11 v2 rows go three ways, in
this process and on this database: one at a time through `response_submit` (validation, context
checks, idempotency lookup, audit event, one transaction each, as every channel does), through
`response_bulk_create` (the demo and paper-batch path), through `response_batch_submit` in
batches of 1,000 (the API batch path: each item checked on its own), and as the baseline: the
same response, submission id and answer rows written with three executemany INSERTs and no
checks (the submission ids have their own table, decision 0073). Intake leaves
the rollups to the worker (decision 0068), so the fold of all those responses is timed too, as
`rollups_fold`, and the batch path with its share of the fold as `response_batch_submit_folded`.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--count", type=int, default=2000)

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER, SURVEY_RATE_LIMIT_PER_HOUR="0")

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cxgov.surveys.demo import a11_v2_rows  # noqa: E402
from cxgov.surveys.models import Response, Survey  # noqa: E402
from cxgov.surveys.rollups import rollups_fold  # noqa: E402
from cxgov.surveys.services import (  # noqa: E402
    BATCH_LIMIT,
    BatchItem,
    BulkResponse,
    response_batch_submit,
    response_bulk_create,
    response_submit,
    survey_create,
    survey_publish,
)
from cxgov.testing.factories import (  # noqa: E402
    AgencyFactory,
    ChannelFactory,
    ServiceFactory,
    cleared,
)


def _survey() -> Survey:
    agency = AgencyFactory(slug="bench-intake", name="Bench Agency")
    services = list(agency.services.all())
    if not services:
        for kind in ("website", "phone", "in_person"):
            service = ServiceFactory(agency=agency, name=f"Bench {kind}", slug=f"bench-{kind}")
            ChannelFactory(service=service, kind=kind)
            services.append(service)
    survey = survey_create(actor=None, agency=agency, template="a11_v2", services=services)
    return survey_publish(actor=None, survey=cleared(survey))


def _rows(survey: Survey, count: int, run: str) -> list[BulkResponse]:
    services = list(survey.services.order_by("name").prefetch_related("channels"))
    rows = a11_v2_rows(services, count=count, prefix=run)
    for row in rows:
        row.context.location_code = ""
        row.context.source = "web"
    return rows


def _baseline(survey: Survey, rows: list[BulkResponse], run: str) -> None:
    """The same rows with no checks: three executemany INSERTs in one transaction."""
    questions = {q.key: q.pk for q in survey.questions.all()}
    services = {s.slug: s.pk for s in survey.services.all()}
    now = timezone.now()
    quote = connection.ops.quote_name
    response_columns = [
        "survey_id", "agency_id", "submission_id", "submitted_at", "language", "source",
        "service_id", "channel", "location_code", "page_url", "referrer", "consent_to_contact",
        "contact_email", "status", "context_unknown",
    ]  # fmt: skip
    response_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - fixed names
        quote(Response._meta.db_table),
        ", ".join(quote(c) for c in response_columns),
        ", ".join(["%s"] * len(response_columns)),
    )
    answer_sql = (
        "INSERT INTO surveys_answer (response_id, submitted_at, survey_id, agency_id, question_id,"
        " value_int, value_text, note) VALUES (%s, %s, %s, %s, %s, %s, %s, '')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            response_sql,
            [
                (
                    survey.pk,
                    survey.agency_id,
                    f"{run}-b{n}",
                    now,
                    r.context.language,
                    r.context.source,
                    services[r.context.service],
                    r.context.channel,
                    "",
                    "",
                    "",
                    False,
                    "",
                    "valid",
                    "{}",
                )
                for n, r in enumerate(rows)
            ],
        )
        ids = dict(
            Response.objects.filter(
                survey=survey, submission_id__startswith=f"{run}-b"
            ).values_list("submission_id", "pk")
        )
        cursor.executemany(
            "INSERT INTO surveys_submission (agency_id, survey_id, submission_id, response_id)"
            " VALUES (%s, %s, %s, %s)",
            [(survey.agency_id, survey.pk, key, pk) for key, pk in ids.items()],
        )
        answers = []
        for n, row in enumerate(rows):
            for key, value in row.answers.items():
                for item in value if isinstance(value, list) else [value]:
                    number = item if isinstance(item, int) else None
                    text = "" if number is not None else str(item)
                    answers.append(
                        (
                            ids[f"{run}-b{n}"],
                            now,
                            survey.pk,
                            survey.agency_id,
                            questions[key],
                            number,
                            text,
                        )
                    )
        cursor.executemany(answer_sql, answers)


def main() -> None:
    database_prepare()
    survey = _survey()
    run = "r" + secrets.token_hex(4)
    rows = _rows(survey, ARGS.count, run)

    start = time.perf_counter()
    _baseline(survey, rows, run)
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    for n, row in enumerate(rows):
        response_submit(
            survey=survey, answers=row.answers, submission_id=f"{run}-s{n}", context=row.context
        )
    one_by_one = time.perf_counter() - start

    for row in rows:
        row.submission_id = row.submission_id.replace(run, run + "-k")
    start = time.perf_counter()
    response_bulk_create(actor=None, survey=survey, rows=rows)
    bulk = time.perf_counter() - start

    items = [
        BatchItem(answers=row.answers, submission_id=f"{run}-p{n}", context=row.context)
        for n, row in enumerate(rows)
    ]
    start = time.perf_counter()
    for first in range(0, len(items), BATCH_LIMIT):
        response_batch_submit(actor=None, survey=survey, items=items[first : first + BATCH_LIMIT])
    batch = time.perf_counter() - start

    start = time.perf_counter()
    folded = rollups_fold(survey_id=survey.pk)
    fold = time.perf_counter() - start

    count = len(rows)
    print(f"database: {connection.vendor}, responses: {count}")
    print(f"baseline bulk INSERT:  {count / baseline:10.0f} responses/s")
    print(f"response_submit:       {count / one_by_one:10.0f} responses/s")
    print(f"response_bulk_create:  {count / bulk:10.0f} responses/s")
    print(f"response_batch_submit: {count / batch:10.0f} responses/s")
    print(f"rollups_fold:          {folded / fold:10.0f} responses/s ({folded} folded)")
    for name, seconds in (
        ("response_submit", one_by_one),
        ("response_bulk_create", bulk),
        ("response_batch_submit", batch),
        ("rollups_fold", fold * count / folded),
        ("response_batch_submit_folded", batch + fold * count / folded),
    ):
        print(
            f"RESULT name={name} value={count / seconds:.0f} unit=responses/s "
            f"baseline={count / baseline:.0f} ratio={baseline / seconds:.3f}"
        )


if __name__ == "__main__":
    main()
