"""The demo loader gives fba reports in every state, and running it again changes nothing."""

from __future__ import annotations

import pytest

from cxgov.a11.models import Collection
from cxgov.site.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_each_state_once(demo_data):
    statuses = set(
        Collection.objects.filter(agency__slug="fba", fiscal_year=2026, quarter=4).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"draft", "submitted", "published"}
    rated = Collection.objects.exclude(rating="").values_list("rating", flat=True)
    assert {"within_guidelines", "partially"} <= set(rated)
    count = Collection.objects.count()
    demo_load()
    assert Collection.objects.count() == count
