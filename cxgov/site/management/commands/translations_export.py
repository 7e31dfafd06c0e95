"""`cxgov translations_export --agency SLUG [--language CODE] --output FILE.xlf`: the agency's
texts as XLIFF 2.0, English source and one language's target."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.i18n import SPANISH
from cxgov.core.imports.commands import agency_output_arguments, command_agency, command_output
from cxgov.site.translations import translation_languages, translations_export


class Command(BaseCommand):
    help = (
        "Write one agency's authored texts (services, surveys and questions, plan sections, "
        "standards, canned responses, complaint categories) as an XLIFF 2.0 file, English "
        "source and one language's target (Spanish unless --language says), for a "
        "translation vendor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_output_arguments(parser, metavar="FILE.xlf")
        parser.add_argument("--language", default=SPANISH, metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        output = command_output(options)
        language = options["language"]
        if language not in translation_languages():
            raise CommandError(
                f"{language} is not a configured language; use one of "
                + ", ".join(translation_languages())
            )
        output.write_bytes(translations_export(agency=agency, language=language))
        self.stdout.write(f"wrote {output}")
