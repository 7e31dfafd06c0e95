"""Choosing between a record's English and Spanish text."""

from __future__ import annotations

from django.utils.translation import get_language


def localized(english: str, spanish: str) -> str:
    """Spanish text when the page is Spanish and there is any, else English."""
    if spanish and (get_language() or "").startswith("es"):
        return spanish
    return english
