"""ACSI-style index, scale conversions, gaps with intervals and comparability checks.

Pure functions (no Django): the benchmarks app feeds them plain numbers and strings.

The ACSI-style index of a set of answers to the three ACSI items (overall satisfaction,
expectations met, comparison with an ideal), each on a 1-10 scale:

    item mean  m_i = mean of item i's valid answers (1 <= answer <= 10; 98, 99 and anything
                     else out of range are excluded for that item only)
    weighted   x   = sum(w_i * m_i) / sum(w_i)      (weights equal unless given; normalised)
    index          = (x - 1) / 9 * 100               (1 -> 0, 10 -> 100)

This reproduces the published ACSI *scale*, not its latent-variable model: the ACSI itself
estimates item weights with PLS across its whole sample, so a figure from this formula is an
"ACSI-style" index and comparable to published ACSI scores only approximately.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cxgov.insights.proportions import difference_interval, wilson_interval

MISSING_CODES = frozenset({98, 99})
ITEM_COUNT = 3
Z_95 = 1.959963984540054

# Metrics whose values are percentages of respondents: their SE can come from n and p.
PROPORTION_METRICS = frozenset({"percent_satisfied", "percent_agree", "standard_attainment"})
# Metrics defined by a fixed published instrument: the metric itself fixes the wording.
FIXED_WORDING_METRICS = frozenset({"acsi_index", "nps"})


@dataclass(frozen=True)
class IndexResult:
    """An index with the respondents behind it and its standard error (None if under 2)."""

    value: float | None
    n: int
    standard_error: float | None
    item_means: tuple[float | None, ...]
    item_counts: tuple[int, ...]


def _weights(weights: Sequence[float] | None) -> np.ndarray:
    if weights is None:
        return np.full(ITEM_COUNT, 1.0 / ITEM_COUNT)
    array = np.asarray(weights, dtype=float)
    if array.shape != (ITEM_COUNT,) or not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError("give three weights, none negative")
    total = float(array.sum())
    if total <= 0:
        raise ValueError("at least one weight must be above zero")
    return array / total


def acsi_index(
    answers: Sequence[Sequence[float | None]], *, weights: Sequence[float] | None = None
) -> IndexResult:
    """The ACSI-style 0-100 index of rows of three 1-10 answers (see the module docstring).

    Each row is one respondent's answers to the three items in order. Missing codes (98, 99),
    None, NaN and out-of-range answers are excluded per item. Weights are normalised to sum
    to one; equal by default. n counts respondents with at least one valid answer. The
    standard error is that of the mean of the per-respondent index over respondents who
    answered all three items validly.
    """
    w = _weights(weights)
    matrix = _answer_matrix(answers)
    # 98 and 99 are above 10, so the range check excludes the missing codes too.
    valid = np.isfinite(matrix) & (matrix >= 1) & (matrix <= 10)
    n = int(valid.any(axis=1).sum())
    counts = tuple(int(c) for c in valid.sum(axis=0))
    means = tuple(
        float(matrix[valid[:, i], i].mean()) if counts[i] else None for i in range(ITEM_COUNT)
    )
    used = [(weight, mean) for weight, mean in zip(w, means, strict=True) if weight > 0]
    if not used or any(mean is None for _, mean in used):
        return IndexResult(None, n, None, means, counts)
    x = sum(weight * mean for weight, mean in used if mean is not None) / sum(
        weight for weight, _ in used
    )
    complete = matrix[valid.all(axis=1)]
    scores = (complete @ w - 1) / 9 * 100
    standard_error = (
        float(np.std(scores, ddof=1) / math.sqrt(len(scores))) if len(scores) >= 2 else None
    )
    return IndexResult((x - 1) / 9 * 100, n, standard_error, means, counts)


def _answer_matrix(answers: Sequence[Sequence[float | None]]) -> np.ndarray:
    """Rows x 3 floats; anything that is not a number becomes NaN."""
    if len(answers) == 0:
        return np.empty((0, ITEM_COUNT))
    try:
        matrix = np.asarray(answers, dtype=float)
        if matrix.ndim == 2 and matrix.shape[1] == ITEM_COUNT:
            return matrix
    except (TypeError, ValueError):
        pass
    # Ragged rows or non-numbers: clean each answer (the slow path).
    return np.array(
        [
            [_number(row[i]) if i < len(row) else math.nan for i in range(ITEM_COUNT)]
            for row in answers
        ],
        dtype=float,
    ).reshape(-1, ITEM_COUNT)


def _number(answer: object) -> float:
    if answer is None or isinstance(answer, bool):
        return math.nan
    try:
        return float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return math.nan


# --- scale conversions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    """An explicit, documented change of scale; `approximate` is shown wherever it is used."""

    from_scale: str
    to_scale: str
    formula: str
    approximate: bool
    factor: float
    offset: float

    def apply(self, value: float) -> float:
        return (value + self.offset) * self.factor

    def apply_error(self, standard_error: float) -> float:
        return abs(self.factor) * standard_error


# Linear maps of a k-point mean onto 0-100: (m - 1) / (k - 1) * 100. They are approximate:
# equal-interval scales are assumed, and a rescaled mean is not the same survey measure.
CONVERSIONS: tuple[Conversion, ...] = (
    Conversion("1-5", "0-100", "(m - 1) / 4 x 100", True, 25.0, -1.0),
    Conversion("1-7", "0-100", "(m - 1) / 6 x 100", True, 100 / 6, -1.0),
    Conversion("1-10", "0-100", "(m - 1) / 9 x 100", True, 100 / 9, -1.0),
    Conversion("proportion", "percent", "p x 100", False, 100.0, 0.0),
    Conversion("percent", "proportion", "p / 100", False, 0.01, 0.0),
)


def conversion_for(from_scale: str, to_scale: str) -> Conversion | None:
    """The documented conversion between two scales, or None if there is none."""
    for conversion in CONVERSIONS:
        if conversion.from_scale == from_scale and conversion.to_scale == to_scale:
            return conversion
    return None


def convert(value: float, *, from_scale: str, to_scale: str) -> tuple[float, Conversion]:
    """A value moved to another scale, with the conversion used (raises if there is none)."""
    conversion = conversion_for(from_scale, to_scale)
    if conversion is None:
        raise ValueError(f"no documented conversion from {from_scale} to {to_scale}")
    return conversion.apply(value), conversion


# --- comparability --------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparableMeasure:
    """A value with what it takes to compare it: metric, scale, wording, n, standard error.

    The shape every own-measure provider returns and every benchmark is turned into.
    `proportion_based` values may have their standard error computed from n and the value.
    """

    metric: str
    scale: str
    wording: str
    period: str
    value: float
    label: str
    n: int | None = None
    standard_error: float | None = None
    source: str = ""
    approximate: bool = False

    def error(self) -> float | None:
        """The standard error, or one from n and the proportion for percentage metrics."""
        if self.standard_error is not None:
            return self.standard_error
        if self.n and self.n > 0 and self.metric in PROPORTION_METRICS:
            if self.scale == "percent":
                p = self.value / 100
                return 100 * math.sqrt(max(p * (1 - p), 0.0) / self.n)
            if self.scale == "proportion":
                return math.sqrt(max(self.value * (1 - self.value), 0.0) / self.n)
        return None

    def interval(self) -> tuple[float, float] | None:
        """The 95% interval on the measure's own scale, or None when nothing gives one.

        A percentage metric with n and no stated error gets its Wilson score interval, which
        stays honest at 0% and 100% where p(1-p)/n is zero; a stated standard error gives
        value ± 1.96·se (as published).
        """
        if (
            self.standard_error is None
            and self.n
            and self.n > 0
            and self.metric in PROPORTION_METRICS
            and self.scale in ("percent", "proportion")
        ):
            unit = 100.0 if self.scale == "percent" else 1.0
            share = min(max(self.value / unit, 0.0), 1.0)
            low, high = wilson_interval(share * self.n, self.n)
            return unit * low, unit * high
        if self.standard_error is not None:
            return self.value - Z_95 * self.standard_error, self.value + Z_95 * self.standard_error
        return None


@dataclass(frozen=True)
class Comparability:
    """Whether two measures may be compared, why not if not, and the conversion if one applies."""

    comparable: bool
    reason: str
    conversion: Conversion | None = None
    # A stable code for pages to translate the reason: same, conversion, metric,
    # wording_missing, wording, scale.
    code: str = "same"


_WORDS = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=4096)
def wording_key(wording: str) -> str:
    """Wording reduced to its words: case, punctuation and spacing do not matter (kept per
    wording: a comparison page asks for the same few thousands of times)."""
    return " ".join(_WORDS.sub(" ", wording.casefold()).split())


def comparability(own: ComparableMeasure, benchmark: ComparableMeasure) -> Comparability:
    """May `own` be set beside `benchmark`? Refuses different metrics, wordings or scales.

    Scales may differ only when a documented conversion takes the benchmark's scale to the
    own measure's (or the reverse); that conversion is returned and must be labelled
    approximate if it is. For metrics defined by a fixed instrument (ACSI index, NPS) the
    metric fixes the wording; for every other metric both wordings must be recorded and agree.
    """
    if own.metric != benchmark.metric:
        return Comparability(
            False,
            f"different metrics ({own.metric} and {benchmark.metric}) are not comparable",
            code="metric",
        )
    if own.metric not in FIXED_WORDING_METRICS:
        if not own.wording.strip() or not benchmark.wording.strip():
            return Comparability(
                False,
                "the question wording of one side is not recorded, so it cannot be checked",
                code="wording_missing",
            )
        if wording_key(own.wording) != wording_key(benchmark.wording):
            return Comparability(False, "the questions are worded differently", code="wording")
    if own.scale == benchmark.scale:
        return Comparability(True, "same metric, scale and wording")
    conversion = conversion_for(benchmark.scale, own.scale) or conversion_for(
        own.scale, benchmark.scale
    )
    if conversion is None:
        return Comparability(
            False,
            f"different scales ({own.scale} and {benchmark.scale}) and no documented conversion",
            code="scale",
        )
    label = "approximate conversion" if conversion.approximate else "exact conversion"
    return Comparability(
        True, f"{label}: {conversion.from_scale} to {conversion.to_scale}", conversion, "conversion"
    )


def on_scale(measure: ComparableMeasure, scale: str) -> ComparableMeasure:
    """The measure moved onto `scale` through its documented conversion (itself if same)."""
    if measure.scale == scale:
        return measure
    value, conversion = convert(measure.value, from_scale=measure.scale, to_scale=scale)
    error = measure.error()
    return ComparableMeasure(
        metric=measure.metric,
        scale=scale,
        wording=measure.wording,
        period=measure.period,
        value=value,
        label=measure.label,
        n=measure.n,
        standard_error=conversion.apply_error(error) if error is not None else None,
        source=measure.source,
        approximate=measure.approximate or conversion.approximate,
    )


# --- gaps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """own - benchmark, with a 95% interval and a verdict when both errors are known."""

    difference: float
    low: float | None
    high: float | None
    verdict: str  # "higher", "lower", "no significant difference" or "unknown"

    @property
    def significant(self) -> bool:
        return self.verdict in {"higher", "lower"}


def gap(
    own_value: float,
    benchmark_value: float,
    *,
    own_error: float | None,
    benchmark_error: float | None,
) -> Gap:
    """The difference of two independent estimates with a normal 95% interval.

    With either standard error unknown the interval is None and the verdict "unknown": a gap
    without its uncertainty is shown as a number, never called a significant difference.
    A published figure with no error stated is treated as unknown, not as exact.
    """
    difference = own_value - benchmark_value
    if own_error is None or benchmark_error is None:
        return Gap(difference, None, None, "unknown")
    combined = math.sqrt(own_error**2 + benchmark_error**2)
    low, high = difference - Z_95 * combined, difference + Z_95 * combined
    return Gap(difference, low, high, _verdict(low, high))


def measure_gap(
    own: ComparableMeasure, benchmark: ComparableMeasure
) -> tuple[Comparability, Gap | None]:
    """Check comparability, convert onto the own scale if allowed, and take the gap.

    The gap's interval is Newcombe's hybrid: each side's own interval (Wilson for percentages
    with n, value ± 1.96·se for a stated error) combined as in
    `insights.proportions.difference_interval`. With two normal intervals that is the usual
    d ± 1.96·√(se₁² + se₂²); with a percentage it never calls 8 of 8 "higher" than 90%.
    """
    check = comparability(own, benchmark)
    if not check.comparable:
        return check, None
    own_interval, benchmark_interval = own.interval(), benchmark.interval()
    own_value, benchmark_value = own.value, benchmark.value
    if benchmark.scale != own.scale:
        forward = conversion_for(benchmark.scale, own.scale)
        if forward is not None:
            benchmark_value = forward.apply(benchmark.value)
            benchmark_interval = _converted(benchmark_interval, forward)
        else:
            backward = on_scale_conversion(own.scale, benchmark.scale)
            own_value = backward.apply(own.value)
            own_interval = _converted(own_interval, backward)
    difference = own_value - benchmark_value
    if own_interval is None or benchmark_interval is None:
        return check, Gap(difference, None, None, "unknown")
    low, high = difference_interval(own_value, own_interval, benchmark_value, benchmark_interval)
    return check, Gap(difference, low, high, _verdict(low, high))


def on_scale_conversion(from_scale: str, to_scale: str) -> Conversion:
    """The conversion `comparability` found, raising if there is none."""
    conversion = conversion_for(from_scale, to_scale)
    if conversion is None:
        raise ValueError(f"no documented conversion from {from_scale} to {to_scale}")
    return conversion


def _converted(
    interval: tuple[float, float] | None, conversion: Conversion
) -> tuple[float, float] | None:
    if interval is None:
        return None
    ends = sorted((conversion.apply(interval[0]), conversion.apply(interval[1])))
    return ends[0], ends[1]


def _verdict(low: float, high: float) -> str:
    if low > 0:
        return "higher"
    if high < 0:
        return "lower"
    return "no significant difference"
