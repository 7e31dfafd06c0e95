"""A catalogue read as English and translation pairs, for tests of what pages show: the Spanish
one by default, any language's by its path."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import to_locale


def catalogue_path(language: str) -> Path:
    """Where the catalogue of a Django language code lives ("zh-hans" → locale/zh_Hans)."""
    return Path(settings.BASE_DIR) / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"


PO = catalogue_path("es")


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: its English text and every Spanish form (one, or one per plural)."""

    msgid: str
    msgid_plural: str
    msgstrs: tuple[str, ...]
    flags: frozenset[str]


def _string(line: str) -> str:
    return str(ast.literal_eval(line))


def entries(path: Path = PO) -> list[Entry]:
    """Every translated entry of a PO file, the header left out."""
    found: list[Entry] = []
    current: dict[str, list[str]] = {}
    flags: set[str] = set()
    key = ""

    def close() -> None:
        msgid = "".join(current.get("msgid", []))
        if msgid:
            plurals = sorted(k for k in current if k.startswith("msgstr["))
            strs = [current[k] for k in plurals] if plurals else [current.get("msgstr", [])]
            found.append(
                Entry(
                    msgid=msgid,
                    msgid_plural="".join(current.get("msgid_plural", [])),
                    msgstrs=tuple("".join(parts) for parts in strs),
                    flags=frozenset(flags),
                )
            )
        current.clear()
        flags.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,"):
            if "msgid" in current:
                close()
            flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#") or not line:
            continue
        elif line.startswith('"'):
            current[key].append(_string(line))
        else:
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgid" in current:
                close()
            current[key] = [_string(rest)]
    close()
    return found
