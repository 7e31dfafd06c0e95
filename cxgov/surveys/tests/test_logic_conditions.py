"""The condition evaluator agrees with a plain reference on any condition and answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxgov.surveys.logic import condition_holds, condition_problem

# The survey tests' autouse fixture clears the (database) cache.
pytestmark = pytest.mark.django_db

KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.sampled_from(["0", "1", "2", "7", "x"])


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(
            lambda key, op, values: {"question": key, "op": op, "values": values},
            KEYS,
            st.sampled_from(["in", "not_in"]),
            st.lists(VALUES, min_size=1, max_size=3),
        ),
        st.builds(
            lambda key, values: {"question": key, "values": values},
            KEYS,
            st.lists(VALUES, min_size=1, max_size=3),
        ),
        st.builds(
            lambda key, op: {"question": key, "op": op},
            KEYS,
            st.sampled_from(["answered", "not_answered"]),
        ),
        st.builds(
            lambda key, op, bound: {"question": key, "op": op, "values": [bound]},
            KEYS,
            st.sampled_from(["gte", "lte"]),
            st.sampled_from(["0", "1", "5"]),
        ),
    )


CONDITIONS = st.recursive(
    _leaf(),
    lambda inner: st.builds(
        lambda name, parts: {name: parts},
        st.sampled_from(["all", "any"]),
        st.lists(inner, min_size=1, max_size=3),
    ),
    max_leaves=8,
)
ANSWERS = st.dictionaries(KEYS, st.lists(VALUES, max_size=2))


def _reference(condition: dict[str, Any], answers: dict[str, list[str]]) -> bool:
    if "all" in condition:
        return all(_reference(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(_reference(part, answers) for part in condition["any"])
    given_values = answers.get(condition["question"], [])
    op = condition.get("op", "in")
    if op == "answered":
        return len(given_values) > 0
    if op == "not_answered":
        return len(given_values) == 0
    if op == "in":
        return bool(set(given_values) & set(condition["values"]))
    if op == "not_in":
        return not set(given_values) & set(condition["values"])
    if len(given_values) != 1 or given_values[0] == "x":
        return False
    number, bound = float(given_values[0]), float(condition["values"][0])
    return number >= bound if op == "gte" else number <= bound


@given(condition=CONDITIONS, answers=ANSWERS)
def test_condition_evaluation_matches_the_reference(
    condition: dict[str, Any], answers: dict[str, list[str]]
) -> None:
    assert condition_problem(condition) == ""
    assert condition_holds(condition, answers) is _reference(condition, answers)


@given(
    junk=st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["all", "any", "question", "op", "values", "x"]), inner, max_size=3
            )
        ),
        max_leaves=10,
    )
)
def test_malformed_conditions_get_a_reason_never_an_exception(junk: Any) -> None:
    problem = condition_problem(junk)
    assert isinstance(problem, str)
    if problem == "" and junk:
        condition_holds(junk, {"a": ["1"]})
