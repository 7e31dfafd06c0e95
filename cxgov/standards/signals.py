"""Signals other apps listen to, sent once the write they report has committed."""

from __future__ import annotations

from django.dispatch import Signal

# sender=MissedPeriod, miss=<MissedPeriod>: a closed period was first flagged as missed.
period_missed = Signal()
