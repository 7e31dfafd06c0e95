"""XLIFF 2.0 files of authored text: written, read back without loss in any language with each
translation's status, and refused with the unit named when they are wrong or hostile."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.core.models import TranslationStatus
from cxgov.core.xliff import (
    STATUS_STATE,
    Problem,
    Target,
    Unit,
    XliffError,
    xliff_read,
    xliff_read_segments,
    xliff_write,
)

# Characters XML 1.0 can carry (no other control characters, no surrogates).
_XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
        + ["\ufffe", "\uffff"],
    ),
    max_size=200,
)


def _file(units: list[Unit]) -> bytes:
    return xliff_write(units, file_id="fba", target_language="es")


def _problems(data: bytes, known: dict[str, str]) -> list[Problem]:
    with pytest.raises(XliffError) as raised:
        xliff_read(data, target_language="es", known=known)
    return raised.value.problems


@settings(max_examples=60, deadline=None)
@given(source=_XML_TEXT, target=_XML_TEXT)
def test_a_round_trip_keeps_every_character(source, target):
    data = _file([Unit("registry.service/1/name", source, target)])
    read = xliff_read(data, target_language="es", known={"registry.service/1/name": source})
    assert read == {"registry.service/1/name": target}


def test_the_file_is_xliff_2_with_english_source_and_spanish_target():
    data = _file([Unit("plans.section/4/text", "Fast & <fair>", "Rápido y justo")])
    assert b'version="2.0"' in data
    assert b'srcLang="en"' in data
    assert b'trgLang="es"' in data
    assert b"<source>Fast &amp; &lt;fair&gt;</source>" in data


def test_a_changed_translation_comes_back():
    data = _file([Unit("a/1/name", "Apply", "Solicitar")]).replace(b"Solicitar", b"Pedir")
    assert xliff_read(data, target_language="es", known={"a/1/name": "Apply"}) == {
        "a/1/name": "Pedir"
    }


def test_bad_xml_is_refused():
    assert _problems(b"<xliff><file>", {})[0].message.startswith("the file is not well-formed")


def test_an_unknown_unit_and_a_changed_source_are_named():
    data = _file([Unit("a/1/name", "Apply", "Solicitar"), Unit("a/9/name", "Gone", "Ido")])
    problems = _problems(data, {"a/1/name": "Apply for benefits"})
    assert {(p.unit, p.message) for p in problems} == {
        ("a/1/name", "the English changed since this file was exported"),
        ("a/9/name", "no such text in this agency"),
    }


def test_the_wrong_language_is_refused():
    data = xliff_write([Unit("a/1/name", "Apply", "Demander")], file_id="x", target_language="fr")
    assert _problems(data, {"a/1/name": "Apply"}) == [Problem("", "trgLang must be es, not fr")]


def test_entities_are_refused_without_expanding():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"><file id="f">'
        b'<unit id="a/1/name"><segment><source>&b;</source></segment></unit></file></xliff>'
    )
    assert _problems(bomb, {"a/1/name": "x"})[0].message.startswith("the file declares a DTD")
    external = b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><xliff/>'
    assert _problems(external, {})[0].message.startswith("the file declares a DTD")


def test_inline_markup_and_a_repeated_unit_are_named():
    data = _file([Unit("a/1/name", "Apply", "x"), Unit("a/1/name", "Apply", "y")]).replace(
        b"<target>x</target>", b"<target><pc id='1'>x</pc></target>"
    )
    problems = _problems(data, {"a/1/name": "Apply"})
    assert {p.message for p in problems} == {
        "inline markup is not accepted; send plain text",
        "the unit appears more than once",
    }


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_problems(data):
    """Hostile or random input never raises anything but XliffError, and a refusal says why."""
    problems: list[Problem] | None = None
    read: dict[str, str] = {}
    try:
        read = xliff_read(data, target_language="es", known={"a/1/name": "Apply"})
    except XliffError as error:
        problems = error.problems
    assert problems != [], "a refusal names its problems"
    assert set(read) <= {"a/1/name"}


# Markup-like, right-to-left and CJK text besides anything XML can carry.
_HARD_TEXT = st.one_of(
    _XML_TEXT,
    st.lists(
        st.sampled_from(
            [
                "<b>",
                "</b>",
                "&amp;",
                "&",
                "<",
                ">",
                '"',
                "'",
                "]]>",
                "<!--",
                "\r\n",
                " ",
                "\t",
                "مرحبا",
                "\u200f",
                "\u202b",
                "שלום",
                "你好",
                "繁體中文",
                "한국어",
                "Tiếng Việt",
                "Kreyòl",
                "😀",
                "{{ x }}",
                "%(name)s",
            ]
        ),
        max_size=30,
    ).map("".join),
)


@settings(max_examples=80, deadline=None)
@given(
    source=_HARD_TEXT,
    target=_HARD_TEXT,
    language=st.sampled_from(["fr", "ar", "zh-hans", "ko", "pt-br"]),
    status=st.sampled_from(list(STATUS_STATE)),
)
def test_any_language_round_trips_its_text_and_status(source, target, language, status):
    data = xliff_write(
        [Unit("a/1/name", source, target, status)], file_id="f", target_language=language
    )
    read_language, found, problems = xliff_read_segments(
        data, languages={"es", language}, known={"a/1/name": source}
    )
    assert (read_language, problems) == (language, [])
    expected = Target(target, status) if target else Target("", TranslationStatus.MACHINE_DRAFT)
    assert found == {"a/1/name": expected}


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("initial", TranslationStatus.MACHINE_DRAFT),
        ("translated", TranslationStatus.MACHINE_DRAFT),
        ("reviewed", TranslationStatus.HUMAN_REVIEWED),
        ("final", TranslationStatus.HUMAN_REVIEWED),
        (None, TranslationStatus.MACHINE_DRAFT),
    ],
)
def test_segment_states_map_to_statuses(state, status):
    data = xliff_write([Unit("a/1/name", "Apply", "Postuler")], file_id="f", target_language="fr")
    data = data.replace(b' state="reviewed"', f' state="{state}"'.encode() if state else b"")
    _language, found, problems = xliff_read_segments(
        data, languages={"fr"}, known={"a/1/name": "Apply"}
    )
    assert problems == []
    assert found["a/1/name"].status == status


def test_an_unknown_state_or_unoffered_language_is_named():
    data = xliff_write([Unit("a/1/name", "Apply", "Postuler")], file_id="f", target_language="fr")
    bad_state = data.replace(b'state="reviewed"', b'state="signed-off"')
    _language, found, problems = xliff_read_segments(
        bad_state, languages={"fr"}, known={"a/1/name": "Apply"}
    )
    assert found == {}
    assert problems == [Problem("a/1/name", "state must be initial, translated, reviewed or final")]
    with pytest.raises(XliffError) as raised:
        xliff_read_segments(data, languages={"es", "ar"}, known={"a/1/name": "Apply"})
    assert raised.value.problems == [Problem("", "trgLang must be ar, es, not fr")]
