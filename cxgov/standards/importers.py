"""Import posted standards and their reported results from CSV: cxgov or Canada's SS file.

Every row is parsed and checked first; if any row is bad nothing is written and every bad row
is reported with its number (1 = first data row), column and reason. Good files are applied in
one transaction through `cxgov.standards.services`. Re-importing a file changes nothing new:
standards are matched by (service, standard id), results by (standard, period start).

The cxgov format has the columns of the `/standards.csv` feed (see `FEED_COLUMNS`) plus
`agency` (the agency's short name) and optional `period_start`, `period_end` (ISO dates).
Canada's format is the Government of Canada service standards file; services are matched by
the Service Inventory id stored by `cxgov import_services --format canada-si`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from cxgov.core.models import User
from cxgov.registry import services as registry
from cxgov.registry.models import Agency, Service
from cxgov.standards import services
from cxgov.standards.models import ResultSource, Standard, StandardKind, StandardStatus

FORMATS = ("cxgov", "canada-ss")
MAX_BYTES = 20 * 1024 * 1024
_KINDS = {choice.value for choice in StandardKind}


@dataclass
class ImportProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


@dataclass
class StandardRecord:
    row: int
    agency_slug: str
    agency_name: str
    service_id: str
    standard_id: str
    statement: str
    statement_es: str
    kind: str
    channel_code: str
    target: Decimal
    period_start: date
    period_end: date
    label: str
    volume_meeting_target: int | None
    total_volume: int | None
    target_met: bool | None
    assessed: bool
    comments: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    standards_created: int = 0
    standards_updated: int = 0
    results_recorded: int = 0
    agencies_created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


def _cells(file: Path) -> list[dict[str, str]]:
    data = file.read_bytes()
    if len(data) > MAX_BYTES:
        raise ValueError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"The file is not UTF-8 text (byte {error.start}).") from error
    try:
        return [
            {str(k).strip(): (v or "").strip() for k, v in row.items() if k is not None}
            for row in csv.DictReader(io.StringIO(text))
        ]
    except csv.Error as error:
        raise ValueError(f"The file is not valid CSV: {error}.") from error


def _whole(value: str, row: int, column: str, problems: list[ImportProblem]) -> int | None:
    if value == "":
        return None
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        problems.append(ImportProblem(row, column, f'"{value[:40]}" is not a whole number'))
        return None
    if number < 0:
        problems.append(ImportProblem(row, column, "cannot be negative"))
        return None
    return number


def _target(value: str, row: int, problems: list[ImportProblem]) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(ImportProblem(row, "target", f'"{value[:40]}" is not a number'))
        return Decimal(0)
    if number > 1 and number <= 100:
        number = number / 100
    if not 0 <= number <= 1:
        problems.append(ImportProblem(row, "target", "must be a share between 0 and 1"))
        return Decimal(0)
    return number.quantize(Decimal("0.0001"))


def _yes_no(value: str, row: int, column: str, problems: list[ImportProblem]) -> bool | None:
    answer = value.upper()
    if answer in ("", "NA", "N/A"):
        return None
    if answer in ("Y", "YES", "TRUE"):
        return True
    if answer in ("N", "NO", "FALSE"):
        return False
    problems.append(ImportProblem(row, column, f'"{value[:20]}" is not Y or N'))
    return None


def _canada_period(value: str, row: int, problems: list[ImportProblem]) -> tuple[date, date]:
    # Canada's fiscal year runs from 1 April to 31 March, written "2023-2024".
    try:
        first, second = (int(part) for part in value.split("-"))
        if second != first + 1:
            raise ValueError
        return date(first, 4, 1), date(second, 3, 31)
    except ValueError:
        problems.append(ImportProblem(row, "fiscal_yr", f'"{value[:20]}" is not like 2023-2024'))
        return date(1970, 1, 1), date(1970, 1, 1)


def _iso(value: str, row: int, column: str, problems: list[ImportProblem]) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(ImportProblem(row, column, f'"{value[:20]}" is not a date like 2026-01-31'))
        return date(1970, 1, 1)


def _record(
    cells: dict[str, str], row: int, fmt: str, problems: list[ImportProblem]
) -> StandardRecord:
    def need(column: str) -> str:
        value = cells.get(column, "")
        if not value:
            problems.append(ImportProblem(row, column, "is blank, but it is required"))
        return value

    kind = cells.get("type", "").upper() or "OTH"
    if kind not in _KINDS:
        problems.append(
            ImportProblem(row, "type", f'"{kind[:10]}" is not one of {", ".join(sorted(_KINDS))}')
        )
    statement = need("service_standard_en")
    if len(statement) > 2000:
        problems.append(ImportProblem(row, "service_standard_en", "is longer than 2000 characters"))
    met = _whole(cells.get("volume_meeting_target", ""), row, "volume_meeting_target", problems)
    total = _whole(cells.get("total_volume", ""), row, "total_volume", problems)
    if met is not None and total is not None and met > total:
        problems.append(ImportProblem(row, "volume_meeting_target", "is more than total_volume"))
    target_met = _yes_no(cells.get("target_met", ""), row, "target_met", problems)
    if fmt == "canada-ss":
        start, end = _canada_period(need("fiscal_yr"), row, problems)
        label = cells.get("fiscal_yr", "")
        agency_slug = need("owner_org")
        agency_name = cells.get("owner_org_title", "").split(" | ")[0].strip()
        statement_es = ""
        comments = cells.get("comments_en", "")
    else:
        start = _iso(need("period_start"), row, "period_start", problems)
        end = _iso(need("period_end"), row, "period_end", problems)
        label = cells.get("period", "") or f"{start.isoformat()}/{end.isoformat()}"
        agency_slug = need("agency")
        agency_name = agency_slug
        statement_es = cells.get("service_standard_es", "")
        comments = ""
    return StandardRecord(
        row=row,
        agency_slug=agency_slug,
        agency_name=agency_name,
        service_id=need("service_id"),
        standard_id=need("service_standard_id")[:100],
        statement=statement,
        statement_es=statement_es,
        kind=kind,
        channel_code=cells.get("channel", "")[:20],
        target=_target(need("target"), row, problems),
        period_start=start,
        period_end=end,
        label=label[:40],
        volume_meeting_target=met,
        total_volume=total,
        target_met=target_met,
        # Canada leaves target_met blank when a standard was not assessed that year.
        assessed=not (fmt == "canada-ss" and target_met is None),
        comments=comments,
    )


def _find_service(agency: Agency | None, record: StandardRecord, fmt: str) -> Service | None:
    if agency is None:
        return None
    services_found = Service.objects.filter(agency=agency)
    if fmt == "canada-ss":
        return services_found.filter(source="canada-si", source_id=record.service_id).first()
    by_source = services_found.filter(source_id=record.service_id).first()
    if by_source is not None:
        return by_source
    slug = record.service_id.split("/")[-1]
    return services_found.filter(slug=slug).first()


def standards_import(
    *, actor: User | None, file: Path, format: str, create_agencies: bool = False
) -> ImportReport:
    """Check every row, then apply all of them in one transaction (or none, if any is bad)."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format}; use one of {', '.join(FORMATS)}.")
    report = ImportReport()
    rows = _cells(file)
    report.rows = len(rows)
    records = [
        _record(cells, number, format, report.problems) for number, cells in enumerate(rows, 1)
    ]
    agencies = {
        agency.slug: agency
        for agency in Agency.objects.filter(slug__in={r.agency_slug for r in records})
    }
    missing_agencies = {r.agency_slug for r in records} - set(agencies) - {""}
    if missing_agencies and not create_agencies:
        for record in records:
            if record.agency_slug in missing_agencies:
                report.problems.append(
                    ImportProblem(
                        record.row,
                        "agency",
                        f'no agency "{record.agency_slug}"; use --create-agencies',
                    )
                )
    if report.problems:
        return report
    with transaction.atomic():
        for slug in sorted(missing_agencies):
            name = next(r.agency_name for r in records if r.agency_slug == slug) or slug
            agencies[slug] = registry.agency_create(
                actor=actor, name=name[:200], slug=slug, source=format, source_id=slug
            )
            report.agencies_created += 1
        matched: list[tuple[StandardRecord, Service]] = []
        for record in records:
            service = _find_service(agencies.get(record.agency_slug), record, format)
            if service is None:
                report.problems.append(
                    ImportProblem(
                        record.row,
                        "service_id",
                        f'no service with id "{record.service_id[:40]}" in {record.agency_slug}; '
                        "import the service inventory first",
                    )
                )
            else:
                matched.append((record, service))
        if report.problems:
            transaction.set_rollback(True)
            return report
        for record, service in matched:
            _apply(actor=actor, record=record, service=service, format=format, report=report)
    return report


def _apply(
    *,
    actor: User | None,
    record: StandardRecord,
    service: Service,
    format: str,
    report: ImportReport,
) -> None:
    fields: dict[str, Any] = {
        "statement": record.statement,
        "statement_es": record.statement_es,
        "kind": record.kind,
        "channel_code": record.channel_code,
        "target": record.target,
    }
    standard = Standard.objects.filter(service=service, source_id=record.standard_id).first()
    if standard is None:
        standard = services.standard_create(
            actor=actor,
            service=service,
            source=ResultSource.REPORTED,
            imported_from=format,
            source_id=record.standard_id,
            status=StandardStatus.POSTED,
            threshold=None,
            **fields,
        )
        report.standards_created += 1
    elif services.standard_update(actor=actor, standard=standard, **fields):
        report.standards_updated += 1
    services.reported_result_record(
        actor=actor,
        standard=standard,
        period_start=record.period_start,
        period_end=record.period_end,
        label=record.label,
        volume_meeting_target=record.volume_meeting_target,
        total_volume=record.total_volume,
        target_met=record.target_met,
        assessed=record.assessed,
        comments=record.comments,
    )
    report.results_recorded += 1
