"""Marking English shown on a page in another language, so screen readers say it in English."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def in_lang(value: object) -> object:
    """The text inside `<span lang="en">` when it is English on a page in another language."""
    lang = getattr(value, "lang", "")
    if not lang:
        return value
    return format_html('<span lang="{}">{}</span>', lang, value)


@register.filter
def lang_attr(value: object) -> SafeString:
    """` lang="en"` for the element holding the text when it is untranslated English."""
    lang = getattr(value, "lang", "")
    return format_html(' lang="{}"', lang) if lang else SafeString("")
