"""Choosing between a record's English and Spanish text."""

from __future__ import annotations

from typing import overload

from django.utils.translation import get_language


def localized(english: str, spanish: str) -> str:
    """Spanish text when the page is Spanish and there is any, else English."""
    if spanish and (get_language() or "").startswith("es"):
        return spanish
    return english


class LocalizedField:
    """A model attribute giving one of its text fields in the page's language: the field's
    `<field>_es` twin when the page is Spanish and it has text, else the field."""

    def __init__(self, field: str) -> None:
        self.field = field

    @overload
    def __get__(self, instance: None, owner: type) -> LocalizedField: ...

    @overload
    def __get__(self, instance: object, owner: type) -> str: ...

    def __get__(self, instance: object | None, owner: type) -> LocalizedField | str:
        if instance is None:
            return self
        return localized(getattr(instance, self.field), getattr(instance, f"{self.field}_es"))
