"""Choosing a record's text in the page's language, the one chokepoint every reader uses.

English is the source. Spanish lives in each model's `<field>_es` column; every other language
lives in `core.AuthoredTranslation` (decision 0062). Within a request (`translation_scope`,
opened by `TranslationsMiddleware`) the table is read once per model and language, so a page
listing a hundred services asks once. When a non-English page gets English because a
translation is missing, the text comes back as `Untranslated` (a `str` that knows its
language) and the scope remembers it, so the page can say so once and mark the text
`lang="en"`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, overload

from django.apps import apps
from django.utils.translation import get_language

SOURCE_LANGUAGE = "en"
SPANISH = "es"
# A choice of a question is a text named `option:<value>`, kept under the field `options`.
OPTION_PREFIX = "option:"

# Model label (`registry.service`) → its English fields whose other languages are in the
# table; filled by the app that knows them (`cxgov.site.translations`) when Django starts.
TABLE_FIELDS: dict[str, frozenset[str]] = {}


def table_fields_register(label: str, fields: tuple[str, ...]) -> None:
    """Say that `label`'s `fields` have translations in `core.AuthoredTranslation`."""
    TABLE_FIELDS[label] = frozenset(fields)


class Untranslated(str):
    """English text shown on a page in another language because no translation exists."""

    lang = SOURCE_LANGUAGE


@dataclass
class _Scope:
    # (model label, language) → {(object id, field): text}
    loaded: dict[tuple[str, str], dict[tuple[int, str], str]] = field(default_factory=dict)
    fell_back: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("cxgov_translation_scope", default=None)


@contextmanager
def translation_scope() -> Iterator[_Scope]:
    """A cache of translations for one request or task; nothing read in it outlives it."""
    scope = _Scope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def page_language() -> str:
    return (get_language() or SOURCE_LANGUAGE).lower()


def _from_table(label: str, pk: Any, field: str, language: str) -> str:
    table = apps.get_model("core", "AuthoredTranslation")
    scope = _scope.get()
    if scope is None:
        row = (
            table.objects.filter(model=label, object_id=pk, field=field, language=language)
            .values_list("text", flat=True)
            .first()
        )
        return row or ""
    key = (label, language)
    if key not in scope.loaded:
        scope.loaded[key] = {
            (object_id, name): text
            for object_id, name, text in table.objects.filter(
                model=label, language=language
            ).values_list("object_id", "field", "text")
        }
    return scope.loaded[key].get((pk, field), "")


def _in_table(record: Any, field: str) -> bool:
    name = "options" if field.startswith(OPTION_PREFIX) else field
    return name in TABLE_FIELDS.get(record._meta.label_lower, ())


def localized(
    english: str, spanish: str, *, record: Any = None, field: str = "", page: bool = True
) -> str:
    """The text in the active language: Spanish from its column, another language from the
    table when `record` and its English `field` are given; else the English, as
    `Untranslated` on a non-English page (and the request's scope remembers it, unless the
    text is not for the `page`, such as an email drafted in the customer's language)."""
    language = page_language()
    if language == SOURCE_LANGUAGE or language.startswith(f"{SOURCE_LANGUAGE}-"):
        return english
    if language == SPANISH or language.startswith(f"{SPANISH}-"):
        text = spanish
    elif record is not None and _in_table(record, field):
        text = _from_table(record._meta.label_lower, record.pk, field, language)
    else:
        text = ""
    if text:
        return text
    if not english:
        return english
    if not page:
        return english
    return _fell_back(english)


def _fell_back(english: str) -> str:
    scope = _scope.get()
    if scope is not None:
        scope.fell_back = True
    return Untranslated(english)


def localized_frozen(english: str, texts: Mapping[str, str] | None = None) -> str:
    """A text frozen in a snapshot, in the active language: its translation from `texts` (by
    language code, Spanish included), else the English as `Untranslated` on a non-English page
    (the request's scope remembers it, so the page says so once)."""
    language = page_language()
    if not english or language == SOURCE_LANGUAGE or language.startswith(f"{SOURCE_LANGUAGE}-"):
        return english
    text = str((texts or {}).get(language) or "")
    return text or _fell_back(english)


def english_only(english: str) -> str:
    """A text that is only ever written in English (no translation can exist), as
    `Untranslated` on a non-English page."""
    return localized_frozen(english)


def spanish_field(field: str) -> str:
    """The Spanish column of an English field: `name` → `name_es`, `text_en` → `text_es`."""
    return field.removesuffix("_en") + "_es"


class LocalizedField:
    """A model attribute giving one of its text fields in the page's language (`localized`)."""

    def __init__(self, field: str) -> None:
        self.field = field

    @overload
    def __get__(self, instance: None, owner: type) -> LocalizedField: ...

    @overload
    def __get__(self, instance: object, owner: type) -> str: ...

    def __get__(self, instance: object | None, owner: type) -> LocalizedField | str:
        if instance is None:
            return self
        return localized(
            getattr(instance, self.field),
            getattr(instance, spanish_field(self.field)),
            record=instance,
            field=self.field,
        )
