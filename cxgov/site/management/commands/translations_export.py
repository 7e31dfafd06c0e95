"""`cxgov translations_export --agency SLUG --output FILE.xlf`: the agency's texts as XLIFF 2.0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import command_agency
from cxgov.site.translations import translations_export


class Command(BaseCommand):
    help = (
        "Write one agency's authored texts (services, surveys and questions, plan sections, "
        "standards, canned responses, complaint categories) as an XLIFF 2.0 file, English "
        "source and Spanish target, for a translation vendor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, metavar="SLUG")
        parser.add_argument("--output", required=True, type=Path, metavar="FILE.xlf")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"the folder {output.parent} does not exist")
        output.write_bytes(translations_export(agency=agency))
        self.stdout.write(f"wrote {output}")
