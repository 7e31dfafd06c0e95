"""Proportions with honest uncertainty. Pure functions (no Django)."""

from __future__ import annotations

import math
from functools import cache

from scipy.stats import norm


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `n` (both ends within 0 and 1).

    `successes` may be fractional (a published percentage times its n), and so may `n` (a
    weighted share on its effective n).

    Wilson rather than the normal approximation because it stays sensible near 0%, near 100%
    and for small n, which is where service standards often sit.
    """
    if n <= 0:
        raise ValueError("n must be positive.")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n.")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1.")
    z = normal_quantile(0.5 + confidence / 2)
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@cache
def normal_quantile(probability: float) -> float:
    """The standard normal quantile, kept per probability: scipy's costs about 0.1 ms a call,
    and a page of figures asks the same few thousands of times."""
    return float(norm.ppf(probability))


def difference_p_value(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test that two shares are equal."""
    if n_a <= 0 or n_b <= 0:
        raise ValueError("Both n must be positive.")
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance == 0:
        return 1.0
    z = (successes_a / n_a - successes_b / n_b) / math.sqrt(variance)
    return float(2 * norm.sf(abs(z)))


def difference_interval(
    value_a: float,
    interval_a: tuple[float, float],
    value_b: float,
    interval_b: tuple[float, float],
) -> tuple[float, float]:
    """An interval for a - b from each side's own interval (Newcombe's hybrid, or MOVER).

    low  = (a - b) - sqrt((a - low_a)² + (high_b - b)²)
    high = (a - b) + sqrt((high_a - a)² + (b - low_b)²)

    With Wilson intervals on both sides this is Newcombe's (1998) method 10, the hybrid score
    interval; a side known only by a value and standard error brings its normal interval.
    Unlike a Wald interval it does not collapse when a share is 0% or 100%.
    """
    difference = value_a - value_b
    low = difference - math.hypot(value_a - interval_a[0], interval_b[1] - value_b)
    high = difference + math.hypot(interval_a[1] - value_a, value_b - interval_b[0])
    return low, high


def newcombe_interval(
    successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_a - p_b (method 10: Wilson on each side)."""
    return difference_interval(
        successes_a / n_a,
        wilson_interval(successes_a, n_a, confidence),
        successes_b / n_b,
        wilson_interval(successes_b, n_b, confidence),
    )
