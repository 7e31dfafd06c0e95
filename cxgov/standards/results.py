"""Results of a standard per reporting period, and the registry of result providers.

A provider turns a standard into its per-period counts. `events` (daily rollups) and `reported`
(per-period results) are registered by `cxgov.standards.selectors`. Survey-based satisfaction
standards and complaint-timeliness standards plug in the same way from their own apps:

    from cxgov.standards.results import PeriodCounts, register_result_provider

    def survey_results(standard):  # -> list[PeriodCounts], oldest first
        ...

    register_result_provider("survey", survey_results)

A source with no registered provider has no data, which pages show as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from cxgov.insights.estimates import proportion_change, significant_changes
from cxgov.insights.measures import (
    ELAPSED_MEDIAN,
    ELAPSED_P90,
    SHARE_WITHIN_TARGET,
    target_decision,
)

if TYPE_CHECKING:
    from cxgov.standards.models import Standard

# Below this many transactions a share is shown without a met / not met verdict.
MIN_N = 10
SIGNIFICANCE = 0.05

# What each verdict is called on every page, report, plan and export.
STATUS_LABELS: dict[str, Promise] = {
    "met": gettext_lazy("Met"),
    "not_met": gettext_lazy("Not met"),
    "unclear": gettext_lazy("Too close to call"),
    "too_few": gettext_lazy("Too few to judge"),
    "no_data": gettext_lazy("No data"),
}


class Quantiles(Protocol):
    """Where a period's elapsed-time quantiles come from (`selectors.ElapsedQuantiles`)."""

    def quantile(self, share: float) -> float | None: ...


@dataclass
class PeriodCounts:
    """What a provider gives for one period: counts, optionally a histogram and the source of
    its exact elapsed-time quantiles."""

    start: date
    end: date  # inclusive
    label: str
    n: int | None
    met: int | None
    still_open: int = 0
    histogram: list[int] = field(default_factory=list)
    reported_target_met: bool | None = None
    assessed: bool = True
    elapsed: Quantiles | None = None


@dataclass
class PeriodResult:
    """A period's result: share with its 95% interval and n, verdict, median and p90.

    The median and 90th percentile of elapsed time are exact (`insights.measures` type 7) and
    read from the stored events only when a page, export or API asks for them.
    """

    start: date
    end: date
    label: str
    n: int
    met: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    status: str  # a key of STATUS_LABELS
    still_open: int
    closed: bool
    trend: str = ""  # up, down, steady: only "up"/"down" when the change is significant
    elapsed: Quantiles | None = field(default=None, repr=False, compare=False)

    @cached_property
    def median(self) -> float | None:
        return self.elapsed.quantile(ELAPSED_MEDIAN.share) if self.elapsed else None

    @cached_property
    def p90(self) -> float | None:
        return self.elapsed.quantile(ELAPSED_P90.share) if self.elapsed else None

    @property
    def status_label(self) -> Promise:
        return STATUS_LABELS[self.status]


Provider = Callable[["Standard"], list[PeriodCounts]]
RESULT_PROVIDERS: dict[str, Provider] = {}


def register_result_provider(source: str, provider: Provider) -> None:
    """Make `provider` compute the results of standards whose source is `source`."""
    RESULT_PROVIDERS[source] = provider


def results_from_counts(
    counts: list[PeriodCounts],
    *,
    target: float,
    threshold: float | None,
    today: date,
    minimum_effect: float = 0.02,
) -> list[PeriodResult]:
    """Turn per-period counts into results with intervals, verdicts, percentiles and trend.

    The share is the registry's `share_within_target` (Wilson interval). The verdict is judged
    by that interval, not the point: "met" when it lies at or above the target, "not_met" when
    it lies below, "unclear" when the target is inside it. A trend is "up" or
    "down" only when the change from the period before survives Benjamini-Hochberg over all
    the standard's periods at 5% and is at least `minimum_effect` (a share: 0.02 is 2 points).
    """
    results: list[PeriodResult] = []
    changes = []
    for item in counts:
        n = item.n or 0
        met = item.met or 0
        share = ci_low = ci_high = None
        if n > 0 and item.met is not None:
            estimate = SHARE_WITHIN_TARGET.estimate_share(met, n)
            share, ci_low, ci_high = estimate.value, estimate.low, estimate.high
        if item.reported_target_met is not None:
            status = "met" if item.reported_target_met else "not_met"
        elif share is None or not item.assessed:
            status = "no_data"
        elif n < MIN_N:
            status = "too_few"
        else:
            status = target_decision(met, n, target)
        result = PeriodResult(
            start=item.start,
            end=item.end,
            label=item.label,
            n=n,
            met=met,
            share=share,
            ci_low=ci_low,
            ci_high=ci_high,
            status=status,
            still_open=item.still_open,
            closed=item.end < today,
            elapsed=item.elapsed if threshold else None,
        )
        previous = next((r for r in reversed(results) if r.share is not None), None)
        change = None
        if previous is not None and share is not None:
            change = proportion_change(previous.met, previous.n, met, n)
            result.trend = "steady"
        changes.append(change)
        results.append(result)
    flags = significant_changes(changes, minimum_effect=minimum_effect, alpha=SIGNIFICANCE)
    for result, change, flag in zip(results, changes, flags, strict=True):
        if change is not None and flag:
            result.trend = "up" if change.difference > 0 else "down"
    return results
