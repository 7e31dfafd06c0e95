"""`cxgov import_a11_quarterly FILE --format performance-gov`: load published A-11 quarters."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.a11.importers_performance_gov import FORMATS, a11_quarterly_import
from cxgov.core.permissions import Can, site_permission
from cxgov.core.selectors import site_grant_holder


class Command(BaseCommand):
    help = (
        "Import A-11 Section 280 quarterly survey figures (performance.gov layout): agencies, "
        "services and closed A-11 v1 surveys are matched or created, and each row's counts are "
        "stored as imported results. A file with any bad cell changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="Who runs the import; they need the site-wide grant to import government data.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        file = options["file"]
        if not isinstance(file, Path):
            raise CommandError("give the path of a CSV file")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as problem:
            raise CommandError(f"cannot read {file}: {problem.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text: save it again as CSV (UTF-8)") from None
        actor = site_grant_holder(email=str(options["actor"]), need=Can.IMPORT_GOVERNMENT_DATA)
        if actor is None:
            raise CommandError(
                f"{options['actor']} may not import government data: an administrator grants "
                f"{site_permission(Can.IMPORT_GOVERNMENT_DATA)} in the site admin"
            )
        report = a11_quarterly_import(actor=actor, text=text, dry_run=bool(options["dry_run"]))
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.rejected:
            raise CommandError("the file was rejected: nothing was written")
        if report.dry_run:
            self.stdout.write("dry run: nothing was written")
        else:
            self.stdout.write(self.style.SUCCESS("import finished"))
