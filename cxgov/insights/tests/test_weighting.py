"""Raking, trimming and the errors that say why margins cannot weight the respondents."""

from __future__ import annotations

import numpy as np
import pytest

from cxgov.insights import weighting
from cxgov.insights.weighting import WeightingError, rake_weights, trim_weights


def test_raking_meets_both_margins_and_sums_to_the_population():
    sex = ["f"] * 30 + ["m"] * 70
    age = (["young"] * 20 + ["old"] * 10) + (["young"] * 20 + ["old"] * 50)
    result = rake_weights(
        {"sex": sex, "age": age},
        {"sex": {"f": 500, "m": 500}, "age": {"young": 400, "old": 600}},
        trim=None,
    )
    w = result.values
    assert w.sum() == pytest.approx(1000)
    assert w[:30].sum() == pytest.approx(500, abs=1e-6)
    assert w[np.array([a == "young" for a in age])].sum() == pytest.approx(400, abs=1e-6)
    assert result.design_effect > 1
    assert result.effective_n == pytest.approx(100 / result.design_effect)


def test_raking_keeps_the_odds_ratio_of_a_two_by_two_table():
    # Deming-Stephan IPF on cells 30, 10, 20, 40 to margins (60, 40) x (50, 50).
    rows = ["a"] * 40 + ["b"] * 60
    cols = ["x"] * 30 + ["y"] * 10 + ["x"] * 20 + ["y"] * 40
    w = rake_weights(
        {"r": rows, "c": cols}, {"r": {"a": 60, "b": 40}, "c": {"x": 50, "y": 50}}, trim=None
    ).values
    ax, ay, bx, by = w[:30].sum(), w[30:40].sum(), w[40:60].sum(), w[60:].sum()
    assert ax + ay == pytest.approx(60, abs=1e-6)
    assert ax + bx == pytest.approx(50, abs=1e-6)
    assert (ax * by) / (ay * bx) == pytest.approx(6, rel=1e-6)


@pytest.mark.parametrize(
    ("categories", "margins", "code", "named"),
    [
        ({"g": ["a", "b"]}, {"g": {"a": 1, "b": 1, "c": 1}}, weighting.EMPTY_CATEGORY, ("c",)),
        ({"g": ["a", "z"]}, {"g": {"a": 1, "b": 1}}, weighting.UNKNOWN_CATEGORY, ("z",)),
        ({"g": ["a", "b"]}, {"g": {"a": 0, "b": 1}}, weighting.BAD_COUNT, ("a",)),
        ({"g": ["a", "b"]}, {"g": {"a": -3, "b": 1}}, weighting.BAD_COUNT, ("a",)),
        (
            {"g": ["a", "b"], "h": ["x", "y"]},
            {"g": {"a": 5, "b": 5}, "h": {"x": 5, "y": 6}},
            weighting.TOTALS_DIFFER,
            (),
        ),
    ],
)
def test_margins_that_cannot_weight_say_why(categories, margins, code, named):
    with pytest.raises(WeightingError) as raised:
        rake_weights(categories, margins)
    assert raised.value.code == code
    assert raised.value.categories == named


def test_margins_no_weights_can_meet_do_not_converge():
    # Everyone in group a is in region x, yet a holds 90% of the population and x only 10%.
    groups = ["a"] * 5 + ["b"] * 5
    regions = ["x"] * 5 + ["x", "y", "y", "y", "y"]
    with pytest.raises(WeightingError) as raised:
        rake_weights(
            {"g": groups, "r": regions},
            {"g": {"a": 90, "b": 10}, "r": {"x": 10, "y": 90}},
            max_iterations=200,
        )
    assert raised.value.code == weighting.NOT_CONVERGED


def test_trimming_cuts_large_weights_and_keeps_the_total():
    trimmed, count = trim_weights(np.array([1.0, 1.0, 1.0, 9.0]), upper=4.0)
    assert count == 1
    assert trimmed.tolist() == pytest.approx([1 + 5 / 3, 1 + 5 / 3, 1 + 5 / 3, 4.0])
    assert trim_weights(np.ones(3), upper=4.0)[1] == 0
