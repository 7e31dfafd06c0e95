"""The OpenACR report: current, valid against the OpenACR schema, complete for WCAG 2.2 A/AA."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from cxgov.public import acr
from cxgov.testing.data import REPOSITORY

# WCAG 2.2 (W3C Recommendation, 12 December 2024 edition), https://www.w3.org/TR/WCAG22/:
# 32 level A criteria less 4.1.1 Parsing, removed as obsolete, and 24 level AA criteria.
WCAG22_A = (
    "1.1.1 1.2.1 1.2.2 1.2.3 1.3.1 1.3.2 1.3.3 1.4.1 1.4.2 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 "
    "2.3.1 2.4.1 2.4.2 2.4.3 2.4.4 2.5.1 2.5.2 2.5.3 2.5.4 3.1.1 3.2.1 3.2.2 3.2.6 3.3.1 "
    "3.3.2 3.3.7 4.1.2"
).split()
WCAG22_AA = (
    "1.2.4 1.2.5 1.3.4 1.3.5 1.4.3 1.4.4 1.4.5 1.4.10 1.4.11 1.4.12 1.4.13 2.4.5 2.4.6 "
    "2.4.7 2.4.11 2.5.7 2.5.8 3.1.2 3.2.3 3.2.4 3.3.3 3.3.4 3.3.8 4.1.3"
).split()
# The VPAT 2.5 WCAG 2.2 catalog keeps 4.1.1 in table 1 for WCAG 2.0 and 2.1 readers.
CATALOG_ONLY = {"success_criteria_level_a": {"4.1.1"}}

# The rules of GSA's OpenACR schema (schema/openacr-0.1.0.json) and the conformance terms of its
# catalogs (catalog/data/terms.yaml), written out here.
TOP_LEVEL_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "product": dict,
    "author": dict,
    "vendor": dict,
    "report_date": str,
    "last_modified_date": str,
    "version": int,
    "notes": str,
    "evaluation_methods_used": str,
    "legal_disclaimer": str,
    "license": str,
    "repository": str,
    "feedback": str,
    "related_openacrs": list,
    "catalog": str,
    "chapters": dict,
}
REQUIRED = ("title", "product", "author")
CONTACT_KEYS = {"name", "company_name", "address", "email", "phone", "website"}
CHAPTERS = {
    "success_criteria_level_a",
    "success_criteria_level_aa",
    "success_criteria_level_aaa",
    "functional_performance_criteria",
    "hardware",
    "software",
    "support_documentation_and_services",
}
COMPONENTS = {"web", "electronic-docs", "software", "authoring-tool", "none"}
TERMS = {"supports", "partially-supports", "does-not-support", "not-applicable", "not-evaluated"}


def openacr_errors(document: Any) -> list[str]:
    """Every way `document` breaks the OpenACR schema's rules; empty when it is valid."""
    if not isinstance(document, dict):
        return ["the document is not a mapping"]
    errors = [f"missing required key {key!r}" for key in REQUIRED if key not in document]
    for key, value in document.items():
        wanted = TOP_LEVEL_TYPES.get(key)
        if wanted is not None and not isinstance(value, wanted):
            errors.append(f"{key!r} must be {wanted}")
        if wanted is int and isinstance(value, bool):
            errors.append(f"{key!r} must be an integer")
    product = document.get("product")
    if isinstance(product, dict) and not isinstance(product.get("name"), str):
        errors.append("product needs a name")
    for key in ("author", "vendor"):
        contact = document.get(key)
        if isinstance(contact, dict):
            if not isinstance(contact.get("email"), str):
                errors.append(f"{key} needs an email")
            errors += [
                f"{key}.{field} must be a string"
                for field in CONTACT_KEYS & contact.keys()
                if not isinstance(contact[field], str)
            ]
    for chapter_id, chapter in (document.get("chapters") or {}).items():
        if chapter_id not in CHAPTERS:
            errors.append(f"unknown chapter {chapter_id!r}")
            continue
        errors += _chapter_errors(chapter_id, chapter)
    return errors


def _chapter_errors(chapter_id: str, chapter: Any) -> list[str]:
    if not isinstance(chapter, dict):
        return [f"{chapter_id} is not a mapping"]
    errors = []
    if "disabled" in chapter and not isinstance(chapter["disabled"], bool):
        errors.append(f"{chapter_id}.disabled must be true or false")
    if "notes" in chapter and not isinstance(chapter["notes"], str):
        errors.append(f"{chapter_id}.notes must be a string")
    for criterion in chapter.get("criteria") or []:
        num = criterion.get("num") if isinstance(criterion, dict) else None
        if not isinstance(num, str):
            errors.append(f"{chapter_id}: a criterion has no num string")
            continue
        for component in criterion.get("components") or []:
            name = component.get("name")
            if name not in COMPONENTS:
                errors.append(f"{num}: unknown component {name!r}")
            adherence = component.get("adherence")
            if adherence is None:
                continue
            level = adherence.get("level")
            if level not in TERMS:
                errors.append(f"{num}: level {level!r} is not an OpenACR term")
            elif level == "not-evaluated" and chapter_id != "success_criteria_level_aaa":
                errors.append(f"{num}: not-evaluated is allowed only for level AAA")
            if not isinstance(adherence.get("notes", ""), str):
                errors.append(f"{num}: notes must be a string")
    return errors


@pytest.fixture(scope="module")
def checked_in() -> dict:
    return yaml.safe_load((REPOSITORY / acr.OUTPUT).read_text(encoding="utf-8"))


def test_wcag22_lists_hold_31_a_and_24_aa_criteria():
    assert len(WCAG22_A) == len(set(WCAG22_A)) == 31
    assert len(WCAG22_AA) == len(set(WCAG22_AA)) == 24
    assert "4.1.1" not in WCAG22_A


def test_checked_in_report_is_what_the_generator_writes(tmp_path):
    output = tmp_path / "openacr.yaml"
    call_command("acr_build", output=str(output), verbosity=0)
    checked_in = (REPOSITORY / acr.OUTPUT).read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == checked_in, (
        "docs/accessibility/openacr.yaml is stale: run `cxgov acr_build` and commit it."
    )
    call_command("acr_build", check=True, verbosity=0)


def test_check_mode_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "openacr.yaml"
    stale.write_text("title: old\n", encoding="utf-8")
    with pytest.raises(CommandError, match="stale"):
        call_command("acr_build", output=str(stale), check=True)


def test_report_follows_the_openacr_schema(checked_in):
    assert openacr_errors(checked_in) == []
    assert checked_in["catalog"] == "2.5-edition-wcag-2.2-en"


@pytest.mark.parametrize(
    ("break_it", "error"),
    [
        (lambda d: d.pop("author"), "missing required key 'author'"),
        (lambda d: d["author"].pop("email"), "author needs an email"),
        (lambda d: d["product"].pop("name"), "product needs a name"),
        (lambda d: d.update(version="1"), "'version' must be"),
        (
            lambda d: d["chapters"]["success_criteria_level_a"]["criteria"][0]["components"][0][
                "adherence"
            ].update(level="mostly"),
            "level 'mostly' is not an OpenACR term",
        ),
        (
            lambda d: d["chapters"]["success_criteria_level_aa"]["criteria"][0]["components"][0][
                "adherence"
            ].update(level="not-evaluated"),
            "not-evaluated is allowed only for level AAA",
        ),
        (lambda d: d["chapters"].update(level_z={}), "unknown chapter 'level_z'"),
        (
            lambda d: d["chapters"]["success_criteria_level_a"]["criteria"][0].pop("num"),
            "no num string",
        ),
    ],
)
def test_schema_check_catches_each_broken_rule(break_it, error):
    document = acr.report()
    break_it(document)
    assert any(error in message for message in openacr_errors(document))


def test_every_wcag22_a_and_aa_criterion_appears_exactly_once(checked_in):
    chapters = checked_in["chapters"]
    for chapter_id, expected in (
        ("success_criteria_level_a", WCAG22_A),
        ("success_criteria_level_aa", WCAG22_AA),
    ):
        nums = Counter(c["num"] for c in chapters[chapter_id]["criteria"])
        assert [num for num, count in nums.items() if count > 1] == []
        assert set(nums) - CATALOG_ONLY.get(chapter_id, set()) == set(expected), chapter_id
    assert chapters["success_criteria_level_aaa"]["disabled"] is True


def test_every_criterion_has_a_level_and_remarks(checked_in):
    for chapter_id in ("success_criteria_level_a", "success_criteria_level_aa"):
        for criterion in checked_in["chapters"][chapter_id]["criteria"]:
            [component] = criterion["components"]
            assert component["name"] == "web"
            assert component["adherence"]["level"] in acr.LEVELS
            assert len(component["adherence"]["notes"]) > 20, criterion["num"]


def test_criteria_without_a_test_say_they_were_reviewed_by_hand():
    for criterion in acr.CRITERIA:
        untested = not (criterion.axe or criterion.tests)
        claimed = criterion.conformance != acr.NOT_APPLICABLE
        assert (acr.REVIEWED_BY_HAND in criterion.notes) == (untested and claimed), criterion.num


def test_every_test_named_as_evidence_exists():
    assert acr.missing_tests(REPOSITORY) == []


def test_generator_refuses_a_mapping_that_names_a_missing_test(monkeypatch, tmp_path):
    ghost = acr.Criterion("1.1.1", "Non-text Content", "A", acr.SUPPORTS, "x", tests=("a.py::b",))
    monkeypatch.setattr(acr, "CRITERIA", (ghost,))
    with pytest.raises(CommandError, match=r"a\.py::b"):
        call_command("acr_build", output=str(tmp_path / "out.yaml"))


def test_known_limits_are_the_partially_supported_criteria():
    limits = {criterion.num for criterion in acr.known_limits()}
    assert limits == {"1.4.10", "2.2.1", "3.1.2"}


@given(
    st.dictionaries(
        st.sampled_from(["notes", "name", "title"]),
        st.text() | st.integers() | st.booleans(),
        min_size=1,
    )
)
def test_yaml_writer_round_trips_any_text(data):
    text = "\n".join(acr._dump({"chapters": {"c": {"criteria": [data]}}}, 0)) + "\n"
    assert yaml.safe_load(text) == {"chapters": {"c": {"criteria": [data]}}}
