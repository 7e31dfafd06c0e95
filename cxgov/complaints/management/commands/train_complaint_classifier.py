"""`cxgov train_complaint_classifier --agency SLUG`: train, store, print held-out scores."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.complaints.services import complaint_classifier_train
from cxgov.core.imports.commands import agency_argument, command_agency


class Command(BaseCommand):
    help = "Train the agency's complaint category classifier on its labelled complaints."

    def add_arguments(self, parser: CommandParser) -> None:
        agency_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = command_agency(options["agency"])
        try:
            stored = complaint_classifier_train(agency=agency, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"version {stored.version}: {len(stored.labels)} categories, "
            f"trained on {stored.n_train}, held out {stored.n_test}\n"
            f"held-out accuracy: {stored.accuracy:.3f}\n"
            f"held-out macro F1: {stored.macro_f1:.3f}"
        )
