"""The demo benchmarks: a labelled sample with URLs, an own measure and a choice, loaded once."""

from __future__ import annotations

import pytest

from cxgov.benchmarks.comparisons import service_comparisons
from cxgov.benchmarks.demo import SAMPLE_ACSI, demo_load
from cxgov.benchmarks.models import Observation, Selection
from cxgov.core.models import AuditEvent
from cxgov.registry.demo import demo_load as registry_demo_load
from cxgov.registry.models import Service

pytestmark = pytest.mark.django_db


def test_demo_loads_sample_own_measures_and_choice_once():
    registry_demo_load()
    demo_load()
    events = AuditEvent.objects.count()
    demo_load()
    assert AuditEvent.objects.count() == events
    sample = Observation.objects.filter(series__agency__isnull=True)
    assert sample.count() == len(SAMPLE_ACSI)
    assert all(o.source_url.startswith("http") for o in sample)
    service = Service.objects.get(agency__slug="fba", slug="apply-for-retirement-benefits")
    assert Selection.objects.get(service=service).reason
    (row,) = service_comparisons(service=service)
    assert row.measure.period == "2024"
    assert row.best_private is not None and row.federal_average is not None
    assert row.prior is not None and row.prior.gap.verdict == "no significant difference"
