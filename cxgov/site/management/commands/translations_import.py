"""`cxgov translations_import --agency SLUG FILE.xlf`: the translations of an XLIFF file, into
the language its trgLang names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import agency_argument, command_agency
from cxgov.core.xliff import XliffError
from cxgov.site.translations import translations_import


class Command(BaseCommand):
    help = (
        "Read the translations of an XLIFF 2.0 file made by translations_export, into the "
        "language its trgLang names. A file with any "
        "problem (bad XML, wrong language, unknown unit, English changed since the export) "
        "changes nothing, and each problem is printed with its unit id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_argument(parser)
        parser.add_argument("file", type=Path, metavar="FILE.xlf")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            changed = translations_import(actor=None, agency=agency, data=path.read_bytes())
        except XliffError as error:
            lines = [f"{p.unit or 'file'}: {p.message}" for p in error.problems]
            raise CommandError("nothing imported:\n" + "\n".join(lines)) from None
        self.stdout.write(f"{changed} translations changed")
