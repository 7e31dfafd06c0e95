"""Readability scores per language and comment themes."""

from __future__ import annotations

import csv

import pytest

from cxgov.insights.readability import (
    SZIGRISZT_PAZOS,
    readability,
    split_sentences,
    syllables,
)
from cxgov.insights.themes import extract_themes
from cxgov.testing.data import shared_path


def test_flesch_kincaid_grade_worked_by_hand():
    # 7 words, 10 syllables, 1 sentence: 0.39*7 + 11.8*10/7 - 15.59 = 4.0
    result = readability("We answer the phone within three minutes.")
    assert result.score == pytest.approx(4.0)
    assert result.formula is not None and result.formula.name == "Flesch-Kincaid"
    assert result.words == 7
    assert result.meets_target


def test_hardest_sentences_are_marked():
    text = (
        "Call us any weekday. Notwithstanding the aforementioned considerations, applicants "
        "must substantiate eligibility determinations through comprehensive documentation."
    )
    result = readability(text)
    assert [s.too_hard for s in result.sentences] == [False, True]
    assert result.hardest[0].text.startswith("Notwithstanding")
    assert not result.meets_target


def test_syllables_use_the_dictionary_then_hyphenation():
    assert syllables("government") == 3
    assert syllables("documentation") == 5
    assert syllables("cxgovish") >= 1


def test_empty_text_has_no_score():
    assert readability("  ").score is None


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("casa", 2),
        ("ciudad", 2),  # "iu" is a diphthong
        ("poesía", 4),  # "oe" and "ía" are hiatuses
        ("aéreo", 4),
        ("país", 2),
        ("baúl", 2),
        ("muy", 1),  # final "y" joins the vowel before it
        ("y", 1),
        ("ayer", 2),  # "y" before a vowel is a consonant
        ("queso", 2),  # the "u" of "que" joins
        ("pingüino", 3),
        ("servicio", 3),
        ("información", 4),
        ("oír", 2),
        ("Gobierno", 3),
    ],
)
def test_spanish_syllables_follow_diphthongs_and_hiatuses(word: str, count: int):
    assert syllables(word, language="es") == count


def test_spanish_is_scored_with_szigriszt_pazos_worked_by_hand():
    # Res-pon-de-mos en tres dí-as há-bi-les siem-pre: 6 words, 13 syllables, 1 sentence.
    # 206.835 - 62.3 * 13 / 6 - 6 / 1 = 65.85
    result = readability("Respondemos en tres días hábiles siempre.", language="es")
    syllable_count = sum(
        syllables(w, language="es")
        for w in ["Respondemos", "en", "tres", "días", "hábiles", "siempre"]
    )
    assert syllable_count == 4 + 1 + 1 + 2 + 3 + 2
    assert result.formula is SZIGRISZT_PAZOS
    assert result.score == pytest.approx(round(206.835 - 62.3 * 13 / 6 - 6, 1))
    assert result.meets_target  # 65 to 80 is "bastante fácil" on the INFLESZ scale


def test_hard_spanish_sentence_is_below_the_inflesz_target():
    text = (
        "Llame cualquier día. No obstante las consideraciones anteriormente mencionadas, "
        "los solicitantes deberán fundamentar documentalmente las determinaciones de "
        "elegibilidad correspondientes."
    )
    result = readability(text, language="es")
    assert [s.too_hard for s in result.sentences] == [False, True]
    assert result.hardest[0].text.startswith("No obstante")
    assert result.score is not None and result.score < SZIGRISZT_PAZOS.target


def test_short_spanish_sentence_is_not_too_hard():
    result = readability("Cada año, todos toman un repaso.", language="es")
    assert result.meets_target
    assert result.hardest == []


def test_sentences_starting_in_lowercase_are_not_merged():
    assert split_sentences("we call you. then we write. ok?") == [
        "we call you.",
        "then we write.",
        "ok?",
    ]


def test_abbreviations_and_initials_do_not_end_a_sentence():
    assert split_sentences("Call Dr. Smith at 9 a.m. or J. Doe. Sr. Pérez lo atiende.") == [
        "Call Dr. Smith at 9 a.m. or J. Doe.",
        "Sr. Pérez lo atiende.",
    ]


def test_language_without_a_formula_gets_no_score_instead_of_a_guess():
    result = readability("Nous répondons en trois jours.", language="fr")
    assert result.formula is None
    assert result.score is None
    assert result.words == 5


def test_sentences_split_on_end_punctuation_and_paragraphs():
    assert split_sentences("One. Two!\n\nThree? ¿Cuatro?") == ["One.", "Two!", "Three?", "¿Cuatro?"]


def _govcx_comments() -> list[str]:
    path = shared_path("govcxanalyzer/fake-omb-a11-survey-response-level-data.csv")
    with path.open(encoding="utf-8") as handle:
        return [row["FreeText"] for row in csv.DictReader(handle) if row["FreeText"] != "nan"]


def test_themes_of_the_govcxanalyzer_comments_have_terms_and_examples():
    comments = _govcx_comments()
    result = extract_themes(comments, min_size=5)
    assert len(result.themes) >= 3
    for theme in result.themes:
        assert len(theme.terms) == 6
        assert theme.examples
        assert all(example in {c.strip() for c in comments} for example in theme.examples)


@pytest.mark.parametrize("threshold", [5, 10, 15])
def test_no_theme_is_smaller_than_the_threshold(threshold):
    result = extract_themes(_govcx_comments(), min_size=threshold)
    assert all(theme.size >= threshold for theme in result.themes)
    in_themes = sum(theme.size for theme in result.themes)
    assert in_themes + result.comments_in_suppressed_themes <= result.comments_used


def test_too_few_comments_give_no_theme():
    assert extract_themes(["slow line", "slow line again"], min_size=5).themes == []


def test_themes_are_deterministic():
    comments = _govcx_comments()
    first = extract_themes(comments)
    second = extract_themes(comments)
    assert [t.terms for t in first.themes] == [t.terms for t in second.themes]
