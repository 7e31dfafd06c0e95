"""`cxgov purge_personal_data [--dry-run]`: apply every agency's retention policy once.

The worker does it daily by itself (cxgov.core.schedule).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cxgov.registry.services import retention_purge


class Command(BaseCommand):
    help = (
        "Remove contact details, attachments, IP addresses and invitation emails that are past "
        "each agency's retention periods. Records, aggregates and the audit log stay, but for "
        "the audit log's months older than AUDIT_LOG_RETENTION_MONTHS on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_purge(dry_run=bool(options["dry_run"]))
        verb = "would remove" if report.dry_run else "removed"
        for name in report.audit_partitions:
            self.stdout.write(f"audit log: {verb} partition {name}")
        if not report.agencies:
            self.stdout.write(f"nothing to remove ({report.now:%Y-%m-%d %H:%M %Z})")
            return
        for item in report.agencies:
            details = ", ".join(f"{key}={value}" for key, value in item.as_dict().items())
            self.stdout.write(f"{item.agency}: {verb} {details}")
        self.stdout.write(f"total {verb}: {report.total}")
