"""Key driver analysis: how much each driver explains of satisfaction or trust.

Up to MAX_DRIVERS drivers, the Shapley decomposition of R² (also called dominance analysis or
LMG): each driver's share of the model's R², averaged over every order in which drivers could
enter the regression, exact over all 2^k subsets. Above that, Johnson's relative weights, which
approximate the same shares from one eigen decomposition and stay fast for any number of drivers.

Every regression is read from the covariance matrix of the outcome and the drivers: the R² of
each subset comes from sweeping its drivers out of that matrix, so a resample costs one weighted
cross-product of the data and 2^k small sweeps, not 2^k least-squares fits over every row. The
bootstrap draws the rows of each resample with a seeded generator (the seed is part of the result)
and takes the 2.5th and 97.5th percentiles of each driver's share of R².
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_DRIVERS = 12  # exact Shapley: 4,096 subsets per resample; above it, relative weights
RESAMPLES = 2000  # bootstrap resamples per analysis
SEED = 12862  # the generator's seed when the caller gives none
SHAPLEY = "shapley"
RELATIVE_WEIGHTS = "relative_weights"
# A driver whose variance left after the others is below this share of its own variance adds
# nothing to a regression (as a least-squares fit of a rank-deficient design gives).
_TOLERANCE = 1e-10
# Resamples weighted at once: each holds a resamples × rows matrix of counts.
_CHUNK = 200


def _covariances(data: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Covariance matrices of the columns of `data` under each row of `counts` (row weights)."""
    centred = data - data.mean(axis=0)
    p = data.shape[1]
    upper = np.triu_indices(p)
    products = centred[:, upper[0]] * centred[:, upper[1]]
    total = counts.sum(axis=1)[:, None]
    means = counts @ centred / total
    cross = counts @ products / total
    out = np.empty((counts.shape[0], p, p))
    out[:, upper[0], upper[1]] = cross
    out[:, upper[1], upper[0]] = cross
    return out - means[:, :, None] * means[:, None, :]


def _sweep(matrix: np.ndarray, pivot: int, scale: np.ndarray) -> np.ndarray:
    """Sweep one column out of a stack of covariance matrices; a dependent column is left as is.

    The block of columns not yet swept becomes their covariance given the swept ones, so entry
    (0, 0) is the outcome's residual variance.
    """
    diagonal = matrix[:, pivot, pivot]
    usable = diagonal > _TOLERANCE * scale[:, pivot]
    safe = np.where(usable, diagonal, 1.0)
    column = matrix[:, :, pivot] / safe[:, None]
    swept = matrix - column[:, :, None] * matrix[:, None, pivot, :]
    swept[:, pivot, :] = matrix[:, pivot, :] / safe[:, None]
    swept[:, :, pivot] = column
    swept[:, pivot, pivot] = -1 / safe
    return np.where(usable[:, None, None], swept, matrix)


def _subset_r_squared(covariance: np.ndarray) -> np.ndarray:
    """R² of the outcome (column 0) on every subset of the drivers, indexed by subset bitmask."""
    stack, p, _ = covariance.shape
    k = p - 1
    r2 = np.zeros((stack, 1 << k))
    outcome = covariance[:, 0, 0]
    varied = outcome > 0
    outcome_safe = np.where(varied, outcome, 1.0)
    scale = np.diagonal(covariance, axis1=1, axis2=2).copy()

    def visit(matrix: np.ndarray, mask: int, start: int) -> None:
        for j in range(start, k):
            swept = _sweep(matrix, j + 1, scale)
            subset = mask | (1 << j)
            r2[:, subset] = np.where(varied, 1 - swept[:, 0, 0] / outcome_safe, 0.0)
            visit(swept, subset, j + 1)

    visit(covariance, 0, 0)
    return np.clip(r2, 0.0, 1.0)


def _shapley_from_subsets(r2: np.ndarray, k: int) -> np.ndarray:
    masks = np.arange(1 << k)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    weight = np.array(
        [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    )
    shares = np.empty((r2.shape[0], k))
    for j in range(k):
        bit = 1 << j
        without = masks[(masks & bit) == 0]
        shares[:, j] = (r2[:, without | bit] - r2[:, without]) @ weight[sizes[without]]
    return shares


def _relative_weights(covariance: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights of each driver; they add up to the model's R²."""
    sd = np.sqrt(np.clip(np.diagonal(covariance, axis1=1, axis2=2), 0.0, None))
    varied = sd > 0
    safe = np.where(varied, sd, 1.0)
    corr = covariance / safe[:, :, None] / safe[:, None, :]
    corr = np.where(varied[:, :, None] & varied[:, None, :], corr, 0.0)
    k = corr.shape[1] - 1
    corr[:, np.arange(k + 1), np.arange(k + 1)] = 1.0
    rxx, rxy = corr[:, 1:, 1:], corr[:, 1:, 0]
    values, vectors = np.linalg.eigh(rxx)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))[:, None, :] @ np.swapaxes(vectors, 1, 2)
    beta = np.einsum("bij,bj->bi", np.linalg.pinv(root, hermitian=True), rxy)
    weights = np.einsum("bij,bj->bi", root**2, beta**2)
    return np.where(varied[:, :1], weights, 0.0)


def _shares(covariance: np.ndarray) -> np.ndarray:
    k = covariance.shape[1] - 1
    if k > MAX_DRIVERS:
        return _relative_weights(covariance)
    return _shapley_from_subsets(_subset_r_squared(covariance), k)


def shapley_r2(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each column's Shapley share of R²; the shares add up to the full model's R²."""
    k = x.shape[1]
    if k > MAX_DRIVERS:
        raise ValueError(f"at most {MAX_DRIVERS} drivers, got {k}")
    data = np.column_stack([y, x]).astype(float)
    return _shares(_covariances(data, np.ones((1, len(y)))))[0]


def relative_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each column's relative weight (Johnson 2000); they add up to the full model's R²."""
    data = np.column_stack([y, x]).astype(float)
    return _relative_weights(_covariances(data, np.ones((1, len(y)))))[0]


@dataclass(frozen=True)
class DriverImportance:
    name: str
    share_of_r2: float
    relative_importance: float  # share of the model's R², 0..1
    low: float  # 95% bootstrap interval of relative importance
    high: float
    performance: float  # mean score of the driver itself


@dataclass(frozen=True)
class DriverAnalysis:
    outcome: str
    n: int
    r_squared: float
    drivers: list[DriverImportance]
    method: str = SHAPLEY  # SHAPLEY up to MAX_DRIVERS drivers, else RELATIVE_WEIGHTS
    seed: int = SEED  # the bootstrap generator's seed: the same seed gives the same intervals
    resamples: int = RESAMPLES


def _relative(shares: np.ndarray) -> np.ndarray:
    totals = shares.sum(axis=1, keepdims=True)
    return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)


def key_drivers(
    *,
    outcome_name: str,
    outcome: Sequence[float],
    drivers: dict[str, Sequence[float]],
    bootstrap: int = RESAMPLES,
    seed: int = SEED,
) -> DriverAnalysis:
    """Relative importance of each driver for the outcome, with bootstrap 95% intervals.

    Rows with a missing value (NaN) in the outcome or any driver are left out. Resample b draws
    its rows from `numpy.random.default_rng(seed)`, so one seed always gives the same intervals.
    """
    names = list(drivers)
    x = np.column_stack([np.asarray(drivers[name], dtype=float) for name in names])
    y = np.asarray(outcome, dtype=float)
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    x, y = x[keep], y[keep]
    n = len(y)
    if n <= len(names) + 1:
        raise ValueError(f"need more than {len(names) + 1} complete answers, got {n}")
    data = np.column_stack([y, x])
    shares = _shares(_covariances(data, np.ones((1, n))))[0]
    total = float(shares.sum())
    relative = _relative(shares[None, :])[0]
    rng = np.random.default_rng(seed)
    samples = np.empty((bootstrap, len(names)))
    for start in range(0, bootstrap, _CHUNK):
        size = min(_CHUNK, bootstrap - start)
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(size)])
        samples[start : start + size] = _relative(_shares(_covariances(data, counts)))
    if bootstrap:
        low, high = np.percentile(samples, [2.5, 97.5], axis=0)
    else:
        low = high = relative
    return DriverAnalysis(
        outcome=outcome_name,
        n=n,
        r_squared=total,
        drivers=[
            DriverImportance(
                name=name,
                share_of_r2=float(shares[i]),
                relative_importance=float(relative[i]),
                low=float(low[i]),
                high=float(high[i]),
                performance=float(x[:, i].mean()),
            )
            for i, name in enumerate(names)
        ],
        method=RELATIVE_WEIGHTS if len(names) > MAX_DRIVERS else SHAPLEY,
        seed=seed,
        resamples=bootstrap,
    )
