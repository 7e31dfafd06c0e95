"""Complementary suppression: no two views a reader can open differ by a small group.

The property tests build respondent tables over a flat filter (segment), a second flat filter
(service) and quarters grouped into fiscal years, enumerate every view a reader can reach (each
filter a value, a group or Any, empty views included) with its respondents computed here from
the cells, and check the rules on every pair, independently of how the module found them.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import product
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.insights.disclosure import ANY, Dimension, disclosure_control, hidden_remainder

QUARTERS = {(2025, 1): 2025, (2025, 2): 2025, (2025, 3): 2025, (2025, 4): 2025, (2026, 1): 2026}
SEGMENT = Dimension("segment")
SERVICE = Dimension("service")
QUARTER = Dimension("quarter", QUARTERS)
DIMENSIONS = (SEGMENT, SERVICE, QUARTER)


def _filters(dimension: Dimension, values: set[Hashable]) -> set[Hashable]:
    found: set[Hashable] = {ANY}
    for value in values:
        found.update(dimension.chain(value))
    return found


def _reachable(
    table: dict[Any, int], dimensions: tuple[Dimension, ...]
) -> dict[tuple[Hashable, ...], frozenset[Any]]:
    """Every view (filters of every dimension, empty ones too) with its set of cells."""
    values = [{cell[i] for cell in table} | {f"unseen-{i}"} for i in range(len(dimensions))]
    options = [_filters(d, v) for d, v in zip(dimensions, values, strict=True)]
    views = {}
    for view in product(*options):
        views[view] = frozenset(
            cell
            for cell in table
            if all(
                f in d.chain(cell[i]) for i, (d, f) in enumerate(zip(dimensions, view, strict=True))
            )
        )
    return views


cells = st.dictionaries(
    st.tuples(
        st.sampled_from(["day", "night", "weekend"]),
        st.sampled_from(["a", "b"]),
        st.sampled_from(sorted(QUARTERS)),
    ),
    st.integers(min_value=0, max_value=14),
    max_size=14,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=cells, k=st.integers(min_value=2, max_value=6))
def test_no_difference_of_two_reachable_views_isolates_fewer_than_k(
    table: dict[Any, int], k: int
) -> None:
    result = disclosure_control(table, DIMENSIONS, k)
    views = _reachable(table, DIMENSIONS)
    size = {v: sum(table[c] for c in members) for v, members in views.items()}
    shown = [v for v in views if result.shown(v)]
    for view in shown:
        assert size[view] == 0 or size[view] >= k, (view, size[view])
        assert result.n(view) == size[view]
    for wide, narrow in product(shown, shown):
        if views[narrow] <= views[wide]:
            difference = size[wide] - size[narrow]
            assert difference == 0 or difference >= k, (wide, narrow, difference)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=cells, k=st.integers(min_value=2, max_value=6))
def test_a_shown_total_minus_its_shown_groups_is_never_a_small_group(
    table: dict[Any, int], k: int
) -> None:
    result = disclosure_control(table, DIMENSIONS, k)
    views = _reachable(table, DIMENSIONS)
    size = {v: sum(table[c] for c in members) for v, members in views.items()}
    for view in views:
        if not result.shown(view):
            continue
        for i, dim in enumerate(DIMENSIONS):
            groups = [
                v
                for v in views
                if v[:i] == view[:i]
                and v[i + 1 :] == view[i + 1 :]
                and v[i] is not ANY
                and dim.chain(v[i])[1] == view[i]
            ]
            rest = size[view] - sum(size[v] for v in groups if result.shown(v))
            assert rest == 0 or rest >= k, (view, dim.name, rest)
            assert hidden_remainder(result, view, dim.name) == rest


@settings(max_examples=150, deadline=None)
@given(table=cells, k=st.integers(min_value=2, max_value=6), seed=st.data())
def test_views_hidden_by_another_decision_stay_hidden_and_the_rules_still_hold(
    table: dict[Any, int], k: int, seed: st.DataObject
) -> None:
    views = _reachable(table, DIMENSIONS)
    forced = seed.draw(st.lists(st.sampled_from(sorted(views, key=repr)), max_size=3))
    result = disclosure_control(table, DIMENSIONS, k, also_hidden=forced)
    size = {v: sum(table[c] for c in members) for v, members in views.items()}
    for view in forced:
        assert size[view] == 0 or not result.shown(view)
    shown = [v for v in views if result.shown(v)]
    for wide, narrow in product(shown, shown):
        if views[narrow] <= views[wide]:
            difference = size[wide] - size[narrow]
            assert difference == 0 or difference >= k, (wide, narrow, difference)


def test_day_team_of_11_and_a_night_shift_of_1_show_only_the_total() -> None:
    result = disclosure_control({("day",): 11, ("night",): 1}, [SEGMENT], 5)
    assert result.shown((ANY,)) and result.n((ANY,)) == 12
    assert not result.shown(("night",))
    # The total minus the day team would be the night-shift employee.
    assert not result.shown(("day",))


def test_a_year_minus_three_shown_quarters_never_gives_a_lone_quarter() -> None:
    table = {((2025, 1),): 8, ((2025, 2),): 9, ((2025, 3),): 12, ((2025, 4),): 1}
    result = disclosure_control(table, [QUARTER], 5)
    assert result.shown((2025,)) and result.shown((ANY,))
    assert not result.shown(((2025, 4),))
    # One more quarter hides with it: the smallest, so the year minus what is shown is 9.
    assert not result.shown(((2025, 1),))
    assert result.shown(((2025, 2),)) and result.shown(((2025, 3),))
    assert hidden_remainder(result, (2025,), "quarter") == 9


def test_large_groups_hide_nothing() -> None:
    table = {(s, q): 20 for s in ("day", "night") for q in ((2025, 1), (2025, 2))}
    result = disclosure_control(table, [SEGMENT, QUARTER], 5)
    assert result.hidden == frozenset()


def test_views_with_the_same_respondents_are_hidden_together() -> None:
    # Everyone on the night shift used service b, so "service b" is the night shift plus one
    # day-team member: "service b" minus "night shift" would be that one person.
    table = {("day", "a"): 10, ("day", "b"): 1, ("night", "b"): 6}
    result = disclosure_control(table, [SEGMENT, SERVICE], 5)
    both = result.shown(("night", ANY)) and result.shown((ANY, "b"))
    assert not both


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        disclosure_control({}, [SEGMENT], 0)
    with pytest.raises(ValueError, match="dimensions"):
        disclosure_control({("a", "b"): 3}, [SEGMENT], 5)
    with pytest.raises(ValueError, match="loop"):
        Dimension("x", {1: 2, 2: 1}).chain(1)
    with pytest.raises(ValueError, match="unknown"):
        disclosure_control({}, [SEGMENT], 5).view(colour="red")
