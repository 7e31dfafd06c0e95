"""Design-based estimates: raking to population margins, trimming, and weighted figures.

Pure functions over numpy arrays (no Django). They follow R's `survey` package (Lumley) so
that a figure here and the same call there agree (the golden tests check them to 1e-6):

- `rake_weights` is `rake()` (iterative post-stratification to each margin in turn, until
  the weighted cross-table of all the margins stops moving), then `trimWeights()` (weights
  above `trim` times the mean are cut to it, the excess spread evenly over the others);
- `weighted_estimate` is `svymean()` on a design with one stage and these weights: the
  ratio estimator Σwy / Σw and its linearisation (Taylor series) standard error; on a raked
  design the influence values are first made residuals of every margin, as `svyrecvar` does,
  so the standard error reflects the calibration;
- `domain_estimates` is `svyby(~y, ~domain, design, svymean)`: each domain a ratio over the
  whole sample (respondents outside the domain, or without an answer, count as zeros), not a
  subset analysed alone;
- beside each figure: Kish's design effect n Σw² / (Σw)² and effective n (Σw)² / Σw², and an
  interval on the effective n (Wilson for a share, Student t for a mean), which with equal
  weights is exactly the unweighted interval cxgov shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from cxgov.insights.proportions import wilson_interval

# Weights above this many times the mean weight are trimmed (a common cap: 5).
DEFAULT_TRIM = 5.0
MAX_ITERATIONS = 1000
# Raking stops when no cell of the margins' cross-table moves by more than this share of the
# population between two rounds.
TOLERANCE = 1e-12
# Raked weights must meet every margin to this share of the population.
MET = 1e-6
# Rounds of backfitting the influence values on the margins (`svyrecvar` does 10).
RESIDUAL_ROUNDS = 10

# Why a set of margins cannot weight the respondents (`WeightingError.code`).
NO_RESPONDENTS = "no_respondents"
UNKNOWN_CATEGORY = "unknown_category"
EMPTY_CATEGORY = "empty_category"
BAD_COUNT = "bad_count"
TOTALS_DIFFER = "totals_differ"
NOT_CONVERGED = "not_converged"


class WeightingError(ValueError):
    """Margins that cannot weight these respondents, with a `code` a page can explain."""

    def __init__(
        self, code: str, message: str, *, variable: str = "", categories: Sequence[str] = ()
    ):
        super().__init__(message)
        self.code = code
        self.variable = variable
        self.categories = tuple(categories)


@dataclass(frozen=True)
class Weights:
    """Respondent weights summing to the population, with how they were reached."""

    values: np.ndarray
    iterations: int
    trimmed: int
    # Each margin's category code per respondent, and the weights as raked (before trimming),
    # which calibrate the standard error as R keeps them in the raked design.
    codes: tuple[np.ndarray, ...]
    raked: np.ndarray

    @property
    def design_effect(self) -> float:
        return kish_design_effect(self.values)

    @property
    def effective_n(self) -> float:
        return effective_n(self.values)


def kish_design_effect(weights: np.ndarray) -> float:
    """Kish's design effect from unequal weights: n Σw² / (Σw)² (1 with equal weights)."""
    w = np.asarray(weights, dtype=float)
    return float(w.size * np.sum(w**2) / np.sum(w) ** 2)


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw²: n divided by the design effect."""
    w = np.asarray(weights, dtype=float)
    return float(np.sum(w) ** 2 / np.sum(w**2))


def margins_check(margins: Mapping[str, Mapping[str, float]]) -> float:
    """The population total all margins share; WeightingError when a count is not positive
    or two margins add up to different totals (no weights could meet both)."""
    totals: dict[str, float] = {}
    for variable, targets in margins.items():
        bad = [c for c, count in targets.items() if not (math.isfinite(count) and count > 0)]
        if bad:
            raise WeightingError(
                BAD_COUNT,
                f"{variable}: counts must be more than zero ({', '.join(map(str, bad))})",
                variable=variable,
                categories=bad,
            )
        totals[variable] = float(sum(targets.values()))
    if not totals:
        raise WeightingError(NO_RESPONDENTS, "no margins to weight to")
    first, total = next(iter(totals.items()))
    for variable, other in totals.items():
        if not math.isclose(other, total, rel_tol=1e-9):
            raise WeightingError(
                TOTALS_DIFFER,
                f"{variable} adds up to {other:g} but {first} to {total:g}",
                variable=variable,
            )
    return total


def rake_weights(
    categories: Mapping[str, Sequence[str]],
    margins: Mapping[str, Mapping[str, float]],
    *,
    trim: float | None = DEFAULT_TRIM,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> Weights:
    """Rake equal starting weights to population `margins` (counts), then trim them.

    `categories[variable][i]` is respondent i's category of a margin's variable;
    `margins[variable][category]` its population count. Every margin must add up to the same
    population, every respondent's category must have a count and every count a respondent;
    otherwise, or when raking does not converge (margins no weights can meet, such as a
    category whose respondents all fall in a category of another margin with a smaller
    count), WeightingError says which.
    """
    total = margins_check(margins)
    variables = list(margins)
    sizes = {len(categories[v]) for v in variables}
    n = sizes.pop() if len(sizes) == 1 else 0
    if n == 0 or sizes:
        raise WeightingError(NO_RESPONDENTS, "no respondents to weight")
    codes: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for variable in variables:
        labels = list(margins[variable])
        index = {label: i for i, label in enumerate(labels)}
        column = [str(c) for c in categories[variable]]
        unknown = sorted({c for c in column if c not in index})
        if unknown:
            raise WeightingError(
                UNKNOWN_CATEGORY,
                f"{variable}: respondents in categories without a count: {', '.join(unknown)}",
                variable=variable,
                categories=unknown,
            )
        code = np.array([index[c] for c in column])
        empty = [labels[i] for i in np.flatnonzero(np.bincount(code, minlength=len(labels)) == 0)]
        if empty:
            raise WeightingError(
                EMPTY_CATEGORY,
                f"{variable}: no respondents in {', '.join(empty)}",
                variable=variable,
                categories=empty,
            )
        codes.append(code)
        targets.append(np.array([margins[variable][label] for label in labels], dtype=float))
    cells = _cells(codes)
    weights = np.ones(n)
    before = np.bincount(cells, weights=weights)
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported in Weights
        for code, target in zip(codes, targets, strict=True):
            weights = weights * (target / np.bincount(code, weights=weights))[code]
        after = np.bincount(cells, weights=weights)
        if np.max(np.abs(after - before)) < tolerance * total:
            break
        before = after
    else:
        raise WeightingError(
            NOT_CONVERGED,
            f"raking did not converge after {max_iterations} rounds: the margins cannot all "
            "be met by these respondents",
        )
    for variable, code, target in zip(variables, codes, targets, strict=True):
        # A cycle (margins no weights can meet) stops moving too: the margins must be met.
        if np.max(np.abs(np.bincount(code, weights=weights) - target)) > MET * total:
            raise WeightingError(
                NOT_CONVERGED,
                f"raking cannot meet the margins: {variable} stays away from its counts",
                variable=variable,
            )
    final, trimmed = weights, 0
    if trim is not None:
        final, trimmed = trim_weights(weights, upper=trim * float(np.mean(weights)))
    return Weights(
        values=final, iterations=iteration, trimmed=trimmed, codes=tuple(codes), raked=weights
    )


def _cells(codes: Sequence[np.ndarray]) -> np.ndarray:
    """Each respondent's cell of the margins' cross-table, as one code."""
    cell = np.zeros(codes[0].size, dtype=np.int64)
    for code in codes:
        cell = cell * (int(code.max()) + 1) + code
    return np.unique(cell, return_inverse=True)[1]


def trim_weights(weights: np.ndarray, *, upper: float) -> tuple[np.ndarray, int]:
    """Weights above `upper` cut to it, the excess added evenly to the others (R's
    `trimWeights(design, upper)`), and how many were cut. The total is unchanged."""
    w = np.asarray(weights, dtype=float).copy()
    outside = w > upper
    if not outside.any() or outside.all():
        return w, 0
    excess = float(np.sum(w[outside] - upper))
    w[outside] = upper
    w[~outside] += excess / int(np.sum(~outside))
    return w, int(np.sum(outside))


@dataclass(frozen=True)
class WeightedEstimate:
    """A weighted share or mean with its standard error, Kish design effect, effective n and
    a 95% interval on the effective n. `n` counts the respondents behind it."""

    value: float | None
    standard_error: float | None
    low: float | None
    high: float | None
    n: int
    design_effect: float | None
    effective_n: float | None


EMPTY = WeightedEstimate(None, None, None, None, 0, None, None)


def weighted_estimate(
    values: np.ndarray,
    weights: np.ndarray | Weights,
    *,
    share: bool,
    domain: np.ndarray | None = None,
) -> WeightedEstimate:
    """`svymean(~y, design, na.rm=TRUE)` over the respondents in `domain` (all when None).

    `values` holds each respondent's number (for a share, 1 when positive and 0 when not),
    NaN without an answer. `weights` are plain weights, or the `Weights` of `rake_weights`,
    whose margins then calibrate the standard error.
    """
    w = weights.values if isinstance(weights, Weights) else np.asarray(weights, dtype=float)
    y = np.asarray(values, dtype=float)
    inside = ~np.isnan(y)
    if domain is not None:
        inside &= np.asarray(domain, dtype=bool)
    count = int(inside.sum())
    if count == 0:
        return EMPTY
    wd, yd = w[inside], y[inside]
    total = float(wd.sum())
    mean = float(np.sum(wd * yd) / total)
    influence = np.zeros(w.size)
    influence[inside] = wd * (yd - mean) / total
    if isinstance(weights, Weights):
        influence = _calibrated(influence, weights)
    n = w.size
    centred = influence - influence.mean()
    error = math.sqrt(float(np.sum(centred**2)) * n / (n - 1)) if n > 1 else None
    n_eff = effective_n(wd)
    low, high = _interval(mean, yd, wd, n_eff, share=share)
    return WeightedEstimate(
        value=mean,
        standard_error=error,
        low=low,
        high=high,
        n=count,
        design_effect=kish_design_effect(wd),
        effective_n=n_eff,
    )


def _calibrated(influence: np.ndarray, weights: Weights) -> np.ndarray:
    """Influence values made residuals of every raking margin, as R's `svyrecvar` backfits
    them (`x - w * ave(x / w, margin)`, ten rounds over the margins)."""
    w = weights.raked
    x = influence.copy()
    for _round in range(RESIDUAL_ROUNDS):
        for code in weights.codes:
            means = np.bincount(code, weights=x / w) / np.bincount(code)
            x = x - w * means[code]
    return x


def _interval(
    mean: float, y: np.ndarray, w: np.ndarray, n_eff: float, *, share: bool
) -> tuple[float | None, float | None]:
    """The 95% interval on the effective n: Wilson for a share; for a mean, Student t with
    n_eff - 1 degrees of freedom around the weighted standard deviation (with n - 1)."""
    n = y.size
    if share:
        low, high = wilson_interval(mean * n_eff, n_eff)
        return low, high
    if n < 2 or n_eff <= 1:
        return None, None
    variance = float(np.sum(w * (y - mean) ** 2) / np.sum(w)) * n / (n - 1)
    half = float(stats.t.ppf(0.975, n_eff - 1)) * math.sqrt(variance / n_eff)
    return mean - half, mean + half


def domain_estimates(
    values: np.ndarray, weights: np.ndarray | Weights, domains: Sequence[str], *, share: bool
) -> dict[str, WeightedEstimate]:
    """`svyby(~y, ~domain, design, svymean, na.rm=TRUE)`: each domain's estimate, its standard
    error computed over the whole sample, in the order domains first appear sorted."""
    labels = np.asarray([str(d) for d in domains])
    return {
        label: weighted_estimate(values, weights, share=share, domain=labels == label)
        for label in sorted(set(labels.tolist()))
    }
