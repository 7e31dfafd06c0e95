"""What every import command shares: the same options, the agency it names, the printed report;
and the --agency and --output options of the commands that write one agency's file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from cxgov.core.imports.report import ImportReport
from cxgov.core.models import Agency


def import_arguments(
    parser: CommandParser,
    *,
    formats: Sequence[str] | None = None,
    keep_valid: bool = True,
    create_agencies: bool = False,
) -> None:
    """Add the file argument, --format when the importer reads more than one layout, --dry-run
    (and --keep-valid, --rejected-csv; --create-agencies) to a command."""
    parser.add_argument("file", type=Path, help="The file: CSV (any encoding), XLSX, or gzip.")
    if formats is not None:
        parser.add_argument("--format", required=True, choices=formats)
    if create_agencies:
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="Create the agencies the file names that do not exist yet.",
        )
    parser.add_argument(
        "--dry-run", action="store_true", help="Report what would change; write nothing."
    )
    if keep_valid:
        parser.add_argument(
            "--keep-valid",
            "--skip-invalid",
            dest="keep_valid",
            action="store_true",
            help="Import the good rows and report the bad ones, instead of rejecting the file.",
        )
        parser.add_argument(
            "--rejected-csv",
            type=Path,
            metavar="PATH",
            help="With --keep-valid, write the rejected rows and their reasons to this CSV file.",
        )


def agency_argument(parser: CommandParser) -> None:
    """Add the required --agency option that `command_agency` reads."""
    parser.add_argument(
        "--agency", required=True, metavar="SLUG", help="The agency's short name (slug)."
    )


def agency_output_arguments(parser: CommandParser, *, metavar: str) -> None:
    """Add --agency and the required --output option that `command_output` reads, for a
    command that writes one agency's file."""
    agency_argument(parser)
    parser.add_argument("--output", required=True, type=Path, metavar=metavar)


def command_output(options: dict[str, Any]) -> Path:
    """The file a command's --output names; a CommandError when its folder does not exist."""
    output: Path = options["output"]
    if not output.parent.is_dir():
        raise CommandError(f"the folder {output.parent} does not exist")
    return output


def command_agency(slug: object) -> Agency:
    """The agency a command's --agency names; a CommandError when no agency has that name."""
    agency = Agency.objects.filter(slug=str(slug)).first()
    if agency is None:
        raise CommandError(f'no agency has the short name "{slug}"')
    return agency


def command_agencies(slug: object) -> QuerySet[Agency]:
    """Every agency, or only the one a command's optional --agency names (a CommandError when
    no agency has that name)."""
    if not slug:
        return Agency.objects.all()
    return Agency.objects.filter(pk=command_agency(slug).pk)


def command_file(options: dict[str, object]) -> Path:
    """The file argument `import_arguments` added."""
    file = options["file"]
    if not isinstance(file, Path):
        raise CommandError("give the path of a CSV file")
    return file


def import_run(
    command: BaseCommand,
    importer: Callable[..., ImportReport],
    options: dict[str, Any],
    **extra: Any,
) -> None:
    """Run an `*_import` service on the file with the options `import_arguments` added (and
    the command's own, `extra`), then print the report as `import_finish` does."""
    shared: dict[str, Any] = {
        "file": command_file(options),
        "format": str(options["format"]),
        "dry_run": bool(options["dry_run"]),
    }
    if "keep_valid" in options:
        shared["keep_valid"] = bool(options["keep_valid"])
    if "create_agencies" in options:
        shared["create_agencies"] = bool(options["create_agencies"])
    report = importer(actor=None, **shared, **extra)
    import_finish(command, report, rejected_csv=options.get("rejected_csv"))


def import_finish(
    command: BaseCommand, report: ImportReport, *, rejected_csv: object = None
) -> None:
    """Print the report; fail the command when the file was rejected."""
    command.stdout.write(report.as_text())
    if isinstance(rejected_csv, Path) and report.rejected_rows_csv:
        rejected_csv.write_text(report.rejected_rows_csv, encoding="utf-8")
        command.stdout.write(f"rejected rows written to {rejected_csv}")
    if report.dry_run:
        command.stdout.write("dry run: nothing was written")
    if report.rejected:
        raise CommandError("the file was rejected: nothing was written")
    if not report.dry_run:
        command.stdout.write(command.style.SUCCESS("import finished"))
