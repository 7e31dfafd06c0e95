"""The OWASP ASVS section of docs/security.md names, for every requirement, a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECTION = "## OWASP ASVS 4.0, level 2"
CHAPTERS = ("V2", "V3", "V4", "V5", "V7", "V8", "V12", "V13")
TEST_REFERENCE = re.compile(r"`(cxgov/[\w/]+\.py)::(test_\w+)`")


def _asvs_section() -> str:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert SECTION in text, f"docs/security.md has no '{SECTION}' section"
    after = text.split(SECTION, 1)[1]
    return re.split(r"^## ", after, maxsplit=1, flags=re.MULTILINE)[0]


def _rows_by_chapter() -> dict[str, list[list[str]]]:
    chapters: dict[str, list[list[str]]] = {}
    current = None
    for line in _asvs_section().splitlines():
        heading = re.match(r"### (V\d+) ", line)
        if heading:
            current = heading.group(1)
            chapters[current] = []
        elif current and line.startswith("| V"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            chapters[current].append(cells)
    return chapters


def _all_rows() -> list[list[str]]:
    return [row for rows in _rows_by_chapter().values() for row in rows]


def test_every_chapter_of_level_2_has_its_own_table():
    chapters = _rows_by_chapter()
    assert list(chapters) == list(CHAPTERS)
    assert all(chapters[name] for name in CHAPTERS), "a chapter table has no rows"


def test_every_row_has_a_requirement_a_control_and_its_proof():
    for row in _all_rows():
        assert len(row) == 3, f"row needs three cells: {row}"
        assert re.match(r"V\d+\.\d+", row[0]), f"no ASVS requirement number in {row[0]!r}"


def test_every_row_names_a_test():
    for requirement, _control, proof in _all_rows():
        assert TEST_REFERENCE.search(proof), f"{requirement}: names no test"


def test_requirements_not_met_are_listed_apart_from_the_tables():
    section = _asvs_section()
    assert "### Not met at level 2" in section
    listed = section.split("### Not met at level 2", 1)[1]
    assert re.search(r"^- \*\*V\d+\.\d+", listed, re.MULTILINE), "the list of gaps is empty"


@pytest.mark.parametrize(
    ("path", "name"),
    sorted({match for row in _all_rows() for match in TEST_REFERENCE.findall(row[2])}),
)
def test_every_named_test_exists_in_its_file(path, name):
    source = ROOT / path
    assert source.is_file(), f"{path} does not exist"
    defined = re.search(
        rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert defined, f"{path} defines no {name}"
