"""The one definition of every measure cxgov publishes. Pure (no Django).

A measure is defined once here with its scale, the answers that count as positive, its
estimator, its interval and the precision it is published to. Survey results, satisfaction
standards, benchmarks, reports, the A-11 export and the API all ask this registry, so the
same answers give the same number on every page:

| key | scales | estimator | interval |
|---|---|---|---|
| `top_2_box` (A-11 percent agree) | agreement 1-5 | share answering 4 or 5 | Wilson |
| `percent_positive` | two-way (thumbs, yes/no) | share answering 1 | Wilson |
| `satisfied_8_10` | ratings 0-10 and 1-10 | share answering 8, 9 or 10 | Wilson |
| `mean` | any numeric scale | mean of the answers | Student t |
| `point_scale` (A-11) | agreement 1-5 | Σ k·n_k / Σ n_k | Student t |
| `share_timely` | met / not met | share closed in time | Wilson |
| `share_within_target` | met / not met | share within the standard's target | Wilson |
| `share_choosing` | chosen / not chosen | share of respondents choosing an option | Wilson |
| `median_days` | days (any) | median days to respond | order statistics |
| `elapsed_median` | elapsed time (standard's unit) | exact median of closed events | none |
| `elapsed_p90` | elapsed time (standard's unit) | exact 90th percentile of closed events | none |

Quantiles of elapsed time (a standard's "median time" and "90% done within") have one
definition, `QUANTILE_METHOD`: Hyndman & Fan type 7, R's default `quantile(type = 7)`, numpy's
`quantile(method="linear")` and Python's `statistics.quantiles(method="inclusive")`. Of n sorted
values x[0..n-1] the p quantile is x[j] + g·(x[j+1] - x[j]) with h = (n - 1)·p, j = ⌊h⌋,
g = h - j: the median of an even count is the mean of the middle two. `quantile_ranks` gives
the two order statistics and the weight, so a caller can fetch just those two values (in SQL)
instead of every value, and `quantile_between` combines them.

Weighted to population margins (decision 0040), each share and mean measure is estimated by
`Measure.estimate_weighted` (and by domain, `estimate_domains`) with the same scale and
positive answers: the weighted figure, its design effect, effective n and interval on it.

"Percent positive" on a results page is `positive_measure(scale)`: top-2-box on 1-5, thumbs
up or yes on two-way questions, satisfied (8-10) on 0-10 and 1-10 ratings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np

from cxgov.insights.estimates import (
    Estimate,
    mean_estimate,
    median_interval,
    wilson,
    wilson_shown,
)
from cxgov.insights.proportions import wilson_interval
from cxgov.insights.weighting import (
    WeightedEstimate,
    Weights,
    domain_estimates,
    weighted_estimate,
)


@dataclass(frozen=True)
class Scale:
    """The values an answer can take: whole numbers from `low` to `high`."""

    key: str
    low: int
    high: int

    def valid(self, counts: Mapping[int, int]) -> dict[int, int]:
        """The counts of values on the scale (anything else, e.g. 98 "don't know", dropped)."""
        return {k: int(v) for k, v in counts.items() if self.low <= k <= self.high and v}


AGREEMENT_1_5 = Scale("agreement_1_5", 1, 5)
TWO_WAY = Scale("two_way", 0, 1)
RATING_0_10 = Scale("rating_0_10", 0, 10)
RATING_1_10 = Scale("rating_1_10", 1, 10)
# Events or cases, each met (1) or not (0).
MET_OR_NOT = Scale("met_or_not", 0, 1)
# One option of a choose-any question, chosen (1) or not (0) by each respondent.
CHOSEN_OR_NOT = Scale("chosen_or_not", 0, 1)
SCALES = {
    s.key: s for s in (AGREEMENT_1_5, TWO_WAY, RATING_0_10, RATING_1_10, MET_OR_NOT, CHOSEN_OR_NOT)
}

SHARE = "share"
MEAN = "mean"
MEDIAN = "median"


@dataclass(frozen=True)
class Measure:
    """One measure: what it counts, on which scales, how it is estimated and published.

    `places` is the publisher's precision: decimals of a percentage for shares, of the mean
    for means; published figures are rounded half up (`publish`).
    """

    key: str
    name: str
    scales: tuple[Scale, ...]
    estimator: str  # SHARE, MEAN or MEDIAN
    interval: str  # "wilson", "t" or "order" (order statistics)
    positive: frozenset[int] = frozenset()
    places: int = 1

    def counts_on(self, counts: Mapping[int, int], scale: Scale) -> dict[int, int]:
        if scale not in self.scales and self.scales:
            raise ValueError(f"{self.key} is not defined on the {scale.key} scale")
        return scale.valid(counts)

    def successes(self, counts: Mapping[int, int], scale: Scale) -> tuple[int, int]:
        """(positive answers, valid answers) of a share measure."""
        valid = self.counts_on(counts, scale)
        return sum(v for k, v in valid.items() if k in self.positive), sum(valid.values())

    def exact(self, counts: Mapping[int, int], scale: Scale) -> Fraction | None:
        """The figure as an exact fraction (a share 0-1, or a mean), None with no answers."""
        valid = self.counts_on(counts, scale)
        n = sum(valid.values())
        if n == 0:
            return None
        if self.estimator == SHARE:
            return Fraction(sum(v for k, v in valid.items() if k in self.positive), n)
        return Fraction(sum(k * v for k, v in valid.items()), n)

    def estimate(self, counts: Mapping[int, int], scale: Scale) -> Estimate:
        """The figure with its 95% interval and n (Wilson for shares, Student t for means)."""
        valid = self.counts_on(counts, scale)
        if self.estimator == SHARE:
            return wilson(*self.successes(valid, scale))
        n = sum(valid.values())
        if n == 0:
            return Estimate.empty()
        mean = sum(k * v for k, v in valid.items()) / n
        variance = sum(v * (k - mean) ** 2 for k, v in valid.items()) / (n - 1) if n > 1 else 0.0
        return mean_estimate(mean, variance, n)

    def estimate_share(self, successes: int, n: int, *, min_n: int = 0) -> Estimate:
        """A share measure from counts already made (events met, complaints closed in time);
        below `min_n` answers only its n, suppressed when there were any."""
        if self.estimator != SHARE:
            raise ValueError(f"{self.key} is not a share")
        return wilson_shown(successes, n, min_n=min_n)

    def estimate_median(self, values: Sequence[float]) -> Estimate:
        """A median measure from the values themselves, with its order-statistic interval."""
        if self.estimator != MEDIAN:
            raise ValueError(f"{self.key} is not a median")
        return median_interval(values)

    def respondent_values(self, answers: Sequence[float] | np.ndarray, scale: Scale) -> np.ndarray:
        """Each respondent's number for this measure: for a share 1 when the answer is
        positive and 0 when it is another answer on the scale; for a mean the answer; NaN
        without an answer on the scale (so it is left out, as R's `na.rm = TRUE`)."""
        if self.estimator == MEDIAN:
            raise ValueError(f"{self.key} has no weighted estimate")
        if scale not in self.scales and self.scales:
            raise ValueError(f"{self.key} is not defined on the {scale.key} scale")
        values = np.asarray(answers, dtype=float)
        valid = (values >= scale.low) & (values <= scale.high) & (values == np.round(values))
        if self.estimator == SHARE:
            numbers = np.isin(values, sorted(self.positive)).astype(float)
        else:
            numbers = values.copy()
        numbers[~valid] = np.nan
        return numbers

    def estimate_weighted(
        self,
        answers: Sequence[float] | np.ndarray,
        weights: np.ndarray | Weights,
        scale: Scale,
        *,
        domain: np.ndarray | None = None,
    ) -> WeightedEstimate:
        """The measure over weighted respondents (`weighting.weighted_estimate`): its value,
        linearisation standard error, Kish design effect, effective n and the interval on it
        (Wilson for a share, Student t for a mean). With equal weights the value and interval
        are the unweighted ones."""
        return weighted_estimate(
            self.respondent_values(answers, scale),
            weights,
            share=self.estimator == SHARE,
            domain=domain,
        )

    def estimate_domains(
        self,
        answers: Sequence[float] | np.ndarray,
        weights: np.ndarray | Weights,
        scale: Scale,
        domains: Sequence[str],
    ) -> dict[str, WeightedEstimate]:
        """The measure in each domain (subgroup) as R's `svyby` computes it."""
        return domain_estimates(
            self.respondent_values(answers, scale),
            weights,
            domains,
            share=self.estimator == SHARE,
        )

    def publish(self, value: float | Fraction | None) -> Decimal | None:
        """The figure as published: percent for shares, rounded half up to `places`."""
        if value is None:
            return None
        return round_half_up(value * 100 if self.estimator == SHARE else value, self.places)


TOP_2_BOX = Measure(
    "top_2_box",
    "Top-2-box (A-11 percent agree): 4 or 5 on 1-5",
    (AGREEMENT_1_5,),
    SHARE,
    "wilson",
    frozenset({4, 5}),
)
PERCENT_POSITIVE = Measure(
    "percent_positive",
    "Percent positive: thumbs up or yes",
    (TWO_WAY,),
    SHARE,
    "wilson",
    frozenset({1}),
)
SATISFIED_8_10 = Measure(
    "satisfied_8_10",
    "Satisfied: 8, 9 or 10 on a 0-10 or 1-10 rating",
    (RATING_0_10, RATING_1_10),
    SHARE,
    "wilson",
    frozenset({8, 9, 10}),
)
MEAN_SCORE = Measure(
    "mean",
    "Mean of the answers",
    (AGREEMENT_1_5, TWO_WAY, RATING_0_10, RATING_1_10),
    MEAN,
    "t",
    places=2,
)
POINT_SCALE = Measure(
    "point_scale", "A-11 point scale: mean on 1-5", (AGREEMENT_1_5,), MEAN, "t", places=2
)
SHARE_TIMELY = Measure(
    "share_timely", "Share closed in time", (MET_OR_NOT,), SHARE, "wilson", frozenset({1})
)
SHARE_WITHIN_TARGET = Measure(
    "share_within_target",
    "Share within the standard's target",
    (MET_OR_NOT,),
    SHARE,
    "wilson",
    frozenset({1}),
)
SHARE_CHOOSING = Measure(
    "share_choosing",
    "Share of respondents choosing an option (A-11 v2 what went well or not)",
    (CHOSEN_OR_NOT,),
    SHARE,
    "wilson",
    frozenset({1}),
)
MEDIAN_DAYS = Measure(
    "median_days", "Median days to respond (complaints)", (), MEDIAN, "order", places=1
)


# --- quantiles of elapsed time ----------------------------------------------------------------

QUANTILE_METHOD = "linear"  # Hyndman & Fan type 7: R's default, numpy's "linear"


@dataclass(frozen=True)
class Quantile:
    """A published quantile of the elapsed time of a standard's closed events."""

    key: str
    name: str
    share: float


ELAPSED_MEDIAN = Quantile("elapsed_median", "Median elapsed time", 0.5)
ELAPSED_P90 = Quantile("elapsed_p90", "90th percentile of elapsed time", 0.9)
QUANTILES: dict[str, Quantile] = {q.key: q for q in (ELAPSED_MEDIAN, ELAPSED_P90)}


def quantile_ranks(n: int, share: float) -> tuple[int, int, float]:
    """(j, k, g): the p quantile of n sorted values x is x[j] + g·(x[k] - x[j]) (0-based).

    Type 7 (`QUANTILE_METHOD`); k is j + 1, or j itself at the top or when g is 0, so only the
    order statistics that matter are asked for.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= share <= 1:
        raise ValueError("the share must be between 0 and 1")
    # Exact arithmetic on the rank: (n - 1) · 0.9 in floats can land a hair below a whole
    # number and pick the wrong order statistic.
    rank = Fraction(n - 1) * Fraction(str(share))
    lower = int(rank)
    fraction = float(rank - lower)
    upper = lower + 1 if fraction > 0 and lower + 1 < n else lower
    return lower, upper, fraction


def quantile_between(low: float, high: float, fraction: float) -> float:
    """Type 7 interpolation between the j-th and k-th order statistics (`quantile_ranks`)."""
    if fraction == 0 or low == high:
        return float(low)
    return float(low + fraction * (high - low))


def quantile_of(values: Sequence[float] | np.ndarray, share: float) -> float | None:
    """The type 7 quantile of values in memory (None when there are none)."""
    data = np.sort(np.asarray(values, dtype=np.float64))
    if data.size == 0:
        return None
    lower, upper, fraction = quantile_ranks(int(data.size), share)
    return quantile_between(float(data[lower]), float(data[upper]), fraction)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        TOP_2_BOX,
        PERCENT_POSITIVE,
        SATISFIED_8_10,
        MEAN_SCORE,
        POINT_SCALE,
        SHARE_TIMELY,
        SHARE_WITHIN_TARGET,
        SHARE_CHOOSING,
        MEDIAN_DAYS,
    )
}
# "Percent positive" of a question, by its scale: the one definition every page uses.
POSITIVE_MEASURE: dict[str, Measure] = {
    AGREEMENT_1_5.key: TOP_2_BOX,
    TWO_WAY.key: PERCENT_POSITIVE,
    RATING_0_10.key: SATISFIED_8_10,
    RATING_1_10.key: SATISFIED_8_10,
}


def measure(key: str) -> Measure:
    """The measure called `key` (ValueError naming the known keys otherwise)."""
    try:
        return MEASURES[key]
    except KeyError:
        raise ValueError(f"unknown measure {key!r}; known: {', '.join(MEASURES)}") from None


def positive_measure(scale: Scale | str) -> Measure:
    """The share that counts as "positive" on a scale."""
    return POSITIVE_MEASURE[scale if isinstance(scale, str) else scale.key]


def positive_values(scale: Scale | str) -> frozenset[int]:
    """The answers that count as positive on a scale."""
    return positive_measure(scale).positive


# --- publishing ------------------------------------------------------------------------------


def round_half_up(value: float | Fraction | Decimal, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, as publishers round.

    A float is taken at its shortest decimal form (354/80 → 4.425 → 4.43, where Python's
    `round` gives 4.42 because the float is 4.42499…); a Fraction is divided exactly.
    """
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 50
            decimal = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, Decimal):
        decimal = value
    else:
        decimal = Decimal(repr(float(value)))
    return decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- target decisions ------------------------------------------------------------------------

MET = "met"
NOT_MET = "not_met"
UNCLEAR = "unclear"


def target_decision(successes: int, n: int, target: float) -> str:
    """Is a share's target met, judged by its Wilson 95% interval rather than the point alone?

    "met" when the interval lies at or above the target, "not_met" when it lies below, and
    "unclear" when the target is inside the interval. A target of 100% is met only by a
    perfect record, which no interval can show.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    low, high = wilson_interval(successes, n)
    if target >= 1:
        return MET if successes == n else NOT_MET
    if low >= target:
        return MET
    if high < target:
        return NOT_MET
    return UNCLEAR


def minimum_effect(points: float, *, scale: Scale | None, share: bool) -> float:
    """An agency's smallest change worth flagging, on the scale the change is measured in.

    `points` are percentage points: a share moves by points / 100; a mean of a fixed scale by
    the same share of its range (2 points is 0.08 on 1-5, 0.18 on 1-10). A mean without a
    fixed scale (a number question) has no minimum.
    """
    if share:
        return points / 100
    if scale is None:
        return 0.0
    return points / 100 * (scale.high - scale.low)
