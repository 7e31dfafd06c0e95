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
)
_NAME_WORD = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ'\u2019-]+"
_TITLED = re.compile(
    r"\b(?P<lead>(?:Mr|Mrs|Ms|Miss|Dr|Sr|Sra|Srta)\.?|(?:supervisor|manager|agent|officer|"
    r"clerk|employee|representative|rep|coworker|co-worker)\b)\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)",
)
_INTRODUCED = re.compile(
    r"(?i:\b(?P<lead>my name is|named|called|me llamo|mi nombre es|llamad[oa])\b)\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)",
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
    text = _TITLED.sub(lambda m: f"{m.group('lead')} {NAME_MARK}", text)
    text = _INTRODUCED.sub(lambda m: f"{m.group('lead')} {NAME_MARK}", text)
    return _GIVEN_FAMILY.sub(NAME_MARK, text)
