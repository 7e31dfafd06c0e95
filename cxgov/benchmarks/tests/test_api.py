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
    listed = client.get("/api/v1/benchmarks/series").json()["items"]
    assert [s["id"] for s in listed] == [data["shared"].pk]
    assert (
        client.get(f"/api/v1/benchmarks/series/{data['shared'].pk}").json()["metric"]
        == "acsi_index"
    )
    observations = client.get(f"/api/v1/benchmarks/series/{data['shared'].pk}/observations").json()[
        "items"
    ]
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
    mine = client.get("/api/v1/benchmarks/series", **_bearer(analyst_a)).json()["items"]
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
    (row,) = answer.json()["items"]
    federal = next(b for b in row["benchmarks"] if b["role"] == "federal")
    assert federal["difference"] == pytest.approx(2.3)
    assert federal["verdict"] == "unknown"  # the published figure has no standard error
    assert client.get(url, **_bearer(handler_b)).status_code == 404
    assert client.get(url).status_code == 401


def _walk(client, url: str, headers: dict[str, str], limit: int, **filters: str) -> list[dict]:
    """Every item of a list, a page at a time, following `next_cursor`."""
    items: list[dict] = []
    cursor = None
    for _page in range(100):
        query = {**filters, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query, **headers)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next"] is None
            return items
        assert "cursor=" in body["next"]
    raise AssertionError("the pages never ended")


def test_series_and_observations_come_a_page_at_a_time(client, data, analyst_a):
    for year in range(2015, 2024):
        services.observation_record(
            actor=None,
            series=data["shared"],
            period=str(year),
            year=year,
            value=Decimal(60 + year - 2015),
        )
    url = f"/api/v1/benchmarks/series/{data['shared'].pk}/observations"
    observations = _walk(client, url, {}, limit=4)
    assert [o["year"] for o in observations] == list(range(2015, 2025))
    series = _walk(client, "/api/v1/benchmarks/series", _bearer(analyst_a), limit=1)
    assert [s["id"] for s in series] == sorted([data["shared"].pk, data["own"].pk])
    # Past the old cap of the selector, the page size is the cap.
    assert client.get("/api/v1/benchmarks/series", {"limit": 201}).status_code == 422


def test_comparisons_come_a_page_at_a_time_and_a_bad_cursor_is_400(client, data, analyst_a):
    services.own_measure_record(
        actor=analyst_a,
        service=data["service"],
        metric="satisfaction",
        scale="percent",
        wording="Satisfied overall",
        period="2024",
        year=2024,
        value=Decimal("81"),
        sample_size=300,
        standard_error=None,
    )
    headers = _bearer(analyst_a)
    url = f"/api/v1/benchmarks/services/{data['service'].pk}/comparisons"
    whole = client.get(url, {"period": "2024", "limit": 50}, **headers).json()["items"]
    assert len(whole) == 2
    assert _walk(client, url, headers, limit=1, period="2024") == whole
    bad = client.get(url, {"period": "2024", "cursor": "not-a-cursor"}, **headers)
    assert bad.status_code == 400
    assert list(bad.json()) == ["detail"]
