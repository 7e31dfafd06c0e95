"""The Spanish catalogue uses one term per concept: the glossary's (docs/glossary-es.md)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from cxgov.testing.catalogue import entries

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary-es.md"
_PREPOSITION_BEFORE_AGENCY = re.compile(
    r"\b(a|de|en|por|con|para|desde|hacia)\s+%\(agency\)s", re.I
)


def _words(cell: str, plural: str = "") -> re.Pattern[str]:
    """Any of a cell's comma-separated terms as whole words, `plural` allowed after each."""
    terms = "|".join(re.escape(term.strip()) for term in cell.split(",") if term.strip())
    return re.compile(rf"\b({terms}){plural}\b", re.I)


def glossary() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    """Each row: its English cell, the English terms and the rejected Spanish as patterns."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in {"English", "---"} or not cells[2]:
            continue
        rows.append((cells[0], _words(cells[0], plural="s?"), _words(cells[2])))
    return rows


def test_the_glossary_has_its_rows():
    english = {row[0] for row in glossary()}
    assert {"standard, service standard", "complaint", "Return to top"} <= english


def test_no_entry_uses_a_rejected_term():
    wrong = [
        (row, entry.msgid, spanish)
        for entry in entries()
        for row, english, rejected in glossary()
        if english.search(entry.msgid) or english.search(entry.msgid_plural)
        for spanish in entry.msgstrs
        if rejected.search(spanish)
    ]
    assert not wrong, "Spanish not using the glossary term (docs/glossary-es.md):\n" + "\n".join(
        f"{row}: {msgid!r} → {spanish!r}" for row, msgid, spanish in wrong
    )


def test_the_check_finds_a_rejected_term():
    rows = {row: (english, rejected) for row, english, rejected in glossary()}
    english, rejected = rows["standard, service standard"]
    assert english.search("Our service standards")
    assert rejected.search("Nuestras normas de servicio")
    assert not rejected.search("Nuestros estándares de servicio")


def test_an_agency_name_after_a_preposition_has_la_agencia():
    wrong = [
        (entry.msgid, spanish)
        for entry in entries()
        for spanish in entry.msgstrs
        if _PREPOSITION_BEFORE_AGENCY.search(spanish)
    ]
    assert not wrong, wrong
    assert _PREPOSITION_BEFORE_AGENCY.search("Le invitan a %(agency)s")
    assert not _PREPOSITION_BEFORE_AGENCY.search("Le invitan a la agencia %(agency)s")
