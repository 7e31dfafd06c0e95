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
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER)

from django.conf import settings  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from cxgov.core.models import Agency, PreparedFile, PreparedFileStatus, Role  # noqa: E402
from cxgov.core.services_prepared import prepared_file_build  # noqa: E402
from cxgov.core.tests.test_url_sweep import SWEEP, World, _person, _world_ids  # noqa: E402
from cxgov.site.demo import demo_load  # noqa: E402
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


def main() -> None:
    database_prepare()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cxgov-bench-media-")  # prepared files
    settings.ALLOWED_HOSTS = ["testserver"]
    demo_load()
    agency = Agency.objects.get(slug="fba")
    holder = _person("bench-holder@example.gov", agency, list(Role))
    world = World(agency=agency, ids=_world_ids(agency, holder), outsider=holder, holder=holder)
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
