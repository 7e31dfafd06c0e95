import os
import signal
import subprocess  # nosec B404 - starts this same program's worker, no shell, fixed arguments
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from cxgov.site.demo import demo_refuse_without_debug

WORKER_STOP_SECONDS = 10


def worker_start() -> subprocess.Popen[bytes] | None:
    """Start `cxgov worker` as a child process, with this process's settings and code.

    None when tasks do not go through the database queue (the immediate backend runs them at
    once in the web process, so there is nothing for a worker to do).
    """
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(settings.BASE_DIR), env.get("PYTHONPATH", "")) if part
    )
    return subprocess.Popen(  # nosec B603 - fixed argument list, no shell
        [sys.executable, "-m", "django", "worker"], env=env
    )


def _exit_on_terminate(signum: int, frame: object) -> None:
    # Stopping the demo with `kill` runs the same clean-up as Ctrl-C: the worker stops too.
    sys.exit(0)


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop after its current task; kill it if it does not in time."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = (
        "Migrate, load the demo data, print the demo users, and serve on 127.0.0.1:8000 with a "
        "`cxgov worker` beside the server, so emails, escalations and imports really run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up but do not start the server."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start `cxgov worker` beside the server (queued tasks then wait).",
        )

    def handle(self, *args: object, **options: object) -> None:
        demo_refuse_without_debug()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        if options["no_serve"]:
            return
        worker = None if options["no_worker"] else worker_start()
        if worker is not None:
            self.stdout.write(
                f"Started the background worker (process {worker.pid}): emails print here."
            )
        self.stdout.write(f"Serving cxgov at http://{options['addrport']}/ (Ctrl-C to stop)")
        previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                worker_stop(worker)
