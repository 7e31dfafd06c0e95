"""The service inventory of one agency as JSON (nested) or CSV (our import format)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import time
from decimal import Decimal
from typing import Any

from cxgov.core.models import Agency
from cxgov.core.tables import dict_rows
from cxgov.registry.importers import CXGOV_COLUMNS, hours_format
from cxgov.registry.models import Channel, Service
from cxgov.registry.selectors import channel_contact, service_identity, services_for_export


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _cell(value: object) -> object:
    """A CSV cell: blank only when unknown, so a real zero stays a zero."""
    return "" if value is None else value


def _weekly_hours(channel: Channel) -> dict[int, list[tuple[time, time]]]:
    weekly: dict[int, list[tuple[time, time]]] = {}
    for hours in channel.hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    return weekly


def _channel_json(channel: Channel) -> dict[str, Any]:
    return {
        **channel_contact(channel=channel),
        "is_digital": channel.is_digital,
        "annual_volume": channel.annual_volume,
        "annual_enquiries": channel.annual_enquiries,
        "cost_per_transaction": _decimal(channel.cost_per_transaction),
        "hours": [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in channel.hours.all()
        ],
        "closures": [{"date": c.date.isoformat(), "name": c.name} for c in channel.closures.all()],
    }


def _service_json(service: Service) -> dict[str, Any]:
    return {
        **service_identity(service=service),
        "kind": service.kind,
        "status": service.status,
        "is_hisp": service.is_hisp,
        "designated_for_improvement": service.designated_for_improvement,
        "customers_description": service.customers_description,
        "estimated_annual_customers": service.estimated_annual_customers,
        "segments": [segment.name for segment in service.segments.all()],
        "stages": [
            {"name": s.name, "name_es": s.name_es, "description": s.description}
            for s in service.stages.all()
        ],
        "channels": [_channel_json(channel) for channel in service.channels.all()],
        "source": service.source,
        "source_id": service.source_id,
        "details": service.details,
    }


def inventory_json(*, agency: Agency) -> dict[str, Any]:
    """The agency, its segments and every service with stages and channels."""
    return {
        "agency": {
            "slug": agency.slug,
            "name": agency.name,
            "name_es": agency.name_es,
            "abbreviation": agency.abbreviation,
            "website": agency.website,
            "time_zone": agency.time_zone,
        },
        "segments": [
            {"name": s.name, "name_es": s.name_es, "estimated_size": s.estimated_size}
            for s in agency.segments.order_by("name")
        ],
        "services": [_service_json(service) for service in services_for_export(agency=agency)],
    }


def inventory_table(*, agency: Agency) -> tuple[Sequence[str], Iterator[list[Any]]]:
    """The cxgov-format header and rows: one per channel (one for a service without channels)."""

    def rows() -> Iterator[list[Any]]:
        for service in services_for_export(agency=agency):
            yield from dict_rows(CXGOV_COLUMNS, _csv_rows(agency, service))

    return CXGOV_COLUMNS, rows()


def _csv_rows(agency: Agency, service: Service) -> list[dict[str, Any]]:
    base = {
        "agency_slug": agency.slug,
        "agency_name": agency.name,
        "service_id": service.source_id or f"cxgov-{service.pk}",
        "service_name": service.name,
        "service_name_es": service.name_es,
        "description": service.description,
        "description_es": service.description_es,
        "kind": service.kind,
        "hisp": "yes" if service.is_hisp else "no",
        "designated_for_improvement": "yes" if service.designated_for_improvement else "no",
        "customers": service.customers_description,
        "estimated_annual_customers": _cell(service.estimated_annual_customers),
        "status": service.status,
        "segments": "; ".join(segment.name for segment in service.segments.all()),
    }
    channels = list(service.channels.all())
    if not channels:
        return [base]
    return [
        {
            **base,
            "channel_id": channel.source_id or f"cxgov-{channel.pk}",
            "channel_kind": channel.kind,
            "channel_name": channel.name,
            "channel_name_es": channel.name_es,
            "channel_url": channel.url,
            "channel_phone": channel.phone,
            "channel_tty": channel.tty,
            "channel_address": channel.address,
            "channel_languages": "; ".join(channel.languages),
            "channel_annual_volume": _cell(channel.annual_volume),
            "channel_annual_enquiries": _cell(channel.annual_enquiries),
            "channel_cost_per_transaction": _cell(_decimal(channel.cost_per_transaction)),
            "channel_is_digital": "yes" if channel.is_digital else "no",
            "channel_always_open": "yes" if channel.always_open else "no",
            "channel_hours": hours_format(_weekly_hours(channel)),
        }
        for channel in channels
    ]
