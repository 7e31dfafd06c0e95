from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks (emails, imports, rollups) from the database queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queue to run, or * for all.")
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )

    def handle(self, *args: object, **options: object) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", "--queue-name", str(options["queue_name"]), *extra)
