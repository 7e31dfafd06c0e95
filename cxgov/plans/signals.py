"""Signals other apps listen to, sent once the write they report has committed."""

from __future__ import annotations

from django.dispatch import Signal

# sender=PlanVersion, version=<PlanVersion>: a plan was published as this new version.
plan_published = Signal()
