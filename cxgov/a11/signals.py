"""Signals other apps listen to, sent once the write they report has committed."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Collection, collection=<Collection>: a quarterly report was submitted.
report_submitted = Signal()
