"""`cxgov acr_build`: write the Accessibility Conformance Report as OpenACR YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.public import acr


class Command(BaseCommand):
    help = (
        "Write docs/accessibility/openacr.yaml from the criteria mapping in cxgov/public/acr.py; "
        "with --check, only say whether the file is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(settings.BASE_DIR / acr.OUTPUT))
        parser.add_argument(
            "--check", action="store_true", help="fail if the file differs from the mapping"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = acr.missing_tests(Path(settings.BASE_DIR))
        if missing:
            raise CommandError("The mapping names tests that do not exist: " + ", ".join(missing))
        output = Path(options["output"])
        text = acr.report_yaml()
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(f"{output} is stale: run `cxgov acr_build`.")
            self.stdout.write(f"{output} is up to date.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output} ({len(acr.CRITERIA)} criteria).")
