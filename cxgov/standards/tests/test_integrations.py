"""Posted standards show up as own measures a benchmark comparison can use."""

from __future__ import annotations

from datetime import date

import pytest

from cxgov.benchmarks.measures import own_measures
from cxgov.standards.models import ReportedResult
from cxgov.testing.factories import ServiceFactory, StandardFactory

pytestmark = pytest.mark.django_db


def test_reported_attainment_becomes_an_own_measure(agency_a):
    service = ServiceFactory(agency=agency_a)
    standard = StandardFactory(service=service, source="reported", period="fiscal_year")
    ReportedResult.objects.create(
        standard=standard,
        period_start=date(2023, 10, 1),
        period_end=date(2024, 9, 30),
        volume_meeting_target=90,
        total_volume=100,
    )
    measures = [m for m in own_measures(service=service) if m.source == "service standard"]
    assert len(measures) == 1
    assert measures[0].value == pytest.approx(90.0)
    assert measures[0].n == 100
    assert measures[0].wording == standard.statement
