"""scrub_text removes emails, phone numbers and names from free text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.scrub import EMAIL_MARK, NAME_MARK, PHONE_MARK, scrub_text


def test_email_phone_and_titled_name_are_removed() -> None:
    text = scrub_text("Ask Dr. Alvarez or write to a.b+c@agency.gov or call (202) 555-0147.")
    assert text == f"Ask Dr. {NAME_MARK} or write to {EMAIL_MARK} or call {PHONE_MARK}."


def test_introduced_and_common_given_names_are_removed() -> None:
    assert "Pat" not in scrub_text("My name is Pat Doe and I work nights.")
    assert scrub_text("Maria Lopez helped me.") == f"{NAME_MARK} helped me."
    assert "Rivera" not in scrub_text("Mi nombre es Luis Rivera.")


def test_ordinary_text_is_unchanged() -> None:
    text = "The Phone Line was slow on Monday; the office in Denver was quick."
    assert scrub_text(text) == text


@settings(max_examples=50)
@given(st.text(max_size=300))
def test_any_text_scrubs_without_error_and_twice_is_the_same(text: str) -> None:
    once = scrub_text(text)
    assert scrub_text(once) == once
