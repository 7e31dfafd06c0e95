"""Sending a domain signal once the write it reports has committed."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal


def send_after_commit(signal: Signal, *, sender: type, **named: Any) -> None:
    """Send `signal` when the current transaction commits, never if it rolls back.

    Robust: a listener that fails is logged, and the other work waiting on the commit still runs.
    """
    transaction.on_commit(partial(signal.send, sender=sender, **named), robust=True)
