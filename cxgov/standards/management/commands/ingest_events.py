"""`cxgov ingest_events FILE --standard ID [--mapping JSON]`: load transaction events."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.standards.importers import events_import
from cxgov.standards.ingest import mapping_parse
from cxgov.standards.models import Standard


class Command(BaseCommand):
    help = (
        "Ingest transaction events for a standard from a CSV, XLSX or Parquet file (or gzip). "
        "An event id already stored is replaced. A file with any bad row changes nothing "
        "unless --keep-valid; every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        import_arguments(parser)
        parser.add_argument("--standard", type=int, required=True, help="The standard's id.")
        parser.add_argument(
            "--mapping",
            default="",
            help='JSON naming the file\'s columns, e.g. {"id": "unique_key", "start": "created"}.',
        )

    def handle(self, *args: object, **options: object) -> None:
        standard = Standard.objects.select_related("agency").filter(pk=options["standard"]).first()
        if standard is None:
            raise CommandError(f"no standard has the id {options['standard']}")
        file = options["file"]
        if not isinstance(file, Path):
            raise CommandError("give the path of a file")
        try:
            mapping = mapping_parse(str(options["mapping"] or ""))
        except ValueError as error:
            raise CommandError(str(error)) from None
        report = events_import(
            actor=None,
            standard=standard,
            file=file,
            mapping=mapping,
            source=file.name[:100],
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])
