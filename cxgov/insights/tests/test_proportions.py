"""Wilson intervals against values worked by hand."""

from __future__ import annotations

import pytest

from cxgov.insights.proportions import difference_p_value, wilson_interval


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # p = 0.8, z = 1.96: centre (0.8 + 0.19208) / 1.38415 = 0.71676,
        # half 1.95996 * sqrt(0.016 + 0.009604) / 1.38415 = 0.22657.
        (8, 10, 0.49016, 0.94333),
        (0, 10, 0.0, 0.27753),
        (10, 10, 0.72247, 1.0),
        (50, 100, 0.40383, 0.59617),
    ],
)
def test_wilson_interval_matches_hand_worked_values(
    successes: int, n: int, low: float, high: float
) -> None:
    result = wilson_interval(successes, n)
    assert result == pytest.approx((low, high), abs=1e-4)


def test_wilson_interval_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="positive"):
        wilson_interval(0, 0)


def test_difference_p_value_matches_hand_worked_value() -> None:
    # 60/100 vs 40/100: pooled 0.5, se sqrt(0.25 * 0.02) = 0.070711, z = 2.8284, p = 0.004678.
    assert difference_p_value(60, 100, 40, 100) == pytest.approx(0.004678, abs=1e-5)
    assert difference_p_value(0, 10, 0, 10) == 1.0
