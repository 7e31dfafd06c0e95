"""Scrub complaint narratives before publishing: `scrub.scrub_text` (emails, phones, names)
plus claim and case numbers (the agency's own patterns and ones introduced as such), street
addresses with their city, state and ZIP, PO boxes, SSNs and long numbers.

Pure: no Django imports. `case_patterns_check` tells an agency whether its own patterns are
safe to run on every narrative.
"""

from __future__ import annotations

import re
import re._parser as _sre_parse  # the parser re.compile uses, to inspect a pattern's shape
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _constants as _sre_constants  # type: ignore[attr-defined]

from cxgov.insights.scrub import scrub_text

ADDRESS_MARK = "[address removed]"
ID_MARK = "[number removed]"
CASE_MARK = "[case number removed]"

MAX_CASE_PATTERNS = 20
MAX_CASE_PATTERN_LENGTH = 200

_SSN = re.compile(r"(?<![\w-])\d{3}[- ]\d{2}[- ]\d{4}(?![\w-])")
# The last four digits of an SSN named as such: "SSN ending in 6789".
_SSN_LAST_FOUR = re.compile(
    r"(?P<lead>\b(?i:ssn|social security(?: number| no\.?)?|seguro social)\b[^\d\n]{0,25}?)"
    r"(?<!\d)\d{4}(?!\d)"
)
# Digits (maybe grouped by spaces or hyphens) long enough to be an account or case number.
_LONG_NUMBER = re.compile(r"\b\d(?:[\s-]?\d){5,}\b")
# A number introduced as a claim, case or reference number: "case #A-48213", "claim no. 77B12".
_INTRODUCED_NUMBER = re.compile(
    r"(?P<lead>\b(?i:claim|case|ticket|reference|ref|confirmation|application|file|policy|appeal|"
    r"account|acct|tracking|request|complaint|expediente|caso|reclamo|solicitud)"
    r"(?:\s+(?i:number|num|no|nr|id|n[uú]mero))?\.?(?:\s+(?:is|was|es))?\s*(?:#|:)?\s*)"
    r"(?P<number>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9/-]{3,}\b)"
)
# A code of capitals and at least five digits in any format: "APL-2024-00912", "WX24/118822".
_LETTERED_CODE = re.compile(r"\b[A-Z]{1,6}[-/]?\d[\d/-]{3,}\d\b")

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY GU VI AS MP"
).split()
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Puerto Rico|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|"
    "Virginia|Washington|West Virginia|Wisconsin|Wyoming|District of Columbia"
)
_STATE = "(?:" + "|".join(_STATE_CODES) + "|" + _STATE_NAMES.replace(" ", r"\s+") + ")"
_ZIP_CODE = r"\d{5}(?:-\d{4})?"
# A city: one to three capitalised words, not a word that starts a sentence or a phrase.
_CITY_WORD = r"[A-Z][a-zA-Z'’.-]+"
_NOT_CITY = r"(?!(?:In|At|To|From|The|Near|Then|And|On|My|Our|Of|For|By|En|Desde)\b)"
_CITY = rf"{_NOT_CITY}{_CITY_WORD}(?:\s+{_CITY_WORD}){{0,2}}"
_CITY_STATE = rf"{_CITY},\s*{_STATE}\b(?:,?\s*{_ZIP_CODE}\b)?|{_CITY},?\s+{_STATE}\s+{_ZIP_CODE}\b"
_STREET_TYPES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|"
    "Plaza|Plz|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Pike|Route|Rte|Loop"
)
_UNIT = r"(?:(?:Apartment|Apto|Apt|Unit|Suite|Ste|Room|Rm)\b\.?|#)\s*#?\s*[A-Za-z0-9-]+"
_STREET = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+"
    r"(?:(?:[NSEW]\.?|North|South|East|West)\s+)?"
    r"(?:[A-Z0-9][\w.'’-]*\s+){0,4}"
    rf"(?:{_STREET_TYPES}|{_STREET_TYPES.upper()})\b\.?"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b\.?)?"
    rf"(?:,?\s+{_UNIT})?"
    rf"(?:,?\s+(?:{_CITY_STATE}))?"
)
# Spanish forms: "Calle Luna 123", "Avenida Juárez 45, Apto 2".
_CALLE = re.compile(
    r"\b(?:Calle|Avenida|Av\.|Carrera|Camino|Paseo)\s+(?:[A-ZÁÉÍÓÚÑ0-9][\wáéíóúñ.'-]*\s+){1,4}"
    rf"(?:#\s*)?\d{{1,6}}\b(?:,?\s+{_UNIT})?(?:,?\s+(?:{_CITY_STATE}))?"
)
_PO_BOX = re.compile(
    rf"\b(?:P\.?\s?O\.?\s?Box|Post Office Box|Apartado(?: Postal)?)\s+\d+\b"
    rf"(?:,?\s+(?:{_CITY_STATE}))?",
    re.IGNORECASE,
)
_CITY_STATE_ALONE = re.compile(rf"\b(?:{_CITY_STATE})")
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")


def scrub_narrative(text: str, *, case_patterns: Iterable[re.Pattern[str]] = ()) -> str:
    """The narrative with names, emails, phones, addresses, case numbers and other identifiers
    replaced by marks. `case_patterns` are the agency's own claim and case number formats
    (compiled by `case_patterns_compile`), removed before anything else can cut them up."""
    if not text:
        return text
    cleaned = text
    for pattern in case_patterns:
        cleaned = pattern.sub(CASE_MARK, cleaned)
    cleaned = _INTRODUCED_NUMBER.sub(lambda m: f"{m.group('lead')}{CASE_MARK}", cleaned)
    cleaned = _LETTERED_CODE.sub(CASE_MARK, cleaned)
    cleaned = _SSN.sub(ID_MARK, cleaned)
    cleaned = _SSN_LAST_FOUR.sub(lambda m: f"{m.group('lead')}{ID_MARK}", cleaned)
    cleaned = _PO_BOX.sub(ADDRESS_MARK, cleaned)
    cleaned = _STREET.sub(ADDRESS_MARK, cleaned)
    cleaned = _CALLE.sub(ADDRESS_MARK, cleaned)
    cleaned = _CITY_STATE_ALONE.sub(ADDRESS_MARK, cleaned)
    cleaned = scrub_text(cleaned)
    cleaned = _LONG_NUMBER.sub(ID_MARK, cleaned)
    return _ZIP.sub(ID_MARK, cleaned)


# --- the agency's own patterns ------------------------------------------------------------

# Words a case number pattern must not match: one that does would blank whole narratives.
_ORDINARY = ("the", "and", "complaint", "office", "January", "Main Street", "2026", "12")


@dataclass(frozen=True)
class PatternProblem:
    """Why one of an agency's case number patterns is refused: `code` names the reason
    (too_many, too_long, invalid, backreference, nested_repeat, matches_empty,
    matches_ordinary); `detail` is the error or the ordinary text it matched."""

    line: int  # 1-based among the non-empty lines; 0 for the whole list
    pattern: str
    code: str
    detail: str = ""


def case_patterns_check(lines: Sequence[str]) -> list[PatternProblem]:
    """Problems with an agency's case number patterns (one regular expression per line);
    empty when every pattern is safe to run on every narrative.

    Safe means: compiles; at most 200 characters; no back-references; no unbounded repetition
    inside another (the shape that makes matching take exponential time, such as (a+)+);
    cannot match an empty text, ordinary words or short numbers.
    """
    problems = []
    patterns = [line.strip() for line in lines if line.strip()]
    if len(patterns) > MAX_CASE_PATTERNS:
        problems.append(PatternProblem(0, "", "too_many", str(len(patterns))))
    for number, source in enumerate(patterns, start=1):
        code, detail = _pattern_problem(source)
        if code:
            problems.append(PatternProblem(number, source, code, detail))
    return problems


def case_patterns_compile(lines: Iterable[str]) -> list[re.Pattern[str]]:
    """The agency's patterns compiled, skipping any that `case_patterns_check` refuses."""
    return [
        re.compile(source)
        for source in (line.strip() for line in lines)
        if source and not _pattern_problem(source)[0]
    ]


def _pattern_problem(source: str) -> tuple[str, str]:
    if len(source) > MAX_CASE_PATTERN_LENGTH:
        return "too_long", str(MAX_CASE_PATTERN_LENGTH)
    try:
        parsed = _sre_parse.parse(source)
        compiled = re.compile(source)
    except (re.error, RecursionError, OverflowError) as error:
        return "invalid", str(error)
    if _has_backreference(parsed):
        return "backreference", ""
    if _nested_repeat(parsed, inside_repeat=False):
        return "nested_repeat", ""
    if compiled.fullmatch(""):
        return "matches_empty", ""
    for word in _ORDINARY:
        if compiled.search(word):
            return "matches_ordinary", word
    return "", ""


_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(_sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)


def _children(op: object, av: object) -> list[object]:
    """The sub-patterns of one parsed node."""
    if op in _REPEATS:
        return [av[2]]  # type: ignore[index]
    if op == _sre_constants.SUBPATTERN:
        return [av[-1]]  # type: ignore[index]
    if op == _sre_constants.BRANCH:
        return list(av[1])  # type: ignore[index]
    if op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
        return [av[1]]  # type: ignore[index]
    if op == _sre_constants.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]  # type: ignore[index]
    if getattr(_sre_constants, "ATOMIC_GROUP", None) == op:
        return [av]
    return []


def _has_backreference(parsed: object) -> bool:
    for op, av in parsed:  # type: ignore[attr-defined]
        if op in (_sre_constants.GROUPREF, _sre_constants.GROUPREF_EXISTS):
            return True
        if any(_has_backreference(child) for child in _children(op, av)):
            return True
    return False


def _nested_repeat(parsed: object, *, inside_repeat: bool) -> bool:
    for op, av in parsed:  # type: ignore[attr-defined]
        if op in _REPEATS:
            unbounded = av[1] == _sre_constants.MAXREPEAT or av[1] > 10
            if inside_repeat and unbounded:
                return True
            if _nested_repeat(av[2], inside_repeat=inside_repeat or unbounded):
                return True
            continue
        for child in _children(op, av):
            if _nested_repeat(child, inside_repeat=inside_repeat):
                return True
    return False
