"""Hostile input to the population margins form: every bad line gets its own error.

Property tests (hypothesis) over `margin_counts_parse`, which the form and nothing else uses:
counts that do not add up to the survey's other margins, categories that are not the
variable's, and counts of zero or below are each refused with their own code, and no input
ends in anything but a ValidationError.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cxgov.surveys.results.forms import MAX_COUNT, PopulationMarginForm, margin_counts_parse

# The surveys tests clear the database cache before each test.
pytestmark = pytest.mark.django_db

KNOWN = ("web", "phone", "in_person", "mail")
counts_st = st.dictionaries(
    st.sampled_from(KNOWN), st.integers(min_value=1, max_value=10**8), min_size=1
)
# Text that could be a category on one line: no comma, no line break, not blank.
category_st = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=","),
    min_size=1,
    max_size=20,
).filter(lambda t: t.strip() and t.strip() not in (*KNOWN, "none"))


def _text(counts: dict[str, int]) -> str:
    return "\n".join(f"{category}, {count}" for category, count in counts.items())


def _codes(error: ValidationError) -> set[str | None]:
    return {e.code for e in error.error_list}


@given(counts_st)
def test_good_counts_come_back_as_given(counts):
    assert (
        margin_counts_parse(_text(counts), variable="Channel", known=KNOWN, other_total=None)
        == counts
    )
    total = sum(counts.values())
    assert (
        margin_counts_parse(_text(counts), variable="Channel", known=KNOWN, other_total=total)
        == counts
    )


@given(counts_st, st.integers(min_value=1, max_value=10**9))
def test_counts_that_do_not_add_up_to_the_other_margins_are_refused(counts, other):
    total = sum(counts.values())
    if other == total:
        other += 1
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(_text(counts), variable="Channel", known=KNOWN, other_total=other)
    assert _codes(raised.value) == {"totals_differ"}
    assert f"add up to {total}" in raised.value.messages[0]
    assert str(other) in raised.value.messages[0]


@given(counts_st, category_st, st.integers(min_value=1, max_value=1000))
def test_a_category_that_is_not_the_variables_is_named(counts, stranger, count):
    text = _text(counts) + f"\n{stranger}, {count}"
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(text, variable="Channel", known=KNOWN, other_total=None)
    assert _codes(raised.value) == {"unknown_category"}
    assert f"“{stranger.strip()}” is not a category of Channel" in raised.value.messages[0]


@given(counts_st, st.sampled_from(KNOWN), st.integers(max_value=0, min_value=-(10**12)))
def test_zero_and_negative_counts_are_refused_by_line(counts, category, bad):
    counts = {k: v for k, v in counts.items() if k != category}
    text = "\n".join([*_text(counts).splitlines(), f"{category}, {bad}"])
    line = len(counts) + 1
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(text, variable="Channel", known=KNOWN, other_total=None)
    assert _codes(raised.value) == {"not_positive"}
    assert raised.value.messages == [
        f"Line {line}: the count of “{category}” must be more than zero."
    ]


@given(st.sampled_from(["1.5", "1e3", "١٢", "12 000", "1_000", "ten", "", "0x10", "½"]))
def test_counts_that_are_not_whole_numbers_are_refused(amount):
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(f"web, {amount}", variable="Channel", known=KNOWN, other_total=None)
    assert _codes(raised.value) <= {"not_a_number", "unknown_category"}


def test_a_category_given_twice_and_a_line_without_a_count_are_refused():
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(
            "web, 10\nweb, 12\nphone 40\n, 5\n", variable="Channel", known=KNOWN, other_total=None
        )
    assert [e.code for e in raised.value.error_list] == ["duplicate", "malformed", "malformed"]


def test_more_people_than_any_population_is_a_typing_mistake():
    with pytest.raises(ValidationError) as raised:
        margin_counts_parse(
            f"web, {MAX_COUNT + 1}", variable="Channel", known=KNOWN, other_total=None
        )
    assert _codes(raised.value) == {"too_large"}


@given(st.text(max_size=300))
def test_any_text_is_parsed_or_refused_with_a_validation_error(text):
    try:
        counts = margin_counts_parse(text, variable="Channel", known=KNOWN, other_total=None)
    except ValidationError as error:
        counts = {}
        messages = error.messages
    else:
        messages = []
    assert bool(messages) != bool(counts)
    assert all(k in (*KNOWN, "none") and v > 0 for k, v in counts.items())


def test_the_form_puts_the_errors_on_the_counts_field():
    form = PopulationMarginForm(
        {"variable": "channel", "counts": "web, 0\nfax, 3"},
        variables={"channel": "Channel"},
        categories={"channel": list(KNOWN)},
        totals={"service": 100},
    )
    assert not form.is_valid()
    assert form.errors["counts"] == [
        "Line 1: the count of “web” must be more than zero.",
        "Line 2: “fax” is not a category of Channel. "
        "Use one of: in_person, mail, none, phone, web.",
    ]


def test_the_form_compares_with_the_other_margins_only():
    data = {"variable": "channel", "counts": "web, 60\nphone, 40"}
    replacing = PopulationMarginForm(
        data,
        variables={"channel": "Channel"},
        categories={"channel": list(KNOWN)},
        totals={"channel": 500},
    )
    assert replacing.is_valid(), replacing.errors
    assert replacing.cleaned_data["counts"] == {"web": 60, "phone": 40}
    other = PopulationMarginForm(
        data,
        variables={"channel": "Channel"},
        categories={"channel": list(KNOWN)},
        totals={"channel": 500, "service": 500},
    )
    assert not other.is_valid()
    assert "add up to 100" in other.errors["counts"][0]
