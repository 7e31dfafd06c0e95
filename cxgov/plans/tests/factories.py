"""Records a plan is built from: a published service with Spanish names, hours, a standard."""

from __future__ import annotations

from datetime import date, time

from cxgov.core.models import Agency
from cxgov.registry.models import OpeningHours
from cxgov.standards.models import DailyRollup, Standard
from cxgov.testing.factories import (
    ChannelFactory,
    SegmentFactory,
    ServiceFactory,
    StandardFactory,
)


def service_with_records(agency: Agency) -> Standard:
    """A published service with a segment, a weekday phone line, a posted standard and results."""
    service = ServiceFactory(
        agency=agency,
        name="Renew a permit",
        name_es="Renovar un permiso",
        slug="renew-a-permit",
        description="Keep your permit valid for another year.",
        description_es="Mantenga su permiso vigente otro año.",
    )
    segment = SegmentFactory(agency=agency, name="Permit holders", name_es="Titulares de permisos")
    service.segments.add(segment)
    channel = ChannelFactory(
        service=service,
        kind="phone",
        name="Permit help line",
        name_es="Línea de ayuda de permisos",
        phone="1-800-555-0142",
        languages=["en", "es"],
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            channel=channel, weekday=weekday, opens=time(8, 30), closes=time(17, 0)
        )
    standard = StandardFactory(
        service=service,
        statement="We renew 90% of permits within 5 business days",
        statement_es="Renovamos el 90 % de los permisos en 5 días hábiles",
        target="0.9000",
        threshold=5.0,
    )
    # One closed month of results: 46 of 50 renewals on time.
    DailyRollup.objects.create(standard=standard, day=date(2026, 9, 15), total=50, met=46)
    return standard
