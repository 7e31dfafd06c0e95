"""`cxgov complaints_fetch_mail`: file the unread mail of the complaints mailbox (IMAP)."""

from __future__ import annotations

import imaplib
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.complaints.mailbox import mailbox_fetch_configured


class Command(BaseCommand):
    help = (
        "Read the complaints mailbox (COMPLAINTS_IMAP_*): replies thread into their complaint, "
        "other mail becomes a new complaint, bounces and auto-replies are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agency",
            default=None,
            help="Slug of the agency that gets new complaints (default COMPLAINTS_MAIL_AGENCY).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = mailbox_fetch_configured(agency_slug=options["agency"])
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except (imaplib.IMAP4.error, OSError) as error:
            raise CommandError(f"The complaints mailbox could not be read: {error}") from None
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.as_dict().items()))
