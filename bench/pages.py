"""Every staff page and the public pages at demo scale: p95 time and queries per page.

Run: .venv/bin/python bench/pages.py [--repeat 20] [--only public:,reports:] [--database-url postgres://…]

It loads the demo into a scratch database and builds the URL sweep's world
(cxgov/core/tests/test_url_sweep.py: the demo agency with an object of every kind, and a member
holding every role), then requests each GET address the sweep knows: staff pages as that member,
public pages and feeds signed out (public pages that name an agency, a service or a survey get
the demo's). A prepared file (decision 0049) or page (decision 0063) answers 202 "being
prepared" here, as no worker runs: what is timed is the request that asks for it, not its
build. With `--worker` the builds a page's first request queued are run before the page is
timed, as the worker would, so a prepared page is timed showing its figures (and its query
count is that of such a request). Each page is requested once
cold, then `--repeat` times; the p95 of those is its value. The baseline is one plain query in
the same process (`SELECT COUNT(*)` of agencies, the median of as many runs), so the ratio says
how many plain queries a page costs. It prints one line per page, `RESULT name=page_<url name>
value=<p95 ms> unit=ms baseline=<ms> ratio=<x>`, with the page's query count, then the pages
over 100 ms, the addresses it could not build and the pages that raised an error.

At federal scale, `--responses N` first stores N synthetic responses to the sweep's survey's
scale questions, each answered on its own scale (spread over its services and the last two
years), and rebuilds its rollups,
and `--events N` ingests N synthetic events into the agency's first standard measured from
events through the real path (parse, store, daily rollups), which then becomes the sweep's
standard; the setup is timed and printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--repeat", type=int, default=20, help="warm requests per page")
PARSER.add_argument(
    "--worker",
    action="store_true",
    help="run the builds a page queued, as the worker would, before timing it (decision 0063)",
)
PARSER.add_argument(
    "--only", default="", help="only URL names starting with this (several: comma-separated)"
)
PARSER.add_argument(
    "--responses", type=int, default=0, help="synthetic responses added to the sweep's survey"
)
PARSER.add_argument(
    "--events", type=int, default=0, help="synthetic events ingested into an events standard"
)

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(
    PARSER,
    # The generated events file goes through the real import limits, raised to fit it.
    IMPORT_MAX_ROWS=str(10**9),
    IMPORT_MAX_BYTES=str(2**40),
)

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from support.synthetic import (  # noqa: E402
    answers_on_scales,
    events_parquet_write,
    responses_store,
    responses_synthesize,
)

from cxgov.core.bulk import planner_statistics_refresh  # noqa: E402
from cxgov.core.imports.frames import read_frame  # noqa: E402
from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus, Role  # noqa: E402
from cxgov.core.services_prepared import prepared_file_build  # noqa: E402
from cxgov.core.tests.test_url_sweep import SWEEP, World, _person, _world_ids  # noqa: E402
from cxgov.site.demo import demo_load  # noqa: E402
from cxgov.standards.ingest import events_parse  # noqa: E402
from cxgov.standards.models import ResultSource, Standard  # noqa: E402
from cxgov.standards.services import (  # noqa: E402
    events_ingest,
    standard_quantiles_prepare,
)
from cxgov.surveys.models import SCALE_RANGES, Answer, Response, Survey  # noqa: E402
from cxgov.surveys.rollups import rollups_rebuild  # noqa: E402
from cxgov.testing.public_pages import public_address  # noqa: E402

SLOW_MS = 100.0


def _address(name: str, build: Callable[[World], dict[str, Any]] | None, world: World) -> str:
    if build is not None:
        return reverse(name, kwargs=build(world))
    return public_address(name, world.agency)


def _timed(run: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def _queries(client: Client, address: str) -> tuple[int, int]:
    count = [0]

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = client.get(address).status_code
    return status, count[0]


def _worker_run() -> int:
    """Build every queued prepared file or page, as the worker would; how many."""
    queued = list(
        PreparedFile.objects.filter(status=PreparedFileStatus.QUEUED).values_list("pk", flat=True)
    )
    for prepared_id in queued:
        prepared_file_build(prepared_id=prepared_id)
    return len(queued)


def _responses_add(world: World, count: int) -> str:
    """Store `count` responses to the sweep's survey's scale questions (agreement, thumbs,
    ratings) over the last two years, vacuum them, then rebuild its rollups."""
    survey = Survey.objects.get(pk=world.ids["survey"])
    scale_questions = list(
        survey.questions.filter(kind__in=list(SCALE_RANGES))
        .order_by("position")
        .values_list("pk", "kind")
    )
    questions = [pk for pk, _kind in scale_questions]
    services = list(survey.services.order_by("pk").values_list("pk", flat=True))
    services = services or [world.ids["service"]]
    days = 730
    first_day = np.datetime64(date.today()) - np.timedelta64(days, "D")
    data = responses_synthesize(count, services=len(services), questions=len(questions), days=days)
    answers_on_scales(data, [SCALE_RANGES[kind] for _pk, kind in scale_questions])
    answers = responses_store(
        survey_id=survey.pk, services=services, questions=questions, data=data, first_day=first_day
    )
    # The rows stand for two years of intake, over which autovacuum would have marked their
    # pages all-visible; loaded at once they are not, and an index-only read visits every page.
    planner_statistics_refresh(tables=[Response, Answer], rows=count, visibility=True)
    rollups_rebuild(survey=survey)
    return f"{count:,} responses with {answers:,} answers to survey {survey.pk}"


def _events_add(world: World, count: int) -> str:
    """Ingest `count` events over the last two years into the agency's first events standard."""
    standard = (
        Standard.objects.filter(agency=world.agency, source=ResultSource.EVENTS)
        .order_by("pk")
        .first()
    )
    if standard is None:
        raise SystemExit("the demo agency has no standard measured from events")
    path = Path(tempfile.mkdtemp(prefix="cxgov-bench-events-")) / "events.parquet"
    first = datetime.now(UTC) - timedelta(days=730)
    events_parquet_write(count, path, first=first, span_days=730)
    batch = events_parse(read_frame(path), standard=standard)
    summary = events_ingest(actor=None, standard=standard, batch=batch, source="bench")
    world.ids["standard"] = standard.pk
    added = f"{summary['accepted']:,} events to standard {standard.pk}"
    if ARGS.worker:  # the tasks the demo's and this ingest queued, as the worker runs them
        started = time.perf_counter()
        periods = sum(
            standard_quantiles_prepare(standard_id=pk)
            for pk in Standard.objects.filter(source=ResultSource.EVENTS).values_list(
                "pk", flat=True
            )
        )
        took = time.perf_counter() - started
        added += f" (the worker kept {periods} quantiles in {took:.1f} s)"
    return added


def main() -> None:
    database_prepare()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cxgov-bench-media-")  # prepared files
    settings.ALLOWED_HOSTS = ["testserver"]
    demo_load()
    agency = Agency.objects.get(slug="fba")
    holder = _person("bench-holder@example.gov", agency, list(Role))
    world = World(agency=agency, ids=_world_ids(agency, holder), outsider=holder, holder=holder)
    for count, add in ((ARGS.responses, _responses_add), (ARGS.events, _events_add)):
        if count:
            started = time.perf_counter()
            added = add(world, count)
            print(f"added {added} in {time.perf_counter() - started:.1f} s")
    settings.DEBUG = False  # time pages as served, without the debug query log
    # One connection across requests, as a server with CONN_MAX_AGE keeps it.
    request_finished.disconnect(close_old_connections)
    staff, public = Client(), Client()
    staff.force_login(holder)

    count_agencies = f"SELECT COUNT(*) FROM {Agency._meta.db_table}"  # noqa: S608 - a model's table

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute(count_agencies)
            cursor.fetchone()

    baseline = statistics.median(_timed(plain, max(ARGS.repeat, 5)))
    slow: list[tuple[float, str]] = []
    unbuilt: list[str] = []
    failed: list[str] = []
    timed = 0
    prefixes = tuple(ARGS.only.split(","))
    for name, (build, need_get, _need_post) in sorted(SWEEP.items()):
        if not name.startswith(prefixes):
            continue
        try:
            address = _address(name, build, world)
        except (NoReverseMatch, KeyError):
            unbuilt.append(name)
            continue
        client = public if need_get == "public" else staff
        try:
            status, queries = _queries(client, address)  # the cold request
        except Exception as error:  # a broken page is reported and the walk goes on
            failed.append(f"{name} ({type(error).__name__})")
            continue
        if status not in (200, 202):
            continue  # a form's thanks page, a redirect, a 405 for GET: not a page to time
        if ARGS.worker and _worker_run():
            status, queries = _queries(client, address)  # the first request with its figures
        p95 = _p95(_timed(lambda: client.get(address), ARGS.repeat))  # noqa: B023
        timed += 1
        print(
            f"RESULT name=page_{name.replace(':', '_')} value={p95:.1f} unit=ms "
            f"baseline={baseline:.3f} ratio={p95 / baseline:.0f}  queries={queries} {address}"
        )
        if p95 > SLOW_MS:
            slow.append((p95, name))
    print(f"pages timed: {timed}; plain query: {baseline:.3f} ms")
    print(f"over {SLOW_MS:.0f} ms at p95: " + ", ".join(f"{n} ({t:.0f})" for t, n in sorted(slow)))
    print("not built (need an object the bench does not make): " + ", ".join(unbuilt))
    print("raised an error: " + (", ".join(failed) or "none"))


if __name__ == "__main__":
    main()
