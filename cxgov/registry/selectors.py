"""Reads of the service inventory. Public reads show only what an agency published."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cxgov.registry.models import Agency, ServiceStatus


def agencies_public() -> QuerySet[Agency]:
    """Every agency, with how many published services each has, by name."""
    return Agency.objects.annotate(
        published_services=Count("services", filter=Q(services__status=ServiceStatus.PUBLISHED))
    ).order_by("name")
