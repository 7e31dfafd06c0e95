"""Survey statistics against values worked by hand or published."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxgov.insights.drivers import key_drivers, shapley_r2
from cxgov.insights.estimates import (
    mean_interval,
    mean_interval_from_counts,
    nps,
    percent_agree,
    point_scale,
    proportion_change,
    suppress,
    wilson,
)


def test_wilson_matches_the_textbook_example():
    # Newcombe (1998), method 3: 81 of 263 -> 0.2553 to 0.3662.
    estimate = wilson(81, 263)
    assert estimate.low == pytest.approx(0.2553, abs=5e-5)
    assert estimate.high == pytest.approx(0.3662, abs=5e-5)
    assert estimate.n == 263


def test_wilson_stays_inside_zero_and_one():
    assert wilson(0, 10).low == 0.0
    assert wilson(10, 10).high == pytest.approx(1.0)
    assert wilson(0, 10).high == pytest.approx(0.2775, abs=5e-5)  # Newcombe's 0/10 row


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson(11, 10)


def test_point_scale_is_the_response_weighted_mean():
    # 10 x 1, 20 x 2, 30 x 3, 25 x 4, 15 x 5: (10+40+90+100+75)/100 = 3.15
    estimate = point_scale({1: 10, 2: 20, 3: 30, 4: 25, 5: 15})
    assert estimate.value == pytest.approx(3.15)
    assert estimate.n == 100


def test_mean_interval_from_counts_equals_the_raw_data_interval():
    counts = {1: 3, 2: 5, 3: 7, 4: 9, 5: 11}
    raw = [k for k, v in counts.items() for _ in range(v)]
    by_counts, by_raw = mean_interval_from_counts(counts), mean_interval(raw)
    assert by_counts.value == pytest.approx(by_raw.value)
    assert by_counts.low == pytest.approx(by_raw.low)
    assert by_counts.high == pytest.approx(by_raw.high)


def test_mean_interval_worked_by_hand():
    # values 2,4,4,4,5,5,7,9: mean 5, sd sqrt(32/7)=2.13809, t(7)=2.36462 -> half 1.78749
    estimate = mean_interval([2, 4, 4, 4, 5, 5, 7, 9])
    assert estimate.value == 5
    assert estimate.high - estimate.value == pytest.approx(1.78749, abs=1e-5)


def test_percent_agree_counts_four_and_five():
    estimate = percent_agree({1: 5, 2: 5, 3: 10, 4: 40, 5: 40})
    assert estimate.value == pytest.approx(0.8)
    assert estimate.n == 100


def test_nps_worked_by_hand():
    # 50 promoters, 30 passives, 20 detractors of 100 -> NPS 30
    estimate = nps({10: 30, 9: 20, 8: 20, 7: 10, 6: 10, 0: 10})
    assert estimate.value == pytest.approx(30.0)
    # var = (0.5 + 0.2 - 0.09)/100 = 0.0061 -> se 0.0781 -> half 15.31 points
    assert estimate.high - estimate.value == pytest.approx(15.31, abs=0.01)


def test_suppression_hides_small_cells():
    hidden = suppress(wilson(2, 4), min_n=5)
    assert hidden.suppressed
    assert hidden.value is None
    assert hidden.n == 4
    assert not suppress(wilson(4, 5), min_n=5).suppressed


def test_two_proportion_change_significance():
    # 60% of 500 to 66% of 500: z = 1.96 roughly at the edge; 60% to 70% is significant.
    assert proportion_change(300, 500, 350, 500).significant
    small = proportion_change(6, 10, 7, 10)
    assert not small.significant
    assert small.difference == pytest.approx(0.1)


def test_shapley_shares_add_up_to_r_squared():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    y = 2 * x[:, 0] + x[:, 1] + rng.normal(size=300)
    shares = shapley_r2(x, y)
    design = np.column_stack([np.ones(300), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    full = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    assert shares.sum() == pytest.approx(full)
    assert shares[0] > shares[1] > shares[2]


def test_shapley_with_uncorrelated_drivers_is_each_squared_correlation():
    # With orthogonal drivers each share is that driver's own r².
    x = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 10, dtype=float)
    y = 3 * x[:, 0] + 1 * x[:, 1]
    shares = shapley_r2(x, y)
    assert shares[0] == pytest.approx(0.9)
    assert shares[1] == pytest.approx(0.1)


def test_key_drivers_ranks_the_strongest_driver_first_with_intervals():
    rng = np.random.default_rng(7)
    ease = rng.integers(1, 6, 400).astype(float)
    efficiency = rng.integers(1, 6, 400).astype(float)
    trust = 0.8 * ease + 0.2 * efficiency + rng.normal(0, 0.5, 400)
    analysis = key_drivers(
        outcome_name="trust",
        outcome=trust,
        drivers={"ease": ease, "efficiency": efficiency},
        bootstrap=50,
    )
    ease_result, efficiency_result = analysis.drivers
    assert ease_result.relative_importance > 0.8
    assert ease_result.low <= ease_result.relative_importance <= ease_result.high
    assert math.isclose(sum(d.relative_importance for d in analysis.drivers), 1.0)
    assert efficiency_result.performance == pytest.approx(efficiency.mean())


def test_key_drivers_needs_enough_answers():
    with pytest.raises(ValueError, match="need more than"):
        key_drivers(outcome_name="t", outcome=[1, 2], drivers={"a": [1, 2]})


def test_key_drivers_agree_with_shapley_over_statsmodels_fits():
    """Shapley shares recomputed from statsmodels' R² of every subset of three drivers."""
    from itertools import combinations

    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, size=(500, 3)).astype(float)
    y = x @ np.array([0.6, 0.3, 0.1]) + rng.normal(0, 0.7, 500)

    def r2(columns: tuple[int, ...]) -> float:
        if not columns:
            return 0.0
        return float(sm.OLS(y, sm.add_constant(x[:, list(columns)])).fit().rsquared)

    expected = []
    for j in range(3):
        others = [k for k in range(3) if k != j]
        share = 0.0
        for size in range(3):
            weight = math.factorial(size) * math.factorial(2 - size) / math.factorial(3)
            for subset in combinations(others, size):
                share += weight * (r2(tuple(sorted((*subset, j)))) - r2(subset))
        expected.append(share)
    analysis = key_drivers(
        outcome_name="trust",
        outcome=y,
        drivers={name: x[:, k] for k, name in enumerate(["ease", "speed", "staff"])},
        bootstrap=20,
    )
    assert analysis.r_squared == pytest.approx(r2((0, 1, 2)), abs=1e-12)
    shares = {d.name: d.share_of_r2 for d in analysis.drivers}
    assert [shares["ease"], shares["speed"], shares["staff"]] == pytest.approx(expected, abs=1e-12)
