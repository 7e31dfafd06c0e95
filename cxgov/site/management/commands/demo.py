from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cxgov.site.demo import demo_refuse_without_debug


class Command(BaseCommand):
    help = "Migrate, load the demo data, print the demo users, and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up but do not start the server."
        )

    def handle(self, *args: object, **options: object) -> None:
        demo_refuse_without_debug()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_demo")
        if options["no_serve"]:
            return
        self.stdout.write(f"Serving cxgov at http://{options['addrport']}/ (Ctrl-C to stop)")
        call_command("runserver", options["addrport"], use_reloader=False)
