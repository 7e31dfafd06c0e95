"""Key driver analysis: how much each driver explains of satisfaction or trust.

Shapley decomposition of R² (also called dominance analysis or LMG): each driver's share of the
model's R², averaged over every order in which drivers could enter the regression. Exact for the
handful of A-11 drivers (2^k subsets), with bootstrap intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

MAX_DRIVERS = 12  # 4,096 regressions per fit; the A-11 set has seven


def _r_squared(x: np.ndarray, y: np.ndarray) -> float:
    if x.shape[1] == 0:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    total = float(np.sum((y - y.mean()) ** 2))
    return 0.0 if total == 0 else 1 - float(np.sum(residual**2)) / total


def shapley_r2(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each column's Shapley share of R²; the shares add up to the full model's R²."""
    k = x.shape[1]
    if k > MAX_DRIVERS:
        raise ValueError(f"at most {MAX_DRIVERS} drivers, got {k}")
    r2 = {
        subset: _r_squared(x[:, list(subset)], y)
        for size in range(k + 1)
        for subset in combinations(range(k), size)
    }
    shares = np.zeros(k)
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in combinations(others, size):
                with_j = tuple(sorted((*subset, j)))
                shares[j] += weight * (r2[with_j] - r2[subset])
    return shares


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


def key_drivers(
    *,
    outcome_name: str,
    outcome: Sequence[float],
    drivers: dict[str, Sequence[float]],
    bootstrap: int = 200,
    seed: int = 12862,
) -> DriverAnalysis:
    """Relative importance of each driver for the outcome, with bootstrap 95% intervals.

    Rows with a missing value (NaN) in the outcome or any driver are left out.
    """
    names = list(drivers)
    x = np.column_stack([np.asarray(drivers[name], dtype=float) for name in names])
    y = np.asarray(outcome, dtype=float)
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    x, y = x[keep], y[keep]
    n = len(y)
    if n <= len(names) + 1:
        raise ValueError(f"need more than {len(names) + 1} complete answers, got {n}")
    shares = shapley_r2(x, y)
    total = float(shares.sum())
    relative = shares / total if total > 0 else np.zeros_like(shares)
    rng = np.random.default_rng(seed)
    samples = np.empty((bootstrap, len(names)))
    for b in range(bootstrap):
        rows = rng.integers(0, n, n)
        boot = shapley_r2(x[rows], y[rows])
        boot_total = boot.sum()
        samples[b] = boot / boot_total if boot_total > 0 else 0
    low, high = np.percentile(samples, [2.5, 97.5], axis=0)
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
    )
