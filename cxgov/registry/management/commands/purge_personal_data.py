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
        "whole months past AUDIT_LOG_RETENTION_MONTHS (the audit log, on PostgreSQL), "
        "RESPONSE_RETENTION_MONTHS (responses and answers) and EVENT_RETENTION_MONTHS "
        "(standards events), when set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_purge(dry_run=bool(options["dry_run"]))
        verb = "would remove" if report.dry_run else "removed"
        for kind, removed in report.months_removed.items():
            for name in removed:
                self.stdout.write(f"{kind}: {verb} {name}")
        if not report.agencies:
            self.stdout.write(f"nothing to remove ({report.now:%Y-%m-%d %H:%M %Z})")
            return
        for item in report.agencies:
            details = ", ".join(f"{key}={value}" for key, value in item.as_dict().items())
            self.stdout.write(f"{item.agency}: {verb} {details}")
        self.stdout.write(f"total {verb}: {report.total}")
