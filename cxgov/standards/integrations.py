"""Standards as benchmarkable own measures: attainment of each posted standard per period."""

from __future__ import annotations

from collections.abc import Iterator

from cxgov.benchmarks.models import Metric, Scale
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.models import Service
from cxgov.standards.models import StandardStatus
from cxgov.standards.selectors import standard_results


def attainment_measures(service: Service) -> Iterator[ComparableMeasure]:
    """Each posted standard's share met in each period with data, as a percent with its n."""
    for standard in service.standards.filter(status=StandardStatus.POSTED):
        for result in standard_results(standard=standard):
            if result.share is None or not result.n:
                continue
            yield ComparableMeasure(
                metric=Metric.STANDARD_ATTAINMENT,
                scale=Scale.PERCENT,
                wording=standard.statement,
                period=result.label,
                value=100 * result.share,
                label=standard.statement,
                n=result.n,
                source="service standard",
            )
