"""The measure registry and the tests behind every published flag, against scipy and the
published reference values (Newcombe 1998, Table II; the issue's worked examples)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from cxgov.insights.acsi import ComparableMeasure, gap, measure_gap
from cxgov.insights.estimates import (
    Change,
    benjamini_hochberg,
    mean_change,
    mean_interval,
    mean_interval_from_counts,
    significant_changes,
    wilson,
)
from cxgov.insights.measures import (
    AGREEMENT_1_5,
    MEASURES,
    POINT_SCALE,
    RATING_0_10,
    RATING_1_10,
    SATISFIED_8_10,
    SHARE_WITHIN_TARGET,
    TOP_2_BOX,
    TWO_WAY,
    measure,
    positive_measure,
    round_half_up,
    target_decision,
)
from cxgov.insights.proportions import newcombe_interval

# --- one definition per measure ---------------------------------------------------------------


def test_satisfied_is_eight_to_ten_on_both_ten_point_scales() -> None:
    # The example: twenty answers of 8 are 100% satisfied, on every surface.
    for scale in (RATING_0_10, RATING_1_10):
        assert positive_measure(scale) is SATISFIED_8_10
        assert SATISFIED_8_10.estimate({8: 20}, scale).value == 1.0
    assert SATISFIED_8_10.estimate({7: 5, 8: 1, 9: 2, 10: 2}, RATING_1_10).value == 0.5


def test_positive_is_top_two_box_on_agreement_and_yes_on_two_way_scales() -> None:
    assert positive_measure(AGREEMENT_1_5) is TOP_2_BOX
    assert TOP_2_BOX.positive == frozenset({4, 5})
    assert positive_measure(TWO_WAY).positive == frozenset({1})


def test_answers_off_the_scale_are_not_counted() -> None:
    # 98 "don't know" and 0 on a 1-10 rating are not answers on the scale.
    assert SATISFIED_8_10.successes({0: 3, 8: 2, 3: 2, 98: 4}, RATING_1_10) == (2, 4)


def test_a_measure_refuses_a_scale_it_is_not_defined_on() -> None:
    with pytest.raises(ValueError, match="not defined on the agreement_1_5 scale"):
        SATISFIED_8_10.estimate({4: 1}, AGREEMENT_1_5)
    with pytest.raises(ValueError, match="unknown measure 'nope'"):
        measure("nope")


def test_every_measure_is_registered_once_with_its_estimator_and_interval() -> None:
    assert set(MEASURES) == {
        "top_2_box",
        "percent_positive",
        "satisfied_8_10",
        "mean",
        "point_scale",
        "share_timely",
        "share_within_target",
        "share_choosing",
        "median_days",
    }
    for item in MEASURES.values():
        assert (item.estimator, item.interval) in {
            ("share", "wilson"),
            ("mean", "t"),
            ("median", "order"),
        }


def test_median_days_has_an_order_statistic_interval_around_the_median() -> None:
    estimate = MEASURES["median_days"].estimate_median([5, 1, 3, 2, 4, 9, 7, 6, 8, 10])
    # Binomial(10, 1/2): the 2.5% quantile is 2, so the 2nd and 9th smallest values.
    assert (estimate.value, estimate.low, estimate.high, estimate.n) == (5.5, 2.0, 9.0, 10)
    assert MEASURES["median_days"].publish(estimate.value) == Decimal("5.5")


def test_share_measures_give_the_wilson_interval_scipy_gives() -> None:
    estimate = TOP_2_BOX.estimate({1: 2, 3: 3, 4: 10, 5: 5}, AGREEMENT_1_5)
    reference = stats.binomtest(15, 20).proportion_ci(method="wilson")
    assert (estimate.low, estimate.high) == pytest.approx((reference.low, reference.high))


def test_point_scale_is_the_mean_with_its_t_interval_and_standard_error() -> None:
    counts = {1: 3, 2: 5, 3: 7, 4: 9, 5: 11}
    raw = [k for k, v in counts.items() for _ in range(v)]
    estimate = POINT_SCALE.estimate(counts, AGREEMENT_1_5)
    assert estimate.value == pytest.approx(sum(raw) / len(raw))
    assert estimate.standard_error == pytest.approx(stats.sem(raw))
    assert estimate.low == pytest.approx(mean_interval(raw).low)


# --- rounding as publishers round -------------------------------------------------------------


def test_point_scale_rounds_half_up_as_performance_gov_publishes() -> None:
    # 354 / 80 = 4.425: Python's round gives 4.42 (the float is 4.42499...); published 4.43.
    counts = {5: 46, 4: 28, 3: 2, 2: 2, 1: 2}
    assert sum(k * v for k, v in counts.items()) == 354 and sum(counts.values()) == 80
    assert round(354 / 80, 2) == 4.42
    assert POINT_SCALE.publish(POINT_SCALE.exact(counts, AGREEMENT_1_5)) == Decimal("4.43")
    assert round_half_up(354 / 80, 2) == Decimal("4.43")
    assert round_half_up(Fraction(29, 8), 2) == Decimal("3.63")
    assert round_half_up(-0.125, 2) == Decimal("-0.13")


def test_shares_publish_as_percentages_rounded_half_up() -> None:
    # 1 of 8 = 12.5% exactly -> 13 at no decimals, 12.5 at one.
    assert TOP_2_BOX.publish(Fraction(1, 8)) == Decimal("12.5")
    assert round_half_up(Fraction(1, 8) * 100, 0) == Decimal("13")
    assert TOP_2_BOX.publish(None) is None


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_half_up_of_a_fraction_is_never_more_than_half_a_step_away(top: int, bottom: int) -> None:
    value = Fraction(top, bottom)
    rounded = round_half_up(value, 2)
    assert abs(Fraction(rounded) - value) <= Fraction(1, 200)


# --- gaps to benchmarks: score intervals, never Wald ------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction).
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((0, 10, 0, 10), (-0.2775, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
        ((10, 10, 0, 10), (0.6075, 1.0000)),
    ],
)
def test_newcombe_interval_matches_the_published_table(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    assert newcombe_interval(*counts) == pytest.approx(expected, abs=5e-5)


def test_eight_of_eight_is_not_significantly_higher_than_a_ninety_percent_benchmark() -> None:
    # Wilson for 8/8 is [67.6, 100]: the gap's interval must reach below zero.
    assert wilson(8, 8).low == pytest.approx(0.6756, abs=5e-5)
    own = ComparableMeasure("percent_satisfied", "percent", "Satisfied?", "2025", 100, "own", n=8)
    for benchmark in (
        ComparableMeasure("percent_satisfied", "percent", "Satisfied?", "2025", 90, "b", n=1000),
        ComparableMeasure(
            "percent_satisfied", "percent", "Satisfied?", "2025", 90, "b", standard_error=0.5
        ),
        ComparableMeasure("percent_satisfied", "proportion", "Satisfied?", "2025", 0.9, "b", n=500),
    ):
        _check, result = measure_gap(own, benchmark)
        assert result is not None and result.verdict == "no significant difference"
        assert result.low is not None and result.low < 0
    # What the Wald test said: a standard error of zero at 100% made the gap "higher".
    wald = gap(100, 90, own_error=own.error(), benchmark_error=100 * math.sqrt(0.09 / 1000))
    assert wald.verdict == "higher"


def test_a_large_own_sample_still_finds_a_real_gap() -> None:
    own = ComparableMeasure("percent_agree", "percent", "Easy", "2025", 95, "own", n=2000)
    other = ComparableMeasure("percent_agree", "percent", "Easy", "2025", 90, "b", n=2000)
    _check, result = measure_gap(own, other)
    assert result is not None and result.verdict == "higher"
    low, high = newcombe_interval(1900, 2000, 1800, 2000)
    assert (result.low, result.high) == pytest.approx((100 * low, 100 * high))


def test_gaps_of_means_with_stated_errors_are_the_usual_normal_interval() -> None:
    own = ComparableMeasure("acsi_index", "0-100", "", "2025", 72.5, "a", standard_error=0.9)
    other = ComparableMeasure("acsi_index", "0-100", "", "2025", 69.7, "b", standard_error=1.0)
    _check, result = measure_gap(own, other)
    expected = gap(72.5, 69.7, own_error=0.9, benchmark_error=1.0)
    assert result is not None
    assert (result.low, result.high) == pytest.approx((expected.low, expected.high))


# --- changes of means: Welch ------------------------------------------------------------------


def test_mean_change_is_welchs_t_test() -> None:
    # The example: p = 0.081 by Welch, where the t/z-inflated z-test gave 0.158.
    before, after = [4, 5, 6, 7, 8], [2, 3, 4, 5, 6]
    change = mean_change(mean_interval(before), mean_interval(after))
    reference = stats.ttest_ind(after, before, equal_var=False)
    assert change is not None
    assert change.p_value == pytest.approx(reference.pvalue, rel=1e-12)
    assert round(change.p_value, 3) == 0.081
    assert change.z == pytest.approx(reference.statistic)
    assert change.difference == -2 and not change.significant


def test_welch_from_counts_and_from_intervals_alone_agree_with_scipy() -> None:
    before = {1: 4, 2: 6, 3: 10, 4: 12, 5: 3}
    after = {1: 1, 2: 2, 3: 6, 4: 20, 5: 14}
    raw_before = [k for k, v in before.items() for _ in range(v)]
    raw_after = [k for k, v in after.items() for _ in range(v)]
    reference = stats.ttest_ind(raw_after, raw_before, equal_var=False).pvalue
    with_errors = mean_change(mean_interval_from_counts(before), mean_interval_from_counts(after))
    assert with_errors is not None and with_errors.p_value == pytest.approx(reference, rel=1e-10)
    # An estimate without its standard error: recovered from the t interval, not from z.
    stripped = [
        mean_interval_from_counts(c).__class__(
            value=e.value, low=e.low, high=e.high, n=e.n, suppressed=False
        )
        for c in (before, after)
        for e in [mean_interval_from_counts(c)]
    ]
    recovered = mean_change(stripped[0], stripped[1])
    assert recovered is not None and recovered.p_value == pytest.approx(reference, rel=1e-10)


# --- several flags on one page: Benjamini-Hochberg and a minimum effect -----------------------


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=40))
def test_benjamini_hochberg_equals_scipy(p_values: list[float]) -> None:
    reference = stats.false_discovery_control(p_values, method="bh")
    assert benjamini_hochberg(p_values) == pytest.approx(list(reference), abs=1e-12)


def test_flags_need_the_false_discovery_rate_and_the_minimum_effect() -> None:
    changes: list[Change | None] = [
        Change(0.05, 0, 0.001, True),  # kept: q = 0.004, 5 points
        Change(0.01, 0, 0.002, True),  # q = 0.004 but 1 point: under the minimum
        Change(-0.03, 0, 0.030, True),  # q = 0.04, 3 points down: kept
        Change(0.10, 0, 0.040, True),  # q = 0.04: kept
        None,  # no figure to compare: not counted in m
    ]
    assert significant_changes(changes, minimum_effect=0.02) == [True, False, True, True, False]
    # Without control, 0.04 of 0.049 alone is flagged; among many tests it is not.
    many = [Change(0.05, 0, 0.04, True)] + [Change(0.05, 0, 0.9, False)] * 9
    assert significant_changes(many, minimum_effect=0.02)[0] is False
    # A change of exactly the minimum counts.
    assert significant_changes([Change(0.02, 0, 0.001, True)], minimum_effect=0.02) == [True]


def test_each_change_may_carry_its_own_minimum() -> None:
    """Several agencies' changes share one correction; each keeps its own minimum."""
    changes: list[Change | None] = [
        Change(-0.03, 0, 0.001, True),  # agency with a 2-point minimum: flagged
        Change(-0.03, 0, 0.001, True),  # agency with a 5-point minimum: not
        None,
    ]
    assert significant_changes(changes, minimum_effect=[0.02, 0.05, 0.02]) == [
        True,
        False,
        False,
    ]
    with pytest.raises(ValueError, match="2 minimums for 3 changes"):
        significant_changes(changes, minimum_effect=[0.02, 0.05])


# --- targets met: judged by the interval ------------------------------------------------------


def test_a_target_is_met_only_when_the_wilson_interval_clears_it() -> None:
    assert SHARE_WITHIN_TARGET.estimate_share(19, 20).value == 0.95
    assert target_decision(19, 20, 0.9) == "unclear"  # Wilson 76.4-99.1 straddles 90
    assert target_decision(190, 200, 0.9) == "met"  # 91.0-97.3
    assert target_decision(160, 200, 0.9) == "not_met"  # 74.0-84.8
    assert target_decision(8, 8, 0.9) == "unclear"
    assert target_decision(50, 50, 1.0) == "met" and target_decision(49, 50, 1.0) == "not_met"


def test_equal_weights_give_the_unweighted_figure_and_interval():
    import numpy as np

    from cxgov.insights.measures import AGREEMENT_1_5, POINT_SCALE, TOP_2_BOX

    answers = np.array([5, 4, 4, 3, 2, 1, 5, 98, np.nan, 4])
    counts: dict[int, int] = {}
    for value in answers[~np.isnan(answers)]:
        counts[int(value)] = counts.get(int(value), 0) + 1
    for each in (TOP_2_BOX, POINT_SCALE):
        plain = each.estimate(counts, AGREEMENT_1_5)
        weighted = each.estimate_weighted(answers, np.full(answers.size, 3.0), AGREEMENT_1_5)
        assert weighted.n == plain.n == 8
        assert weighted.value == pytest.approx(plain.value, abs=1e-12)
        assert weighted.low == pytest.approx(plain.low, abs=1e-12)
        assert weighted.high == pytest.approx(plain.high, abs=1e-12)
        assert weighted.design_effect == pytest.approx(1.0)
        assert weighted.effective_n == pytest.approx(8.0)
