"""`cxgov ingest_events FILE --standard ID [--mapping JSON]`: load transaction events."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.standards import services
from cxgov.standards.ingest import IngestError, events_parse, mapping_parse, table_read
from cxgov.standards.models import Standard


class Command(BaseCommand):
    help = (
        "Ingest transaction events for a standard from a CSV or Parquet file. Good rows are "
        "stored (an event id already stored is replaced) and bad rows are listed with reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
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
        if not file.exists():
            raise CommandError(f"no file at {file}")
        try:
            batch = events_parse(
                table_read(file),
                standard=standard,
                mapping=mapping_parse(str(options["mapping"] or "")),
            )
        except IngestError as error:
            raise CommandError(str(error)) from None
        summary = services.events_ingest(
            actor=None, standard=standard, batch=batch, source=file.name
        )
        services.standard_misses_check(actor=None, standard=standard)
        for error in batch.errors:
            self.stdout.write(f"row {error.row}, {error.field}: {error.reason}")
        if batch.error_count > len(batch.errors):
            self.stdout.write(f"… and {batch.error_count - len(batch.errors)} more bad rows")
        self.stdout.write(
            f"{summary['rows']} rows read, {summary['accepted']} events stored "
            f"({summary['replaced']} replaced), {summary['rejected']} rows rejected"
        )
