"""Load test: survey and complaint intake through gunicorn on PostgreSQL, then a loss check.

Run: .venv/bin/python bench/load.py [--duration 60] [--users 20] [--workers 4]
     [--database-url postgres://postgres@127.0.0.1:5432/cxgov_load]

It drops and creates the database named in --database-url, migrates it, loads one agency with
a published A-11 v2 survey and complaint-enabled services, collects static files into a scratch
directory, and starts gunicorn (`config.wsgi`, preloaded sync workers, DEBUG off, rate limits
off) on 127.0.0.1. Locust, used as a library, then drives for --duration seconds:
- survey intake: POST /api/v1/surveys/{id}/responses with a unique submission_id (API token);
- complaint intake: the public form (GET for the CSRF token, then POST), tracking number taken
  from the redirect.
With --surveys-only every user sends survey responses (the single-response rate over HTTP).
Every acknowledged submission (201 with id, or 302 to the tracking number) is recorded. A task
worker (`manage.py worker`) folds the responses into the rollups while the load runs. From a
third of the run it is watched, and killed (SIGKILL) the moment it holds the survey's fold lock,
that is in the middle of a fold's transaction (or at two thirds of the run if it was never seen
folding; the report says which); a new worker is started, which queues the killed fold again
once its lease (10 s here) expires. After the load the run waits for the fold to catch up, a
sample of survey submission ids is sent again (each must answer with the same id), and the
database is checked: every acknowledged submission is stored exactly once, and the rollups
equal a rebuild from the raw answers (none lost or counted twice). Prints throughput,
p50/p95/p99 latency and errors by status; exits 1 if anything was lost or duplicated. Before
the load, the same users read the public complaint page for --baseline-seconds: the RESULT
line gives intake per second beside those plain reads per second.
Only 127.0.0.1 is ever contacted; the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MARKER = "load-test complaint"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=20, help="concurrent virtual users")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--surveys-only", action="store_true", help="every user sends survey responses"
    )
    parser.add_argument("--retry-sample", type=int, default=100)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cxgov_load")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--previous", default="", help="a --json file of an earlier run, printed beside this one"
    )
    parser.add_argument(
        "--baseline-seconds",
        type=int,
        default=10,
        help="seconds of plain page reads before the load, the baseline of the RESULT line",
    )
    parser.add_argument(
        "--static-dir",
        default="",
        help="collect static files here once and reuse them on later runs (delete it when "
        "static files change)",
    )
    # Internal: the Django-side steps run in a child process (no gevent there).
    parser.add_argument("--step", choices=["setup", "verify"], default="")
    parser.add_argument("--records", default="")
    return parser.parse_args()


def _server_env(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="load-test-secret-key-" + "x" * 32,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="false",
        STAFF_MFA_REQUIRED="false",
        PUBLIC_WRITES_PER_MINUTE="0",
        STATUS_LOOKUPS_PER_MINUTE="0",
        API_WRITES_PER_MINUTE="0",
        SURVEY_RATE_LIMIT_PER_HOUR="0",
        CXGOV_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        # A killed worker's fold is queued again within the run, not after five minutes.
        TASK_LEASE_SECONDS="10",
        PYTHONPATH=str(ROOT),
    )
    return env


# --- Django side (child process) -------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def step_setup() -> None:
    """Agency, services, published survey, an API token; print what the load needs as JSON."""
    _django()
    from cxgov.complaints.models import Category
    from cxgov.core.models import Role
    from cxgov.core.services import membership_grant, token_create, user_create
    from cxgov.registry.models import ServiceStatus
    from cxgov.surveys.demo import a11_v2_rows
    from cxgov.surveys.rollups import FOLD_LOCK_CLASS
    from cxgov.surveys.services import survey_create, survey_publish
    from cxgov.testing.factories import AgencyFactory, ChannelFactory, ServiceFactory, cleared

    agency = AgencyFactory(slug="load", name="Load Test Agency")
    services = []
    for kind in ("website", "phone", "in_person"):
        service = ServiceFactory(
            agency=agency, name=f"Load {kind}", slug=f"load-{kind}", status=ServiceStatus.PUBLISHED
        )
        ChannelFactory(service=service, kind=kind)
        services.append(service)
    Category.objects.create(agency=agency, name="General")
    survey = survey_publish(
        actor=None,
        survey=cleared(
            survey_create(actor=None, agency=agency, template="a11_v2", services=services)
        ),
    )
    user = user_create(email="load@example.gov", password=None, full_name="Load Robot")
    membership_grant(user=user, agency=agency, role=Role.CX_ANALYST)
    _token, raw = token_create(user=user, name="load test")
    samples = [
        {
            "answers": row.answers,
            "context": {
                "service": row.context.service,
                "channel": row.context.channel,
                "language": row.context.language,
            },
        }
        for row in a11_v2_rows(services, count=200, prefix="sample")
    ]
    print(
        json.dumps(
            {
                "agency": agency.slug,
                "survey_id": survey.pk,
                "token": raw,
                "samples": samples,
                "services": [s.pk for s in services],
                "fold_lock_class": FOLD_LOCK_CLASS,
            }
        )
    )


def step_verify(records_path: str) -> None:
    """Check every acknowledged submission is stored exactly once; print the findings as JSON."""
    _django()
    from django.db.models import Count

    from cxgov.complaints.models import Complaint
    from cxgov.surveys.models import Response

    records = json.loads(Path(records_path).read_text())
    survey_id = records["survey_id"]
    acked = records["surveys"]  # submission_id -> response id
    stored: dict[str, list[int]] = {}
    for submission_id, pk in Response.objects.filter(survey_id=survey_id).values_list(
        "submission_id", "pk"
    ):
        stored.setdefault(submission_id, []).append(pk)
    survey_lost = [s for s in acked if s not in stored]
    survey_dupes = [s for s, pks in stored.items() if len(pks) > 1]
    survey_mismatch = [s for s, pk in acked.items() if s in stored and stored[s] != [pk]]
    without_answers = (
        Response.objects.filter(survey_id=survey_id)
        .annotate(n=Count("answers"))
        .filter(n=0)
        .count()
    )
    rollups_off, folded_after = _rollups_off(survey_id)

    tracked = records["complaints"]  # tracking number -> unique marker
    complaints = list(
        Complaint.objects.filter(agency__slug=records["agency"]).values_list(
            "tracking_number", "what_happened"
        )
    )
    by_tracking = dict(complaints)
    markers: dict[str, int] = {}
    for _tracking, text in complaints:
        markers[text] = markers.get(text, 0) + 1
    complaint_lost = [t for t in tracked if t not in by_tracking]
    complaint_mismatch = [
        t for t, marker in tracked.items() if t in by_tracking and marker not in by_tracking[t]
    ]
    complaint_dupes = [m for m, n in markers.items() if n > 1]
    print(
        json.dumps(
            {
                "surveys_acknowledged": len(acked),
                "surveys_stored": sum(len(p) for p in stored.values()),
                "surveys_lost": len(survey_lost),
                "surveys_duplicated": len(survey_dupes),
                "surveys_wrong_id": len(survey_mismatch),
                "surveys_without_answers": without_answers,
                "rollup_rows_off": rollups_off,
                "responses_folded_after_the_run": folded_after,
                "complaints_acknowledged": len(tracked),
                "complaints_stored": len(complaints),
                "complaints_lost": len(complaint_lost),
                "complaints_duplicated": len(complaint_dupes),
                "complaints_wrong_text": len(complaint_mismatch),
            }
        )
    )


def _rollups_off(survey_id: int) -> tuple[int, int]:
    """Fold what the worker left, then count the rollup rows that differ from a rebuild; also
    how many responses the worker had left to fold."""
    from cxgov.surveys.models import (
        AnswerQuarterRollup,
        AnswerRollup,
        ResponseQuarterRollup,
        ResponseRollup,
        Survey,
    )
    from cxgov.surveys.rollups import rollups_fold, rollups_rebuild

    models = (AnswerRollup, ResponseRollup, AnswerQuarterRollup, ResponseQuarterRollup)

    def rows() -> set[tuple]:  # type: ignore[type-arg]
        found = set()
        for model in models:
            names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
            found |= {
                (model.__name__, *row)
                for row in model.objects.filter(survey_id=survey_id).values_list(*names)
            }
        return found

    left = rollups_fold(survey_id=survey_id)
    folded = rows()
    rollups_rebuild(survey=Survey.objects.get(pk=survey_id))
    return len(folded ^ rows()), left


# --- orchestration and load (parent process) -------------------------------------------------


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _database_reset(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        sys.exit("--database-url must name a plain database, e.g. cxgov_load")
    admin = parts._replace(path="/postgres").geturl()
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)  # noqa: S603,S607


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 240) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it was ready")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
    }


def _worker_start(env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, str(ROOT / "manage.py"), "worker", "--no-schedule"], env=env, cwd=ROOT
    )


def _load(args: argparse.Namespace, setup: dict, env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """Drive the server with locust for args.duration seconds; return what was acknowledged."""
    import random
    import re
    import uuid

    import gevent
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment

    base = f"http://127.0.0.1:{args.port}"
    acked_surveys: dict[str, int] = {}
    acked_complaints: dict[str, str] = {}
    sent_payloads: dict[str, dict] = {}  # type: ignore[type-arg]
    latencies: dict[str, list[float]] = {"survey": [], "complaint_form": [], "complaint": []}
    statuses: dict[str, dict[str, int]] = {k: {} for k in latencies}
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    tracking_re = re.compile(r"/complaints/filed/([^/]+)/")

    def note(kind: str, status: int, seconds: float) -> None:
        latencies[kind].append(seconds * 1000)
        statuses[kind][str(status)] = statuses[kind].get(str(status), 0) + 1

    class SurveyUser(FastHttpUser):
        host = base
        weight = 3
        wait_time = constant(0)

        @task
        def respond(self) -> None:
            submission_id = uuid.uuid4().hex
            sample = random.choice(setup["samples"])  # noqa: S311 - load data
            payload = {"submission_id": submission_id, **sample}
            start = time.perf_counter()
            with self.client.post(
                f"/api/v1/surveys/{setup['survey_id']}/responses",
                json=payload,
                headers={"Authorization": f"Bearer {setup['token']}"},
                name="survey response",
                catch_response=True,
            ) as response:
                note("survey", response.status_code, time.perf_counter() - start)
                if response.status_code == 201:
                    body = response.json()
                    if body.get("submission_id") == submission_id and body.get("id"):
                        acked_surveys[submission_id] = int(body["id"])
                        sent_payloads[submission_id] = payload
                        response.success()
                        return
                response.failure(f"status {response.status_code}")

    class ComplaintUser(FastHttpUser):
        host = base
        weight = 1
        wait_time = constant(0)

        @task
        def complain(self) -> None:
            path = f"/agencies/{setup['agency']}/complaints/new/"
            start = time.perf_counter()
            with self.client.get(path, name="complaint form", catch_response=True) as form:
                note("complaint_form", form.status_code, time.perf_counter() - start)
                found = csrf_re.search(form.text or "")
                if form.status_code != 200 or not found:
                    form.failure(f"form status {form.status_code}")
                    return
            marker = f"{MARKER} {uuid.uuid4().hex}"
            data = {
                "csrfmiddlewaretoken": found.group(1),
                "what_happened": marker,
                "desired_resolution": "Fix it.",
                "contact_name": "Load Tester",
                "contact_email": "load@example.com",
                "contact_preference": "email",
                "service": str(random.choice(setup["services"])),  # noqa: S311
                "website": "",
            }
            start = time.perf_counter()
            with self.client.post(
                path,
                data=data,
                headers={"Referer": base + path},
                allow_redirects=False,
                name="complaint submit",
                catch_response=True,
            ) as response:
                note("complaint", response.status_code, time.perf_counter() - start)
                location = response.headers.get("Location", "") if response.headers else ""
                matched = tracking_re.search(location)
                if response.status_code == 302 and matched:
                    acked_complaints[matched.group(1)] = marker
                    response.success()
                else:
                    response.failure(f"status {response.status_code}")

    class PageReader(FastHttpUser):
        """The baseline: the public complaint page read, through the same server and users."""

        host = base
        wait_time = constant(0)

        @task
        def read(self) -> None:
            path = f"/agencies/{setup['agency']}/complaints/new/"
            with self.client.get(path, name="baseline read", catch_response=True) as page:
                if page.status_code == 200:
                    baseline_reads.append(1)
                    page.success()
                else:
                    page.failure(f"status {page.status_code}")

    def drive(user_classes: list[type], seconds: float) -> float:
        env = Environment(user_classes=user_classes, events=events)
        runner = env.create_local_runner()
        started = time.perf_counter()
        runner.start(args.users, spawn_rate=args.users)
        gevent.spawn_later(seconds, runner.quit)
        runner.greenlet.join()
        return time.perf_counter() - started

    baseline_reads: list[int] = []
    # Started before the baseline reads, so it is up (Django loaded) when the load begins.
    workers = [_worker_start(env)]
    baseline_elapsed = drive([PageReader], args.baseline_seconds) if args.baseline_seconds else 0.0
    load_before = os.getloadavg()[0]

    kill: dict[str, object] = {}

    def worker_kill() -> None:
        kill.update(_kill_while_folding(args, setup, workers[-1]))
        workers.append(_worker_start(env))

    gevent.spawn_later(args.duration / 3, worker_kill)
    users = [SurveyUser] if args.surveys_only else [SurveyUser, ComplaintUser]
    elapsed = drive(users, args.duration)
    load_after = os.getloadavg()[0]
    # The new worker folds what came in since the kill, then stops like any worker.
    kill["caught_up_after_seconds"] = _fold_caught_up(args.database_url, setup["survey_id"])
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=60)

    # Idempotency: the same submission again must answer with the stored response.
    from geventhttpclient import HTTPClient

    client = HTTPClient("127.0.0.1", args.port, connection_timeout=10, network_timeout=30)
    retried = repeated_ok = 0
    sample_ids = random.sample(sorted(acked_surveys), min(args.retry_sample, len(acked_surveys)))
    for submission_id in sample_ids:
        answer = client.post(
            f"/api/v1/surveys/{setup['survey_id']}/responses",
            body=json.dumps(sent_payloads[submission_id]),
            headers={
                "Authorization": f"Bearer {setup['token']}",
                "Content-Type": "application/json",
            },
        )
        body = answer.read()
        retried += 1
        if answer.status_code == 201 and json.loads(body).get("id") == acked_surveys[submission_id]:
            repeated_ok += 1
    client.close()
    return {
        "elapsed": elapsed,
        "surveys": acked_surveys,
        "complaints": acked_complaints,
        "latency_ms": {kind: _percentiles(values) for kind, values in latencies.items()},
        "statuses": statuses,
        "retried": retried,
        "retried_same_id": repeated_ok,
        "load_average": [load_before, load_after],
        "baseline_per_second": len(baseline_reads) / baseline_elapsed if baseline_elapsed else 0.0,
        "worker_kill": kill,
    }


# pg_advisory_xact_lock(class, survey) shows as classid/objid; only a fold takes it alone.
FOLD_LOCK_HELD = (
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND mode = 'ExclusiveLock' AND classid = %s AND objid = %s AND objsubid = 2"
)


def _kill_while_folding(
    args: argparse.Namespace,
    setup: dict,  # type: ignore[type-arg]
    worker: subprocess.Popen,  # type: ignore[type-arg]
) -> dict[str, object]:
    """SIGKILL the worker as soon as it holds the fold lock, or at two thirds of the run."""
    import gevent
    import psycopg

    watched = time.monotonic()
    deadline = watched + args.duration / 3
    survey_id = setup["survey_id"]
    lock = [setup["fold_lock_class"], survey_id % 2**31]
    seen = False
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        while time.monotonic() < deadline and not seen:
            seen = bool(conn.execute(FOLD_LOCK_HELD, lock).fetchall())
            if not seen:
                gevent.sleep(0.005)
        worker.kill()
        worker.wait(timeout=30)
        folded = conn.execute(
            "SELECT folded_through FROM surveys_rollupwatermark WHERE survey_id = %s", [survey_id]
        ).fetchone()
    return {
        "killed_while_folding": seen,
        # The watch starts a third of the way into the load.
        "killed_at_seconds": round(time.monotonic() - watched + args.duration / 3, 1),
        "watermark_at_kill": folded[0] if folded else None,
    }


def _fold_caught_up(url: str, survey_id: int, timeout: float = 120) -> float | None:
    """Seconds until no fold is requested and the watermark is at the last response, or None."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() - started < timeout:
            row = conn.execute(
                "SELECT w.fold_requested, w.folded_through, "
                "(SELECT max(id) FROM surveys_response WHERE survey_id = %s) "
                "FROM surveys_rollupwatermark w WHERE w.survey_id = %s",
                [survey_id, survey_id],
            ).fetchone()
            if row and not row[0] and row[1] == row[2]:
                return round(time.monotonic() - started, 1)
            time.sleep(0.5)
    return None


def _report(args: argparse.Namespace, result: dict, verify: dict) -> bool:  # type: ignore[type-arg]
    elapsed = result["elapsed"]
    acknowledged = len(result["surveys"]) + len(result["complaints"])
    print(
        f"gunicorn: {args.workers} sync workers; locust users: {args.users}; "
        f"duration: {elapsed:.1f} s; nproc: {os.cpu_count()}; 1-min load average before/after: "
        f"{result['load_average'][0]:.1f}/{result['load_average'][1]:.1f}"
    )
    print(
        f"acknowledged: {len(result['surveys'])} survey responses "
        f"({len(result['surveys']) / elapsed:.1f}/s), {len(result['complaints'])} complaints "
        f"({len(result['complaints']) / elapsed:.1f}/s), total {acknowledged / elapsed:.1f}/s"
    )
    print(f"{'request':<16}{'n':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, figures in result["latency_ms"].items():
        print(
            f"{kind:<16}{figures['n']:>8}{figures['p50']:>10.1f}{figures['p95']:>10.1f}"
            f"{figures['p99']:>10.1f}{figures['max']:>10.1f}"
        )
    for kind, counts in result["statuses"].items():
        print(f"status codes, {kind}: {json.dumps(counts, sort_keys=True)}")
    print(
        f"idempotency: {result['retried_same_id']} of {result['retried']} resent submission ids "
        "answered with the stored response"
    )
    kill = result["worker_kill"]
    print(
        f"worker: killed at {kill.get('killed_at_seconds')} s of the load, "
        + ("in the middle of a fold" if kill.get("killed_while_folding") else "not seen folding")
        + f" (watermark then: response {kill.get('watermark_at_kill')}); after the load the "
        + (
            f"fold caught up in {kill['caught_up_after_seconds']} s"
            if kill.get("caught_up_after_seconds") is not None
            else "fold had not caught up after 120 s"
        )
    )
    print("database check: " + json.dumps(verify))
    in_flight = verify["surveys_stored"] - verify["surveys_acknowledged"]
    print(f"stored but never acknowledged (requests in flight when the run stopped): {in_flight}")
    failed = (
        verify["surveys_lost"]
        or verify["surveys_duplicated"]
        or verify["surveys_wrong_id"]
        or verify["surveys_without_answers"]
        or verify["rollup_rows_off"]
        or verify["complaints_lost"]
        or verify["complaints_duplicated"]
        or verify["complaints_wrong_text"]
        or result["retried_same_id"] != result["retried"]
    )
    print("outcome: " + ("FAILED - lost, duplicated or non-idempotent" if failed else "ok"))
    _print_results(result=result, verify=verify, acknowledged=acknowledged, previous=args.previous)
    return not failed


def _print_results(*, result: dict, verify: dict, acknowledged: int, previous: str) -> None:  # type: ignore[type-arg]
    """The machine-readable lines: intake beside plain page reads, and losses beside zero."""
    rate = acknowledged / result["elapsed"]
    baseline = result["baseline_per_second"]
    ratio = rate / baseline if baseline else 0.0
    print(
        f"RESULT name=load_intake value={rate:.1f} unit=submissions/s "
        f"baseline={baseline:.1f} ratio={ratio:.3f}"
    )
    lost = sum(
        verify[key]
        for key in (
            "surveys_lost",
            "surveys_duplicated",
            "surveys_wrong_id",
            "complaints_lost",
            "complaints_duplicated",
            "complaints_wrong_text",
        )
    )
    print(
        f"RESULT name=load_lost_or_duplicated value={lost} unit=submissions "
        f"baseline={acknowledged} ratio={lost / acknowledged if acknowledged else 0.0:.6f}"
    )
    if previous and Path(previous).exists():
        earlier = json.loads(Path(previous).read_text())["load"]
        earlier_rate = (
            earlier.get("acknowledged", 0) / earlier["elapsed"] if earlier.get("elapsed") else 0.0
        )
        print(f"last recorded throughput ({previous}): {earlier_rate:.1f} submissions/s")


def main() -> None:
    args = _args()
    if args.step == "setup":
        step_setup()
        return
    if args.step == "verify":
        step_verify(args.records)
        return

    import locust  # noqa: F401 - gevent patches the standard library first, before any socket

    var_dir = Path(tempfile.mkdtemp(prefix="cxgov-load-"))
    if args.static_dir:
        # Collected once and reused: collecting and compressing every file takes minutes.
        Path(args.static_dir).mkdir(parents=True, exist_ok=True)
        (var_dir / "staticfiles").symlink_to(Path(args.static_dir).resolve())
    env = _server_env(args, var_dir)
    manage = [PYTHON, str(ROOT / "manage.py")]
    _database_reset(args.database_url)
    _run([*manage, "migrate", "--verbosity", "0"], env)
    _run([*manage, "createcachetable"], env)
    if not (var_dir / "staticfiles" / "staticfiles.json").exists():
        _run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)
    setup = json.loads(_run([PYTHON, __file__, "--step", "setup"], env).strip().splitlines()[-1])

    gunicorn = [
        str(Path(PYTHON).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        # Import the project once in the master and fork: workers start at once and equal.
        "--preload",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, env=env, cwd=ROOT)  # noqa: S603
    try:
        _wait_ready(args.port, server)
        result = _load(args, setup, env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)

    records = var_dir / "records.json"
    records.write_text(
        json.dumps(
            {
                "survey_id": setup["survey_id"],
                "agency": setup["agency"],
                "surveys": result["surveys"],
                "complaints": result["complaints"],
            }
        )
    )
    verify = json.loads(
        _run([PYTHON, __file__, "--step", "verify", "--records", str(records)], env)
        .strip()
        .splitlines()[-1]
    )
    ok = _report(args, result, verify)
    if args.json:
        summary = {k: v for k, v in result.items() if k not in ("surveys", "complaints")}
        summary["acknowledged"] = len(result["surveys"]) + len(result["complaints"])
        Path(args.json).write_text(json.dumps({"load": summary, "verify": verify}, indent=2))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
