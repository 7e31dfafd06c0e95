"""No English from the catalogue shows on a page in another language.

Every public page is fetched under /<language>/ for each language of settings.LANGUAGES whose
catalogue exists, and its visible text read the way a person (or a screen reader) meets it:
text outside <script>, <style>, <template> and code, plus the alt, title, aria-label and
placeholder attributes and the value of buttons; text an element marks with another language
(`lang="en"`, as the language switcher and English-only records do) is English on purpose.

Which English counts: the entries whose Spanish differs from their English (the Spanish
catalogue is complete, so these are the texts that must change with the language), read in the
language's own catalogue. An entry left empty there, or given the English, shows English: a
text on the page that is such an entry's English means something was not translated (an entry
a public page uses left empty, a string not marked for translation, a template not in the
catalogue, a `{% translate %}` outside the active language). Forms are also sent empty, so
their error messages are read too.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from cxgov.core.templatetags.uswds import uswds_strings
from cxgov.testing.catalogue import PO, catalogue_path, entries
from cxgov.testing.public_pages import public_page_paths

# Every language besides English whose catalogue exists: the ones a page can be read in.
TRANSLATED = [
    code for code, _name in settings.LANGUAGES if code != "en" and catalogue_path(code).exists()
]

pytestmark = pytest.mark.django_db

# English that may stay on a Spanish page; each is a name or code, not prose.
ALLOWED = {
    "cxgov",  # the product's name
}
_HIDDEN = {"script", "style", "template", "code", "kbd", "samp"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# Forms whose empty submission shows their error messages.
_FORMS = ("complaint_new", "barrier_new", "complaint_status", "survey")


class _VisibleText(HTMLParser):
    """Visible texts of the page's own language: text an element marks with another `lang`
    (the language switcher's "English", remarks kept in English) and code are left out."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.language = language
        self._hidden = 0
        self._open: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        skip = tag in _HIDDEN or (lang is not None and not lang.startswith(self.language))
        if tag not in _VOID:
            self._open.append((tag, skip))
            self._hidden += skip
        if self._hidden or skip:
            return
        for name in _ATTRIBUTES:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.texts.append(str(values.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag, so an end tag left out by the page cannot leave text
        # hidden or shown for the rest of it.
        for at in range(len(self._open) - 1, -1, -1):
            if self._open[at][0] == tag:
                self._hidden -= sum(skip for _, skip in self._open[at:])
                del self._open[at:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def visible_texts(html: str, language: str = "es") -> list[str]:
    """The page's visible texts in its language, whitespace folded, empty ones left out."""
    parser = _VisibleText(language)
    parser.feed(html)
    folded = (_SPACE.sub(" ", text).strip() for text in parser.texts)
    return [text for text in folded if text]


def _english(text: str) -> str:
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def _translations(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(entry.msgid, entry.msgid_plural): entry.msgstrs for entry in entries(path)}


def english_catalogue(own_po: Path = PO) -> tuple[set[str], list[re.Pattern[str]]]:
    """The English a page must not show in the language of `own_po`: the entries whose Spanish
    differs from their English, less those that catalogue deliberately keeps in English (its
    translation is the English). An entry it leaves empty counts: the page would show English.
    Whole texts, and patterns for the ones with placeholders (a placeholder matches any text)."""
    own = _translations(own_po)
    whole: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for entry in entries():
        translated = own.get((entry.msgid, entry.msgid_plural), ())
        for at, (english, spanish) in enumerate(
            zip((entry.msgid, entry.msgid_plural or entry.msgid), entry.msgstrs, strict=False)
        ):
            if not spanish or _english(english) == _english(spanish):
                continue
            text = _english(english)
            # The language's plural form at the same place is read, else the nearest one with
            # text (Chinese has one form, Arabic six).
            mine = [form for form in translated[at:] + translated[:at][::-1] if form][:1]
            if mine and _english(mine[0]) == text:
                continue
            _add(text, whole, patterns)
    return whole, patterns


def _add(text: str, whole: set[str], patterns: list[re.Pattern[str]]) -> None:
    if _PLACEHOLDER.search(text):
        literal = _PLACEHOLDER.split(text)
        # Enough fixed English around the placeholders to be sure it is this string.
        if sum(len(part.split()) for part in literal) < 3:
            return
        pattern = ".+".join(re.escape(part) for part in literal)
        patterns.append(re.compile(pattern))
    elif text not in ALLOWED:
        whole.add(text)


def english_on(
    html: str, whole: set[str], patterns: list[re.Pattern[str]], language: str = "es"
) -> set[str]:
    """The catalogue English found on a page: a visible text that is an entry's English, an
    entry of three words or more inside the page's text, or a visible text that is an entry with
    placeholders."""
    texts = visible_texts(html, language)
    page = " ".join(texts)
    found = {text for text in texts if text in whole}
    found |= {english for english in whole if len(english.split()) >= 3 and english in page}
    found |= {p.pattern for p in patterns for text in texts if p.fullmatch(text)}
    return found


@pytest.fixture(scope="module")
def catalogue() -> tuple[set[str], list[re.Pattern[str]]]:
    return english_catalogue()


def test_the_reader_sees_attributes_and_skips_scripts():
    html = (
        '<p>Hola <a title="Abrir">enlace</a></p><script>var x = "Submit";</script>'
        '<img alt="Logotipo"><input type="submit" value="Enviar"><input value="Escrito">'
        '<a lang="en" href="/">English</a><p>Campo <code>type</code></p>'
    )
    assert visible_texts(html) == ["Hola", "Abrir", "enlace", "Logotipo", "Enviar", "Campo"]


def test_an_english_string_on_a_spanish_page_is_found(catalogue):
    whole, patterns = catalogue
    assert "Return to top" in whole
    html = '<main><p>Texto</p><a href="#">Return to top</a></main>'
    assert english_on(html, whole, patterns) == {"Return to top"}


def test_an_entry_empty_in_another_language_counts_and_one_kept_in_english_does_not(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Return to top"\nmsgstr ""\n\n'
        'msgid "Skip to main content"\nmsgstr "Skip to main content"\n\n'
        'msgid "Menu"\nmsgstr "Menu"\n',
        encoding="utf-8",
    )
    whole, _patterns = english_catalogue(po)
    assert "Return to top" in whole
    assert "Skip to main content" not in whole
    assert "Give feedback" in whole  # not in this catalogue at all: the page shows English


def test_every_site_language_has_a_catalogue():
    """Each language of settings.LANGUAGES but English has its catalogue under locale/."""
    missing = [
        str(catalogue_path(code).relative_to(settings.BASE_DIR))
        for code, _name in settings.LANGUAGES
        if code != "en" and not catalogue_path(code).exists()
    ]
    assert not missing, f"languages without a catalogue: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_public_page_shows_english(demo_data, language):
    whole, patterns = english_catalogue(catalogue_path(language))
    client = Client()
    found: dict[str, set[str]] = {}
    for name, path in public_page_paths().items():
        response = client.get(f"/{language}{path}", secure=True, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages = [response.content.decode()]
        if name in _FORMS:
            sent = client.post(f"/{language}{path}", {}, secure=True, follow=True)
            pages.append(sent.content.decode())
        for html in pages:
            english = english_on(html, whole, patterns, language)
            if english:
                found.setdefault(name, set()).update(english)
    assert not found, f"English on {language} pages: {found}"


def _uswds_block(html: str) -> dict[str, str] | None:
    found = re.search(
        r'<script id="cxgov-uswds-strings" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1)) if found else None


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_uswds_file_input_texts_come_in_the_page_language(demo_data, client, language):
    """USWDS writes its file input's texts in English from its script; a page in another
    language carries their translation for static/cxgov/uswds-strings.js, which replaces each
    one it knows."""
    path = public_page_paths()["complaint_new"]
    translated = _uswds_block(client.get(f"/{language}{path}", secure=True).content.decode())
    english = _uswds_block(client.get(path, secure=True).content.decode())
    assert english is None
    assert translated is not None
    with translation.override("en"):
        originals = uswds_strings()
    assert set(translated) == set(originals)
    for key, text in translated.items():
        assert text and text != originals[key], (language, key)
        assert re.findall(r"%\(\w+\)s", text) == re.findall(r"%\(\w+\)s", originals[key]), key
    script = (Path(settings.BASE_DIR) / "static" / "cxgov" / "uswds-strings.js").read_text()
    assert set(re.findall(r"\bt\.(\w+)", script)) == set(originals)
    page = client.get(f"/{language}{path}", secure=True).content.decode()
    assert 'class="usa-file-input' in page
