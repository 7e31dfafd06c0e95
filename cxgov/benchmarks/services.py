"""Every write in the benchmark library: sources, series, observations, selections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from cxgov.benchmarks.models import Observation, Selection, Series, Source
from cxgov.core.models import Agency, User
from cxgov.core.services import audit_record
from cxgov.registry.models import Service


@transaction.atomic
def source_ensure(
    *,
    actor: User | None,
    agency: Agency | None,
    key: str,
    kind: str,
    name: str,
    url: str = "",
    description: str = "",
) -> tuple[Source, str]:
    """The source with this key (shared if agency is None), created or updated to match."""
    source = Source.objects.filter(agency=agency, key=key).first()
    fields = {"kind": kind, "name": name, "url": url, "description": description}
    if source is None:
        source = Source.objects.create(agency=agency, key=key, **fields)
        audit_record(actor=actor, action="benchmark_source.create", agency=agency, target=source)
        return source, "created"
    return source, _update(actor, source, fields, "benchmark_source.update", agency)


def _update(
    actor: User | None, obj: Any, fields: dict[str, Any], action: str, agency: Agency | None
) -> str:
    changed = {name: str(value) for name, value in fields.items() if getattr(obj, name) != value}
    if not changed:
        return "unchanged"
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    audit_record(actor=actor, action=action, agency=agency, target=obj, data=changed)
    return "updated"


@transaction.atomic
def series_ensure(
    *,
    actor: User | None,
    source: Source,
    key: str,
    service: Service | None = None,
    **fields: Any,
) -> tuple[Series, str]:
    """The series with this key in `source`, created or updated to match `fields`."""
    series = Series.objects.filter(source=source, key=key).first()
    if series is None:
        series = Series.objects.create(
            source=source, agency=source.agency, service=service, key=key, **fields
        )
        audit_record(
            actor=actor, action="benchmark_series.create", agency=source.agency, target=series
        )
        return series, "created"
    return series, _update(actor, series, fields, "benchmark_series.update", source.agency)


@transaction.atomic
def observation_record(
    *,
    actor: User | None,
    series: Series,
    period: str,
    year: int,
    value: Decimal,
    sample_size: int | None = None,
    standard_error: Decimal | None = None,
    source_url: str = "",
    derived: bool = False,
    note: str = "",
) -> tuple[Observation, str]:
    """Record the value of a series in a period; recording the same again changes nothing."""
    # Stored to 3 (value) and 4 (standard error) places: compare what will be stored.
    value = Decimal(str(value)).quantize(Decimal("0.001"))
    if standard_error is not None:
        standard_error = Decimal(str(standard_error)).quantize(Decimal("0.0001"))
    fields: dict[str, Any] = {
        "year": year,
        "value": value,
        "sample_size": sample_size,
        "standard_error": standard_error,
        "source_url": source_url,
        "derived": derived,
        "note": note,
    }
    observation = Observation.objects.filter(series=series, period=period).first()
    if observation is None:
        observation = Observation.objects.create(series=series, period=period, **fields)
        audit_record(
            actor=actor,
            action="benchmark_observation.create",
            agency=series.agency,
            target=observation,
        )
        return observation, "created"
    observation.refresh_from_db()
    current = {name: getattr(observation, name) for name in fields}
    same = all(_same(current[name], value) for name, value in fields.items())
    if same:
        return observation, "unchanged"
    return observation, _update(
        actor, observation, fields, "benchmark_observation.update", series.agency
    )


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and new is not None:
        return stored == Decimal(str(new))
    return bool(stored == new)


@transaction.atomic
def own_measure_record(
    *,
    actor: User | None,
    service: Service,
    metric: str,
    scale: str,
    wording: str,
    period: str,
    year: int,
    value: Decimal,
    sample_size: int | None,
    standard_error: Decimal | None,
    note: str = "",
) -> Observation:
    """An own measure of a service entered by hand: one observation of the service's series.

    The series is keyed by service, metric, scale and wording, so a later period of the same
    measure joins the same series and becomes the "prior period" comparison.
    """
    source, _ = source_ensure(
        actor=actor,
        agency=service.agency,
        key="own-measures",
        kind="own_history",
        name=f"{service.agency.name}: own measures",
    )
    key = f"service-{service.pk}:{metric}:{scale}:{' '.join(wording.casefold().split())}"[:300]
    series, _ = series_ensure(
        actor=actor,
        source=source,
        key=key,
        service=service,
        name=f"{service.name} ({metric})"[:300],
        entity=service.agency.name[:300],
        metric=metric,
        scale=scale,
        wording=wording,
        sector="federal",
    )
    observation, _ = observation_record(
        actor=actor,
        series=series,
        period=period,
        year=year,
        value=value,
        sample_size=sample_size,
        standard_error=standard_error,
        note=note,
    )
    return observation


@transaction.atomic
def selection_save(
    *, actor: User | None, service: Service, series: Series, reason: str
) -> Selection:
    """Record (or update the reason for) a best-in-business benchmark chosen for a service."""
    selection = Selection.objects.filter(service=service, series=series).first()
    if selection is None:
        selection = Selection.objects.create(
            agency=service.agency,
            service=service,
            series=series,
            reason=reason,
            chosen_by=str(actor) if actor is not None else "",
        )
        action = "benchmark_selection.create"
    else:
        selection.reason = reason
        selection.chosen_by = str(actor) if actor is not None else ""
        selection.save()
        action = "benchmark_selection.update"
    audit_record(
        actor=actor,
        action=action,
        agency=service.agency,
        target=selection,
        data={"series": str(series), "reason": reason},
    )
    return selection


@transaction.atomic
def selection_remove(*, actor: User, selection: Selection) -> None:
    """Withdraw a best-in-business choice."""
    audit_record(
        actor=actor,
        action="benchmark_selection.remove",
        target=selection,
    )
    selection.delete()
