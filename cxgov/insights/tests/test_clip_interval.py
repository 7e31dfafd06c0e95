"""An interval cut to its scale never leaves the scale and never turns inside out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cxgov.insights.estimates import Estimate, clip_interval

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(value=finite, low=finite, high=finite)
def test_a_clipped_interval_stays_on_the_scale(value: float, low: float, high: float) -> None:
    estimate = Estimate(value=value, low=min(low, high), high=max(low, high), n=9)
    clipped = clip_interval(estimate, 1, 5)
    assert clipped.low is not None and clipped.high is not None
    assert 1 <= clipped.low <= clipped.high <= 5
    assert clipped.value == value and clipped.n == 9


def test_an_interval_without_limits_keeps_none() -> None:
    estimate = Estimate(value=1.0, low=None, high=None, n=1)
    assert clip_interval(estimate, 0, 1) == estimate
