"""The arithmetic of a journey's burden: each stage's customer time with its standard error,
and the journey's total "time tax" (decision 0054).

A stage's time is a mean in minutes. From research it comes with a 95% interval (its standard
error is the half-width over 1.96, as for a normal interval) or only with the n observed (then
no standard error is known); from a survey's number question it is the answers' mean with its
Student t interval and standard error s/√n (`insights.estimates.mean_interval`). The total is
the sum of the stages' means; its standard error is the root of the sum of the squared
standard errors (the stages measured independently, so their variances add), and its 95%
interval is the total ± 1.96 standard errors. A stage whose time has no standard error adds
its mean and nothing to the uncertainty; the page names such stages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cxgov.insights.estimates import mean_interval

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class StageTime:
    """A stage's customer minutes: the mean, its standard error and 95% interval when known,
    and the number of people it rests on when known."""

    minutes: float
    standard_error: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None


def research_time(
    *, minutes: float, low: float | None, high: float | None, n: int | None
) -> StageTime:
    """Minutes entered from research, with an interval (standard error = half-width / 1.96)."""
    if low is not None and high is not None:
        return StageTime(
            minutes=minutes,
            standard_error=(high - low) / (2 * Z_95),
            low=low,
            high=high,
            n=n,
        )
    return StageTime(minutes=minutes, n=n)


def survey_time(values: Sequence[float]) -> StageTime | None:
    """The mean of a survey number question's answers with its t interval; None without any."""
    estimate = mean_interval(values)
    if estimate.value is None:
        return None
    return StageTime(
        minutes=estimate.value,
        standard_error=estimate.standard_error,
        low=estimate.low,
        high=estimate.high,
        n=estimate.n,
    )


@dataclass(frozen=True)
class TimeTax:
    """The journey's total customer time: sum of means, root-sum-of-squares standard error."""

    minutes: float
    standard_error: float
    low: float
    high: float
    stages_timed: int
    stages_without_error: int

    @property
    def hours(self) -> float:
        return self.minutes / 60


def time_tax(times: Sequence[StageTime | None]) -> TimeTax | None:
    """The total of the stages' times; None when no stage is timed."""
    timed = [time for time in times if time is not None]
    if not timed:
        return None
    total = sum(time.minutes for time in timed)
    error = math.sqrt(sum(time.standard_error**2 for time in timed if time.standard_error))
    return TimeTax(
        minutes=total,
        standard_error=error,
        low=max(0.0, total - Z_95 * error),
        high=total + Z_95 * error,
        stages_timed=len(timed),
        stages_without_error=sum(1 for time in timed if time.standard_error is None),
    )


def costliest(times: Sequence[StageTime | None]) -> int | None:
    """The index of the stage that takes the customer the most minutes (the first on a tie)."""
    best: int | None = None
    most = -1.0
    for index, time in enumerate(times):
        if time is not None and time.minutes > most:
            best, most = index, time.minutes
    return best
