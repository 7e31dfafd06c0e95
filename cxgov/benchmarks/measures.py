"""Own measures: the agency's comparable figures for a service, from pluggable providers.

A provider is a function

    provider(service: Service) -> Iterable[ComparableMeasure]

that returns every comparable measure it knows for the service, or one that answers for many
services at once, reading each kind of figure once for all of them (a page that lists services
then runs a fixed number of queries however many there are):

    provider(services: Sequence[Service]) -> Mapping[int, Iterable[ComparableMeasure]]

keyed by service id. Either returns the measures one per period, each with
`metric` (a `benchmarks.models.Metric` value), `scale` (a `Scale` value), `wording` (the
question as asked), `period` ("2024", "2024-Q1"), `value`, `n` and `standard_error` (None when
unknown; for percentage metrics the standard error is derived from n and the value), a
`label` and its `source`. A provider must not return measures of another agency's service.

Providers are registered by name with `measure_provider_register` (the second kind with
`measure_provider_register_many`); `own_measures` and `own_measures_by_service` ask all of
them. The one registered here reads the measures analysts enter by hand. A provider that reads
respondent-level data (each respondent's answers together, not the rollups) is registered with
`respondent_level=True`: pages do not ask it but read its measures as the worker prepared them
(`respondent_measures_by_service`, decision 0075). The surveys
(ACSI-style index, A-11 percent agree and points), standards (attainment) and complaints
(timeliness) apps plug their providers in at integration, e.g. in their AppConfig.ready:

    from cxgov.benchmarks.measures import measure_provider_register
    measure_provider_register("surveys.acsi", acsi_measures_for_service)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from cxgov.benchmarks.models import Observation, Series
from cxgov.benchmarks.selectors import own_series_by_service
from cxgov.insights.acsi import ComparableMeasure
from cxgov.registry.models import Service

__all__ = [
    "ComparableMeasure",
    "MeasureProvider",
    "manual_measures",
    "measure_provider_register",
    "measure_provider_register_many",
    "measure_providers",
    "observation_measure",
    "own_measures",
    "own_measures_by_service",
    "respondent_measures_by_service",
]

MeasureProvider = Callable[[Service], Iterable[ComparableMeasure]]
ManyMeasureProvider = Callable[[Sequence[Service]], Mapping[int, Iterable[ComparableMeasure]]]

_PROVIDERS: dict[str, ManyMeasureProvider] = {}
# The providers that read respondent-level data, too slow for a page request at scale.
_RESPONDENT_LEVEL: set[str] = set()


def _one_by_one(provider: MeasureProvider) -> ManyMeasureProvider:
    """A provider of one service's measures asked for each of many services in turn."""

    def many(services: Sequence[Service]) -> dict[int, list[ComparableMeasure]]:
        return {service.pk: list(provider(service)) for service in services}

    return many


def measure_provider_register(
    name: str, provider: MeasureProvider, *, respondent_level: bool = False
) -> None:
    """Add (or replace) the provider called `name`, which answers for one service."""
    measure_provider_register_many(name, _one_by_one(provider), respondent_level=respondent_level)


def measure_provider_register_many(
    name: str, provider: ManyMeasureProvider, *, respondent_level: bool = False
) -> None:
    """Add (or replace) the provider called `name`, which answers for many services at once;
    `respondent_level` when it reads respondent-level data rather than rollups or tables."""
    _PROVIDERS[name] = provider
    if respondent_level:
        _RESPONDENT_LEVEL.add(name)
    else:
        _RESPONDENT_LEVEL.discard(name)


def measure_provider_unregister(name: str) -> None:
    """Remove a provider (tests use it to restore the registry)."""
    _PROVIDERS.pop(name, None)
    _RESPONDENT_LEVEL.discard(name)


def measure_providers() -> dict[str, ManyMeasureProvider]:
    """The registered providers by name, each asked for many services at once."""
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


def manual_measures(services: Sequence[Service]) -> dict[int, list[ComparableMeasure]]:
    """The own measures analysts entered by hand for each service, by service id."""
    return {
        service_id: [
            observation_measure(series, observation, label=series.name, source="entered by hand")
            for series in found
            for observation in series.observations.all()
        ]
        for service_id, found in own_series_by_service(services=services).items()
    }


def _measures_of(
    services: list[Service], providers: Iterable[ManyMeasureProvider]
) -> dict[int, list[ComparableMeasure]]:
    """The providers' measures of the services by id, each provider asked once for all."""
    found: dict[int, list[ComparableMeasure]] = {service.pk: [] for service in services}
    if not services:
        return found
    for provider in providers:
        for service_id, measures in provider(services).items():
            found[service_id].extend(measures)
    return found


def respondent_measures_by_service(
    *, services: Iterable[Service]
) -> dict[int, list[ComparableMeasure]]:
    """The measures of the respondent-level providers alone, by service id: what the worker
    prepares for the pages (decision 0075)."""
    providers = [_PROVIDERS[name] for name in sorted(_RESPONDENT_LEVEL)]
    return _measures_of(list(services), providers)


def own_measures_by_service(
    *,
    services: Iterable[Service],
    prepared: Mapping[int, Iterable[ComparableMeasure]] | None = None,
) -> dict[int, list[ComparableMeasure]]:
    """`own_measures` of many services by id, each provider asked once for all of them.

    With `prepared` (the respondent-level providers' measures by service id, as the worker
    prepared them) those providers are not asked and a service missing from it has none of
    theirs: a page request then reads no respondent-level data.
    """
    services = list(services)
    if prepared is None:
        found = _measures_of(services, _PROVIDERS.values())
    else:
        providers = [p for name, p in _PROVIDERS.items() if name not in _RESPONDENT_LEVEL]
        found = _measures_of(services, providers)
        for service_id, measures in found.items():
            measures.extend(prepared.get(service_id, ()))
    return {
        service_id: sorted(measures, key=lambda m: (m.metric, m.scale, m.wording, m.period))
        for service_id, measures in found.items()
    }


def own_measures(
    *, service: Service, prepared: Mapping[int, Iterable[ComparableMeasure]] | None = None
) -> list[ComparableMeasure]:
    """Every own measure of the service from every provider, by metric then period (the
    respondent-level ones from `prepared` when given, as in `own_measures_by_service`)."""
    return own_measures_by_service(services=[service], prepared=prepared)[service.pk]


measure_provider_register_many("benchmarks.manual", manual_measures)
