"""Remove emails, phone numbers and people's names from free text. Pure: no Django imports.

Names are caught where they are most often written: after a title (Mr., Ms., Dr., supervisor),
after "my name is" / "named" / "called", and as a common given name, alone or before a
capitalised word. The aim is to protect people, so it errs on the side of removing.
"""

from __future__ import annotations

import re

EMAIL_MARK = "[email removed]"
PHONE_MARK = "[phone removed]"
NAME_MARK = "[name removed]"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# US and international numbers: at least 7 digits with optional separators and country code.
_PHONE = re.compile(
    r"(?<!\w)(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
    r"(?:\s*(?:ext\.?|x|extension)\s*\d{1,5}\b)?"
)
# A local number without its area code: 555-0143.
_LOCAL_PHONE = re.compile(r"(?<![\w-])\d{3}[-.]\d{4}(?![\w-])")
# A name word: capitalised, with inner capitals and apostrophes (McDonald, O'Brien, DeSantis).
_NAME_WORD = r"[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñüç'\u2019-]*[a-záéíóúñüç]"
_PARTICLE = r"(?:van|von|de|del|der|den|la|le|da|di|dos|du|y)"
_FULL_NAME = (
    rf"(?:[A-Z]\.\s+)?{_NAME_WORD}"
    rf"(?:\s+(?:[A-Z]\.\s+)?(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{0,2}}"
)
_TITLED = re.compile(
    r"\b(?P<lead>(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Rev|Hon|Sr|Sra|Srta|Lic|Ing|Dra)\.?|"
    r"(?i:supervisor|manager|agente?|officer|clerk|employee|representative|rep|coworker|"
    r"co-worker|caseworker|case worker|inspector|adjuster|examiner|judge|detective|sergeant|"
    r"nurse|doctor|director|specialist|teller|counselor|investigator|licenciad[oa]|"
    r"señora|señor|señorita)\b)\s+"
    rf"(?P<name>{_FULL_NAME})",
)
_INTRODUCED = re.compile(
    r"(?i:\b(?P<lead>my name is|named|called|me llamo|mi nombre es|llamad[oa]|"
    r"signed by)\b)\s+"
    rf"(?P<name>{_FULL_NAME})",
)
_COMMON_GIVEN = frozenset(
    {
        "james",
        "john",
        "robert",
        "michael",
        "william",
        "david",
        "richard",
        "joseph",
        "thomas",
        "charles",
        "mary",
        "patricia",
        "jennifer",
        "linda",
        "elizabeth",
        "barbara",
        "susan",
        "jessica",
        "sarah",
        "karen",
        "maria",
        "jose",
        "juan",
        "luis",
        "carlos",
        "ana",
        "rosa",
        "daniel",
        "mark",
        "paul",
        "steven",
        "andrew",
        "kevin",
        "brian",
        "george",
        "emily",
        "anna",
        "laura",
        "lisa",
        "nancy",
        "betty",
        "sandra",
        "ashley",
        "kimberly",
        "donna",
        "michelle",
        "carol",
        "amanda",
        "melissa",
        "deborah",
        "jane",
    }
)
_GIVEN_FAMILY = re.compile(
    r"\b(?:" + "|".join(sorted(n.capitalize() for n in _COMMON_GIVEN)) + rf")\b(?:\s+{_NAME_WORD})?"
)


def scrub_text(text: str) -> str:
    """The text with emails, phone numbers and recognisable names replaced by markers."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _PHONE.sub(PHONE_MARK, text)
    text = _LOCAL_PHONE.sub(PHONE_MARK, text)
    text = _TITLED.sub(lambda m: f"{m.group('lead')} {NAME_MARK}", text)
    text = _INTRODUCED.sub(lambda m: f"{m.group('lead')} {NAME_MARK}", text)
    return _GIVEN_FAMILY.sub(NAME_MARK, text)
