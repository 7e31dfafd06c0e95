"""Scrub complaint narratives before publishing: `scrub.scrub_text` (emails, phones, names)
plus street addresses, ZIP codes and identifiers such as SSNs and account numbers.
Pure: no Django imports.
"""

from __future__ import annotations

import re

from cxgov.insights.scrub import scrub_text

ADDRESS_MARK = "[address removed]"
ID_MARK = "[number removed]"

_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
# Digits (maybe grouped by spaces or hyphens) long enough to be an account or case number.
_LONG_NUMBER = re.compile(r"\b\d(?:[\s-]?\d){5,}\b")
_STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z0-9][\w.'-]*\s+){0,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|"
    r"Terrace|Parkway|Pkwy|Highway|Hwy|Calle|Avenida)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\s*[\w-]+)?",
    re.IGNORECASE,
)
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|Apartado)\s+\d+\b", re.IGNORECASE)
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")


def scrub_narrative(text: str) -> str:
    """The narrative with names, emails, phones, addresses and identifiers replaced by marks."""
    cleaned = scrub_text(text)
    cleaned = _SSN.sub(ID_MARK, cleaned)
    cleaned = _PO_BOX.sub(ADDRESS_MARK, cleaned)
    cleaned = _STREET.sub(ADDRESS_MARK, cleaned)
    cleaned = _LONG_NUMBER.sub(ID_MARK, cleaned)
    return _ZIP.sub(ID_MARK, cleaned)
