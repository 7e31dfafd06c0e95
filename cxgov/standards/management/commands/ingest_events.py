"""`cxgov ingest_events FILE --standard ID [--mapping JSON] [--batches N | --engine dask]`.

Loads transaction events. With `--batches N` the file is split into N batches that
`cxgov worker` processes ingest in parallel; with `--engine dask` a Parquet file or directory
is parsed on a Dask cluster (docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports import FileRejectedError
from cxgov.core.imports.commands import import_arguments, import_finish
from cxgov.standards.dask_ingest import PARTITION_ROWS, events_parse_dask
from cxgov.standards.importers import EventsRead, events_file_read, events_import_with
from cxgov.standards.ingest import mapping_parse
from cxgov.standards.models import Standard
from cxgov.standards.services_batches import event_file_split

MAX_BATCHES = 10_000


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
        parser.add_argument(
            "--batches",
            type=int,
            default=0,
            help="Split the file into this many batches by event id and queue one task per "
            "batch for the workers; each batch stores its good rows (as --keep-valid does).",
        )
        parser.add_argument(
            "--engine",
            choices=["local", "dask"],
            default="local",
            help="local: parse in this process. dask: parse a Parquet file, or a directory of "
            "Parquet files, in partitions on a Dask cluster, then store here.",
        )
        parser.add_argument(
            "--scheduler",
            default="",
            help="With --engine dask: the Dask scheduler's address (tcp://host:8786); without "
            "it a cluster of two workers runs in this process.",
        )
        parser.add_argument(
            "--partition-rows",
            type=int,
            default=PARTITION_ROWS,
            help="With --engine dask: rows per partition (default %(default)s).",
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
        if options["batches"]:
            self._queue(standard, file, mapping, options)
            return
        read: Callable[[], EventsRead]
        if options["engine"] == "dask":
            read = partial(
                events_parse_dask,
                standard=standard,
                path=file,
                mapping=mapping,
                scheduler=str(options["scheduler"]) or None,
                partition_rows=max(1, int(str(options["partition_rows"]))),
            )
        else:
            read = partial(events_file_read, file=file, standard=standard, mapping=mapping)
        report = events_import_with(
            read=read,
            actor=None,
            standard=standard,
            source=file.name[:100],
            dry_run=bool(options["dry_run"]),
            keep_valid=bool(options["keep_valid"]),
        )
        import_finish(self, report, rejected_csv=options["rejected_csv"])

    def _queue(
        self, standard: Standard, file: Path, mapping: dict[str, str], options: dict[str, object]
    ) -> None:
        batches = int(str(options["batches"]))
        if not 1 <= batches <= MAX_BATCHES:
            raise CommandError(f"--batches takes 1 to {MAX_BATCHES}")
        if options["dry_run"]:
            raise CommandError("--dry-run checks a file in one process: leave out --batches")
        try:
            run = event_file_split(
                actor=None,
                standard=standard,
                file=file,
                batches=batches,
                mapping=mapping,
                source=file.name[:100],
            )
        except FileRejectedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Queued {batches} batches of {run.rows_read} rows (run {run.pk}); "
            "`cxgov worker` processes ingest them and the last one rebuilds the rollups."
        )
