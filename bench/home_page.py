"""The public home page (catalogue with headline figures) at demo scale and at 1M responses.

Run: .venv/bin/python bench/home_page.py [--responses 1000000] [--database-url postgres://…]

Without --database-url it uses a scratch SQLite file. It loads the demo (`cxgov demo`'s data)
and times `GET /`: the catalogue of every published service with its headline trust,
standards met and complaints answered on time, read from rollups. Then it adds N synthetic
responses to the A-11 v1 trust question of one published survey per agency, spread over every
published service and the eight quarters before today (only their rollups are written: one
bincount, then bulk INSERTs), and times the page again. The baseline, at each scale in this
process, is the page's trust headline (percent agreeing per service in the latest quarter)
computed from the raw answers held in memory with vectorized pandas. Each request is also
checked to read no answers, responses or standards events. It prints one line per scale:
RESULT name=home_page_<scale> value=<page ms> unit=ms baseline=<ms> ratio=<x>.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--responses", type=int, default=1_000_000)
PARSER.add_argument("--repeat", type=int, default=5, help="best of this many runs")

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from support.rollup_rows import rollups_insert  # noqa: E402

from cxgov.core.models import Agency  # noqa: E402
from cxgov.registry.models import Service, ServiceStatus  # noqa: E402
from cxgov.reports.performance import latest_quarter  # noqa: E402
from cxgov.site.demo import demo_load  # noqa: E402
from cxgov.surveys.models import Answer, QuestionKind  # noqa: E402
from cxgov.surveys.services import survey_create, survey_update  # noqa: E402

RAW_TABLES = ('"surveys_answer"', '"surveys_response"', '"standards_standardevent"')
CHANNELS = np.array(["website", "phone", "in_person", "email"])
LANGUAGES = np.array(["en", "es"])


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _demo_answers() -> pd.DataFrame:
    """The demo's raw trust answers: service, day, and whether the answer was positive."""
    rows = Answer.objects.filter(
        question__key="trust", response__service__isnull=False
    ).values_list("response__service_id", "response__submitted_at", "value_int", "question__kind")
    frame = pd.DataFrame(list(rows), columns=["service", "when", "value", "kind"])
    positive = np.where(
        frame["kind"] == QuestionKind.THUMBS, frame["value"] == 1, frame["value"] >= 4
    )
    return pd.DataFrame(
        {
            "service": frame["service"].astype(np.int64),
            "day": pd.to_datetime(frame["when"], utc=True).dt.tz_localize(None).dt.floor("D"),
            "positive": positive.astype(bool),
        }
    )


def _baseline(frame: pd.DataFrame, start: np.datetime64, end: np.datetime64) -> pd.DataFrame:
    """Percent positive and n per service in the latest quarter, from raw answers."""
    quarter = frame[(frame["day"] >= start) & (frame["day"] <= end)]
    table = quarter.groupby("service")["positive"].agg(["sum", "count"])
    table["share"] = table["sum"] / table["count"] * 100
    return table


def _time_page(client: Client, name: str, frame: pd.DataFrame, span: tuple) -> None:
    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get("/")
    if response.status_code != 200:
        raise SystemExit(f"the home page answered {response.status_code}")
    sql = " ".join(queries)
    if '"surveys_answerrollup"' not in sql:
        raise SystemExit("the home page did not read the answer rollups")
    for table in RAW_TABLES:
        if table in sql:
            raise SystemExit(f"the home page read {table}")
    page_time, _ = _best(lambda: client.get("/"), ARGS.repeat)
    baseline_time, _ = _best(lambda: _baseline(frame, *span), ARGS.repeat)
    print(f"{name}: answers in memory: {len(frame)}, queries per page: {len(queries)}")
    print(
        f"RESULT name=home_page_{name} value={page_time * 1000:.1f} unit=ms "
        f"baseline={baseline_time * 1000:.1f} ratio={page_time / baseline_time:.3f}"
    )


def _add_responses(n: int, first: np.datetime64, days: int) -> pd.DataFrame:
    """N responses to one published A-11 v1 survey per agency, written as rollups only."""
    services = list(
        Service.objects.filter(status=ServiceStatus.PUBLISHED).order_by("pk").select_related()
    )
    question_of: dict[int, int] = {}
    survey_of: dict[int, int] = {}
    for agency in Agency.objects.filter(services__in=services).distinct():
        own = [s for s in services if s.agency_id == agency.pk]
        survey = survey_create(
            actor=None, agency=agency, template="a11_v1", title="Bench", services=own
        )
        survey_update(actor=None, survey=survey, results_public=True)
        trust = survey.questions.get(key="trust").pk
        for service in own:
            question_of[service.pk], survey_of[service.pk] = trust, survey.pk
    rng = np.random.default_rng(20261206)
    service_index = rng.integers(0, len(services), n, dtype=np.int64)
    day = rng.integers(0, days, n, dtype=np.int64)
    channel = rng.choice(len(CHANNELS), n, p=[0.5, 0.25, 0.15, 0.1]).astype(np.int64)
    language = (rng.random(n) < 0.15).astype(np.int64)
    value = np.clip(np.rint(rng.normal(3.6, 1.1, n)), 1, 5).astype(np.int64)
    context = ((service_index * days + day) * len(CHANNELS) + channel) * 2 + language
    contexts = len(services) * days * len(CHANNELS) * 2
    counts = np.bincount(context * 5 + (value - 1), minlength=contexts * 5)
    cells = np.flatnonzero(counts)
    v, ctx, c = cells % 5 + 1, cells // 5, counts[cells]
    svc = ctx // (days * len(CHANNELS) * 2)
    service_ids = np.array([s.pk for s in services])[svc]
    answer_rows = list(
        zip(
            [survey_of[int(s)] for s in service_ids],
            [question_of[int(s)] for s in service_ids],
            (first + (ctx // (len(CHANNELS) * 2)) % days).astype(str).tolist(),
            service_ids.tolist(),
            CHANNELS[(ctx // 2) % len(CHANNELS)].tolist(),
            LANGUAGES[ctx % 2].tolist(),
            v.astype(str).tolist(),
            c.tolist(),
            (c * v).astype(float).tolist(),
            (c * v * v).astype(float).tolist(),
            strict=True,
        )
    )
    per_context = np.bincount(context, minlength=contexts)
    used = np.flatnonzero(per_context)
    used_services = np.array([s.pk for s in services])[used // (days * len(CHANNELS) * 2)]
    response_rows = list(
        zip(
            [survey_of[int(s)] for s in used_services],
            (first + (used // (len(CHANNELS) * 2)) % days).astype(str).tolist(),
            used_services.tolist(),
            CHANNELS[(used // 2) % len(CHANNELS)].tolist(),
            LANGUAGES[used % 2].tolist(),
            per_context[used].tolist(),
            strict=True,
        )
    )
    rollups = rollups_insert(answer_rows, response_rows)
    print(f"1M scale: {n} responses over {len(services)} services, rollup rows: {rollups}")
    return pd.DataFrame(
        {
            "service": np.array([s.pk for s in services])[service_index],
            "day": first + day.astype("timedelta64[D]"),
            "positive": value >= 4,
        }
    )


def main() -> None:
    database_prepare()
    settings.ALLOWED_HOSTS = ["testserver"]
    demo_load()
    settings.DEBUG = False  # time the page as served, without the debug query log
    # Keep one connection across requests, as a server with CONN_MAX_AGE does.
    request_finished.disconnect(close_old_connections)
    quarter = latest_quarter()
    span = (np.datetime64(quarter.start.isoformat()), np.datetime64(quarter.end.isoformat()))
    client = Client()
    demo = _demo_answers()
    _time_page(client, "demo", demo, span)
    first = np.datetime64(quarter.start.isoformat()) - np.timedelta64(7 * 91, "D")
    days = int((span[1] - first) / np.timedelta64(1, "D")) + 1
    synthetic = _add_responses(ARGS.responses, first, days)
    _time_page(client, "1m", pd.concat([demo, synthetic], ignore_index=True), span)


if __name__ == "__main__":
    main()
