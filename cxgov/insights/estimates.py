"""Survey estimates with their uncertainty: means, A-11 scores, NPS, changes between periods.

Pure functions over counts or arrays. Every estimate returns its n and a 95% interval so a page
can show both, and `suppressed` says when a cell is too small to show at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from scipy import stats

from cxgov.insights.proportions import difference_p_value, wilson_interval

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


@lru_cache(maxsize=4096)
def t_quantile_95(degrees: int) -> float:
    """The 97.5% quantile of Student's t with `degrees` degrees of freedom (a two-sided 95%
    interval's multiplier), kept per n: scipy's costs about 0.1 ms a call."""
    return float(stats.t.ppf(0.975, degrees))


@dataclass(frozen=True)
class Estimate:
    """A value with its 95% interval and the number of answers behind it."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    suppressed: bool = False
    # The standard error of a mean (s/√n), so a comparison need not recover it from the interval.
    standard_error: float | None = None

    @classmethod
    def empty(cls, n: int = 0, *, suppressed: bool = False) -> Estimate:
        return cls(value=None, low=None, high=None, n=n, suppressed=suppressed)


def suppress(estimate: Estimate, *, min_n: int) -> Estimate:
    """Hide a cell whose n is below `min_n`, keeping only the fact that it was suppressed."""
    if estimate.n < min_n:
        return Estimate.empty(estimate.n, suppressed=True)
    return estimate


def mean_interval(values: Sequence[float] | np.ndarray) -> Estimate:
    """The mean with a Student t 95% interval."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    n = int(data.size)
    if n == 0:
        return Estimate.empty()
    mean = float(data.mean())
    if n == 1:
        return Estimate(value=mean, low=None, high=None, n=1)
    error = float(data.std(ddof=1) / math.sqrt(n))
    half = t_quantile_95(n - 1) * error
    return Estimate(value=mean, low=mean - half, high=mean + half, n=n, standard_error=error)


def median_interval(values: Sequence[float] | np.ndarray) -> Estimate:
    """The median with its distribution-free 95% interval from order statistics.

    The interval runs from the l-th to the (n - l + 1)-th smallest value, l the 2.5% quantile
    of Binomial(n, 1/2) (at least 1), so it covers the true median at least 95% of the time
    for n ≥ 6 whatever the distribution; smaller samples get the range of the data.
    """
    data = np.sort(np.asarray(values, dtype=float))
    data = data[~np.isnan(data)]
    n = int(data.size)
    if n == 0:
        return Estimate.empty()
    rank = max(1, int(stats.binom.ppf(0.025, n, 0.5)))
    return Estimate(
        value=float(np.median(data)),
        low=float(data[rank - 1]),
        high=float(data[n - rank]),
        n=n,
    )


def mean_interval_from_counts(counts: Mapping[int, int]) -> Estimate:
    """The mean of answers given as {value: count} (e.g. Likert 1-5) with a t interval."""
    n = sum(counts.values())
    if n == 0:
        return Estimate.empty()
    mean = sum(value * count for value, count in counts.items()) / n
    if n == 1:
        return Estimate(value=mean, low=None, high=None, n=1)
    variance = sum(count * (value - mean) ** 2 for value, count in counts.items()) / (n - 1)
    return mean_estimate(mean, variance, n)


def mean_estimate(mean: float, variance: float, n: int) -> Estimate:
    """A mean from its sample variance (n - 1 divisor) and n, with its Student t interval."""
    if n <= 0:
        return Estimate.empty()
    if n == 1:
        return Estimate(value=mean, low=None, high=None, n=1)
    error = math.sqrt(max(0.0, variance) / n)
    half = t_quantile_95(n - 1) * error
    return Estimate(value=mean, low=mean - half, high=mean + half, n=n, standard_error=error)


def clip_interval(estimate: Estimate, low: float, high: float) -> Estimate:
    """The estimate with its interval cut to the scale's ends: a mean of 0/1 answers has no
    lower limit below 0, however wide the t interval runs."""
    return replace(
        estimate,
        low=None if estimate.low is None else min(max(estimate.low, low), high),
        high=None if estimate.high is None else max(min(estimate.high, high), low),
    )


def point_scale(counts: Mapping[int, int]) -> Estimate:
    """OMB A-11's `point_scale`: the response-weighted mean on 1-5, Σ k·n_k / Σ n_k."""
    return mean_interval_from_counts({k: v for k, v in counts.items() if 1 <= k <= 5})


def wilson(successes: int, n: int) -> Estimate:
    """A proportion with its Wilson score 95% interval (good near 0 and 1 and for small n)."""
    if n <= 0:
        return Estimate.empty()
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} must be between 0 and n={n}")
    low, high = wilson_interval(successes, n)
    return Estimate(value=successes / n, low=low, high=high, n=n)


def wilson_shown(successes: int, n: int, *, min_n: int) -> Estimate:
    """`wilson`, or below `min_n` answers only the n, suppressed when there were any."""
    if n < min_n:
        return Estimate.empty(n, suppressed=n > 0)
    return wilson(successes, n)


def percent_agree(counts: Mapping[int, int]) -> Estimate:
    """Share answering 4 or 5 on a 1-5 agreement scale, with its Wilson interval."""
    n = sum(v for k, v in counts.items() if 1 <= k <= 5)
    agree = sum(v for k, v in counts.items() if k in (4, 5))
    return wilson(agree, n)


def nps(counts: Mapping[int, int]) -> Estimate:
    """Net Promoter Score (-100..100) from 0-10 answers, with a normal 95% interval.

    NPS = 100 (p_promoters - p_detractors); its variance is
    (p_p + p_d - (p_p - p_d)²) / n, the variance of a score of +1 / 0 / -1 per person.
    """
    n = sum(v for k, v in counts.items() if 0 <= k <= 10)
    if n == 0:
        return Estimate.empty()
    promoters = sum(v for k, v in counts.items() if k in (9, 10)) / n
    detractors = sum(v for k, v in counts.items() if 0 <= k <= 6) / n
    score = promoters - detractors
    half = Z_95 * math.sqrt(max(0.0, promoters + detractors - score**2) / n)
    return Estimate(
        value=100 * score,
        low=100 * max(-1.0, score - half),
        high=100 * min(1.0, score + half),
        n=n,
    )


@dataclass(frozen=True)
class Change:
    """The difference between two periods' proportions, and whether it is significant."""

    difference: float
    z: float
    p_value: float
    significant: bool


def proportion_change(
    successes_before: int, n_before: int, successes_after: int, n_after: int, *, alpha: float = 0.05
) -> Change | None:
    """Two-proportion z-test (pooled) of after - before; None when either period is empty."""
    if n_before <= 0 or n_after <= 0:
        return None
    difference = successes_after / n_after - successes_before / n_before
    p_value = difference_p_value(successes_after, n_after, successes_before, n_before)
    pooled = (successes_before + successes_after) / (n_before + n_after)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    z = difference / se if se else 0.0
    return Change(difference=difference, z=z, p_value=p_value, significant=p_value < alpha)


def change_shown(
    before: tuple[int, int] | None, after: tuple[int, int] | None, *, min_n: int
) -> Change | None:
    """`proportion_change` between two (successes, n) counts when both are shown: None when
    either is missing or has fewer than `min_n` answers."""
    if before is None or after is None or before[1] < min_n or after[1] < min_n:
        return None
    return proportion_change(before[0], before[1], after[0], after[1])


def mean_error(estimate: Estimate) -> float | None:
    """A mean's standard error: as given, or recovered from its t interval (half / t)."""
    if estimate.standard_error is not None:
        return estimate.standard_error
    if estimate.value is None or estimate.low is None or estimate.n < 2:
        return None
    return (estimate.value - estimate.low) / t_quantile_95(estimate.n - 1)


def mean_change(before: Estimate, after: Estimate, *, alpha: float = 0.05) -> Change | None:
    """Welch's t-test of after - before from the two means, their standard errors and n.

    t = d / √(se₁² + se₂²) with the Welch-Satterthwaite degrees of freedom
    (se₁² + se₂²)² / (se₁⁴/(n₁ - 1) + se₂⁴/(n₂ - 1)), as `scipy.stats.ttest_ind(...,
    equal_var=False)` computes from the raw answers. Needs n ≥ 2 on both sides.
    """
    se1, se2 = mean_error(before), mean_error(after)
    if before.value is None or after.value is None or se1 is None or se2 is None:
        return None
    difference = after.value - before.value
    variance = se1**2 + se2**2
    if variance == 0:
        return Change(difference=difference, z=0.0, p_value=1.0, significant=False)
    t = difference / math.sqrt(variance)
    df = variance**2 / (se1**4 / (before.n - 1) + se2**4 / (after.n - 1))
    p_value = float(2 * stats.t.sf(abs(t), df))
    return Change(difference=difference, z=t, p_value=p_value, significant=p_value < alpha)


# --- several flags on one page -------------------------------------------------------------


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order given.

    q_(i) = min over j ≥ i of p_(j) · m / j for the sorted p-values, capped at 1; the same as
    `scipy.stats.false_discovery_control(p, method="bh")`. A flag whose q is below α keeps
    the expected share of false flags among all flags at α or under.
    """
    m = len(p_values)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = min(1.0, running)
    return adjusted


def significant_changes(
    changes: Sequence[Change | None],
    *,
    minimum_effect: float | Sequence[float],
    alpha: float = 0.05,
) -> list[bool]:
    """Which of a page's changes to flag: BH-adjusted p below α and |difference| ≥ the minimum.

    `minimum_effect` is on the changes' own scale (0.02 for 2 points of a share, 0.2 for a
    fifth of a point of a mean): one for every change, or one per change in the same order
    (changes of several agencies, each with its own minimum). Missing changes are never
    flagged and do not count in m.
    """
    if isinstance(minimum_effect, int | float):
        minimums = [float(minimum_effect)] * len(changes)
    else:
        minimums = [float(m) for m in minimum_effect]
        if len(minimums) != len(changes):
            raise ValueError(f"{len(minimums)} minimums for {len(changes)} changes")
    present = [(i, change) for i, change in enumerate(changes) if change is not None]
    adjusted = benjamini_hochberg([change.p_value for _i, change in present])
    flags = [False] * len(changes)
    tolerance = 1e-9  # a difference of exactly the minimum is not lost to float error
    for (i, change), q in zip(present, adjusted, strict=True):
        flags[i] = q < alpha and abs(change.difference) >= minimums[i] - tolerance
    return flags
