"""Close live surveys past their close date or OMB expiration once (the worker does it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cxgov.surveys.services import surveys_close_expired


class Command(BaseCommand):
    help = "Close every live survey past its close date or its OMB expiration date."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = surveys_close_expired()
        self.stdout.write(f"Surveys closed: {closed}")
