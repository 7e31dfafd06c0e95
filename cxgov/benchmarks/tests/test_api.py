"""API: the published library is public; own series and comparisons are for members only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cxgov.benchmarks import services
from cxgov.benchmarks.importers import ACSI_WORDING
from cxgov.core.services import token_create
from cxgov.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(agency_a, analyst_a):
    source, _ = services.source_ensure(
        actor=None, agency=None, key="acsi-published", kind="acsi", name="ACSI"
    )
    shared, _ = services.series_ensure(
        actor=None,
        source=source,
        key="fed",
        name="ACSI",
        entity="Federal",
        metric="acsi_index",
        scale="0-100",
        wording=ACSI_WORDING,
        sector="federal",
        is_aggregate=True,
    )
    services.observation_record(
        actor=None,
        series=shared,
        period="2024",
        year=2024,
        value=Decimal("69.7"),
        source_url="https://example.org/2024",
        derived=True,
    )
    service = ServiceFactory(agency=agency_a)
    observation = services.own_measure_record(
        actor=analyst_a,
        service=service,
        metric="acsi_index",
        scale="0-100",
        wording=ACSI_WORDING,
        period="2024",
        year=2024,
        value=Decimal("72"),
        sample_size=400,
        standard_error=Decimal(1),
    )
    return {"shared": shared, "own": observation.series, "service": service}


def test_public_lists_and_reads_the_published_library_only(client, data):
    listed = client.get("/api/v1/benchmarks/series").json()
    assert [s["id"] for s in listed] == [data["shared"].pk]
    assert (
        client.get(f"/api/v1/benchmarks/series/{data['shared'].pk}").json()["metric"]
        == "acsi_index"
    )
    observations = client.get(f"/api/v1/benchmarks/series/{data['shared'].pk}/observations").json()
    assert observations == [
        {
            "period": "2024",
            "year": 2024,
            "value": 69.7,
            "sample_size": None,
            "standard_error": None,
            "source_url": "https://example.org/2024",
            "derived": True,
            "note": "",
        }
    ]
    assert client.get(f"/api/v1/benchmarks/series/{data['own'].pk}").status_code == 404


def test_members_see_their_own_series_others_get_404(client, data, analyst_a, handler_b):
    mine = client.get("/api/v1/benchmarks/series", **_bearer(analyst_a)).json()
    assert {s["id"] for s in mine} == {data["shared"].pk, data["own"].pk}
    assert (
        client.get(f"/api/v1/benchmarks/series/{data['own'].pk}", **_bearer(analyst_a)).status_code
        == 200
    )
    theirs = client.get(
        f"/api/v1/benchmarks/series/{data['own'].pk}/observations", **_bearer(handler_b)
    )
    assert theirs.status_code == 404


def test_comparisons_for_members_with_gap_and_interval(client, data, analyst_a, handler_b):
    url = f"/api/v1/benchmarks/services/{data['service'].pk}/comparisons?period=2024"
    answer = client.get(url, **_bearer(analyst_a))
    assert answer.status_code == 200
    (row,) = answer.json()
    federal = next(b for b in row["benchmarks"] if b["role"] == "federal")
    assert federal["difference"] == pytest.approx(2.3)
    assert federal["verdict"] == "unknown"  # the published figure has no standard error
    assert client.get(url, **_bearer(handler_b)).status_code == 404
    assert client.get(url).status_code == 401
