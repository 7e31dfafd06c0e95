from argparse import BooleanOptionalAction

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS

from cxgov.core.worker import LeasedWorker, redis_worker_run, upkeep_run, uses_redis_queue


class Command(BaseCommand):
    help = (
        "Run background tasks (emails, imports, rollups) from the queue (the database, or Redis "
        "with TASKS_BACKEND=django_tasks_rq.RQBackend), and queue the periodic ones "
        "(escalations, mail, purges) when due. Tasks left running by a worker that stopped are "
        "queued again once their lease expires (database queue)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queue to run, or * for all.")
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )
        parser.add_argument(
            "--schedule",
            action=BooleanOptionalAction,
            default=None,
            help="Queue the periodic tasks that are due (escalations, mail, purges): at start "
            "and every SCHEDULE_CHECK_SECONDS. On by default, off by default with --batch.",
        )
        parser.add_argument(
            "--upkeep",
            action="store_true",
            help="Only recover stranded tasks and prune old finished ones, then exit.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["upkeep"]:
            done = upkeep_run()
            self.stdout.write(
                f"Queued again: {done.requeued}; dead-lettered: {done.dead_lettered}; "
                f"finished rows pruned: {done.pruned}."
            )
            return
        batch = bool(options["batch"])
        schedule = not batch if options["schedule"] is None else bool(options["schedule"])
        if uses_redis_queue():
            redis_worker_run(
                queue_names=str(options["queue_name"]).split(","),
                batch=batch,
                schedule=schedule,
                worker_id=get_random_string(32),
            )
            return
        worker = LeasedWorker(
            queue_names=str(options["queue_name"]).split(","),
            interval=1,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            schedule=schedule,
        )
        if not batch:
            worker.configure_signals()
        worker.run()
