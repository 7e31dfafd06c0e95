"""The demo benchmarks: the published ACSI library with its years, an own measure and a choice.

Loaded once; the comparison page opens on a period with comparable rows; best in business is the
most recent comparable private-sector score, and one more than ten years older than the
service's own figure says so.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from cxgov.benchmarks import services
from cxgov.benchmarks.comparisons import (
    STALE_YEARS,
    service_comparison_period,
    service_comparisons,
)
from cxgov.benchmarks.demo import ACSI_FILE, demo_load
from cxgov.benchmarks.models import Observation, Selection
from cxgov.core.models import AuditEvent, Role
from cxgov.registry.demo import demo_load as registry_demo_load
from cxgov.registry.models import Service
from cxgov.testing.data import SHARED_DATA, needs_shared
from cxgov.testing.factories import MembershipFactory, UserFactory
from cxgov.testing.prepared import prepared_get

pytestmark = pytest.mark.django_db


def _rows() -> list[dict[str, str]]:
    with ACSI_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def demo() -> Service:
    registry_demo_load()
    demo_load()
    return Service.objects.get(agency__slug="fba", slug="apply-for-retirement-benefits")


@needs_shared("acsi/acsi_published_scores.csv")
def test_the_demo_library_is_the_published_acsi_file_unchanged():
    shared = SHARED_DATA / "acsi" / "acsi_published_scores.csv"
    assert ACSI_FILE.read_bytes() == shared.read_bytes()


def test_demo_loads_every_published_score_with_its_year_and_url_once(demo):
    events = AuditEvent.objects.count()
    demo_load()
    assert AuditEvent.objects.count() == events
    library = Observation.objects.filter(series__source__agency__isnull=True)
    rows = _rows()
    assert library.count() == len(rows) == 119
    assert all(o.source_url.startswith("http") for o in library)
    years = {o.year for o in library}
    assert min(years) == 1999 and max(years) == 2024
    sectors = set(library.values_list("series__sector", flat=True))
    assert {"federal", "private", "national"} <= sectors
    airlines = library.get(series__entity="Airlines")
    assert (airlines.period, airlines.year, airlines.value) == ("2013", 2013, Decimal("69"))
    assert Selection.objects.get(service=demo).reason


def test_best_in_business_is_the_most_recent_private_score_and_an_old_one_says_so(demo):
    (row,) = service_comparisons(service=demo, period="2024")
    best = row.best_private
    # 2013 is the latest private-sector year in the file; Airlines scored highest that year,
    # higher-scoring private figures of 1999 and 2008 are older and not chosen.
    assert best is not None and best.series.entity == "Airlines"
    assert best.observation.year == 2013 and best.years_older == 11 and best.stale
    assert row.federal_average is not None and row.federal_average.observation.year == 2024
    assert not row.federal_average.stale
    assert row.prior is not None and row.prior.gap.verdict == "no significant difference"
    (earlier,) = service_comparisons(service=demo, period="2023")
    assert earlier.best_private.observation.year == 2013
    assert earlier.best_private.years_older == STALE_YEARS and not earlier.best_private.stale


def test_the_comparison_page_says_the_year_of_an_old_benchmark(client, demo):
    analyst = UserFactory(email="analyst@fba.example.gov")
    MembershipFactory(user=analyst, agency=demo.agency, role=Role.CX_ANALYST)
    client.force_login(analyst)
    url = f"/staff/agencies/fba/benchmarks/services/{demo.pk}/"
    html = prepared_get(client, url).content.decode()
    assert "<td>Best private sector</td><td>Airlines: ACSI industry (2013)</td>" in html
    assert "Published for 2013, 11 years before this measure" in html
    spanish = client.get("/es" + url).content.decode()
    assert "Publicada para 2013, 11 años antes de esta medida" in spanish


def test_the_comparison_opens_on_the_newest_period_with_comparable_rows(client, demo):
    # A newer own measure with nothing comparable in the library: a fiscal-quarter share.
    services.own_measure_record(
        actor=None,
        service=demo,
        metric="percent_satisfied",
        scale="percent",
        wording="Were you satisfied with the call?",
        period="2025-Q3",
        year=2025,
        value=Decimal(81),
        sample_size=200,
        standard_error=None,
    )
    assert service_comparisons(service=demo, period="2025-Q3")[0].benchmarks() == []
    assert service_comparison_period(service=demo) == "2024"
    analyst = UserFactory(email="analyst@fba.example.gov")
    MembershipFactory(user=analyst, agency=demo.agency, role=Role.CX_ANALYST)
    client.force_login(analyst)
    url = f"/staff/agencies/fba/benchmarks/services/{demo.pk}/"
    html = prepared_get(client, url).content.decode()
    assert '<option value="2024" selected>' in html
    assert (
        '<option value="2025-Q3" selected>' in client.get(url + "?period=2025-Q3").content.decode()
    )
