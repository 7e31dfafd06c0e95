"""Own measures: the agency's comparable figures for a service, from pluggable providers.

A provider is a function

    provider(service: Service) -> Iterable[ComparableMeasure]

that returns every comparable measure it knows for the service, one per period, each with
`metric` (a `benchmarks.models.Metric` value), `scale` (a `Scale` value), `wording` (the
question as asked), `period` ("2024", "2024-Q1"), `value`, `n` and `standard_error` (None when
unknown; for percentage metrics the standard error is derived from n and the value), a
`label` and its `source`. A provider must not return measures of another agency's service.

Providers are registered by name with `measure_provider_register`; `own_measures` asks all of
them. The one registered here reads the measures analysts enter by hand. The surveys
(ACSI-style index, A-11 percent agree and points), standards (attainment) and complaints
(timeliness) apps plug their providers in at integration, e.g. in their AppConfig.ready:

    from cxgov.benchmarks.measures import measure_provider_register
    measure_provider_register("surveys.acsi", acsi_measures_for_service)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cxgov.benchmarks.models import Observation, Series
from cxgov.benchmarks.selectors import own_series_for_service
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.models import Service

__all__ = [
    "ComparableMeasure",
    "MeasureProvider",
    "manual_measures",
    "measure_provider_register",
    "measure_providers",
    "observation_measure",
    "own_measures",
]

MeasureProvider = Callable[[Service], Iterable[ComparableMeasure]]

_PROVIDERS: dict[str, MeasureProvider] = {}


def measure_provider_register(name: str, provider: MeasureProvider) -> None:
    """Add (or replace) the provider called `name`."""
    _PROVIDERS[name] = provider


def measure_provider_unregister(name: str) -> None:
    """Remove a provider (tests use it to restore the registry)."""
    _PROVIDERS.pop(name, None)


def measure_providers() -> dict[str, MeasureProvider]:
    """The registered providers by name."""
    return dict(_PROVIDERS)


def observation_measure(
    series: Series,
    observation: Observation,
    *,
    label: str,
    source: str,
    approximate: bool = False,
) -> ComparableMeasure:
    """A series' observation, own or benchmark, in the shape comparisons take."""
    return ComparableMeasure(
        metric=series.metric,
        scale=series.scale,
        wording=series.wording,
        period=observation.period,
        value=float(observation.value),
        label=label,
        n=observation.sample_size,
        standard_error=(
            float(observation.standard_error) if observation.standard_error is not None else None
        ),
        source=source,
        approximate=approximate,
    )


def manual_measures(service: Service) -> Iterable[ComparableMeasure]:
    """The own measures analysts entered by hand for the service."""
    for series in own_series_for_service(service=service):
        for observation in series.observations.all():
            yield observation_measure(
                series, observation, label=series.name, source="entered by hand"
            )


def own_measures(*, service: Service) -> list[ComparableMeasure]:
    """Every own measure of the service from every provider, by metric then period."""
    found: list[ComparableMeasure] = []
    for provider in _PROVIDERS.values():
        found.extend(provider(service))
    return sorted(found, key=lambda m: (m.metric, m.scale, m.wording, m.period))


measure_provider_register("benchmarks.manual", manual_measures)
