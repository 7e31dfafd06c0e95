"""ACSI-style index, conversions, gaps and comparability against values worked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.acsi import (
    ComparableMeasure,
    acsi_index,
    comparability,
    conversion_for,
    convert,
    gap,
    measure_gap,
)
from cxgov.insights.charts import line_svg
from cxgov.insights.proportions import newcombe_interval

# Worked by hand. Item 1 valid answers: 8, 10 (99 is missing, 11 out of range) -> mean 9.
# Item 2: 7, 5, 6 (98 missing) -> mean 6. Item 3: 9, 6, 7, 8 -> mean 7.5.
ANSWERS = [(8, 7, 9), (10, 98, 6), (99, 5, 7), (11, 6, 8)]


def test_equal_weights_index_matches_the_hand_worked_value():
    # (9 + 6 + 7.5) / 3 = 7.5 ; (7.5 - 1) / 9 * 100 = 72.2222...
    result = acsi_index(ANSWERS)
    assert result.value == pytest.approx(650 / 9)
    assert result.item_means == (9.0, 6.0, 7.5)
    assert result.item_counts == (2, 3, 4)
    assert result.n == 4


def test_custom_weights_are_normalised_and_match_the_hand_worked_value():
    # weights 2:1:1 -> 0.5, 0.25, 0.25 ; 4.5 + 1.5 + 1.875 = 7.875 ; 6.875 / 9 * 100 = 76.3889
    assert acsi_index(ANSWERS, weights=(2, 1, 1)).value == pytest.approx(687.5 / 9)
    assert acsi_index(ANSWERS, weights=(0.5, 0.25, 0.25)).value == pytest.approx(687.5 / 9)


def test_missing_codes_98_and_99_are_excluded_not_counted_as_answers():
    with_codes = acsi_index([(10, 10, 10), (98, 99, 98), (1, 1, 1)])
    assert with_codes.value == pytest.approx(50.0)
    assert with_codes.n == 2


def test_ends_of_the_scale_map_to_0_and_100():
    assert acsi_index([(1, 1, 1)]).value == pytest.approx(0)
    assert acsi_index([(10, 10, 10)]).value == pytest.approx(100)


def test_standard_error_from_complete_respondents():
    # Respondent indexes 100 and 0: sd = 70.71, se = 70.71 / sqrt(2) = 50.
    assert acsi_index([(10, 10, 10), (1, 1, 1)]).standard_error == pytest.approx(50.0)
    assert acsi_index([(10, 10, 10)]).standard_error is None


def test_an_item_with_no_valid_answer_gives_no_index():
    assert acsi_index([(5, 99, 5)]).value is None
    assert acsi_index([]).value is None


def test_bad_weights_are_refused():
    with pytest.raises(ValueError, match="three weights"):
        acsi_index(ANSWERS, weights=(1, 1))
    with pytest.raises(ValueError, match="above zero"):
        acsi_index(ANSWERS, weights=(0, 0, 0))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(*[st.one_of(st.none(), st.integers(-5, 120), st.floats())] * 3), max_size=30)
)
def test_index_is_always_within_0_and_100_or_none(rows):
    result = acsi_index(rows)
    assert result.value is None or 0 <= result.value <= 100 + 1e-9


def test_five_point_mean_converts_to_0_100_and_is_labelled_approximate():
    value, conversion = convert(4.2, from_scale="1-5", to_scale="0-100")
    assert value == pytest.approx(80.0)
    assert conversion.approximate
    assert conversion.formula == "(m - 1) / 4 x 100"
    assert convert(0.8, from_scale="proportion", to_scale="percent")[1].approximate is False
    assert conversion_for("percent", "1-5") is None


def test_gap_without_standard_errors_has_no_verdict():
    result = gap(72.5, 69.7, own_error=0.9, benchmark_error=None)
    assert result.difference == pytest.approx(2.8)
    assert result.low is None and result.verdict == "unknown" and not result.significant


def test_gap_with_standard_errors_is_significant_when_interval_excludes_zero():
    # sqrt(0.81 + 1.0) = 1.3454 ; 1.96 * 1.3454 = 2.637 ; 2.8 - 2.637 = 0.163 > 0
    result = gap(72.5, 69.7, own_error=0.9, benchmark_error=1.0)
    assert result.low == pytest.approx(2.8 - 1.959964 * math.sqrt(1.81), abs=1e-4)
    assert result.verdict == "higher"


def test_gap_of_percentages_is_newcombes_hybrid_score_interval_from_n_and_proportion():
    # 320 of 400 against 300 of 400: Newcombe's method 10 on the two Wilson intervals.
    own = ComparableMeasure("percent_agree", "percent", "It was easy", "2024", 80, "own", n=400)
    other = ComparableMeasure("percent_agree", "percent", "It was easy.", "2024", 75, "b", n=400)
    check, result = measure_gap(own, other)
    assert check.comparable
    assert result is not None and result.verdict == "no significant difference"
    low, high = newcombe_interval(320, 400, 300, 400)
    assert (result.low, result.high) == pytest.approx((100 * low, 100 * high))
    assert result.high == pytest.approx(10.7542, abs=1e-4)


def test_different_wordings_are_refused_with_a_reason():
    own = ComparableMeasure(
        "percent_satisfied", "percent", "Satisfied with the call?", "2024", 80, "a"
    )
    other = ComparableMeasure("percent_satisfied", "percent", "Satisfied overall?", "2024", 70, "b")
    check = comparability(own, other)
    assert not check.comparable
    assert "worded differently" in check.reason
    assert check.code == "wording"


def test_different_scales_without_a_conversion_are_refused_with_a_reason():
    own = ComparableMeasure("a11_points", "1-5", "Easy", "2024", 4.1, "a")
    other = ComparableMeasure("a11_points", "percent", "Easy", "2024", 70, "b")
    check = comparability(own, other)
    assert not check.comparable
    assert "different scales" in check.reason


def test_different_metrics_are_refused():
    own = ComparableMeasure("acsi_index", "0-100", "", "2024", 70, "a")
    other = ComparableMeasure("trust", "0-100", "Trust", "2024", 60, "b")
    assert "different metrics" in comparability(own, other).reason


def test_a_documented_conversion_makes_scales_comparable_and_approximate():
    own = ComparableMeasure("a11_points", "0-100", "Easy", "2024", 70, "a")
    other = ComparableMeasure("a11_points", "1-5", "Easy", "2024", 4.0, "b")
    check, result = measure_gap(own, other)
    assert check.comparable and check.conversion is not None and check.conversion.approximate
    assert "approximate" in check.reason
    assert result is not None and result.difference == pytest.approx(-5.0)


def test_line_chart_is_labelled_and_has_no_style_attributes():
    svg = line_svg(
        labels=["1999", "2004"],
        values=[68.6, 72.1],
        title="Federal ACSI",
        value_label="Score",
        description="Two <values>",
        chart_id="fed",
    )
    assert svg.startswith('<svg role="img" aria-labelledby="fed-title fed-desc"')
    assert '<title id="fed-title">Federal ACSI</title>' in svg
    assert "Two &lt;values&gt;" in svg
    assert "style=" not in svg and "<style" not in svg
