"""Narratives lose names, emails, phones, addresses and identifiers before publication."""

from __future__ import annotations

from cxgov.insights.complaint_scrub import scrub_narrative


def test_addresses_and_identifiers_are_removed():
    text = (
        "I live at 1234 North Maple Street, Apt 5B and my SSN is 123-45-6789. "
        "Account 4400 1234 5678 was charged. Write to PO Box 77, zip 20001. "
        "Email me at jane.doe@example.com or call 202-555-0143."
    )
    cleaned = scrub_narrative(text)
    for secret in (
        "1234 North",
        "123-45-6789",
        "4400 1234",
        "Box 77",
        "20001",
        "jane.doe",
        "555-0143",
    ):
        assert secret not in cleaned
    assert "[address removed]" in cleaned
    assert "[number removed]" in cleaned


def test_plain_story_is_kept():
    text = "The office lost my form twice in March and nobody called back."
    assert scrub_narrative(text) == text
