"""Signals other apps listen to, e.g. complaints opening a follow-up case for a low score."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that stored a response commits: sender=Response, response=<Response>.
response_submitted = Signal()
