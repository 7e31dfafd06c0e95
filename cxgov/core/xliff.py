"""XLIFF 2.0 files of authored text: English source, a target in one language, one unit per
field; each segment's `state` carries the translation's status (decision 0062).

A unit's id names the record and field (`registry.service/12/name`); the caller collects the
units and applies what an import returns. Reading uses defusedxml, which refuses DTDs, entity
declarations and external references, so a hostile file cannot expand entities or reach the
network or the disk. An import reports every problem with the unit it is in; `xliff_read`
returns nothing unless the whole file is sound, `xliff_read_units` also returns the sound units
of a sound file whose other units have problems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _

from cxgov.core.models import TranslationStatus

NS = "urn:oasis:names:tc:xliff:document:2.0"
SOURCE_LANGUAGE = "en"
MAX_BYTES = 20 * 1024 * 1024
# XLIFF 2.0's segment states and the statuses they mean; a segment without one is "initial".
STATE_STATUS = {
    "initial": TranslationStatus.MACHINE_DRAFT,
    "translated": TranslationStatus.MACHINE_DRAFT,
    "reviewed": TranslationStatus.HUMAN_REVIEWED,
    "final": TranslationStatus.HUMAN_REVIEWED,
}
STATUS_STATE = {
    TranslationStatus.MACHINE_DRAFT: "translated",
    TranslationStatus.HUMAN_REVIEWED: "reviewed",
}


def source_hash(text: str) -> str:
    """The hash of an English text a translation was made from (`core.TranslationSource`)."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Unit:
    """One translatable text: its id, the English, the translation (empty when missing) and
    the translation's stored status (machine draft or human reviewed)."""

    id: str
    source: str
    target: str = ""
    status: str = TranslationStatus.HUMAN_REVIEWED


@dataclass(frozen=True)
class Target:
    """A unit's translation as read from a file, with the status its state means."""

    text: str
    status: str


@dataclass(frozen=True)
class Problem:
    unit: str  # the unit's id, or "" for the whole file
    message: str


class XliffError(ValueError):
    """The file cannot be imported; `problems` says why, unit by unit."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.unit or 'file'}: {p.message}" for p in problems))
        self.problems = problems


def xliff_write(units: Iterable[Unit], *, file_id: str, target_language: str) -> bytes:
    """An XLIFF 2.0 document holding the units in one file element."""
    root = Element(
        "xliff",
        {"xmlns": NS, "version": "2.0", "srcLang": SOURCE_LANGUAGE, "trgLang": target_language},
    )
    file = SubElement(root, "file", {"id": file_id})
    for unit in units:
        element = SubElement(file, "unit", {"id": unit.id})
        segment = SubElement(element, "segment")
        if unit.target:
            segment.set("state", STATUS_STATE.get(unit.status, "translated"))
        SubElement(segment, "source").text = unit.source
        if unit.target:
            SubElement(segment, "target").text = unit.target
    # A parser reads a raw carriage return as a line feed; written as a reference it survives.
    body = tostring(root, encoding="unicode").replace("\r", "&#13;")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode()


def _text(element: Element | None, unit: str, problems: list[Problem]) -> str | None:
    if element is None:
        return None
    if len(element):
        problems.append(Problem(unit, _("inline markup is not accepted; send plain text")))
        return None
    return element.text or ""


def xliff_read(data: bytes, *, target_language: str, known: dict[str, str]) -> dict[str, str]:
    """The translations of a file, by unit id. `known` maps each unit id this agency has to its
    current English: a unit not in it, a source that differs from it (the English changed since
    the export), a wrong language or a malformed file raises XliffError with every problem."""
    found, problems = xliff_read_units(data, target_language=target_language, known=known)
    if problems:
        raise XliffError(problems)
    return found


def xliff_read_units(
    data: bytes, *, target_language: str, known: dict[str, str]
) -> tuple[dict[str, str], list[Problem]]:
    """The sound units' translations by id, and a problem for each other unit (see
    `xliff_read_segments`)."""
    _language, found, problems = xliff_read_segments(
        data, languages=(target_language,), known=known
    )
    return {uid: target.text for uid, target in found.items()}, problems


def xliff_read_segments(
    data: bytes, *, languages: Collection[str], known: dict[str, str]
) -> tuple[str, dict[str, Target], list[Problem]]:
    """The file's target language (its `trgLang`, one of `languages`), the sound units by id
    with their translation and status, and a problem for each other unit. A problem of the
    whole file (too large, a DTD, not well-formed, not XLIFF 2.0, wrong languages) raises
    XliffError: then no unit can be trusted."""
    if len(data) > MAX_BYTES:
        raise XliffError(
            [
                Problem(
                    "",
                    _("the file is larger than %(size)s MB") % {"size": MAX_BYTES // 1024 // 1024},
                )
            ]
        )
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise XliffError(
            [Problem("", _("the file declares a DTD or entities; remove them"))]
        ) from None
    except ParseError as error:
        raise XliffError(
            [Problem("", _("the file is not well-formed XML (%(error)s)") % {"error": error})]
        ) from None
    q = f"{{{NS}}}"
    if root.tag != f"{q}xliff" or root.get("version") != "2.0":
        raise XliffError([Problem("", _("the file is not XLIFF 2.0"))])
    problems: list[Problem] = []
    if root.get("srcLang") != SOURCE_LANGUAGE:
        problems.append(
            Problem(
                "",
                _("srcLang must be %(want)s, not %(got)s")
                % {"want": SOURCE_LANGUAGE, "got": root.get("srcLang")},
            )
        )
    language = root.get("trgLang") or ""
    if language not in languages:
        problems.append(
            Problem(
                "",
                _("trgLang must be %(want)s, not %(got)s")
                % {"want": ", ".join(sorted(languages)), "got": language or "-"},
            )
        )
    if problems:
        raise XliffError(problems)
    found: dict[str, Target] = {}
    for unit in root.iter(f"{q}unit"):
        uid = unit.get("id") or ""
        segments = unit.findall(f"{q}segment")
        if not uid:
            problems.append(Problem("", _("a unit has no id")))
            continue
        if uid in found:
            problems.append(Problem(uid, _("the unit appears more than once")))
            continue
        if uid not in known:
            problems.append(Problem(uid, _("no such text in this agency")))
            continue
        if len(segments) != 1:
            problems.append(Problem(uid, _("a unit must have exactly one segment")))
            continue
        if segments[0].find(f"{q}source") is None:
            problems.append(Problem(uid, _("the segment has no source")))
            continue
        source = _text(segments[0].find(f"{q}source"), uid, problems)
        target = _text(segments[0].find(f"{q}target"), uid, problems)
        if source is None:
            continue
        if source != known[uid]:
            problems.append(Problem(uid, _("the English changed since this file was exported")))
            continue
        state = segments[0].get("state") or "initial"
        if state not in STATE_STATUS:
            problems.append(Problem(uid, _("state must be initial, translated, reviewed or final")))
            continue
        found[uid] = Target(target or "", STATE_STATUS[state])
    return language, found, problems
