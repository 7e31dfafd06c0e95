"""Standards as benchmarkable own measures: attainment of each posted standard per period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from cxgov.benchmarks.models import Metric, Scale
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.models import Service
from cxgov.standards.models import Standard, StandardStatus
from cxgov.standards.selectors import standards_results


def attainment_measures(services: Sequence[Service]) -> dict[int, list[ComparableMeasure]]:
    """Each posted standard's share met in each period with data, as a percent with its n, by
    service id: the standards and their results read once for all the services."""
    standards = list(
        Standard.objects.filter(
            service__in=[service.pk for service in services], status=StandardStatus.POSTED
        ).select_related("agency", "service__agency")
    )
    results = standards_results(standards=standards)
    found: dict[int, list[ComparableMeasure]] = defaultdict(list)
    for standard in standards:
        for result in results[standard.pk]:
            if result.share is None or not result.n:
                continue
            found[standard.service_id].append(
                ComparableMeasure(
                    metric=Metric.STANDARD_ATTAINMENT,
                    scale=Scale.PERCENT,
                    wording=standard.statement,
                    period=result.label,
                    value=100 * result.share,
                    label=standard.statement,
                    n=result.n,
                    source="service standard",
                )
            )
    return found
