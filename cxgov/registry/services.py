"""Every write to the service inventory."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cxgov.core.models import User
from cxgov.core.services import audit_record
from cxgov.registry.models import Agency, Service


@transaction.atomic
def agency_create(*, actor: User | None, name: str, slug: str, **fields: Any) -> Agency:
    """Create an agency."""
    agency = Agency.objects.create(name=name, slug=slug, **fields)
    audit_record(actor=actor, action="agency.create", agency=agency, target=agency)
    return agency


@transaction.atomic
def service_create(
    *, actor: User | None, agency: Agency, name: str, slug: str, **fields: Any
) -> Service:
    """Create a service of an agency."""
    service = Service.objects.create(agency=agency, name=name, slug=slug, **fields)
    audit_record(actor=actor, action="service.create", agency=agency, target=service)
    return service
