"""`cxgov escalate_complaints`: warn of due-soon and overdue complaints once.

The worker does it hourly by itself (cxgov.core.schedule).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cxgov.complaints.services import complaints_escalate


class Command(BaseCommand):
    help = "Notify assignees and team leads of complaints due soon or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        result = complaints_escalate()
        self.stdout.write(
            f"due soon: {result.due_soon}, overdue: {result.overdue}, "
            f"closed after the review window: {result.closed_after_review_window}"
        )
